/*
 * test_runtime_loop.c - the runtime loop against the Runtime API contract,
 * driven the way a user runs a function: a real bootstrap under slsrt-local.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include <slsrt/common.h>

#define PROBE build_path("tests/functions/probe/bootstrap")
#define HELLO build_path("examples/hello/bootstrap")


static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

START_TEST(hello_answers_its_events)
{
    struct run r;
    const char *args[] = {"invoke", "--event", "examples/hello/events/ada.json", "--event",
                          "examples/hello/events/nobody.json", "--", HELLO, NULL};
    local_ok(args, &r);
    json_t *a = json_line(r.out, 0), *b = json_line(r.out, 1);
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(str(a, "message"), "Hello, Ada!");
    ck_assert_str_eq(str(b, "message"), "Hello, world!");
    /* the request id the function saw is the one Lambda reported */
    char report[128];
    snprintf(report, sizeof report, "REPORT RequestId: %s", str(a, "requestId"));
    ck_assert_int_eq(count_lines(r.err, report), 1);
    ck_assert_int_eq(count_lines(r.err, "REPORT RequestId:"), 2);
    ck_assert_int_eq(count_lines(r.err, "Init Duration:"), 1); /* the cold start only */
    ck_assert_int_eq(count_lines(r.err, "Billed Duration:"), 2);
    json_decref(a), json_decref(b);
    run_free(&r);
}
END_TEST

START_TEST(context_exposes_every_header_and_setting)
{
    struct run r;
    const char *args[] = {"invoke", "--event", temp_file("{\"action\":\"context\"}"), "--memory", "256", "--region",
                          "eu-west-1", "--function-name", "orders", "--timeout", "7",
                          "--client-context", "{\"custom\":{\"k\":\"v\"}}", "--cognito-identity",
                          "{\"cognitoIdentityId\":\"id-1\"}", "--tenant-id", "tenant-42", "--", PROBE, NULL};
    long long before = (long long)time(NULL) * 1000;
    json_t *c = local_json(args, &r);
    ck_assert_int_eq(strlen(str(c, "requestId")), 36);
    long long deadline = json_integer_value(json_object_get(c, "deadlineMs"));
    ck_assert(deadline >= before + 6000 && deadline <= before + 9000);
    long long remaining = json_integer_value(json_object_get(c, "remainingMs"));
    ck_assert(remaining > 5000 && remaining <= 7000);
    ck_assert_str_eq(str(c, "functionArn"), "arn:aws:lambda:eu-west-1:000000000000:function:orders");
    ck_assert_ptr_nonnull(strstr(str(c, "traceId"), "Root=1-"));
    ck_assert_str_eq(str(c, "traceEnv"), str(c, "traceId")); /* _X_AMZN_TRACE_ID */
    ck_assert_str_eq(str(c, "tenantId"), "tenant-42");
    ck_assert_int_eq(strlen(str(c, "invocationId")), 36);
    ck_assert_str_eq(str(c, "contentType"), "application/json");
    ck_assert_str_eq(str(json_object_get(json_object_get(c, "clientContext"), "custom"), "k"), "v");
    ck_assert_str_eq(str(json_object_get(c, "cognitoIdentity"), "cognitoIdentityId"), "id-1");
    ck_assert_str_eq(str(c, "functionName"), "orders");
    ck_assert_str_eq(str(c, "functionVersion"), "$LATEST");
    ck_assert_int_eq(json_integer_value(json_object_get(c, "memoryMb")), 256);
    ck_assert_str_eq(str(c, "logGroup"), "/aws/lambda/orders");
    ck_assert_ptr_nonnull(strstr(str(c, "logStream"), "[$LATEST]"));
    ck_assert_str_eq(str(c, "region"), "eu-west-1");
    ck_assert_str_eq(str(c, "initType"), "on-demand");
    ck_assert_str_eq(str(c, "version"), SLSRT_VERSION_STRING);
    json_decref(c);
    run_free(&r);
}
END_TEST

START_TEST(trace_id_changes_per_invocation)
{
    struct run r;
    const char *e = temp_file("{\"action\":\"context\"}");
    const char *args[] = {"invoke", "--event", e, "--event", e, "--", PROBE, NULL};
    local_ok(args, &r);
    json_t *a = json_line(r.out, 0), *b = json_line(r.out, 1);
    ck_assert_str_ne(str(a, "traceEnv"), str(b, "traceEnv"));
    ck_assert_str_eq(str(b, "traceEnv"), str(b, "traceId"));
    /* init ran once: the handler's state carried over */
    ck_assert_int_eq(json_integer_value(json_object_get(b, "invocations")), 2);
    json_decref(a), json_decref(b);
    run_free(&r);
}
END_TEST

