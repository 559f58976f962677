/*
 * test_aws_wire.c - what slsrt sends to AWS is what it signed, proven from
 * the bytes that arrive: thousands of generated requests through
 * slsrt_aws_send, slsrt_aws_presign and slsrt_aws_sign_headers go to a
 * recording server (tests/node/recorder.js) that verifies each signature
 * from the request it received, with @smithy/signature-v4.
 *
 * The generator covers what broke 1.6.0: S3 keys with every reserved
 * character, raw and percent-encoded UTF-8 in either case, stray '%', dot
 * and empty segments, empty and repeated headers, GET bodies, the S3-family
 * services, session tokens, an endpoint with a path prefix, whole URLs.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include <slsrt/aws.h>

#define ACCESS_KEY "AKIDWIRETESTKEY00001"
#define SECRET_KEY "wire/Secret+Key0123456789abcdefghijklmnopq"
#define TOKEN_ACCESS_KEY "ASIAWIRETESTKEY00002"
#define TOKEN_SECRET_KEY "wire/Other+Secret0123456789abcdefghijklm"
#define SESSION_TOKEN "IQoJb3JpZ2luX2VjEJr//wire+session/token=="

/* Requests per generated test; the suite sends more than 2,000 in all. */
#define GENERATED 4000
#define PRESIGNED 1000
#define SIGNED_ONLY 500

static int port;
static pid_t recorder;
static slsrt_aws *plain, *with_token;

static void start_recorder(void)
{
    json_t *c = json_pack("{s:{s:s}, s:{s:s, s:s}}", ACCESS_KEY, "secret", SECRET_KEY, TOKEN_ACCESS_KEY, "secret",
                          TOKEN_SECRET_KEY, "token", SESSION_TOKEN);
    char *text = json_dumps(c, 0);
    const char *path = temp_file(text);
    free(text);
    json_decref(c);
    if (!(port = start_node("tests/node/recorder.js", path, &recorder)))
        exit(1);
    setenv("AWS_REGION", "eu-west-1", 1);
    unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    setenv("AWS_MAX_ATTEMPTS", "1", 1);
    setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY, 1);
    setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY, 1);
    unsetenv("AWS_SESSION_TOKEN");
    plain = slsrt_aws_new();
    char *warm = slsrt_aws_presign(plain, "GET", "s3", "http://x/b/k", 60, NULL); /* loads these credentials */
    free(warm);
    setenv("AWS_ACCESS_KEY_ID", TOKEN_ACCESS_KEY, 1);
    setenv("AWS_SECRET_ACCESS_KEY", TOKEN_SECRET_KEY, 1);
    setenv("AWS_SESSION_TOKEN", SESSION_TOKEN, 1);
    with_token = slsrt_aws_new();
    warm = slsrt_aws_presign(with_token, "GET", "s3", "http://x/b/k", 60, NULL);
    free(warm);
}

static void stop_recorder(void)
{
    slsrt_aws_free(plain);
    slsrt_aws_free(with_token);
    kill(recorder, SIGTERM);
    waitpid(recorder, NULL, 0);
}

/* ---- generated requests ------------------------------------------------- */

static unsigned long long seed = 20261130;

static unsigned rnd(unsigned n)
{
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    return (unsigned)(seed % n);
}

static const char *pick(const char *const *list, size_t n) { return list[rnd((unsigned)n)]; }
#define PICK(list) pick(list, sizeof list / sizeof *list)

/* Pieces of path segments and query text: what S3 keys and APIs hold. */
static const char *const pieces[] = {
    "a", "Z", "0", "report", "-", ".", "_", "~", "=", "@", "!", "*", "(", ")", "+", ";", ",", "$", "&", ":", "'",
    "%20", "%2B", "%2F", "%c3%a9", "%C3%A9", "\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80", "%zz", "%",
    "%4", "year=2024", "a b", "[", "]", "{", "}", "|", "^", "`", "\"", "<", ">", "\\",
};
/* What may go in a query (no '&', '=' or '#', which structure it; no space). */
static const char *const query_pieces[] = {
    "a", "Z", "9", "key", "-", ".", "_", "~", "@", "!", "*", "(", ")", "+", ";", ",", "$", ":", "/", "%20", "%26",
    "%3D", "%2b", "%c3%a9", "\xc3\xa9", "\xe6\x97\xa5", "?",
};
static const char *const services[] = {"s3", "s3", "s3-object-lambda", "s3express", "s3-outposts", "dynamodb",
                                       "es", "execute-api", "lambda", "sqs", "ses"};
