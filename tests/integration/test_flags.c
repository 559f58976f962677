/*
 * test_flags.c - feature flags read from AppConfig: through AppConfig Data
 * (a session, then polls, each request's signature checked by the stand-in
 * in tests/node/fake-aws.js), cached for the poll interval, a changed
 * document picked up on the next poll; through the AppConfig Lambda
 * extension; and defaults when nothing can be read.
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
#include <slsrt/flags.h>

static int port;
static pid_t pid;

#define V1 "{\"premium\": {\"default\": false, \"rules\": {\"tier\": {\"when_match\": true, \"conditions\": " \
           "[{\"action\": \"EQUALS\", \"key\": \"tier\", \"value\": \"premium\"}]}}}, \"dark_mode\": {\"default\": true}}"

static void start_fake(void)
{
    char seed[2048];
    snprintf(seed, sizeof seed,
             "{\"credentials\": {\"%s\": {\"secret\": \"%s\"}}, \"appconfig\": {\"shop/prod/flags\": %s, \"shop/prod/ext\": %s}}",
             TEST_ACCESS_KEY, TEST_SECRET_KEY, V1, V1);
    if (!(port = start_node("tests/node/fake-aws.js", temp_file(seed), &pid)))
        exit(1);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    setenv("AWS_ENDPOINT_URL_APPCONFIGDATA", url, 1);
    setenv("AWS_REGION", "eu-west-1", 1);
    setenv("AWS_ACCESS_KEY_ID", TEST_ACCESS_KEY, 1);
    setenv("AWS_SECRET_ACCESS_KEY", TEST_SECRET_KEY, 1);
    unsetenv("AWS_SESSION_TOKEN");
}

static json_t *stats(void)
{
    char *resp = http_request(port, "GET", "/__stats", NULL, 0);
    json_t *v = json_loads(http_body(resp), 0, NULL);
    free(resp);
    return v;
}

static json_int_t stat(const char *name)
{
    json_t *s = stats();
    json_int_t n = json_integer_value(json_object_get(s, name));
    json_decref(s);
    return n;
}

START_TEST(appconfig_data_polled_and_cached)
{
    slsrt_aws *aws = slsrt_aws_new();
    slsrt_flags_config c = {.application = "shop", .environment = "prod", .profile = "flags", .poll_interval = 15};
    slsrt_flags *flags = slsrt_flags_new(aws, &c);
    json_t *premium = json_pack("{s:s}", "tier", "premium"), *basic = json_pack("{s:s}", "tier", "basic");
    ck_assert_int_eq(slsrt_flags_enabled(flags, "premium", premium, 0), 1);
    ck_assert_int_eq(slsrt_flags_enabled(flags, "premium", basic, 1), 0);
    ck_assert_int_eq(slsrt_flags_enabled(flags, "no_such_flag", basic, 1), 1); /* the caller's default */
    json_t *list = slsrt_flags_enabled_list(flags, premium);
    ck_assert_int_eq(json_array_size(list), 2);
    json_decref(list);
    /* One session, one poll: the rest came from the cache; every request signed right. */
    ck_assert_int_eq(stat("appconfig_sessions"), 1);
    ck_assert_int_eq(stat("appconfig_polls"), 1);
    ck_assert_int_eq(stat("rejected"), 0);
    /* A new document: served after the poll interval, not before. */
    const char *v2 = "{\"appconfig\": {\"shop/prod/flags\": {\"premium\": {\"default\": true}}}}";
    free(http_request(port, "POST", "/__control", v2, strlen(v2)));
    ck_assert_int_eq(slsrt_flags_enabled(flags, "premium", basic, 0), 0);
    sleep(16);
    ck_assert_int_eq(slsrt_flags_enabled(flags, "premium", basic, 0), 1);
    ck_assert_int_eq(stat("appconfig_polls"), 2);
    ck_assert_int_eq(stat("appconfig_sessions"), 1); /* the poll used the token the last answer gave */
    json_decref(premium), json_decref(basic);
    slsrt_flags_free(flags);
    slsrt_aws_free(aws);
}
END_TEST

START_TEST(the_lambda_extension)
{
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    setenv("AWS_APPCONFIG_EXTENSION_HTTP_PORT", p, 1);
    slsrt_aws *aws = slsrt_aws_new();
    slsrt_flags_config c = {.application = "shop", .environment = "prod", .profile = "ext"};
    slsrt_flags *flags = slsrt_flags_new(aws, &c);
    json_int_t before = stat("extension");
    ck_assert_int_eq(slsrt_flags_enabled(flags, "dark_mode", NULL, 0), 1);
    ck_assert_int_eq(stat("extension"), before + 1);
    slsrt_flags_free(flags);
    slsrt_aws_free(aws);
    unsetenv("AWS_APPCONFIG_EXTENSION_HTTP_PORT");
}
END_TEST

START_TEST(defaults_when_nothing_can_be_read)
{
    slsrt_aws *aws = slsrt_aws_new();
    slsrt_flags_config c = {.application = "shop", .environment = "prod", .profile = "missing"};
    slsrt_flags *flags = slsrt_flags_new(aws, &c);
    ck_assert_int_eq(slsrt_flags_enabled(flags, "dark_mode", NULL, 0), 0);
    ck_assert_int_eq(slsrt_flags_enabled(flags, "dark_mode", NULL, 1), 1);
    json_t *def = json_string("fallback"), *v = slsrt_flags_value(flags, "banner", NULL, def);
    ck_assert_str_eq(json_string_value(v), "fallback");
    json_decref(v), json_decref(def);
    slsrt_flags_free(flags);
    /* A document given directly: nothing fetched. */
    slsrt_flags_config direct = {.document = V1};
    flags = slsrt_flags_new(NULL, &direct);
    ck_assert_ptr_nonnull(flags);
    ck_assert_int_eq(slsrt_flags_enabled(flags, "dark_mode", NULL, 0), 1);
    slsrt_flags_free(flags);
    slsrt_flags_config bad = {.document = "[not an object]"};
    ck_assert_ptr_null(slsrt_flags_new(NULL, &bad));
    slsrt_aws_free(aws);
}
END_TEST

int main(void)
{
    start_fake();
    Suite *s = suite_create("flags");
    TCase *tc = tcase_create("flags");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, appconfig_data_polled_and_cached);
    tcase_add_test(tc, the_lambda_extension);
    tcase_add_test(tc, defaults_when_nothing_can_be_read);
    suite_add_tcase(s, tc);
    int rc = run_suite(s);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return rc;
}