START_TEST(absent_optional_headers_read_as_null)
{
    struct run r;
    const char *args[] = {"invoke", "--no-invocation-id", "--event", temp_file("{\"action\":\"context\"}"), "--", PROBE, NULL};
    run_local(args, 20, &r);
    /* status 0 also proves the runtime echoed no invocation id it was not sent */
    ck_assert_int_eq(r.status, 0);
    json_t *c = json_line(r.out, 0);
    ck_assert(json_is_null(json_object_get(c, "invocationId")));
    ck_assert(json_is_null(json_object_get(c, "tenantId")));
    ck_assert(json_is_null(json_object_get(c, "clientContext")));
    ck_assert(json_is_null(json_object_get(c, "cognitoIdentity")));
    json_decref(c);
    run_free(&r);
}
END_TEST

START_TEST(handler_error_is_posted_with_type_and_message)
{
    struct run r;
    const char *args[] = {"invoke", "--event",
                          temp_file("{\"action\":\"fail\",\"type\":\"Function.NotFound\",\"message\":\"no \\\"item\\\" 7\"}"),
                          "--event", temp_file("{\"action\":\"fail-bare\"}"), "--", PROBE, NULL};
    run_local(args, 20, &r);
    ck_assert_int_eq(r.status, 1); /* 1, not 3: the invocation id was echoed on /error too */
    json_t *a = json_line(r.out, 0), *b = json_line(r.out, 1);
    ck_assert_str_eq(str(a, "errorType"), "Function.NotFound");
    ck_assert_str_eq(str(a, "errorMessage"), "no \"item\" 7");
    ck_assert(json_is_array(json_object_get(a, "stackTrace")));
    /* the header carried the same type */
    ck_assert_int_eq(count_lines(r.err, "failed with Function.NotFound"), 2);
    ck_assert_str_eq(str(b, "errorType"), "Function.HandlerError");
    ck_assert_ptr_nonnull(strstr(str(b, "errorMessage"), "returned -1"));
    json_decref(a), json_decref(b);
    run_free(&r);
}
END_TEST

START_TEST(malformed_event_is_a_function_error_and_the_loop_goes_on)
{
    struct run r;
    const char *args[] = {"invoke", "--event", temp_file("{\"name\": oops"), "--event",
                          "examples/hello/events/ada.json", "--", HELLO, NULL};
    local_ran(args, &r);
    json_t *a = json_line(r.out, 0), *b = json_line(r.out, 1);
    ck_assert_str_eq(str(a, "errorType"), "Runtime.InvalidEventJSON");
    ck_assert_ptr_nonnull(strstr(str(a, "errorMessage"), "line 1"));
    ck_assert_str_eq(str(b, "message"), "Hello, Ada!");
    ck_assert_int_eq(count_lines(r.err, "Init Duration"), 1); /* same process served both */
    json_decref(a), json_decref(b);
    run_free(&r);
}
END_TEST

START_TEST(response_kinds)
{
    struct run r;
    const char *args[] = {"invoke", "--event", temp_file("{\"action\":\"raw\"}"), "--event", temp_file("{\"action\":\"nothing\"}"),
                          "--event", temp_file("{\"action\":\"bad-content-type\"}"), "--event", temp_file("[1,2,3]"), "--", PROBE,
                          NULL};
    local_ok(args, &r);
    ck_assert_str_eq(r.out, "raw bytes\nnull\n{\"rc\":-1}\n[1,2,3]\n");
    run_free(&r);
}
END_TEST

START_TEST(oversized_response_is_reported_by_the_runtime)
{
    struct run r;
    const char *args[] = {"invoke", "--event", temp_file("{\"action\":\"big\",\"bytes\":6291557}"), "--event",
                          temp_file("{\"action\":\"big\",\"bytes\":6291556}"), "--", PROBE, NULL};
    run_local(args, 30, &r);
    ck_assert_int_eq(r.status, 1);
    json_t *a = json_line(r.out, 0);
    ck_assert_str_eq(str(a, "errorType"), "Function.ResponseSizeTooLarge");
    ck_assert_ptr_nonnull(strstr(str(a, "errorMessage"), "6291557"));
    /* exactly at the limit goes through */
    const char *second = strchr(r.out, '\n') + 1;
    ck_assert_uint_eq(strlen(second), 6291556 + 1);
    json_decref(a);
    run_free(&r);
}
END_TEST