static const char *const methods[] = {"GET", "GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"};
static const char *const header_names[] = {"x-amz-meta-note", "X-Amz-Meta-Note", "x-custom", "Content-Type",
                                           "x-amz-meta-empty", "X-Amz-Tagging", "If-None-Match"};
static const char *const header_values[] = {"", " ", "value", "  spaced    out  ", "a,b", "text/plain",
                                            "\tTabbed\tvalue\t", "*", "k=v&k2=v2"};

static void add_text(char *out, size_t size, const char *const *from, size_t n, unsigned max, int no_space)
{
    for (unsigned i = rnd(max + 1); i; i--) {
        const char *p = pick(from, n);
        if (no_space && strchr(p, ' '))
            continue;
        strncat(out, p, size - strlen(out) - 1);
    }
}

/* A target: path segments (dot and empty ones among them), then a query. */
static void make_target(char *out, size_t size, int whole_url)
{
    out[0] = '\0';
    if (whole_url)
        snprintf(out, size, "http://127.0.0.1:%d", port);
    for (unsigned s = 1 + rnd(5); s; s--) {
        strncat(out, "/", size - strlen(out) - 1);
        unsigned kind = rnd(12);
        if (kind == 0)
            strncat(out, ".", size - strlen(out) - 1);
        else if (kind == 1)
            strncat(out, "..", size - strlen(out) - 1);
        else if (kind != 2) /* 2: an empty segment */
            add_text(out, size, pieces, sizeof pieces / sizeof *pieces, 6, 1);
    }
    if (rnd(4) == 0)
        strncat(out, "/", size - strlen(out) - 1);
    for (unsigned q = rnd(4), first = 1; q; q--, first = 0) {
        strncat(out, first ? "?" : "&", size - strlen(out) - 1);
        char name[64] = "";
        add_text(name, sizeof name, query_pieces, sizeof query_pieces / sizeof *query_pieces, 3, 1);
        strncat(out, name[0] ? name : "n", size - strlen(out) - 1);
        if (rnd(5)) {
            strncat(out, "=", size - strlen(out) - 1);
            add_text(out, size, query_pieces, sizeof query_pieces / sizeof *query_pieces, 4, 1);
        }
        if (rnd(6) == 0) /* the same name again */
            strncat(out, first ? "&n=again" : "&n=", size - strlen(out) - 1);
    }
}

/* The recorder's answer: NULL when it verified the request, else why not. */
static char *refusal(int status, const char *body)
{
    if (status == 200)
        return NULL;
    char *why = NULL;
    if (asprintf(&why, "HTTP %d: %.1500s", status, body ? body : "(no answer)") < 0)
        abort();
    return why;
}

static int failures;

static void expect_verified(const char *how, const char *service, const char *target, char *why)
{
    if (!why)
        return;
    if (++failures <= 10)
        fprintf(stderr, "%s %s %s: %s\n", how, service, target, why);
    free(why);
}

/* One request through slsrt_aws_send, with the endpoint's path prefix set
 * or not. */
static slsrt_aws_response *send_one(const char *method, const char *service, const char *target, int prefix,
                                    int tokened, int unsigned_payload, int nheaders, const char *body, size_t len)
{
    char endpoint[96];
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d%s", port, prefix ? "/prefix/" : "");
    setenv("AWS_ENDPOINT_URL", endpoint, 1);
    slsrt_aws_request *req = slsrt_aws_request_new(method, service, target);
    ck_assert_msg(req != NULL, "request %s %s refused", method, target);
    for (int h = 0; h < nheaders; h++)
        ck_assert_int_eq(slsrt_aws_request_header(req, PICK(header_names), PICK(header_values)), SLSRT_OK);
    if (body)
        ck_assert_int_eq(slsrt_aws_request_body(req, body, len), SLSRT_OK);
    if (unsigned_payload)
        slsrt_aws_request_unsigned_payload(req);
    slsrt_aws_response *res = slsrt_aws_send(tokened ? with_token : plain, req);
    slsrt_aws_request_free(req);
    return res;
}

