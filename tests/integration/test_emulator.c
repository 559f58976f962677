/*
 * test_emulator.c - slsrt-local as Lambda: environment, timeouts, restarts,
 * payload limits, and the RIE-compatible invoke endpoint.
 */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define PROBE build_path("tests/functions/probe/bootstrap")

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static char *env_of(const char *name, const char *const *extra_env)
{
    char event[256];
    snprintf(event, sizeof event, "{\"action\":\"env\",\"name\":\"%s\"}", name);
    const char *argv[] = {build_path("bin/slsrt-local"), "invoke", "--quiet", "--env", "CUSTOM=on",
                          "--event", temp_file(event), "--", PROBE, NULL};
    struct run r;
    run_cmd(argv, extra_env, 20, &r);
    json_t *j = json_line(r.out, 0);
    const char *v = str(j, "value");
    char *copy = v ? strdup(v) : NULL;
    json_decref(j);
    run_free(&r);
    return copy;
}

START_TEST(environment_is_lambdas)
{
    const char *creds[] = {"AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SESSION_TOKEN=tok", NULL};
    char *v;
    ck_assert_str_eq(v = env_of("AWS_ACCESS_KEY_ID", creds), "AKIDEXAMPLE");
    free(v);
    ck_assert_str_eq(v = env_of("AWS_SESSION_TOKEN", creds), "tok");
    free(v);
    ck_assert_str_eq(v = env_of("AWS_ACCESS_KEY_ID", NULL), TEST_ACCESS_KEY); /* the harness's own */
    free(v);
    /* The container credentials settings an SDK reads, all of them. */
    const char *container[] = {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/x",
                               "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/var/run/token", NULL};
    ck_assert_str_eq(v = env_of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", container), "/v2/credentials/x");
    free(v);
    ck_assert_str_eq(v = env_of("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", container), "/var/run/token");
    free(v);
    ck_assert_str_eq(v = env_of("_HANDLER", NULL), "bootstrap");
    free(v);
    ck_assert_str_eq(v = env_of("CUSTOM", NULL), "on");
    free(v);
    ck_assert_str_eq(v = env_of("TZ", NULL), ":UTC");
    free(v);
    ck_assert_ptr_nonnull(strstr(v = env_of("LAMBDA_TASK_ROOT", NULL), "tests/functions/probe"));
    free(v);
    ck_assert_ptr_nonnull(strstr(v = env_of("AWS_LAMBDA_RUNTIME_API", NULL), "127.0.0.1:"));
    free(v);
    ck_assert_ptr_nonnull(strstr(v = env_of("LD_LIBRARY_PATH", NULL), "/lib"));
    free(v);
    ck_assert_str_eq(v = env_of("AWS_LAMBDA_FUNCTION_NAME", NULL), "probe");
    free(v);
    /* nothing else leaks in from the caller's environment */
    const char *other[] = {"SOME_HOST_VARIABLE=1", NULL};
    ck_assert_ptr_null(env_of("SOME_HOST_VARIABLE", other));
}
END_TEST

START_TEST(timeout_kills_and_restarts)
{
    struct run r;
    const char *args[] = {"invoke", "--timeout", "0.5", "--event", temp_file("{\"action\":\"sleep\",\"ms\":5000}"),
                          "--event", temp_file("{\"v\":2}"), "--", PROBE, NULL};
    local_ran(args, &r);
    json_t *a = json_line(r.out, 0), *b = json_line(r.out, 1);
    ck_assert_str_eq(str(a, "errorType"), "Sandbox.Timedout");
    ck_assert_ptr_nonnull(strstr(str(a, "errorMessage"), "Task timed out after 0.50 seconds"));
    ck_assert_int_eq(json_integer_value(json_object_get(b, "v")), 2);
    ck_assert_int_eq(count_lines(r.err, "Init Duration"), 2); /* a new sandbox */
    json_decref(a), json_decref(b);
    run_free(&r);
}
END_TEST

START_TEST(exit_mid_invocation_is_reported_and_restarted)
{
    struct run r;
    const char *args[] = {"invoke", "--event", temp_file("{\"action\":\"exit\",\"code\":4}"), "--event",
                          temp_file("{\"v\":2}"), "--", PROBE, NULL};
    local_ran(args, &r);
    json_t *a = json_line(r.out, 0), *b = json_line(r.out, 1);
    ck_assert_str_eq(str(a, "errorType"), "Runtime.ExitError");
    ck_assert_ptr_nonnull(strstr(str(a, "errorMessage"), "Runtime exited with error: exit status 4"));
    ck_assert_int_eq(json_integer_value(json_object_get(b, "v")), 2);
    json_decref(a), json_decref(b);
    run_free(&r);
}
END_TEST

START_TEST(oversized_request_is_refused_before_the_function)
{
    struct run r;
    const char *args[] = {"invoke", "--event", temp_big_event(6 * 1024 * 1024), "--event", temp_file("{\"v\":2}"),
                          "--", PROBE, NULL};
    run_local(args, 30, &r);
    ck_assert_int_eq(r.status, 1);
    json_t *a = json_line(r.out, 0), *b = json_line(r.out, 1);
    ck_assert_str_eq(str(a, "errorType"), "RequestEntityTooLargeException");
    ck_assert_int_eq(json_integer_value(json_object_get(b, "v")), 2);
    ck_assert_int_eq(count_lines(r.err, "Init Duration"), 1); /* started only for the second */
    json_decref(a), json_decref(b);
    run_free(&r);
}
END_TEST

START_TEST(oversized_response_is_refused_with_413)
{
    struct run r;
    /* Two events: the runtime prints the first answer before it asks for the second. */
    const char *e = temp_file("{}");
    const char *args[] = {"invoke", "--event", e, "--event", e, "--", build_path("tests/functions/naive/bootstrap"), NULL};
    run_local(args, 30, &r);
    ck_assert_int_eq(r.status, 1);
    json_t *a = json_line(r.out, 0);
    ck_assert_str_eq(str(a, "errorType"), "Function.ResponseSizeTooLarge");
    ck_assert_ptr_nonnull(strstr(str(a, "errorMessage"), "(7340032 bytes)"));
    ck_assert_ptr_nonnull(strstr(r.err, "answered with HTTP/1.1 413"));
    json_decref(a);
    run_free(&r);
}
END_TEST

START_TEST(repeat_and_usage_errors)
{
    struct run r;
    const char *args[] = {"invoke", "--quiet", "--repeat", "5", "--event", temp_file("{\"n\":1}"), "--", PROBE, NULL};
    local_ok(args, &r);
    ck_assert_str_eq(r.out, "{\"n\":1}\n{\"n\":1}\n{\"n\":1}\n{\"n\":1}\n{\"n\":1}\n");
    ck_assert_int_eq(count_lines(r.err, "REPORT"), 0);
    run_free(&r);

    const char *bad[] = {"invoke", "--fault", "nowhere:500", "--event", "x", "--", PROBE, NULL};
    run_local(bad, 10, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "bad --fault"));
    run_free(&r);

    const char *none[] = {"invoke", "--", PROBE, NULL};
    run_local(none, 10, &r);
    ck_assert_int_eq(r.status, 2);
    run_free(&r);
}
END_TEST

