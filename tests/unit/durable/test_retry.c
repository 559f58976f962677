/*
 * test_retry.c - the retry strategies' delays: the defaults, exponential
 * with each jitter (bounded by the un-jittered delay, and not constant),
 * linear, none, custom, and the attempt limits.
 */
#include <check.h>
#include <string.h>

#include "durable/durable_internal.h"
#include "harness.h"

START_TEST(defaults)
{
    /* Exponential from 5 s, x2, full jitter, 3 attempts: delays within [0, 5] then [0, 10]. */
    for (int i = 0; i < 200; i++) {
        double d1 = slsrt__durable_retry_delay(NULL, 1, "T", "m", 0);
        double d2 = slsrt__durable_retry_delay(NULL, 2, "T", "m", 0);
        ck_assert(d1 >= 0 && d1 <= 5);
        ck_assert(d2 >= 0 && d2 <= 10);
    }
    ck_assert(slsrt__durable_retry_delay(NULL, 3, "T", "m", 0) < 0);
    /* wait_for_condition: 60 checks by default. */
    ck_assert(slsrt__durable_retry_delay(NULL, 59, NULL, NULL, 1) >= 0);
    ck_assert(slsrt__durable_retry_delay(NULL, 60, NULL, NULL, 1) < 0);
}
END_TEST

START_TEST(exponential_jitters)
{
    slsrt_durable_retry none = {.kind = SLSRT_RETRY_EXPONENTIAL, .max_attempts = 10, .initial_delay = 2,
                                .backoff_rate = 3, .max_delay = 100, .jitter = SLSRT_JITTER_NONE};
    ck_assert(slsrt__durable_retry_delay(&none, 1, NULL, NULL, 0) == 2);
    ck_assert(slsrt__durable_retry_delay(&none, 2, NULL, NULL, 0) == 6);
    ck_assert(slsrt__durable_retry_delay(&none, 3, NULL, NULL, 0) == 18);
    ck_assert(slsrt__durable_retry_delay(&none, 6, NULL, NULL, 0) == 100); /* capped */
    slsrt_durable_retry half = none, full = none;
    half.jitter = SLSRT_JITTER_HALF, full.jitter = SLSRT_JITTER_FULL;
    double lo = 1e9, hi = 0;
    for (int i = 0; i < 500; i++) {
        double h = slsrt__durable_retry_delay(&half, 3, NULL, NULL, 0);
        double f = slsrt__durable_retry_delay(&full, 3, NULL, NULL, 0);
        ck_assert(h >= 9 && h <= 18);
        ck_assert(f >= 0 && f <= 18);
        lo = f < lo ? f : lo, hi = f > hi ? f : hi;
    }
    ck_assert(hi - lo > 5); /* jittered, not constant */
}
END_TEST

static double custom(int attempt, const char *type, const char *message, void *arg)
{
    (void)message;
    ++*(int *)arg;
    return !strcmp(type, "Fatal") ? -1 : attempt * 7.0;
}

START_TEST(linear_none_custom)
{
    slsrt_durable_retry linear = {.kind = SLSRT_RETRY_LINEAR, .max_attempts = 5, .initial_delay = 3, .increment = 2};
    ck_assert(slsrt__durable_retry_delay(&linear, 1, NULL, NULL, 0) == 3);
    ck_assert(slsrt__durable_retry_delay(&linear, 4, NULL, NULL, 0) == 9);
    ck_assert(slsrt__durable_retry_delay(&linear, 5, NULL, NULL, 0) < 0);
    slsrt_durable_retry none = {.kind = SLSRT_RETRY_NONE};
    ck_assert(slsrt__durable_retry_delay(&none, 1, NULL, NULL, 0) < 0);
    int calls = 0;
    slsrt_durable_retry c = {.kind = SLSRT_RETRY_CUSTOM, .max_attempts = 4, .custom = custom, .custom_arg = &calls};
    ck_assert(slsrt__durable_retry_delay(&c, 2, "Busy", "m", 0) == 14);
    ck_assert(slsrt__durable_retry_delay(&c, 2, "Fatal", "m", 0) < 0);
    ck_assert(slsrt__durable_retry_delay(&c, 4, "Busy", "m", 0) < 0); /* the limit comes first */
    ck_assert_int_eq(calls, 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("durable_retry");
    TCase *tc = tcase_create("retry");
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, exponential_jitters);
    tcase_add_test(tc, linear_none_custom);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
