/* test_http_reader.c - response heads and chunked bodies, valid and hostile. */
#include <check.h>

#include "harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_reader.h"
#include <slsrt/common.h>

static int parse(const char *text, slsrt__http_head *h)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s", text);
    return slsrt__http_parse_head(buf, strlen(buf), h);
}

START_TEST(complete_head)
{
    slsrt__http_head h;
    const char *r = "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id:  abc \r\nContent-Length: 12\r\n"
                    "X-Empty:\r\n\r\n{\"body\":1}";
    ck_assert_int_eq(parse(r, &h), 1);
    ck_assert_int_eq(h.status, 200);
    ck_assert_int_eq(h.content_length, 12);
    ck_assert_uint_eq(h.head_len, strlen(r) - 10);
    ck_assert_str_eq(slsrt__http_find(&h, "lambda-runtime-aws-request-id"), "abc");
    ck_assert_str_eq(slsrt__http_find(&h, "x-empty"), "");
    ck_assert_ptr_null(slsrt__http_find(&h, "missing"));
    ck_assert(slsrt__http_name_is(&h.headers[0], "lambda-runtime-aws-request-id", 29));
}
END_TEST

START_TEST(incomplete_heads_ask_for_more)
{
    slsrt__http_head h;
    ck_assert_int_eq(parse("HTTP/1.1 20", &h), 0);
    ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nA: b\r\n", &h), 0);
    ck_assert_int_eq(parse("", &h), 0);
}
END_TEST

START_TEST(bare_lf_and_no_reason)
{
    slsrt__http_head h;
    ck_assert_int_eq(parse("HTTP/1.0 202\nContent-Length: 0\n\n", &h), 1);
    ck_assert_int_eq(h.status, 202);
}
END_TEST

START_TEST(malformed_heads_are_refused)
{
    static const char *const bad[] = {
        "HTTX/1.1 200 OK\r\n\r\n",
        "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/1.1 099 OK\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        slsrt__http_head h;
        ck_assert_msg(parse(bad[i], &h) == SLSRT_EPROTO, "accepted: %s", bad[i]);
    }
}
END_TEST

START_TEST(nul_in_a_value_is_refused)
{
    char buf[] = "HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n";
    slsrt__http_head h;
    ck_assert_int_eq(slsrt__http_parse_head(buf, sizeof buf - 1, &h), SLSRT_EPROTO);
}
END_TEST

START_TEST(too_many_headers_or_too_long)
{
    char *buf = malloc(SLSRT__HTTP_MAX_HEAD + 64);
    size_t n = (size_t)sprintf(buf, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i <= SLSRT__HTTP_MAX_HEADERS; i++)
        n += (size_t)sprintf(buf + n, "H%d: v\r\n", i);
    n += (size_t)sprintf(buf + n, "\r\n");
    slsrt__http_head h;
    ck_assert_int_eq(slsrt__http_parse_head(buf, n, &h), SLSRT_EPROTO);

    n = (size_t)sprintf(buf, "HTTP/1.1 200 OK\r\nBig: ");
    memset(buf + n, 'x', SLSRT__HTTP_MAX_HEAD);
    ck_assert_int_eq(slsrt__http_parse_head(buf, n + SLSRT__HTTP_MAX_HEAD, &h), SLSRT_EPROTO);
    free(buf);
}
END_TEST

START_TEST(chunked_bodies)
{
    char body[] = "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    size_t len, used;
    ck_assert_int_eq(slsrt__http_dechunk(body, strlen(body), 1000, &len, &used), 1);
    ck_assert_uint_eq(len, 12);
    ck_assert(memcmp(body, "hello, world", 12) == 0);
    ck_assert_str_eq(body + used, "NEXT");

    char partial[] = "5\r\nhel";
    ck_assert_int_eq(slsrt__http_dechunk(partial, strlen(partial), 1000, &len, &used), 0);
    ck_assert_str_eq(partial, "5\r\nhel"); /* untouched */
    char no_trailer_end[] = "1\r\na\r\n0\r\n";
    ck_assert_int_eq(slsrt__http_dechunk(no_trailer_end, strlen(no_trailer_end), 1000, &len, &used), 0);

    char bad_size[] = "zz\r\nhello\r\n0\r\n\r\n";
    ck_assert_int_eq(slsrt__http_dechunk(bad_size, strlen(bad_size), 1000, &len, &used), SLSRT_EPROTO);
    char bad_end[] = "5\r\nhelloXX0\r\n\r\n";
    ck_assert_int_eq(slsrt__http_dechunk(bad_end, strlen(bad_end), 1000, &len, &used), SLSRT_EPROTO);
    char huge[] = "ffffffffffffffffff\r\n";
    ck_assert_int_eq(slsrt__http_dechunk(huge, strlen(huge), 1000, &len, &used), SLSRT_EPROTO);
    char over[] = "10\r\n0123456789abcdef\r\n0\r\n\r\n";
    ck_assert_int_eq(slsrt__http_dechunk(over, strlen(over), 8, &len, &used), SLSRT_ETOOBIG);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("http_reader");
    TCase *tc = tcase_create("http_reader");
    tcase_add_test(tc, complete_head);
    tcase_add_test(tc, incomplete_heads_ask_for_more);
    tcase_add_test(tc, bare_lf_and_no_reason);
    tcase_add_test(tc, malformed_heads_are_refused);
    tcase_add_test(tc, nul_in_a_value_is_refused);
    tcase_add_test(tc, too_many_headers_or_too_long);
    tcase_add_test(tc, chunked_bodies);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
