/*
 * test_log_features.c - the logger's per-invocation features through
 * slsrt-local (tests/functions/logs): DEBUG lines kept back and written only
 * for a failed invocation or before an error line, a correlation id from the
 * event on every line (JSON and text), sampling, and all of it per
 * invocation with four in flight at once.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *fn(void) { return build_path("tests/functions/logs/bootstrap"); }

static const char *event(int n, const char *extra)
{
    char text[256];
    snprintf(text, sizeof text, "{\"n\":%d,\"correlation\":\"c-%d\"%s%s}", n, n, extra ? "," : "", extra ? extra : "");
    return temp_file(text);
}

/* The function's JSON lines in stderr, as an array. */
static json_t *lines(const char *err)
{
    json_t *all = json_array();
    for (const char *p = err; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        json_t *v = *p == '{' ? json_loadb(p, strcspn(p, "\n"), 0, NULL) : NULL;
        if (v && json_object_get(v, "level"))
            json_array_append(all, v);
        json_decref(v);
    }
    return all;
}

/* Every function line naming "n=K" carries correlationId c-K; how many did. */
static int correlated_lines(const char *err)
{
    json_t *all = lines(err);
    size_t i;
    json_t *l;
    int seen = 0;
    json_array_foreach(all, i, l) {
        const char *msg = json_string_value(json_object_get(l, "message"));
        const char *n = msg ? strstr(msg, "n=") : NULL;
        if (!n)
            continue;
        char want[16];
        snprintf(want, sizeof want, "c-%d", atoi(n + 2));
        const char *got = json_string_value(json_object_get(l, "correlationId"));
        ck_assert_msg(got && !strcmp(got, want), "%s has %s", msg, got ? got : "(none)");
        seen++;
    }
    json_decref(all);
    return seen;
}

START_TEST(debug_lines_kept_back_unless_the_invocation_fails)
{
    struct run r;
    const char *args[] = {"invoke", "--log-format", "JSON", "--event", event(1, NULL), "--event",
                          event(2, "\"fail\":true"), "--event", event(3, "\"error_log\":true"), "--", fn(), NULL};
    local_ran(args, &r);
    ck_assert_int_eq(count_lines(r.err, "of n=1"), 0); /* succeeded: dropped */
    ck_assert_int_eq(count_lines(r.err, "of n=2"), 3); /* failed: written */
    ck_assert_int_eq(count_lines(r.err, "of n=3"), 3); /* an error line: written before it */
    ck_assert_int_eq(count_lines(r.err, "step n=1"), 1);
    const char *detail = strstr(r.err, "detail 2 of n=3"), *error = strstr(r.err, "something went wrong in n=3");
    ck_assert(detail && error && detail < error);
    /* The same invocation's lines, its own correlation id on each. */
    ck_assert_int_ge(correlated_lines(r.err), 10);
    run_free(&r);
    /* Text lines carry it as correlationId=. */
    const char *text[] = {"invoke", "--event", event(4, NULL), "--", fn(), NULL};
    local_ok(text, &r);
    ck_assert_int_eq(count_lines(r.err, "step n=4 correlationId=c-4"), 1);
    run_free(&r);
}
END_TEST

START_TEST(sampled_invocations_log_debug)
{
    struct run r;
    char rate[] = "SLSRT_LOG_SAMPLE_RATE=1";
    const char *args[] = {"invoke", "--env", rate, "--event", event(5, NULL), "--", fn(), NULL};
    local_ok(args, &r);
    ck_assert_int_eq(count_lines(r.err, "of n=5"), 3); /* written at once, though INFO is the level */
    run_free(&r);
}
END_TEST

START_TEST(per_invocation_under_concurrency)
{
    struct run r;
    const char *args[] = {"invoke", "--log-format", "JSON", "--concurrency", "4", "--event", event(11, NULL),
                          "--event", event(12, "\"fail\":true"), "--event", event(13, NULL), "--event",
                          event(14, "\"fail\":true"), "--event", event(15, NULL), "--event", event(16, NULL),
                          "--event", event(17, "\"fail\":true"), "--event", event(18, NULL), "--", fn(), NULL};
    local_ran(args, &r);
    for (int n = 11; n <= 18; n++) {
        char what[32];
        snprintf(what, sizeof what, "of n=%d\"", n);
        int fails = n == 12 || n == 14 || n == 17;
        ck_assert_msg(count_lines(r.err, what) == (fails ? 3 : 0), "n=%d: %d detail lines", n, count_lines(r.err, what));
    }
    ck_assert_int_ge(correlated_lines(r.err), 16);
    run_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("log_features");
    TCase *tc = tcase_create("log_features");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, debug_lines_kept_back_unless_the_invocation_fails);
    tcase_add_test(tc, sampled_invocations_log_debug);
    tcase_add_test(tc, per_invocation_under_concurrency);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
