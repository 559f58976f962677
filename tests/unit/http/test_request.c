/*
 * test_request.c - the HTTP request read from the event's token index
 * agrees, field by field, with the request slsrt 1.10 read from the
 * jansson tree (its code kept below as the oracle): on sample events of
 * every HTTP source, and on thousands of variants with members dropped,
 * retyped, repeated under one name (the index sees repeats jansson
 * resolves), and decoded or not.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "harness.h"
#include "json_variants.h"
#include "events/event_fields.h"
#include "http/http_internal.h"
#include "util/json_read.h"
#include "util/url.h"

struct oracle_json {
    const json_t *stage_vars, *authorizer;
};

/* ---- the oracle: slsrt 1.10's reader over the jansson tree ----------- */

static char *own_copy(slsrt_http_request *r, const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return slsrt__http_own(r, c);
}

static char *own_decoded(slsrt_http_request *r, const char *s, size_t n, int plus)
{
    char *c = malloc(n + 1);
    size_t len = c ? slsrt__url_decode(s, n, c, plus) : 0;
    if (c && (len == (size_t)-1 || memchr(c, '\0', len))) {
        /* A bad escape, or %00 that would cut the value short: keep the
         * text as sent, and a decoded NUL makes the router answer 400. */
        r->encoded_nul |= len != (size_t)-1;
        memcpy(c, s, n), c[n] = '\0';
    }
    return slsrt__http_own(r, c);
}

static char *lower(slsrt_http_request *r, const char *name)
{
    char *c = own_copy(r, name, strlen(name));
    for (char *p = c; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return c;
}

/* headers / multiValueHeaders, and the same for query strings (decoding them for ALB). */
static int read_map(slsrt_http_request *r, slsrt__pairs *into, const json_t *single, const json_t *multi,
                    int names_lower, int decode)
{
    const char *key;
    const json_t *v;
    size_t i;
    const json_t *x;
    if (json_is_object(multi) && json_object_size(multi)) {
        json_object_foreach((json_t *)multi, key, v) {
            const char *name = names_lower ? lower(r, key) : decode ? own_decoded(r, key, strlen(key), 1) : key;
            json_array_foreach(v, i, x) {
                if (!json_is_string(x))
                    continue;
                const char *value = decode ? own_decoded(r, json_string_value(x), json_string_length(x), 1)
                                           : json_string_value(x);
                if (slsrt__pairs_add(into, name, value))
                    return SLSRT_ENOMEM;
            }
        }
        return SLSRT_OK;
    }
    json_object_foreach((json_t *)single, key, v) {
        if (!json_is_string(v))
            continue;
        const char *name = names_lower ? lower(r, key) : decode ? own_decoded(r, key, strlen(key), 1) : key;
        const char *value = decode ? own_decoded(r, json_string_value(v), json_string_length(v), 1)
                                   : json_string_value(v);
        if (slsrt__pairs_add(into, name, value))
            return SLSRT_ENOMEM;
    }
    return SLSRT_OK;
}

/* a=1&b=2&a=3, decoded, in order. */
static int read_raw_query(slsrt_http_request *r, const char *q)
{
    for (const char *p = q; p && *p;) {
        size_t n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);
        size_t klen = eq ? (size_t)(eq - p) : n;
        if (n && slsrt__pairs_add(&r->query, own_decoded(r, p, klen, 1),
                                  eq ? own_decoded(r, eq + 1, n - klen - 1, 1) : own_copy(r, "", 0)))
            return SLSRT_ENOMEM;
        p += n + (p[n] == '&');
    }
    return SLSRT_OK;
}

/* "a=1; b=2" from Cookie headers, each kept as "a=1". */
static int read_cookie_header(slsrt_http_request *r)
{
    for (size_t i = 0; i < r->headers.n; i++) {
        if (strcmp(r->headers.items[i].name, "cookie") != 0)
            continue;
        for (const char *p = r->headers.items[i].value; *p;) {
            while (*p == ' ' || *p == ';')
                p++;
            size_t n = strcspn(p, ";");
            while (n && p[n - 1] == ' ')
                n--;
            if (n && slsrt__pairs_add(&r->cookies, own_copy(r, p, n), ""))
                return SLSRT_ENOMEM;
            p += n;
        }
    }
    return SLSRT_OK;
}