START_TEST(serve_exposes_the_rie_invoke_endpoint)
{
    int pid;
    const char *args[] = {"--", PROBE, NULL};
    int port = start_serve(args, &pid);
    ck_assert_int_gt(port, 0);
    const char *path = "/2015-03-31/functions/function/invocations";

    char *resp = http_request(port, "POST", path, "{\"hello\":1}", 11);
    ck_assert_ptr_nonnull(resp);
    ck_assert_ptr_nonnull(strstr(resp, "HTTP/1.1 200"));
    ck_assert_ptr_nonnull(strstr(resp, "\r\n\r\n{\"hello\":1}"));
    ck_assert_ptr_null(strstr(resp, "X-Amz-Function-Error"));
    free(resp);

    const char *fail = "{\"action\":\"fail\",\"type\":\"Function.Bad\",\"message\":\"m\"}";
    resp = http_request(port, "POST", path, fail, strlen(fail));
    ck_assert_ptr_nonnull(strstr(resp, "HTTP/1.1 200"));
    ck_assert_ptr_nonnull(strstr(resp, "X-Amz-Function-Error: Unhandled"));
    ck_assert_ptr_nonnull(strstr(resp, "\"errorType\":\"Function.Bad\""));
    free(resp);

    size_t big = 6 * 1024 * 1024 + 1;
    char *body = malloc(big);
    memset(body, ' ', big);
    resp = http_request(port, "POST", path, body, big);
    ck_assert_ptr_nonnull(strstr(resp, "HTTP/1.1 413"));
    free(resp), free(body);

    resp = http_request(port, "GET", "/nowhere", "", 0);
    ck_assert_ptr_nonnull(strstr(resp, "HTTP/1.1 404"));
    free(resp);

    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("emulator");
    TCase *tc = tcase_create("emulator");
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, environment_is_lambdas);
    tcase_add_test(tc, timeout_kills_and_restarts);
    tcase_add_test(tc, exit_mid_invocation_is_reported_and_restarted);
    tcase_add_test(tc, oversized_request_is_refused_before_the_function);
    tcase_add_test(tc, oversized_response_is_refused_with_413);
    tcase_add_test(tc, repeat_and_usage_errors);
    tcase_add_test(tc, serve_exposes_the_rie_invoke_endpoint);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