START_TEST(init_failure_goes_to_init_error_then_exits)
{
    struct run r;
    const char *args[] = {"invoke", "--event", temp_file("{}"), "--event", temp_file("{}"), "--env", "PROBE_INIT=fail", "--", PROBE, NULL};
    local_ran(args, &r);
    json_t *a = json_line(r.out, 0), *b = json_line(r.out, 1);
    ck_assert_str_eq(str(a, "errorType"), "Function.ConfigMissing");
    ck_assert_str_eq(str(a, "errorMessage"), "PROBE_INIT asked init to fail");
    ck_assert_str_eq(str(b, "errorType"), "Function.ConfigMissing"); /* init retried on the next invoke */
    ck_assert_int_eq(count_lines(r.err, "init failed with Function.ConfigMissing"), 2);
    json_decref(a), json_decref(b);
    run_free(&r);
}
END_TEST

START_TEST(exit_during_init_is_runtime_exit_error)
{
    struct run r;
    const char *args[] = {"invoke", "--event", temp_file("{}"), "--env", "PROBE_INIT=exit", "--", PROBE, NULL};
    run_local(args, 20, &r);
    json_t *a = json_line(r.out, 0);
    ck_assert_str_eq(str(a, "errorType"), "Runtime.ExitError");
    ck_assert_ptr_nonnull(strstr(str(a, "errorMessage"), "exit status 3"));
    json_decref(a);
    run_free(&r);
}
END_TEST

START_TEST(no_runtime_api_is_a_clear_error)
{
    struct run r;
    const char *argv[8];
    size_t n = wrap_command(argv, 0);
    argv[n++] = PROBE;
    argv[n] = NULL;
    char libpath[1100];
    const char *layer = getenv("SLSRT_LAYER");
    snprintf(libpath, sizeof libpath, "LD_LIBRARY_PATH=%s/lib", layer && *layer ? layer : build_dir());
    const char *env[] = {"AWS_LAMBDA_RUNTIME_API=", libpath, NULL};
    run_cmd(argv, env, 10, &r);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "AWS_LAMBDA_RUNTIME_API is not set"));
    run_free(&r);

    const char *refused[] = {"AWS_LAMBDA_RUNTIME_API=127.0.0.1:1", libpath, NULL};
    run_cmd(argv, refused, 10, &r);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "cannot reach the Runtime API"));
    ck_assert_ptr_nonnull(strstr(r.err, "Connection refused"));
    run_free(&r);
}
END_TEST

START_TEST(json_log_format_for_runtime_messages)
{
    struct run r;
    const char *args[] = {"invoke", "--log-format", "JSON", "--event", temp_file("{\"action\":\"fail\",\"type\":\"T\",\"message\":\"line1\\nline2\"}"),
                          "--", PROBE, NULL};
    run_local(args, 20, &r);
    const char *line = strstr(r.err, "{\"timestamp\"");
    ck_assert_ptr_nonnull(line);
    json_t *j = json_loadb(line, strcspn(line, "\n"), 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(str(j, "level"), "ERROR");
    ck_assert_int_eq(strlen(str(j, "requestId")), 36);
    ck_assert_ptr_nonnull(strstr(str(j, "message"), "line1\nline2"));
    json_decref(j);
    run_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_loop");
    TCase *tc = tcase_create("loop");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, hello_answers_its_events);
    tcase_add_test(tc, context_exposes_every_header_and_setting);
    tcase_add_test(tc, trace_id_changes_per_invocation);
    tcase_add_test(tc, absent_optional_headers_read_as_null);
    tcase_add_test(tc, handler_error_is_posted_with_type_and_message);
    tcase_add_test(tc, malformed_event_is_a_function_error_and_the_loop_goes_on);
    tcase_add_test(tc, response_kinds);
    tcase_add_test(tc, oversized_response_is_reported_by_the_runtime);
    tcase_add_test(tc, init_failure_goes_to_init_error_then_exits);
    tcase_add_test(tc, exit_during_init_is_runtime_exit_error);
    tcase_add_test(tc, no_runtime_api_is_a_clear_error);
    tcase_add_test(tc, json_log_format_for_runtime_messages);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