static int read_body(slsrt_http_request *r, const json_t *event)
{
    const json_t *body = json_object_get(event, "body");
    r->base64 = json_is_true(json_object_get(event, "isBase64Encoded"));
    if (!json_is_string(body)) {
        r->body = "";
        return SLSRT_OK;
    }
    if (!r->base64) {
        r->body = json_string_value(body);
        r->body_len = json_string_length(body);
        return SLSRT_OK;
    }
    size_t n = json_string_length(body), len;
    char *out = slsrt__http_own(r, malloc(n / 4 * 3 + 4));
    if (!out)
        return SLSRT_ENOMEM;
    if (slsrt_base64_decode(json_string_value(body), n, out, n / 4 * 3 + 3, &len) != SLSRT_OK) {
        r->bad_body = 1; /* keep the request: its caller deserves a 400, not a failed invocation */
        r->body = "";
        return SLSRT_OK;
    }
    out[len] = '\0';
    r->body = out;
    r->body_len = len;
    return SLSRT_OK;
}

static int oracle_parse(slsrt_http_request *r, struct oracle_json *o, const json_t *e)
{
    const json_t *ctx = slsrt__obj(e, "requestContext"), *http = slsrt__obj(ctx, "http");
    int v2 = r->source == SLSRT_SOURCE_APIGW_V2 || r->source == SLSRT_SOURCE_FUNCTION_URL;
    int alb = r->source == SLSRT_SOURCE_ALB;
    int rc;

    r->method = v2 ? slsrt__str(http, "method") : slsrt__str(e, "httpMethod");
    if (v2) {
        const char *raw = slsrt__str(e, "rawPath");
        r->raw_path = raw ? raw : "/";
        r->path = own_decoded(r, r->raw_path, strlen(r->raw_path), 0);
        if ((rc = read_raw_query(r, slsrt__str(e, "rawQueryString"))))
            return rc;
        if ((rc = read_map(r, &r->headers, json_object_get(e, "headers"), NULL, 1, 0)))
            return rc;
        size_t i;
        const json_t *c;
        json_array_foreach(json_object_get(e, "cookies"), i, c) {
            if (json_is_string(c) && slsrt__pairs_add(&r->cookies, json_string_value(c), ""))
                return SLSRT_ENOMEM;
        }
        r->source_ip = slsrt__str(http, "sourceIp");
    } else {
        const char *path = slsrt__str(e, "path");
        r->raw_path = path ? path : "/";
        /* ALB sends the path as requested; API Gateway REST has decoded it already. */
        r->path = alb ? own_decoded(r, r->raw_path, strlen(r->raw_path), 0) : r->raw_path;
        if ((rc = read_map(r, &r->query, json_object_get(e, "queryStringParameters"),
                           json_object_get(e, "multiValueQueryStringParameters"), 0, alb)))
            return rc;
        if ((rc = read_map(r, &r->headers, json_object_get(e, "headers"), json_object_get(e, "multiValueHeaders"), 1,
                           0)))
            return rc;
        if ((rc = read_cookie_header(r)))
            return rc;
        r->source_ip = slsrt__str2(ctx, "identity", "sourceIp");
        r->alb_multi = alb && json_object_size(json_object_get(e, "multiValueHeaders")) > 0;
    }
    if (!r->method)
        r->method = "";
    if (!r->path)
        return SLSRT_ENOMEM;
    if (!r->source_ip && alb) { /* the first of X-Forwarded-For */
        const char *xff = slsrt__pairs_get(&r->headers, "x-forwarded-for", 0);
        r->source_ip = xff ? own_copy(r, xff, strcspn(xff, ", ")) : NULL;
    }
    r->user_agent = slsrt__pairs_get(&r->headers, "user-agent", 0);
    if (!r->user_agent)
        r->user_agent = v2 ? slsrt__str(http, "userAgent") : slsrt__str2(ctx, "identity", "userAgent");
    r->request_id = slsrt__str(ctx, "requestId");
    o->authorizer = slsrt__obj(ctx, "authorizer");
    r->connection_id = slsrt__str(ctx, "connectionId");
    r->route_key = slsrt__str(ctx, "routeKey");
    r->ws_event = slsrt__str(ctx, "eventType");
    if ((rc = read_map(r, &r->params, json_object_get(e, "pathParameters"), NULL, 0, 0)))
        return rc;
    o->stage_vars = slsrt__obj(e, "stageVariables");
    return read_body(r, e);
}


/* ---- the comparison ------------------------------------------------- */