START_TEST(generated_requests_arrive_as_signed)
{
    failures = 0;
    char target[1024], body[256];
    for (int i = 0; i < GENERATED; i++) {
        const char *service = PICK(services), *method = PICK(methods);
        int whole = rnd(8) == 0;
        make_target(target, sizeof target, whole);
        size_t len = rnd(3) ? 0 : rnd(sizeof body);
        for (size_t k = 0; k < len; k++)
            body[k] = (char)(' ' + rnd(95));
        if (!strcmp(service, "es") && rnd(2)) /* OpenSearch's GET _search with a body */
            method = "GET", len = (size_t)snprintf(body, sizeof body, "{\"query\":{\"match_all\":{}}}");
        if (!strcmp(method, "HEAD"))
            len = 0;
        slsrt_aws_response *res = send_one(method, service, target, !whole && rnd(3) == 0, (int)rnd(2),
                                           !strcmp(service, "s3") && rnd(4) == 0, (int)rnd(4), len ? body : NULL,
                                           len);
        expect_verified("send", service, target,
                        refusal(slsrt_aws_response_status(res), slsrt_aws_response_body(res, NULL)));
        if (!strcmp(method, "HEAD") || !slsrt_aws_response_ok(res)) {
            slsrt_aws_response_free(res);
            continue;
        }
        json_t *seen = slsrt_aws_response_json(res);
        ck_assert_int_eq(json_integer_value(json_object_get(seen, "body_length")), (json_int_t)len);
        slsrt_aws_response_free(res);
    }
    ck_assert_msg(failures == 0, "%d of %d requests did not arrive as signed", failures, GENERATED);
}
END_TEST

/* ---- presigned URLs and headers signed for another client ------------------ */

/* Send a URL and headers exactly as given, as a client of the caller's own
 * would; the Host is the URL's unless the headers hold it.  Returns why the
 * recorder refused it, or NULL. */
static char *sent_as_given(const char *method, const char *url, const char *headers)
{
    const char *host = strstr(url, "://") + 3;
    const char *path = strchr(host, '/');
    char *lines = NULL;
    if (asprintf(&lines, "%s%.*s%s%s", headers ? "" : "Host: ", headers ? 0 : (int)(path - host), host,
                 headers ? "" : "\r\n", headers ? headers : "") < 0)
        abort();
    char *resp = http_request_raw(port, method, path, lines, NULL, 0);
    free(lines);
    char *why = refusal(http_status(resp), http_body(resp));
    free(resp);
    return why;
}

START_TEST(presigned_urls_arrive_as_signed)
{
    failures = 0;
    static const char *const presign_services[] = {"s3", "s3", "s3-object-lambda", "s3express", "execute-api"};
    static const char *const presign_methods[] = {"GET", "PUT", "DELETE", "HEAD"};
    char target[1024], endpoint[96];
    for (int i = 0; i < PRESIGNED; i++) {
        const char *service = PICK(presign_services), *method = PICK(presign_methods);
        make_target(target, sizeof target, rnd(4) == 0);
        snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d%s", port, rnd(3) ? "" : "/prefix");
        setenv("AWS_ENDPOINT_URL", endpoint, 1);
        slsrt_aws_error err;
        char *url = slsrt_aws_presign(rnd(2) ? with_token : plain, method, service, target, 1 + rnd(604800), &err);
        ck_assert_msg(url != NULL, "presign %s: %s", target, err.message);
        expect_verified("presign", service, url, sent_as_given(method, url, NULL));
        free(url);
    }
    ck_assert_msg(failures == 0, "%d of %d presigned URLs did not verify", failures, PRESIGNED);
}
END_TEST

