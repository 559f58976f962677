/*
 * test_http.c - HTTP functions through slsrt-local: http-echo's view of every
 * API Gateway, ALB, Function URL and WebSocket sample and of this repo's
 * edge cases, the router's rules, and each source's response shape.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include <slsrt/events.h>
#include <slsrt/http.h>

#define ECHO build_path("examples/http-echo/bootstrap")
#define ROUTES build_path("tests/functions/routes/bootstrap")

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* Run bootstrap on one event file; the response and its body parsed. */
static json_t *invoke(const char *bootstrap, const char *event, json_t **view)
{
    struct run r;
    const char *args[] = {"invoke", "--quiet", "--event", event, "--", bootstrap, NULL};
    run_local(args, 20, &r);
    ck_assert_msg(r.status == 0 || r.status == 1, "%s: %s", event, r.err); /* 1: the function failed it */
    json_t *resp = json_line(r.out, 0);
    ck_assert_msg(resp != NULL, "%s: %s", event, r.out);
    if (view) {
        const char *body = str(resp, "body");
        *view = body ? json_loads(body, 0, NULL) : NULL;
    }
    run_free(&r);
    return resp;
}

static json_t *v2_event(const char *method, const char *raw_path)
{
    return json_pack("{s:s, s:s, s:s, s:{}, s:{s:{s:s, s:s}, s:s, s:s}}", "version", "2.0", "rawPath", raw_path,
                     "rawQueryString", "", "headers", "requestContext", "http", "method", method, "sourceIp", "1.2.3.4",
                     "domainName", "x.execute-api.amazonaws.com", "requestId", "r");
}

static const char *event_file(json_t *event)
{
    char *text = json_dumps(event, JSON_COMPACT);
    const char *path = temp_file(text);
    free(text);
    json_decref(event);
    return path;
}

START_TEST(every_http_sample_is_echoed)
{
    const char *fx = fixtures_dir();
    if (!fx) {
        printf("every_http_sample_is_echoed: skipped (no ../shared/fixtures)\n");
        return;
    }
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/events", fx);
    DIR *d = opendir(dir);
    int seen[SLSRT_SOURCE_CLOUDFORMATION + 1] = {0}, total = 0;
    for (struct dirent *e; (e = readdir(d));) {
        char path[2400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        json_t *event = json_load_file(path, 0, NULL);
        slsrt_event_source src = slsrt_event_detect(event);
        if (src < SLSRT_SOURCE_APIGW_V1 || src > SLSRT_SOURCE_WEBSOCKET) {
            json_decref(event);
            continue;
        }
        json_t *view, *resp = invoke(ECHO, path, &view);
        ck_assert_msg(json_integer_value(json_object_get(resp, "statusCode")) == 200, "%s: status %lld", e->d_name,
                      (long long)json_integer_value(json_object_get(resp, "statusCode")));
        ck_assert_msg(view && strcmp(str(view, "source"), slsrt_event_source_name(src)) == 0, "%s: source", e->d_name);
        const char *method = src == SLSRT_SOURCE_APIGW_V2 || src == SLSRT_SOURCE_FUNCTION_URL
                                 ? json_string_value(json_object_get(json_object_get(json_object_get(event, "requestContext"), "http"), "method"))
                                 : str(event, "httpMethod");
        ck_assert_str_eq(str(view, "method"), method ? method : "");
        seen[src]++;
        total++;
        json_decref(resp), json_decref(view), json_decref(event);
    }
    closedir(d);
    ck_assert_int_gt(total, 15);
    ck_assert(seen[SLSRT_SOURCE_APIGW_V1] && seen[SLSRT_SOURCE_APIGW_V2] && seen[SLSRT_SOURCE_ALB] &&
              seen[SLSRT_SOURCE_WEBSOCKET]);
}
END_TEST

START_TEST(sample_fields)
{
    const char *fx = fixtures_dir();
    if (!fx) {
        printf("sample_fields: skipped (no ../shared/fixtures)\n");
        return;
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/events/example-alb-lambda-target-request-multivalue-headers.json", fx);
    json_t *view, *resp = invoke(ECHO, path, &view);
    ck_assert_str_eq(str(view, "sourceIp"), "72.21.198.67");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(view, "query"), "key"), 0)), "hello");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(view, "headers"), "x-myheader"), 0)), "123");
    ck_assert_str_eq(str(view, "body"), "Some text");
    ck_assert_str_eq(str(resp, "statusDescription"), "200 OK");
    ck_assert_ptr_nonnull(json_object_get(resp, "multiValueHeaders")); /* as the request used them */
    json_decref(resp), json_decref(view);

    snprintf(path, sizeof path, "%s/events/example-apigw-request.json", fx);
    resp = invoke(ECHO, path, &view);
    ck_assert_str_eq(str(view, "path"), "/hello/world");
    ck_assert_str_eq(str(view, "sourceIp"), "192.168.196.186");
    ck_assert_ptr_nonnull(json_object_get(json_object_get(view, "headers"), "user-agent"));
    ck_assert_ptr_nonnull(json_object_get(resp, "multiValueHeaders"));
    json_decref(resp), json_decref(view);
}
END_TEST

