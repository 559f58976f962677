/*
 * test_snapstart.c - SnapStart's phases through `slsrt-local --snap-start`
 * (tests/functions/snapstart): before-snapshot hooks, the restore, the
 * after-restore hooks, in that order and once; a failed restore reported
 * and fatal; and the metadata endpoint's Availability Zone ID, its token
 * checked.
 */
#include <check.h>
#include <string.h>

#include "harness.h"

static const char *fn(void) { return build_path("tests/functions/snapstart/bootstrap"); }

START_TEST(hooks_around_the_restore)
{
    struct run r;
    const char *e = temp_file("{}");
    const char *args[] = {"invoke", "--snap-start", "--az-id", "use1-az9", "--event", e, "--event", e, "--", fn(), NULL};
    local_ok(args, &r);
    for (int i = 0; i < 2; i++) {
        json_t *v = json_line(r.out, i);
        ck_assert_str_eq(json_string_value(json_object_get(v, "initialization_type")), "snap-start");
        ck_assert_int_eq(json_integer_value(json_object_get(v, "before")), 1);
        ck_assert_int_eq(json_integer_value(json_object_get(v, "restored")), 1);
        ck_assert_str_eq(json_string_value(json_object_get(v, "az")), "use1-az9");
        json_decref(v);
    }
    const char *before = strstr(r.err, "before snapshot"), *snap = strstr(r.err, "snapshot is taken and restored"),
               *after = strstr(r.err, "after restore: reconnected"), *start = strstr(r.err, "START RequestId");
    ck_assert(before && snap && after && start);
    ck_assert(before < snap && snap < after);
    ck_assert_int_eq(count_lines(r.err, "after restore: reconnected"), 1);
    run_free(&r);
    /* On demand: neither phase. */
    const char *plain[] = {"invoke", "--event", e, "--", fn(), NULL};
    json_t *v = local_json(plain, &r);
    ck_assert_str_eq(json_string_value(json_object_get(v, "initialization_type")), "on-demand");
    ck_assert_int_eq(json_integer_value(json_object_get(v, "before")), 0);
    ck_assert_ptr_null(strstr(r.err, "snapshot"));
    json_decref(v);
    run_free(&r);
}
END_TEST

START_TEST(a_failed_restore_is_reported)
{
    struct run r;
    const char *args[] = {"invoke", "--snap-start", "--env", "FAIL_RESTORE=1", "--event", temp_file("{}"), "--",
                          fn(), NULL};
    local_ran(args, &r);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "\"errorType\":\"Function.RestoreFailed\""));
    ck_assert_ptr_nonnull(strstr(r.err, "the restore failed (Function.RestoreFailed)"));
    run_free(&r);
}
END_TEST

START_TEST(the_metadata_endpoint)
{
    struct run r;
    const char *e = temp_file("{}");
    const char *wrong[] = {"invoke", "--env", "AWS_LAMBDA_METADATA_TOKEN=not-the-token", "--event", e, "--", fn(), NULL};
    json_t *v = local_json(wrong, &r);
    ck_assert_str_eq(json_string_value(json_object_get(v, "az")), "connection failed"); /* 401: SLSRT_EIO */
    json_decref(v);
    run_free(&r);
    const char *none[] = {"invoke", "--env", "AWS_LAMBDA_METADATA_API=", "--event", e, "--", fn(), NULL};
    v = local_json(none, &r);
    ck_assert_str_eq(json_string_value(json_object_get(v, "az")), "not found"); /* outside Lambda */
    json_decref(v);
    run_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("snapstart");
    TCase *tc = tcase_create("snapstart");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, hooks_around_the_restore);
    tcase_add_test(tc, a_failed_restore_is_reported);
    tcase_add_test(tc, the_metadata_endpoint);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
