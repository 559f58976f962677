/*
 * test_lifecycle.c - graceful shutdown (an internal extension, SIGTERM, the
 * author's hook) and the deadline hook, under slsrt-local.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define PROBE build_path("tests/functions/probe/bootstrap")

START_TEST(sigterm_runs_the_shutdown_hook)
{
    char path[] = "/tmp/slsrt-shutdown-XXXXXX", env[64];
    close(mkstemp(path));
    unlink(path);
    snprintf(env, sizeof env, "PROBE_SHUTDOWN_FILE=%s", path);
    struct run r;
    const char *args[] = {"invoke", "--env", env, "--event", temp_file("{\"v\":1}"), "--", PROBE, NULL};
    local_ok(args, &r);
    ck_assert_str_eq(r.out, "{\"v\":1}\n");
    ck_assert_ptr_nonnull(strstr(r.err, "extension 'slsrt-graceful-shutdown' registered"));
    ck_assert_ptr_nonnull(strstr(r.err, "SIGTERM to the bootstrap"));
    ck_assert_ptr_nonnull(strstr(r.err, "shutdown hook done; exiting"));
    ck_assert_ptr_null(strstr(r.err, "SIGKILL"));
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[64] = "";
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    unlink(path);
    ck_assert_str_eq(line, "shutdown hook ran\n");
    run_free(&r);
}
END_TEST

START_TEST(no_extension_no_sigterm)
{
    struct run r;
    const char *args[] = {"invoke", "--event", temp_file("{}"), "--", PROBE, NULL};
    local_ok(args, &r);
    ck_assert_ptr_null(strstr(r.err, "registered"));
    ck_assert_ptr_null(strstr(r.err, "SIGTERM"));
    run_free(&r);
}
END_TEST

START_TEST(the_deadline_hook_runs_before_the_timeout)
{
    struct run r;
    const char *args[] = {"invoke", "--timeout", "1", "--env", "PROBE_DEADLINE_MS=400", "--log-format", "JSON",
                          "--event", temp_file("{\"action\":\"sleep\",\"ms\":3000}"), "--event",
                          temp_file("{\"action\":\"sleep\",\"ms\":10}"), "--", PROBE, NULL};
    local_ran(args, &r);
    ck_assert_ptr_nonnull(strstr(r.out, "Sandbox.Timedout"));
    ck_assert_int_eq(count_lines(r.err, "deadline near for"), 1); /* not for the quick second one */
    const char *line = strstr(r.err, "{\"timestamp\"");
    while (line && !strstr(line, "deadline near") )
        line = strstr(line + 1, "{\"timestamp\"");
    json_t *j = line ? json_loadb(line, strcspn(line, "\n"), 0, NULL) : NULL;
    ck_assert_ptr_nonnull(j);
    const char *id = json_string_value(json_object_get(j, "requestId"));
    ck_assert_ptr_nonnull(id);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "message")), id));
    int left = -1;
    sscanf(strstr(json_string_value(json_object_get(j, "message")), ": ") + 2, "%d", &left);
    ck_assert_msg(left > 200 && left <= 400, "the hook ran with %d ms left", left);
    json_decref(j);
    run_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("lifecycle");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sigterm_runs_the_shutdown_hook);
    tcase_add_test(tc, no_extension_no_sigterm);
    tcase_add_test(tc, the_deadline_hook_runs_before_the_timeout);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