START_TEST(own_events)
{
    json_t *view, *resp = invoke(ECHO, "examples/http-echo/events/apigw-v2-get.json", &view);
    json_t *want = json_loads("{\"source\":\"apigw-v2\",\"method\":\"GET\",\"path\":\"/users/ada lovelace\","
                              "\"rawPath\":\"/users/ada%20lovelace\",\"query\":{\"tag\":[\"a\",\"b\"],\"q\":[\"x+y z\"]},"
                              "\"pathParameters\":{\"id\":\"ada lovelace\"},\"headers\":{\"accept\":[\"application/json\"],"
                              "\"user-agent\":[\"curl/8.0\"],\"x-multi\":[\"1,2\"]},\"cookies\":[\"session=abc\",\"theme=dark\"],"
                              "\"body\":\"\",\"isBase64Encoded\":false,\"sourceIp\":\"203.0.113.7\"}", 0, NULL);
    ck_assert_msg(json_equal(view, want), "the view of apigw-v2-get.json differs");
    json_decref(want), json_decref(view), json_decref(resp);

    resp = invoke(ECHO, "examples/http-echo/events/alb-post-binary.json", &view);
    ck_assert_str_eq(str(view, "path"), "/upload/a/b");       /* ALB sends it encoded */
    ck_assert_str_eq(str(view, "rawPath"), "/upload/a%2Fb");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(view, "query"), "name"), 0)), "hello world");
    ck_assert_str_eq(str(view, "body"), "AAEC/w==");
    ck_assert(json_is_true(json_object_get(view, "isBase64Encoded")));
    ck_assert_str_eq(str(view, "sourceIp"), "198.51.100.9");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(view, "cookies"), 1)), "b=2");
    json_decref(view), json_decref(resp);

    resp = invoke(ECHO, "examples/http-echo/events/apigw-v1-boom.json", &view);
    ck_assert_int_eq(json_integer_value(json_object_get(resp, "statusCode")), 500); /* not a bare 502 */
    ck_assert_str_eq(str(view, "title"), "Internal Server Error");
    json_decref(view), json_decref(resp);
}
END_TEST