START_TEST(headers_signed_for_another_client_arrive_as_signed)
{
    failures = 0;
    char target[1024];
    for (int i = 0; i < SIGNED_ONLY; i++) {
        const char *service = PICK(services), *method = rnd(2) ? "GET" : "DELETE";
        make_target(target, sizeof target, 0);
        char endpoint[96];
        snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
        setenv("AWS_ENDPOINT_URL", endpoint, 1);
        slsrt_aws_request *req = slsrt_aws_request_new(method, service, target);
        slsrt_aws_request_header(req, "x-amz-meta-note", rnd(2) ? "kept" : "");
        slsrt_aws_error err;
        slsrt_aws_signed *s = slsrt_aws_sign_headers(rnd(2) ? with_token : plain, req, &err);
        ck_assert_msg(s != NULL, "sign %s: %s", target, err.message);
        char *lines = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&lines, &len);
        for (size_t h = 0; h < slsrt_aws_signed_header_count(s); h++)
            fprintf(f, "%s: %s\r\n", slsrt_aws_signed_header_name(s, h), slsrt_aws_signed_header_value(s, h));
        fclose(f);
        expect_verified("sign_headers", service, target, sent_as_given(method, slsrt_aws_signed_url(s), lines));
        free(lines);
        slsrt_aws_signed_free(s);
        slsrt_aws_request_free(req);
    }
    ck_assert_msg(failures == 0, "%d of %d requests signed for another client did not verify", failures, SIGNED_ONLY);
}
END_TEST

/* ---- the cases of the report, checked byte for byte ------------------------ */

static json_t *arrived(const char *method, const char *service, const char *target, const char *body,
                       const char *hname, const char *hvalue)
{
    char endpoint[96];
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
    setenv("AWS_ENDPOINT_URL", endpoint, 1);
    slsrt_aws_request *req = slsrt_aws_request_new(method, service, target);
    ck_assert_ptr_nonnull(req);
    if (hname)
        slsrt_aws_request_header(req, hname, hvalue);
    if (body)
        slsrt_aws_request_body(req, body, strlen(body));
    slsrt_aws_response *res = slsrt_aws_send(with_token, req);
    slsrt_aws_request_free(req);
    ck_assert_msg(slsrt_aws_response_ok(res), "%s %s: %s %s", method, target, slsrt_aws_response_error_type(res),
                  slsrt_aws_response_body(res, NULL));
    json_t *seen = json_incref(slsrt_aws_response_json(res));
    slsrt_aws_response_free(res);
    return seen;
}

static const char *path_of(json_t *seen) { return json_string_value(json_object_get(seen, "path")); }

/* A GET of target arrives with exactly the path want. */
static void expect_path(const char *service, const char *target, const char *want)
{
    json_t *seen = arrived("GET", service, target, NULL, NULL, NULL);
    ck_assert_str_eq(path_of(seen), want);
    json_decref(seen);
}

static const char *header_of(json_t *seen, const char *name)
{
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(seen, "headers"), i, h)
        if (!strcasecmp(json_string_value(json_array_get(h, 0)), name))
            return json_string_value(json_array_get(h, 1));
    return NULL;
}

START_TEST(s3_keys_arrive_as_the_key_they_name)
{
    const char *want = "/bkt/year%3D2024/month%3D11/a%20b%2Bc%26d%20%C3%A9.json";
    /* Raw, encoded in lower case, encoded in upper case: one key. */
    const char *spellings[] = {"/bkt/year=2024/month=11/a%20b+c&d%20\xc3\xa9.json",
                               "/bkt/year%3d2024/month%3d11/a%20b%2bc%26d%20%c3%a9.json",
                               "/bkt/year%3D2024/month%3D11/a%20b%2Bc%26d%20%C3%A9.json"};
    for (size_t i = 0; i < 3; i++) {
        json_t *seen = arrived("PUT", "s3", spellings[i], "hello", NULL, NULL);
        ck_assert_str_eq(path_of(seen), want);
        json_decref(seen);
    }
    /* S3 keeps dot segments: they are part of the key, not resolved. */
    expect_path("s3", "/bkt/x/../y.txt", "/bkt/x/../y.txt");
    expect_path("s3", "/bkt/100%zz/%", "/bkt/100%25zz/%25");
}
END_TEST

START_TEST(other_services_get_dot_segments_resolved_and_raw_bytes_encoded)
{
    expect_path("execute-api", "/prod/a/./b/../c/\xc3\xa9?q=1", "/prod/a/c/%C3%A9");
    expect_path("lambda", "/2015-03-31/functions/arn%3Aaws%3Alambda/invocations",
                "/2015-03-31/functions/arn%3Aaws%3Alambda/invocations");
}
END_TEST