static void same_str(const char *a, const char *b, const char *field, const char *what)
{
    ck_assert_msg(!a == !b && (!a || strcmp(a, b) == 0), "%s: %s: oracle %s, index %s", what, field, a ? a : "(null)",
                  b ? b : "(null)");
}

static void same_pairs(const slsrt__pairs *a, const slsrt__pairs *b, const char *field, const char *what)
{
    ck_assert_msg(a->n == b->n, "%s: %s: oracle %zu, index %zu", what, field, a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        same_str(a->items[i].name, b->items[i].name, field, what);
        same_str(a->items[i].value, b->items[i].value, field, what);
    }
}

static size_t compared;

/* The text as a function receives it: both readers, every field. */
static void agree(const char *text, size_t len, const char *what)
{
    json_t *tree = slsrt__json_read(text, len, JSON_DECODE_ANY, NULL);
    slsrt_event_source source = slsrt_event_detect(tree);
    int http = source >= SLSRT_SOURCE_APIGW_V1 && source <= SLSRT_SOURCE_WEBSOCKET;
    slsrt_status st;
    slsrt_http_request *got = slsrt__http_request_from_text(text, len, &st);
    if (!tree) {
        ck_assert_msg(!got && st == SLSRT_EJSON, "%s: not JSON, yet read", what);
        return;
    }
    ck_assert_msg(!got == !http, "%s: detected %s, index %s", what, slsrt_event_source_name(source),
                  got ? "took it" : "did not");
    if (!got) {
        ck_assert_int_eq(st, SLSRT_EINVAL);
        json_decref(tree);
        return;
    }
    slsrt_http_request *want = calloc(1, sizeof *want);
    struct oracle_json o = {0};
    want->source = source;
    ck_assert_int_eq(oracle_parse(want, &o, tree), SLSRT_OK);
    ck_assert_int_eq(got->source, want->source);
    same_str(want->method, got->method, "method", what);
    same_str(want->path, got->path, "path", what);
    same_str(want->raw_path, got->raw_path, "raw path", what);
    same_str(want->source_ip, got->source_ip, "source ip", what);
    same_str(want->user_agent, got->user_agent, "user agent", what);
    same_str(want->request_id, got->request_id, "request id", what);
    same_str(want->connection_id, got->connection_id, "connection id", what);
    same_str(want->route_key, got->route_key, "route key", what);
    same_str(want->ws_event, got->ws_event, "websocket event", what);
    same_pairs(&want->query, &got->query, "query", what);
    same_pairs(&want->headers, &got->headers, "headers", what);
    same_pairs(&want->cookies, &got->cookies, "cookies", what);
    same_pairs(&want->params, &got->params, "path parameters", what);
    ck_assert_msg(want->body_len == got->body_len && memcmp(want->body, got->body, want->body_len) == 0, "%s: body",
                  what);
    ck_assert_int_eq(want->base64, got->base64);
    ck_assert_int_eq(want->bad_body, got->bad_body);
    ck_assert_int_eq(want->encoded_nul, got->encoded_nul);
    ck_assert_int_eq(want->alb_multi, got->alb_multi);
    ck_assert_msg(json_equal(o.authorizer, slsrt_http_authorizer(got)) || (!o.authorizer && !slsrt_http_authorizer(got)),
                  "%s: authorizer", what);
    const char *name;
    json_t *value;
    json_object_foreach((json_t *)o.stage_vars, name, value)
        same_str(json_string_value(value), slsrt_http_stage_variable(got, name), "stage variable", what);
    ck_assert_ptr_null(slsrt_http_stage_variable(got, "no-such-variable"));
    slsrt_http_request_free(want);
    slsrt_http_request_free(got);
    json_decref(tree);
    compared++;
}

/* ---- variants (json_variants.h) ---------------------------------- */

static void agree_with_variants(const char *data, size_t len, const char *what, int variants)
{
    agree(data, len, what);
    json_t *tree = slsrt__json_read(data, len, JSON_DECODE_ANY, NULL);
    for (int i = 0; tree && i < variants; i++) {
        text t = {0};
        put_variant(&t, tree);
        agree(t.data, t.len, what);
        free(t.data);
    }
    json_decref(tree);
}

static void agree_file(const char *text, size_t len, const char *path, void *variants)
{
    agree_with_variants(text, len, path, *(int *)variants);
}

static size_t check_dir(const char *dir, int variants) { return text_each_json(dir, agree_file, &variants); }

/* ---- the cases ------------------------------------------------------ */