START_TEST(function_urls_and_authorizers)
{
    json_t *view, *resp = invoke(ECHO, "examples/http-echo/events/function-url-post.json", &view);
    ck_assert_str_eq(str(view, "source"), "function-url");
    ck_assert_str_eq(str(view, "body"), "a,b\n1,2");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(view, "query"), "format"), 0)), "csv");
    ck_assert_ptr_nonnull(json_object_get(resp, "cookies")); /* the 2.0 shape */
    json_decref(view), json_decref(resp);

    const char *fx = fixtures_dir();
    if (!fx) {
        printf("function_urls_and_authorizers: authorizer samples skipped (no ../shared/fixtures)\n");
        return;
    }
    static const struct {
        const char *file, *path;
    } cases[] = {
        {"example-apigw-v2-request-jwt-authorizer.json", "jwt"},
        {"example-apigw-v2-request-lambda-authorizer.json", "lambda"},
        {"example-apigw-v2-request-iam.json", "iam"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/events/%s", fx, cases[i].file);
        json_t *event = json_load_file(path, 0, NULL);
        slsrt_status st;
        slsrt_http_request *req = slsrt_http_request_parse(event, &st);
        ck_assert_msg(req != NULL, "%s", cases[i].file);
        const json_t *auth = slsrt_http_authorizer(req);
        ck_assert_msg(json_object_get(auth, cases[i].path) != NULL, "%s: no %s", cases[i].file, cases[i].path);
        if (i == 0)
            ck_assert_ptr_nonnull(slsrt_http_jwt_claims(req));
        slsrt_http_request_free(req);
        json_decref(event);
    }
}
END_TEST

START_TEST(edge_cases)
{
    /* repeated keys, unicode and encoded slashes in paths, empty and missing fields */
    json_t *e = v2_event("GET", "/caf%C3%A9/a%2Fb");
    json_object_set_new(e, "rawQueryString", json_string("k=1&k=2&empty=&flag&sp=a+b%20c"));
    json_t *view, *resp = invoke(ECHO, event_file(e), &view);
    ck_assert_str_eq(str(view, "path"), "/caf\xc3\xa9/a/b");
    json_t *q = json_object_get(view, "query");
    ck_assert_int_eq(json_array_size(json_object_get(q, "k")), 2);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(q, "empty"), 0)), "");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(q, "flag"), 0)), "");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(q, "sp"), 0)), "a b c");
    ck_assert_str_eq(str(view, "body"), "");
    json_decref(view), json_decref(resp);

    /* a base64 body that is not base64 ("====" is not an empty one): 400, and the function goes on */
    static const char *const not_base64[] = {"***", "===="};
    for (size_t i = 0; i < 2; i++) {
        e = v2_event("POST", "/x");
        json_object_set_new(e, "body", json_string(not_base64[i]));
        json_object_set_new(e, "isBase64Encoded", json_true());
        resp = invoke(ROUTES, event_file(e), &view);
        ck_assert_int_eq(json_integer_value(json_object_get(resp, "statusCode")), 400);
        json_decref(view), json_decref(resp);
    }

    /* %00 decodes to a NUL that would cut the path or a value short: 400,
     * never a route for the shorter path (here /boom, which fails with 500) */
    static const char *const nul_events[] = {
        "{\"requestContext\":{\"elb\":{\"targetGroupArn\":\"arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/t/1\"}},"
        "\"httpMethod\":\"GET\",\"path\":\"/boom%00.css\",\"headers\":{},\"body\":\"\",\"isBase64Encoded\":false}",
        "{\"requestContext\":{\"elb\":{\"targetGroupArn\":\"arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/t/1\"}},"
        "\"httpMethod\":\"GET\",\"path\":\"/users/7\",\"queryStringParameters\":{\"q\":\"a%00b\"},\"headers\":{},"
        "\"body\":\"\",\"isBase64Encoded\":false}",
    };
    for (size_t i = 0; i < 2; i++) {
        resp = invoke(ECHO, temp_file(nul_events[i]), &view);
        ck_assert_int_eq(json_integer_value(json_object_get(resp, "statusCode")), 400);
        ck_assert_ptr_nonnull(strstr(str(view, "detail"), "%00"));
        json_decref(view), json_decref(resp);
    }
    e = v2_event("GET", "/users/a%00b");
    resp = invoke(ECHO, event_file(e), &view);
    ck_assert_int_eq(json_integer_value(json_object_get(resp, "statusCode")), 400);
    json_decref(view), json_decref(resp);

    /* not HTTP, and not JSON: function errors */
    resp = invoke(ECHO, "tests/events/sqs-batch.json", NULL);
    ck_assert_str_eq(str(resp, "errorType"), "Function.NotHttpEvent");
    json_decref(resp);
    resp = invoke(ECHO, temp_file("{not json"), NULL);
    ck_assert_str_eq(str(resp, "errorType"), "Runtime.InvalidEventJSON");
    json_decref(resp);
}
END_TEST