START_TEST(empty_headers_and_get_bodies_are_sent)
{
    json_t *seen = arrived("PUT", "s3", "/bkt/note.txt", "x", "x-amz-meta-note", "");
    ck_assert_ptr_nonnull(header_of(seen, "x-amz-meta-note"));
    ck_assert_str_eq(header_of(seen, "x-amz-meta-note"), "");
    json_decref(seen);
    const char *search = "{\"query\":{\"match_all\":{}}}";
    seen = arrived("GET", "es", "/index/_search", search, NULL, NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(seen, "body_length")), (json_int_t)strlen(search));
    json_decref(seen);
}
END_TEST

/* slsrt_aws_json speaks the JSON version of the service's model. */
START_TEST(json_calls_carry_the_services_protocol_version)
{
    static const struct {
        const char *service, *want;
    } cases[] = {{"dynamodb", "1.0"}, {"cassandra", "1.0"}, {"billing", "1.0"}, {"verifiedpermissions", "1.0"},
                 {"workspaces-instances", "1.0"}, {"kinesis", "1.1"}, {"logs", "1.1"}, {"ssm", "1.1"}};
    char endpoint[96];
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
    setenv("AWS_ENDPOINT_URL", endpoint, 1);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        slsrt_aws_response *res = slsrt_aws_json(plain, cases[i].service, "Service.Operation", NULL);
        ck_assert_msg(slsrt_aws_response_ok(res), "%s", slsrt_aws_response_body(res, NULL));
        char want[64];
        snprintf(want, sizeof want, "application/x-amz-json-%s", cases[i].want);
        ck_assert_str_eq(header_of(slsrt_aws_response_json(res), "content-type"), want);
        slsrt_aws_response_free(res);
    }
}
END_TEST

START_TEST(an_endpoint_path_prefix_is_kept)
{
    char endpoint[96];
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d/base/v1/", port);
    setenv("AWS_ENDPOINT_URL", endpoint, 1);
    slsrt_aws_request *req = slsrt_aws_request_new("GET", "execute-api", "/items/42");
    slsrt_aws_response *res = slsrt_aws_send(plain, req);
    ck_assert_msg(slsrt_aws_response_ok(res), "%s", slsrt_aws_response_body(res, NULL));
    ck_assert_str_eq(path_of(slsrt_aws_response_json(res)), "/base/v1/items/42");
    slsrt_aws_response_free(res);
    slsrt_aws_request_free(req);
}
END_TEST

START_TEST(more_than_two_thousand_requests_verified)
{
    char *resp = http_request(port, "GET", "/__stats", NULL, 0);
    ck_assert_ptr_nonnull(resp);
    json_t *stats = json_loads(strstr(resp, "\r\n\r\n") + 4, 0, NULL);
    free(resp);
    json_int_t verified = json_integer_value(json_object_get(stats, "verified"));
    printf("wire: %lld requests verified from the bytes received, %lld mismatched\n", (long long)verified,
           (long long)json_integer_value(json_object_get(stats, "mismatched")));
    ck_assert_int_ge(verified, 2000);
    ck_assert_int_eq(json_integer_value(json_object_get(stats, "mismatched")), 0);
    json_decref(stats);
}
END_TEST

int main(void)
{
    start_recorder();
    Suite *s = suite_create("aws_wire");
    TCase *tc = tcase_create("wire");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, generated_requests_arrive_as_signed);
    tcase_add_test(tc, presigned_urls_arrive_as_signed);
    tcase_add_test(tc, headers_signed_for_another_client_arrive_as_signed);
    tcase_add_test(tc, s3_keys_arrive_as_the_key_they_name);
    tcase_add_test(tc, other_services_get_dot_segments_resolved_and_raw_bytes_encoded);
    tcase_add_test(tc, empty_headers_and_get_bodies_are_sent);
    tcase_add_test(tc, json_calls_carry_the_services_protocol_version);
    tcase_add_test(tc, an_endpoint_path_prefix_is_kept);
    tcase_add_test(tc, more_than_two_thousand_requests_verified);
    suite_add_tcase(s, tc);
    /* One process: the tests share the recorder and its counts. */
    setenv("CK_FORK", "no", 1);
    int rc = run_suite(s);
    stop_recorder();
    return rc;
}