/* One of each source, written here, with what the readers must agree on:
 * repeats, decoding, multi-value maps, cookies, base64, authorizers. */
static const char *const own_events[] = {
    "{\"version\":\"2.0\",\"routeKey\":\"GET /items/{id}\",\"rawPath\":\"/items/a%2Fb%20c\","
    "\"rawQueryString\":\"a=1&b=x+y&a=%41&c&d=\",\"cookies\":[\"s=1\",\"t=2\",3],"
    "\"headers\":{\"Host\":\"h\",\"User-Agent\":\"ua\",\"X-Dup\":\"one\",\"x-n\":1},"
    "\"requestContext\":{\"http\":{\"method\":\"GET\",\"path\":\"/items/a/b c\",\"sourceIp\":\"1.2.3.4\",\"userAgent\":\"ctx-ua\"},"
    "\"requestId\":\"r-1\",\"domainName\":\"abc.execute-api.us-east-1.amazonaws.com\","
    "\"authorizer\":{\"jwt\":{\"claims\":{\"sub\":\"u1\",\"scope\":\"a b\"},\"scopes\":[\"a\"]}}},"
    "\"pathParameters\":{\"id\":\"a/b c\"},\"stageVariables\":{\"stage\":\"prod\",\"n\":2},"
    "\"body\":\"eyJ4IjoxfQ==\",\"isBase64Encoded\":true}",
    "{\"version\":\"2.0\",\"rawPath\":\"/\",\"rawQueryString\":\"\",\"headers\":{\"content-type\":\"text/plain\"},"
    "\"requestContext\":{\"http\":{\"method\":\"POST\",\"sourceIp\":\"::1\"},\"domainName\":\"x.lambda-url.eu-west-1.on.aws\","
    "\"authorizer\":{\"iam\":{\"accessKey\":\"AKIA\"}}},\"body\":\"line\\n\\\"quoted\\\" \\u00e9\\ud83d\\ude00\",\"isBase64Encoded\":false}",
    "{\"resource\":\"/{proxy+}\",\"path\":\"/a b/c\",\"httpMethod\":\"PUT\","
    "\"headers\":{\"Cookie\":\"a=1; b=2 ;c=3\",\"X-Forwarded-For\":\"9.9.9.9, 10.0.0.1\"},"
    "\"multiValueHeaders\":{\"Cookie\":[\"a=1; b=2 ;c=3\"],\"Accept\":[\"a\",\"b\",7],\"X-Forwarded-For\":[\"9.9.9.9, 10.0.0.1\"]},"
    "\"queryStringParameters\":{\"q\":\"last\"},\"multiValueQueryStringParameters\":{\"q\":[\"first\",\"last\"],\"e\":[]},"
    "\"pathParameters\":{\"proxy\":\"a b/c\"},\"stageVariables\":null,"
    "\"requestContext\":{\"requestId\":\"r-2\",\"identity\":{\"sourceIp\":\"5.6.7.8\",\"userAgent\":\"id-ua\"},"
    "\"authorizer\":{\"claims\":{\"sub\":\"u2\"},\"principalId\":\"p\"}},\"body\":null,\"isBase64Encoded\":false}",
    "{\"requestContext\":{\"elb\":{\"targetGroupArn\":\"arn:aws:elasticloadbalancing:...\"}},\"httpMethod\":\"GET\","
    "\"path\":\"/p%20q%00\",\"queryStringParameters\":{\"k%20x\":\"v+w%21\",\"bad\":\"%zz\"},"
    "\"headers\":{\"x-forwarded-for\":\"7.7.7.7, 8.8.8.8\",\"user-agent\":\"alb-ua\"},\"body\":\"%%%\",\"isBase64Encoded\":true}",
    "{\"requestContext\":{\"elb\":{}},\"httpMethod\":\"POST\",\"path\":\"/m\","
    "\"multiValueQueryStringParameters\":{\"a+b\":[\"1%2B\",\"2\"]},\"multiValueHeaders\":{\"x-forwarded-for\":[\"4.4.4.4\"],\"h\":[\"1\",\"2\"]},"
    "\"body\":\"\",\"isBase64Encoded\":false}",
    "{\"requestContext\":{\"routeKey\":\"$connect\",\"eventType\":\"CONNECT\",\"connectionId\":\"c-1\",\"requestId\":\"r-3\","
    "\"identity\":{\"sourceIp\":\"3.3.3.3\"}},\"headers\":{\"Sec-WebSocket-Key\":\"k\"},\"isBase64Encoded\":false}",
    /* shapes that are not requests */
    "{\"type\":\"REQUEST\",\"methodArn\":\"arn\",\"requestContext\":{},\"httpMethod\":\"GET\"}",
    "{\"Records\":[{\"eventSource\":\"aws:sqs\"}],\"requestContext\":{},\"httpMethod\":\"GET\"}",
    "{\"detail-type\":\"x\",\"source\":\"s\",\"detail\":null,\"requestContext\":{},\"httpMethod\":\"GET\"}",
    "{\"awslogs\":{\"data\":\"H4sI\"},\"requestContext\":{},\"httpMethod\":\"GET\"}",
    "[1,2]", "\"text\"", "{}", "{\"requestContext\":[],\"httpMethod\":\"GET\"}",
};