START_TEST(router_rules_and_shapes)
{
    json_t *view, *resp = invoke(ROUTES, event_file(v2_event("GET", "/posts/latest")), &view);
    ck_assert_str_eq(str(view, "route"), "latest"); /* literal before parameter */
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(resp, "headers"), "X-Multi")), "1,2");
    ck_assert_int_eq(json_array_size(json_object_get(resp, "cookies")), 2);
    json_decref(view), json_decref(resp);

    resp = invoke(ROUTES, event_file(v2_event("GET", "/files/a/b/c")), &view);
    ck_assert_str_eq(str(json_object_get(view, "params"), "path"), "a/b/c");
    json_decref(view), json_decref(resp);

    resp = invoke(ROUTES, event_file(v2_event("PUT", "/posts/7")), &view);
    ck_assert_int_eq(json_integer_value(json_object_get(resp, "statusCode")), 405);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(resp, "headers"), "Allow")), "GET, DELETE");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(resp, "headers"), "Content-Type")), "application/problem+json");
    json_decref(view), json_decref(resp);

    resp = invoke(ROUTES, event_file(v2_event("GET", "/nowhere")), &view);
    ck_assert_int_eq(json_integer_value(json_object_get(resp, "statusCode")), 404);
    json_decref(view), json_decref(resp);

    resp = invoke(ROUTES, event_file(v2_event("GET", "/admin/ada")), &view);
    ck_assert_int_eq(json_integer_value(json_object_get(resp, "statusCode")), 401); /* the before hook */
    json_decref(view), json_decref(resp);

    resp = invoke(ROUTES, event_file(v2_event("GET", "/binary")), NULL);
    ck_assert(json_is_true(json_object_get(resp, "isBase64Encoded")));
    ck_assert_str_eq(str(resp, "body"), "AAEC/w==");
    json_decref(resp);

    resp = invoke(ROUTES, event_file(v2_event("GET", "/injection")), &view);
    ck_assert_int_eq(json_integer_value(json_object_get(view, "value")), -1); /* refused, never emitted */
    ck_assert_int_eq(json_integer_value(json_object_get(view, "name")), -1);
    ck_assert_int_eq(json_integer_value(json_object_get(view, "cookie")), -1);
    char *text = json_dumps(resp, 0);
    ck_assert_ptr_null(strstr(text, "stolen"));
    free(text);
    json_decref(view), json_decref(resp);

    /* payload 1.0: multiValueHeaders with each Set-Cookie */
    json_t *v1 = json_pack("{s:s, s:s, s:{}, s:{s:s, s:{s:s}}}", "httpMethod", "GET", "path", "/posts", "headers",
                           "requestContext", "requestId", "r", "identity", "sourceIp", "1.2.3.4");
    resp = invoke(ROUTES, event_file(v1), &view);
    json_t *mvh = json_object_get(resp, "multiValueHeaders");
    ck_assert_int_eq(json_array_size(json_object_get(mvh, "Set-Cookie")), 2);
    ck_assert_int_eq(json_array_size(json_object_get(mvh, "X-Multi")), 2);
    json_decref(view), json_decref(resp);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("http");
    TCase *tc = tcase_create("http");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_http_sample_is_echoed);
    tcase_add_test(tc, sample_fields);
    tcase_add_test(tc, own_events);
    tcase_add_test(tc, function_urls_and_authorizers);
    tcase_add_test(tc, edge_cases);
    tcase_add_test(tc, router_rules_and_shapes);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
