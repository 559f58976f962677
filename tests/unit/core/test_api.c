/* test_api.c - the public API that needs no Runtime API: statuses, config, responses. */
#include <check.h>

#include "harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slsrt/slsrt.h>

START_TEST(statuses_have_messages)
{
    for (int s = SLSRT_OK; s >= SLSRT_ENOTFOUND; s--)
        ck_assert_str_ne(slsrt_strerror(s), "unknown error");
    ck_assert_str_eq(slsrt_strerror(-999), "unknown error");
    ck_assert_str_eq(slsrt_strerror(42), "unknown error");
    ck_assert_str_eq(slsrt_version(), SLSRT_VERSION_STRING);
}
END_TEST

START_TEST(configuration_from_the_environment)
{
    setenv("AWS_LAMBDA_FUNCTION_NAME", "fn", 1);
    setenv("AWS_LAMBDA_FUNCTION_VERSION", "7", 1);
    setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1769", 1);
    setenv("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/fn", 1);
    setenv("AWS_LAMBDA_LOG_STREAM_NAME", "stream", 1);
    unsetenv("AWS_REGION");
    setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
    setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start", 1);
    slsrt_runtime *rt = slsrt_runtime_new();
    ck_assert_str_eq(slsrt_runtime_function_name(rt), "fn");
    ck_assert_str_eq(slsrt_runtime_function_version(rt), "7");
    ck_assert_int_eq(slsrt_runtime_memory_mb(rt), 1769);
    ck_assert_str_eq(slsrt_runtime_log_group_name(rt), "/aws/lambda/fn");
    ck_assert_str_eq(slsrt_runtime_log_stream_name(rt), "stream");
    ck_assert_str_eq(slsrt_runtime_region(rt), "ap-south-1");
    ck_assert_str_eq(slsrt_runtime_initialization_type(rt), "snap-start");
    int x;
    slsrt_runtime_set_user_data(rt, &x);
    ck_assert_ptr_eq(slsrt_runtime_user_data(rt), &x);
    slsrt_runtime_free(rt);

    unsetenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    unsetenv("AWS_LAMBDA_FUNCTION_NAME");
    rt = slsrt_runtime_new();
    ck_assert_int_eq(slsrt_runtime_memory_mb(rt), 0);
    ck_assert_ptr_null(slsrt_runtime_function_name(rt));
    slsrt_runtime_free(rt);
    slsrt_runtime_free(NULL);
}
END_TEST

static int never(slsrt_invocation *inv, slsrt_response *res)
{
    (void)inv, (void)res;
    return 0;
}

START_TEST(run_refuses_what_cannot_work)
{
    slsrt_runtime *rt = slsrt_runtime_new();
    ck_assert_int_eq(slsrt_runtime_run(rt), 1); /* no handler */
    slsrt_runtime_set_handler(rt, never);
    setenv("AWS_LAMBDA_RUNTIME_API", "no-port-here", 1);
    ck_assert_int_eq(slsrt_runtime_run(rt), 1);
    setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:99999", 1);
    ck_assert_int_eq(slsrt_runtime_run(rt), 1);
    setenv("AWS_LAMBDA_RUNTIME_API", "[::1:9001", 1);
    ck_assert_int_eq(slsrt_runtime_run(rt), 1);
    unsetenv("AWS_LAMBDA_RUNTIME_API");
    ck_assert_int_eq(slsrt_runtime_run(rt), 1);
    ck_assert_int_eq(slsrt_runtime_fail(rt, NULL, "x %d", 1), SLSRT_EHANDLER);
    ck_assert_int_eq(slsrt_runtime_fail(NULL, NULL, "x"), SLSRT_EHANDLER);
    slsrt_runtime_free(rt);
}
END_TEST

START_TEST(responses_refuse_bad_input)
{
    ck_assert_int_eq(slsrt_response_set_body(NULL, "x", 1, NULL), SLSRT_EINVAL);
    ck_assert_int_eq(slsrt_response_set_json(NULL, json_object()), SLSRT_EINVAL); /* and frees it */
    ck_assert_int_eq(slsrt_response_fail(NULL, "T", "m"), SLSRT_EHANDLER);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_add_test(tc, statuses_have_messages);
    tcase_add_test(tc, configuration_from_the_environment);
    tcase_add_test(tc, run_refuses_what_cannot_work);
    tcase_add_test(tc, responses_refuse_bad_input);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
