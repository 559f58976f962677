/*
 * test_schedule.c - the flags' time windows: local time in a named zone from
 * the TZif files, checked against glibc's localtime_r (set to each zone in
 * this single-threaded test) at 20,000 instants from 1970 to 2100 in zones
 * north, south, half-hour and no-DST; and SCHEDULE_BETWEEN_TIME_RANGE,
 * _DATETIME_RANGE and _DAYS_OF_WEEK as Powertools defines them.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flags/flags_internal.h"
#include "flags/tz.h"
#include "harness.h"

static int have_zoneinfo(void) { return access("/usr/share/zoneinfo/Europe/Copenhagen", R_OK) == 0; }

START_TEST(offsets_match_glibc)
{
    if (!have_zoneinfo()) {
        printf("offsets_match_glibc: skipped (no /usr/share/zoneinfo)\n");
        return;
    }
    static const char *const zones[] = {"Europe/Copenhagen", "America/New_York", "Australia/Sydney",
                                        "Asia/Kolkata", "America/Sao_Paulo", "Pacific/Chatham",
                                        "America/St_Johns", "Africa/Casablanca", "Europe/Dublin", "UTC"};
    unsigned long long x = 88172645463325252ull;
    for (size_t z = 0; z < sizeof zones / sizeof *zones; z++) {
        setenv("TZ", zones[z], 1);
        tzset();
        for (int i = 0; i < 2000; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            time_t t = (time_t)(x % 4102444800ull);
            struct tm tm;
            localtime_r(&t, &tm);
            int32_t off;
            ck_assert_int_eq(slsrt__tz_offset(zones[z], (int64_t)t, &off), 0);
            ck_assert_msg(off == tm.tm_gmtoff, "%s at %lld: %d, glibc %ld", zones[z], (long long)t, off, tm.tm_gmtoff);
        }
    }
    unsetenv("TZ");
    int32_t off;
    ck_assert_int_eq(slsrt__tz_offset("No/Such_Zone", 0, &off), -1);
    ck_assert_int_eq(slsrt__tz_offset("../../etc/passwd", 0, &off), -1);
}
END_TEST

/* The rules in force after the files' last transition (2037 in fat files). */
START_TEST(transitions_to_the_minute)
{
    if (!have_zoneinfo())
        return;
    int32_t off;
    int64_t start = slsrt__tz_epoch(2026, 3, 29, 1, 0, 0); /* EU summer time begins at 01:00 UTC */
    slsrt__tz_offset("Europe/Copenhagen", start - 1, &off);
    ck_assert_int_eq(off, 3600);
    slsrt__tz_offset("Europe/Copenhagen", start, &off);
    ck_assert_int_eq(off, 7200);
    slsrt__tz_offset("Europe/Copenhagen", slsrt__tz_epoch(2090, 7, 1, 12, 0, 0), &off);
    ck_assert_int_eq(off, 7200);
    slsrt__tz_offset("Australia/Sydney", slsrt__tz_epoch(2090, 1, 1, 0, 0, 0), &off);
    ck_assert_int_eq(off, 39600); /* summer down under */
}
END_TEST

static int at(const char *condition, int64_t now)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"f\": {\"default\": false, \"rules\": {\"r\": {\"when_match\": true, \"conditions\": [%s]}}}}", condition);
    json_t *doc = json_loads(text, 0, NULL);
    ck_assert_ptr_nonnull(doc);
    json_t *v = slsrt__flags_evaluate_at(doc, "f", NULL, now);
    int r = json_is_true(v);
    json_decref(v), json_decref(doc);
    return r;
}