START_TEST(own_events_and_their_variants)
{
    for (size_t i = 0; i < sizeof own_events / sizeof own_events[0]; i++)
        agree_with_variants(own_events[i], strlen(own_events[i]), own_events[i], 2000);
    printf("own_events_and_their_variants: %zu requests compared with the oracle\n", compared);
    ck_assert_uint_gt(compared, 6000); /* most variants of the six requests are still requests */
}
END_TEST

/* A name repeated: jansson keeps the place of the first and the value of
 * the last; so does the index, in every map the request reads. */
START_TEST(repeated_names)
{
    const char *e = "{\"version\":\"2.0\",\"rawPath\":\"/first\",\"rawPath\":\"/last\","
                    "\"headers\":{\"a\":\"1\",\"b\":\"2\",\"a\":\"3\",\"c\":\"4\",\"b\":5},"
                    "\"requestContext\":{\"http\":{\"method\":\"GET\"},\"http\":{\"method\":\"PATCH\"}}}";
    agree(e, strlen(e), "repeats");
    slsrt_status st;
    slsrt_http_request *r = slsrt__http_request_from_text(e, strlen(e), &st);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(slsrt_http_raw_path(r), "/last");
    ck_assert_str_eq(slsrt_http_method(r), "PATCH");
    ck_assert_uint_eq(slsrt_http_header_count(r), 2); /* b's last value is not a string */
    ck_assert_str_eq(slsrt_http_header_name(r, 0), "a");
    ck_assert_str_eq(slsrt_http_header_value(r, 0), "3");
    ck_assert_str_eq(slsrt_http_header_name(r, 1), "c");
    slsrt_http_request_free(r);
}
END_TEST

START_TEST(sample_events)
{
    size_t n = 0;
    DIR *d = opendir("examples");
    for (struct dirent *e; d && (e = readdir(d));) {
        char dir[600];
        snprintf(dir, sizeof dir, "examples/%s/events", e->d_name);
        n += check_dir(dir, 50);
    }
    if (d)
        closedir(d);
    n += check_dir("tests/events", 20);
    ck_assert_uint_gt(n, 20);
    int variants = 50;
    each_fixture_event("sample_events", agree_file, &variants);
}
END_TEST

/* From a tree (slsrt_http_request_parse): the same request, strings that
 * outlive nothing but the request, and the tree given back as the event. */
START_TEST(from_a_tree)
{
    json_t *event = json_loads(own_events[0], 0, NULL);
    slsrt_status st;
    slsrt_http_request *r = slsrt_http_request_parse(event, &st);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_eq(slsrt_http_event(r), event);
    ck_assert_str_eq(slsrt_http_path(r), "/items/a/b c");
    ck_assert_str_eq(slsrt_http_query(r, "b"), "x y");
    ck_assert_str_eq(json_string_value(json_object_get(slsrt_http_jwt_claims(r), "sub")), "u1");
    ck_assert_str_eq(slsrt_http_stage_variable(r, "stage"), "prod");
    ck_assert_ptr_null(slsrt_http_stage_variable(r, "n"));
    size_t len;
    ck_assert_str_eq(slsrt_http_body(r, &len), "{\"x\":1}");
    slsrt_http_request_free(r);
    json_decref(event);
    json_t *array = json_array();
    ck_assert_ptr_null(slsrt_http_request_parse(array, &st));
    ck_assert_int_eq(st, SLSRT_EINVAL);
    json_decref(array);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("http_request");
    TCase *tc = tcase_create("http_request");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, own_events_and_their_variants);
    tcase_add_test(tc, repeated_names);
    tcase_add_test(tc, sample_events);
    tcase_add_test(tc, from_a_tree);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
