/*
 * test_concurrency.c - Lambda Managed Instances: eight invocations in flight
 * at once in one sandbox, each keeping its own request and trace ids in its
 * response and in every log line, and none in the process environment.
 * `make check-tsan` runs this with the library built under ThreadSanitizer.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define N 8

START_TEST(eight_at_once_never_mix)
{
    const char *args[8 + 2 * N + 4];
    int a = 0;
    args[a++] = "invoke";
    args[a++] = "--concurrency";
    args[a++] = "8";
    args[a++] = "--log-format";
    args[a++] = "JSON";
    args[a++] = "--layer";
    args[a++] = build_dir(); /* the library of this build, sanitized or not */
    for (int i = 0; i < N; i++) {
        char ev[64];
        snprintf(ev, sizeof ev, "{\"marker\": %d, \"sleep_ms\": 500}", i);
        args[a++] = "--event";
        args[a++] = temp_file(ev);
    }
    args[a++] = "--";
    args[a++] = build_path("tests/functions/concurrent/bootstrap");
    args[a] = NULL;
    struct run r;
    run_local(args, 60, &r);
    ck_assert_msg(r.status == 0, "slsrt-local exited %d:\n%s", r.status, r.err);
    ck_assert_ptr_null(strstr(r.err, "ThreadSanitizer"));

    char request[N][40], trace[N][128];
    for (int i = 0; i < N; i++) {
        json_t *resp = json_line(r.out, i);
        ck_assert_msg(resp != NULL, "no response %d: %s", i, r.out);
        ck_assert_int_eq(json_integer_value(json_object_get(resp, "marker")), i); /* printed in event order */
        ck_assert(json_is_null(json_object_get(resp, "traceEnv"))); /* never in the environment */
        snprintf(request[i], sizeof request[i], "%s", json_string_value(json_object_get(resp, "requestId")));
        snprintf(trace[i], sizeof trace[i], "%s", json_string_value(json_object_get(resp, "traceId")));
        for (int j = 0; j < i; j++) {
            ck_assert_str_ne(request[i], request[j]);
            ck_assert_str_ne(trace[i], trace[j]);
        }
        json_decref(resp);
    }

    /* Every log line names the invocation that wrote it; all began before any ended. */
    int begins = 0, ends = 0, first_end_after_all_begins = 1;
    for (const char *p = r.err; *p;) {
        size_t n = strcspn(p, "\n");
        json_t *j = *p == '{' ? json_loadb(p, n, 0, NULL) : NULL;
        const char *msg = json_string_value(json_object_get(j, "message"));
        int marker;
        char what[8];
        if (msg && sscanf(msg, "%7s %d", what, &marker) == 2 && marker >= 0 && marker < N) {
            ck_assert_str_eq(json_string_value(json_object_get(j, "requestId")), request[marker]);
            ck_assert_ptr_nonnull(strstr(trace[marker], json_string_value(json_object_get(j, "traceId"))));
            if (strcmp(what, "begin") == 0) {
                begins++;
                if (ends)
                    first_end_after_all_begins = 0;
            } else {
                ends++;
            }
        }
        json_decref(j);
        p += n + (p[n] == '\n');
    }
    ck_assert_int_eq(begins, N);
    ck_assert_int_eq(ends, N);
    ck_assert_msg(first_end_after_all_begins, "the invocations did not overlap");
    ck_assert_int_eq(count_lines(r.err, "Init Duration"), 1); /* one sandbox served all */
    ck_assert_int_eq(count_lines(r.err, "REPORT RequestId"), N);
    run_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("concurrency");
    TCase *tc = tcase_create("concurrency");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, eight_at_once_never_mix);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
