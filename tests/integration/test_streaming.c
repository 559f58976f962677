/*
 * test_streaming.c - streamed responses end to end through slsrt-local:
 * 50 MB with flat memory, error trailers mid-stream, the HTTP prelude's
 * exact bytes, refused headers, and streaming on to an HTTP caller.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

#define PROBE build_path("tests/functions/probe/bootstrap")

static void run_probe(const char *event, struct run *r)
{
    const char *args[] = {"invoke", "--timeout", "60", "--event", temp_file(event), "--", PROBE, NULL};
    run_local(args, 120, r);
    ck_assert_msg(r->status == 0 || r->status == 1, "slsrt-local exited %d: %s", r->status, r->err);
}

START_TEST(fifty_megabytes_with_flat_memory)
{
    struct run r;
    run_probe("{\"action\":\"stream\",\"bytes\":52428800,\"chunk\":65536}", &r);
    ck_assert_uint_eq(r.out_len, 52428800 + 1);
    ck_assert_int_eq(r.out[0], 'x');
    ck_assert_int_eq(r.out[52428799], 'x');
    const char *used = strstr(r.err, "Max Memory Used: ");
    ck_assert_ptr_nonnull(used);
    int mb = atoi(used + strlen("Max Memory Used: "));
    ck_assert_msg(mb > 0 && mb < 20, "peak RSS %d MB while streaming 50 MB", mb);
    ck_assert_ptr_null(strstr(r.err, "failed with"));
    run_free(&r);
}
END_TEST

START_TEST(a_failure_mid_stream_sends_the_error_trailers)
{
    struct run r;
    run_probe("{\"action\":\"stream-fail\"}", &r);
    ck_assert_str_eq(r.out, "partial\n");
    ck_assert_ptr_nonnull(strstr(r.err, "failed with Function.StreamBroke"));
    ck_assert_ptr_nonnull(strstr(r.err, "\"errorMessage\":\"broke after 7 bytes\""));
    run_free(&r);

    run_probe("{\"action\":\"stream-fail-return\"}", &r);
    ck_assert_str_eq(r.out, "abc\n");
    ck_assert_ptr_nonnull(strstr(r.err, "failed with Function.HandlerError"));
    run_free(&r);
}
END_TEST

START_TEST(http_stream_prelude_bytes)
{
    struct run r;
    run_probe("{\"action\":\"stream-http\"}", &r);
    static const char prelude[] =
        "{\"statusCode\":201,\"headers\":{\"content-type\":\"text/plain\",\"x-probe\":\"yes\"},"
        "\"cookies\":[\"session=1; Secure\"]}";
    size_t n = sizeof prelude - 1;
    ck_assert_uint_eq(r.out_len, n + 8 + 5 + 1);
    ck_assert(memcmp(r.out, prelude, n) == 0);
    ck_assert(memcmp(r.out + n, "\0\0\0\0\0\0\0\0", 8) == 0);
    ck_assert(memcmp(r.out + n + 8, "hello\n", 6) == 0);
    run_free(&r);

    run_probe("{\"action\":\"stream-http-bad\"}", &r);
    ck_assert_str_eq(r.out, "{\"stream\":null}\n"); /* refused before a byte was sent */
    run_free(&r);
}
END_TEST

START_TEST(serve_streams_to_its_caller)
{
    int pid;
    const char *args[] = {"--", PROBE, NULL};
    int port = start_serve(args, &pid);
    ck_assert_int_gt(port, 0);
    const char *ev = "{\"action\":\"stream\",\"bytes\":300000,\"chunk\":1000}";
    char *resp = http_request(port, "POST", "/2015-03-31/functions/function/invocations", ev, strlen(ev));
    ck_assert_ptr_nonnull(strstr(resp, "HTTP/1.1 200"));
    ck_assert_ptr_nonnull(strstr(resp, "Transfer-Encoding: chunked"));
    ck_assert_ptr_nonnull(strstr(resp, "Content-Type: text/plain"));
    size_t xs = 0;
    for (const char *p = strstr(resp, "\r\n\r\n"); p && *p; p++)
        xs += *p == 'x';
    ck_assert_uint_eq(xs, 300000);
    free(resp);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("streaming");
    TCase *tc = tcase_create("streaming");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, fifty_megabytes_with_flat_memory);
    tcase_add_test(tc, a_failure_mid_stream_sends_the_error_trailers);
    tcase_add_test(tc, http_stream_prelude_bytes);
    tcase_add_test(tc, serve_streams_to_its_caller);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
