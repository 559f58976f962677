/*
 * test_router_features.c - CORS, compression, middleware and the JSON body
 * problem, through `slsrt-local start-api` and curl, as a browser or a
 * client would meet them (tests/functions/webapi), for each HTTP source.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "harness.h"

static int pid;

static int start(const char *source)
{
    const char *args[] = {"--quiet", "--source", source, "--", build_path("tests/functions/webapi/bootstrap"), NULL};
    int port = start_local("start-api", args, &pid);
    ck_assert_int_gt(port, 0);
    return port;
}

static void stop(void)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

/* curl args... against http://127.0.0.1:port/path; its output (headers, then the body). */
static char *curl(int port, const char *path, const char *const *args)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    const char *argv[24] = {"/usr/bin/env", "curl", "-s", "-i"};
    size_t n = 4;
    for (; args && *args && n < 22; args++)
        argv[n++] = *args;
    argv[n++] = url;
    argv[n] = NULL;
    struct run r;
    run_cmd(argv, NULL, 20, &r);
    ck_assert_msg(r.status == 0, "curl: %s", r.err);
    char *out = r.out;
    r.out = NULL;
    run_free(&r);
    return out;
}

/* A header's value in curl -i output (NULL when absent), new. */
static char *header(const char *out, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (p[0] == '\r' || p[0] == '\n')
            break;
        if (!strncasecmp(p, name, n) && p[n] == ':')
            return strndup(p + n + 2, strcspn(p + n + 2, "\r\n"));
    }
    return NULL;
}

static void expect(const char *out, const char *name, const char *want)
{
    char *got = header(out, name);
    ck_assert_msg(want ? got && !strcmp(got, want) : !got, "%s: got %s, want %s in\n%s", name, got ? got : "(none)",
                  want ? want : "(none)", out);
    free(got);
}

static int status(const char *out) { return atoi(strchr(out, ' ') + 1); }

START_TEST(preflight_and_cors_headers)
{
    int port = start("apigw-v2");
    const char *pre[] = {"-X", "OPTIONS", "-H", "Origin: https://app.example.com", "-H",
                         "Access-Control-Request-Method: POST", NULL};
    char *out = curl(port, "/items", pre);
    ck_assert_int_eq(status(out), 204);
    expect(out, "Access-Control-Allow-Origin", "https://app.example.com");
    expect(out, "Access-Control-Allow-Credentials", "true");
    expect(out, "Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    expect(out, "Access-Control-Max-Age", "600");
    expect(out, "Vary", "Origin");
    free(out);
    /* Another origin: answered, but without a CORS header the browser refuses. */
    const char *evil[] = {"-X", "OPTIONS", "-H", "Origin: https://evil.example", "-H",
                          "Access-Control-Request-Method: POST", NULL};
    out = curl(port, "/items", evil);
    ck_assert_int_eq(status(out), 204);
    expect(out, "Access-Control-Allow-Origin", NULL);
    free(out);
    /* A real request from the allowed origin carries them too. */
    const char *get[] = {"-H", "Origin: https://app.example.com", NULL};
    out = curl(port, "/big", get);
    ck_assert_int_eq(status(out), 200);
    expect(out, "Access-Control-Allow-Origin", "https://app.example.com");
    expect(out, "Access-Control-Expose-Headers", "Server-Timing");
    free(out);
    stop();
}
END_TEST

START_TEST(gzip_when_accepted_for_every_source)
{
    static const char *const sources[] = {"apigw-v2", "apigw-v1", "alb", "function-url"};
    for (size_t i = 0; i < 4; i++) {
        int port = start(sources[i]);
        const char *plain_args[] = {NULL};
        char *plain = curl(port, "/big", plain_args);
        expect(plain, "Content-Encoding", NULL);
        const char *gz_args[] = {"--compressed", NULL};
        char *gz = curl(port, "/big", gz_args);
        expect(gz, "Content-Encoding", "gzip");
        expect(gz, "Vary", "Accept-Encoding");
        char *gz_len = header(gz, "Content-Length"), *plain_len = header(plain, "Content-Length");
        ck_assert_msg(gz_len && plain_len && atoi(gz_len) * 4 < atoi(plain_len), "%s: %s vs %s", sources[i], gz_len,
                      plain_len);
        /* curl inflated it: the same document. */
        ck_assert_str_eq(strstr(gz, "\r\n\r\n") + 4, strstr(plain, "\r\n\r\n") + 4);
        json_t *doc = json_loads(strstr(gz, "\r\n\r\n") + 4, 0, NULL);
        ck_assert_int_eq(json_array_size(json_object_get(doc, "items")), 200);
        json_decref(doc);
        free(gz_len), free(plain_len), free(gz), free(plain);
        /* gzip refused (q=0) or not named: as it is. */
        const char *q0[] = {"-H", "Accept-Encoding: gzip;q=0, br", NULL};
        char *refused = curl(port, "/big", q0);
        expect(refused, "Content-Encoding", NULL);
        free(refused);
        /* Small answers are not worth it. */
        const char *small_args[] = {"--compressed", "-X", "POST", "-d", "{\"a\":1}", NULL};
        char *small = curl(port, "/items", small_args);
        ck_assert_int_eq(status(small), 201);
        expect(small, "Content-Encoding", NULL);
        free(small);
        stop();
    }
}
END_TEST

START_TEST(json_body_problem_and_middleware)
{
    int port = start("apigw-v2");
    const char *bad[] = {"-X", "POST", "-d", "{\"a\":1,", NULL};
    char *out = curl(port, "/items", bad);
    ck_assert_int_eq(status(out), 400);
    expect(out, "Content-Type", "application/problem+json");
    ck_assert_ptr_nonnull(strstr(out, "(line 1, column 7, byte 7)"));
    free(out);
    const char *none[] = {"-X", "POST", NULL};
    out = curl(port, "/items", none);
    ck_assert_int_eq(status(out), 400);
    ck_assert_ptr_nonnull(strstr(out, "no body"));
    free(out);
    /* The authentication middleware stops a request; the after sees every answer. */
    const char *anon[] = {NULL};
    out = curl(port, "/private/me", anon);
    ck_assert_int_eq(status(out), 401);
    expect(out, "WWW-Authenticate", "Bearer");
    expect(out, "Server-Timing", "fn;desc=\"401\"");
    free(out);
    const char *auth[] = {"-H", "Authorization: Bearer t", NULL};
    out = curl(port, "/private/me", auth);
    ck_assert_int_eq(status(out), 200);
    expect(out, "Server-Timing", "fn;desc=\"200\"");
    free(out);
    out = curl(port, "/nowhere", anon);
    ck_assert_int_eq(status(out), 404);
    expect(out, "Server-Timing", "fn;desc=\"404\"");
    free(out);
    stop();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("router_features");
    TCase *tc = tcase_create("router_features");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, preflight_and_cors_headers);
    tcase_add_test(tc, gzip_when_accepted_for_every_source);
    tcase_add_test(tc, json_body_problem_and_middleware);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