START_TEST(schedules)
{
    if (!have_zoneinfo())
        return;
    const char *office = "{\"action\": \"SCHEDULE_BETWEEN_TIME_RANGE\", \"key\": \"CURRENT_TIME\", \"value\": "
                         "{\"START\": \"09:00\", \"END\": \"17:00\", \"TIMEZONE\": \"Europe/Copenhagen\"}}";
    ck_assert(at(office, slsrt__tz_epoch(2026, 1, 15, 8, 30, 0)));   /* 09:30 local */
    ck_assert(!at(office, slsrt__tz_epoch(2026, 1, 15, 16, 30, 0))); /* 17:30 local */
    ck_assert(at(office, slsrt__tz_epoch(2026, 7, 15, 7, 30, 0)));   /* summer: 09:30 local */
    ck_assert(!at(office, slsrt__tz_epoch(2026, 7, 15, 6, 30, 0)));  /* 08:30 local */
}
END_TEST

START_TEST(windows_across_midnight_dates_and_days)
{
    if (!have_zoneinfo())
        return;
    const char *night = "{\"action\": \"SCHEDULE_BETWEEN_TIME_RANGE\", \"key\": \"CURRENT_TIME\", \"value\": "
                        "{\"START\": \"22:00\", \"END\": \"06:00\"}}"; /* UTC by default */
    ck_assert(at(night, slsrt__tz_epoch(2026, 5, 1, 23, 0, 0)));
    ck_assert(at(night, slsrt__tz_epoch(2026, 5, 1, 5, 59, 0)));
    ck_assert(!at(night, slsrt__tz_epoch(2026, 5, 1, 12, 0, 0)));
    const char *sale = "{\"action\": \"SCHEDULE_BETWEEN_DATETIME_RANGE\", \"key\": \"CURRENT_DATETIME\", \"value\": "
                       "{\"START\": \"2026-11-27T00:00:00\", \"END\": \"2026-11-30T23:59:59\", \"TIMEZONE\": \"America/New_York\"}}";
    ck_assert(!at(sale, slsrt__tz_epoch(2026, 11, 27, 4, 59, 0))); /* 23:59 on the 26th in New York */
    ck_assert(at(sale, slsrt__tz_epoch(2026, 11, 27, 5, 0, 0)));
    ck_assert(at(sale, slsrt__tz_epoch(2026, 12, 1, 4, 0, 0)));    /* 23:00 on the 30th there */
    ck_assert(!at(sale, slsrt__tz_epoch(2026, 12, 1, 5, 0, 0)));
    const char *offset = "{\"action\": \"SCHEDULE_BETWEEN_DATETIME_RANGE\", \"key\": \"CURRENT_DATETIME\", \"value\": "
                         "{\"START\": \"2026-01-01T00:00:00+05:30\", \"END\": \"2026-01-01T01:00:00Z\"}}";
    ck_assert(at(offset, slsrt__tz_epoch(2025, 12, 31, 18, 30, 0)));
    ck_assert(!at(offset, slsrt__tz_epoch(2025, 12, 31, 18, 29, 59)));
    const char *weekend = "{\"action\": \"SCHEDULE_BETWEEN_DAYS_OF_WEEK\", \"key\": \"CURRENT_DAY_OF_WEEK\", \"value\": "
                          "{\"DAYS\": [\"SATURDAY\", \"SUNDAY\"], \"TIMEZONE\": \"Pacific/Auckland\"}}";
    ck_assert(at(weekend, slsrt__tz_epoch(2026, 11, 27, 12, 0, 0)));  /* Friday in UTC, Saturday in Auckland */
    ck_assert(!at(weekend, slsrt__tz_epoch(2026, 11, 26, 12, 0, 0))); /* Friday there */
    const char *bad = "{\"action\": \"SCHEDULE_BETWEEN_TIME_RANGE\", \"key\": \"CURRENT_TIME\", \"value\": "
                      "{\"START\": \"09:00\", \"END\": \"17:00\", \"TIMEZONE\": \"Nowhere/Town\"}}";
    ck_assert(!at(bad, slsrt__tz_epoch(2026, 1, 15, 12, 0, 0)));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flags_schedule");
    TCase *tc = tcase_create("schedule");
    tcase_add_test(tc, offsets_match_glibc);
    tcase_add_test(tc, transitions_to_the_minute);
    tcase_add_test(tc, schedules);
    tcase_add_test(tc, windows_across_midnight_dates_and_days);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
