/*
 * test_crash.c - a fatal signal in the handler or in init is reported as
 * Runtime.Crash with the signal and a backtrace naming the function, in the
 * error the caller gets and in the log; the next invocation gets a new
 * sandbox.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define PROBE build_path("tests/functions/probe/bootstrap")

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static int trace_names(json_t *err, const char *function)
{
    size_t i;
    json_t *frame;
    json_array_foreach(json_object_get(err, "stackTrace"), i, frame) if (strstr(json_string_value(frame), function)) return 1;
    return 0;
}

struct crash_case {
    const char *action, *signal, *function;
};

static const struct crash_case cases[] = {
    {"crash", "SIGSEGV", "probe_crash_here"},
    {"abort", "SIGABRT", "abort"},
    {"overflow", "SIGSEGV", "probe_recurse"},
};

START_TEST(a_crash_in_the_handler_is_reported)
{
    const struct crash_case *c = &cases[_i];
    char ev[64];
    snprintf(ev, sizeof ev, "{\"action\":\"%s\"}", c->action);
    struct run r;
    const char *args[] = {"invoke", "--event", temp_file(ev), "--event", temp_file("{\"v\":2}"), "--", PROBE, NULL};
    run_local(args, 30, &r);
    ck_assert_int_eq(r.status, 1); /* the crashed invocation failed */
    json_t *err = json_line(r.out, 0), *next = json_line(r.out, 1);
    ck_assert_msg(err != NULL, "%s: %s", c->action, r.out);
    ck_assert_str_eq(str(err, "errorType"), "Runtime.Crash");
    ck_assert_ptr_nonnull(strstr(str(err, "errorMessage"), c->signal));
    ck_assert_msg(trace_names(err, c->function), "%s: no %s in %s", c->action, c->function, r.out);
    ck_assert_ptr_nonnull(strstr(r.err, "FATAL: crashed with"));
    ck_assert_ptr_nonnull(strstr(r.err, c->function));
    ck_assert_int_eq(json_integer_value(json_object_get(next, "v")), 2);
    ck_assert_int_eq(count_lines(r.err, "Init Duration"), 2); /* the crashed sandbox was replaced */
    json_decref(err), json_decref(next);
    run_free(&r);
}
END_TEST

START_TEST(a_crash_in_init_is_an_init_error)
{
    struct run r;
    const char *args[] = {"invoke", "--env", "PROBE_INIT=crash", "--event", temp_file("{}"), "--", PROBE, NULL};
    run_local(args, 30, &r);
    ck_assert_int_eq(r.status, 1); /* the init failed */
    json_t *err = json_line(r.out, 0);
    ck_assert_str_eq(str(err, "errorType"), "Runtime.Crash");
    ck_assert_ptr_nonnull(strstr(str(err, "errorMessage"), "during init"));
    ck_assert(trace_names(err, "probe_crash_here")); /* called by init */
    ck_assert_ptr_nonnull(strstr(r.err, "INIT_REPORT"));
    json_decref(err);
    run_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crash");
    TCase *tc = tcase_create("crash");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, a_crash_in_the_handler_is_reported, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, a_crash_in_init_is_an_init_error);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
