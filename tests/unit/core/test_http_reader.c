/* test_http_reader.c - response heads and chunked bodies, valid and hostile. */
#include <check.h>

#include "harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_reader.h"
#include <slsrt/common.h>

static char buf[4096];

static int parse(const char *text, slsrt__http_head *h)
{
    snprintf(buf, sizeof buf, "%s", text);
    return slsrt__http_parse_head(buf, strlen(buf), 0, h);
}

/* Decode a whole chunked body at once; *len in: its length, out: what follows the body. */
static int dechunk_all(char *body, size_t max, size_t *decoded, size_t *rest)
{
    slsrt__http_chunked st = {0};
    size_t len = strlen(body);
    int rc = slsrt__http_dechunk(&st, body, &len, max);
    *decoded = st.out;
    *rest = len - st.out;
    return rc;
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
    ck_assert_str_eq(slsrt__http_find(&h, buf, "lambda-runtime-aws-request-id"), "abc");
    ck_assert_str_eq(slsrt__http_find(&h, buf, "x-empty"), "");
    ck_assert_ptr_null(slsrt__http_find(&h, buf, "missing"));
    ck_assert_int_eq(h.headers[0].kind, SLSRT__H_REQUEST_ID);
    ck_assert_uint_eq(h.headers[0].value_len, 3);
    ck_assert_int_eq(h.close, 0);
}
END_TEST

/* Every name the runtime acts on is recognised in any case; near misses are not. */
START_TEST(names_are_recognised_once)
{
    static const struct {
        const char *name;
        slsrt__http_name_kind kind;
    } cases[] = {
        {"LAMBDA-RUNTIME-AWS-REQUEST-ID", SLSRT__H_REQUEST_ID},
        {"Lambda-Runtime-Client-Context", SLSRT__H_CLIENT_CONTEXT},
        {"lambda-runtime-aws-tenant-id", SLSRT__H_TENANT_ID},
        {"Lambda-Runtime-Invocation-Id", SLSRT__H_INVOCATION_ID},
        {"Lambda-Runtime-Deadline-Ms", SLSRT__H_DEADLINE},
        {"Lambda-Runtime-Invoked-Function-Arn", SLSRT__H_FUNCTION_ARN},
        {"Lambda-Runtime-Trace-Id", SLSRT__H_TRACE_ID},
        {"Lambda-Runtime-Cognito-Identity", SLSRT__H_COGNITO_IDENTITY},
        {"Content-Type", SLSRT__H_CONTENT_TYPE},
        {"connection", SLSRT__H_CONNECTION},
        {"Lambda-Runtime-Aws-Request-Ix", SLSRT__H_OTHER},
        {"Lambda-Runtime-Aws-Request-Id-", SLSRT__H_OTHER},
        {"Lambda-Runtime-Trace-I", SLSRT__H_OTHER},
        {"X-Amzn-Trace-Id", SLSRT__H_OTHER},
        {"Lambda_Runtime_Deadline_Ms", SLSRT__H_OTHER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char r[256];
        snprintf(r, sizeof r, "HTTP/1.1 200 OK\r\n%s: v\r\nContent-Length: 0\r\n\r\n", cases[i].name);
        slsrt__http_head h;
        ck_assert_int_eq(parse(r, &h), 1);
        ck_assert_msg(h.headers[0].kind == cases[i].kind, "%s: kind %d, want %d", cases[i].name, h.headers[0].kind,
                      cases[i].kind);
        ck_assert_int_eq(h.headers[1].kind, SLSRT__H_CONTENT_LENGTH);
    }
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
    ck_assert_int_eq(h.close, 1); /* HTTP/1.0 closes by default */
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
    char nul[] = "HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n";
    slsrt__http_head h;
    ck_assert_int_eq(slsrt__http_parse_head(nul, sizeof nul - 1, 0, &h), SLSRT_EPROTO);
}
END_TEST

START_TEST(too_many_headers_or_too_long)
{
    char *big = malloc(SLSRT__HTTP_MAX_HEAD + 64);
    size_t n = (size_t)sprintf(big, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i <= SLSRT__HTTP_MAX_HEADERS; i++)
        n += (size_t)sprintf(big + n, "H%d: v\r\n", i);
    n += (size_t)sprintf(big + n, "\r\n");
    slsrt__http_head h;
    ck_assert_int_eq(slsrt__http_parse_head(big, n, 0, &h), SLSRT_EPROTO);

    n = (size_t)sprintf(big, "HTTP/1.1 200 OK\r\nBig: ");
    memset(big + n, 'x', SLSRT__HTTP_MAX_HEAD);
    ck_assert_int_eq(slsrt__http_parse_head(big, n + SLSRT__HTTP_MAX_HEAD, 0, &h), SLSRT_EPROTO);
    free(big);
}
END_TEST

START_TEST(chunked_bodies)
{
    size_t len, rest;
    char body[] = "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    ck_assert_int_eq(dechunk_all(body, 1000, &len, &rest), 1);
    ck_assert_uint_eq(len, 12);
    ck_assert(memcmp(body, "hello, world", 12) == 0);
    ck_assert_uint_eq(rest, 4);
    ck_assert(memcmp(body + len, "NEXT", 4) == 0);

    char partial[] = "5\r\nhel";
    ck_assert_int_eq(dechunk_all(partial, 1000, &len, &rest), 0);
    ck_assert_uint_eq(len, 3); /* the data so far is decoded, nothing is pending */
    ck_assert_uint_eq(rest, 0);
    char no_trailer_end[] = "1\r\na\r\n0\r\n";
    ck_assert_int_eq(dechunk_all(no_trailer_end, 1000, &len, &rest), 0);

    char bad_size[] = "zz\r\nhello\r\n0\r\n\r\n";
    ck_assert_int_eq(dechunk_all(bad_size, 1000, &len, &rest), SLSRT_EPROTO);
    char bad_end[] = "5\r\nhelloXX0\r\n\r\n";
    ck_assert_int_eq(dechunk_all(bad_end, 1000, &len, &rest), SLSRT_EPROTO);
    char huge[] = "ffffffffffffffffff\r\n";
    ck_assert_int_eq(dechunk_all(huge, 1000, &len, &rest), SLSRT_EPROTO);
    char over[] = "10\r\n0123456789abcdef\r\n0\r\n\r\n";
    ck_assert_int_eq(dechunk_all(over, 8, &len, &rest), SLSRT_ETOOBIG);
}
END_TEST

/* A peer controls chunk extensions and trailers: both are bounded. */
START_TEST(extensions_and_trailers_are_bounded)
{
    size_t len, rest, n = 3 * SLSRT__HTTP_MAX_TRAILERS;
    char *b = malloc(n + 64);
    /* An extension over the line limit, with and without its line end yet. */
    int k = sprintf(b, "5;");
    memset(b + k, 'e', SLSRT__HTTP_MAX_CHUNK_LINE);
    b[k + SLSRT__HTTP_MAX_CHUNK_LINE] = '\0';
    ck_assert_int_eq(dechunk_all(b, 1000, &len, &rest), SLSRT_EPROTO);
    strcpy(b + k + SLSRT__HTTP_MAX_CHUNK_LINE, "\r\nhello\r\n0\r\n\r\n");
    ck_assert_int_eq(dechunk_all(b, 1000, &len, &rest), SLSRT_EPROTO);
    /* Trailers: many short lines add up. */
    k = sprintf(b, "1\r\na\r\n0\r\n");
    while ((size_t)k < n)
        k += sprintf(b + k, "X-T: %040d\r\n", k);
    strcpy(b + k, "\r\n");
    ck_assert_int_eq(dechunk_all(b, 1000, &len, &rest), SLSRT_EPROTO);
    /* Just under both limits is fine. */
    k = sprintf(b, "1;");
    memset(b + k, 'e', SLSRT__HTTP_MAX_CHUNK_LINE - 5);
    k += SLSRT__HTTP_MAX_CHUNK_LINE - 5;
    k += sprintf(b + k, "\r\na\r\n0\r\nX-T: y\r\n\r\n");
    ck_assert_int_eq(dechunk_all(b, 1000, &len, &rest), 1);
    ck_assert_uint_eq(len, 1);
    free(b);
}
END_TEST

/*
 * Every split of a response into two reads, and byte-by-byte: the head
 * parser and the chunk decoder give what they give for the whole.
 */
static void feed_in_pieces(const char *whole, size_t n, const size_t *cuts, size_t ncuts, int expect_status,
                           const char *expect_body)
{
    char *b = malloc(n + 1);
    slsrt__http_head h;
    size_t have = 0, seen = 0, c = 0;
    int rc = 0;
    while (rc == 0) {
        size_t upto = c < ncuts ? cuts[c++] : n;
        memcpy(b + have, whole + have, upto - have);
        have = upto;
        rc = slsrt__http_parse_head(b, have, seen, &h);
        seen = have;
        ck_assert_msg(rc == 0 ? have < n : rc == 1, "head at %zu of %zu: %d", have, n, rc);
    }
    ck_assert_int_eq(h.status, expect_status);
    ck_assert_str_eq(slsrt__http_find(&h, b, "lambda-runtime-aws-request-id"), "id-1");
    /* The body: the bytes after the head arrive in the remaining pieces. */
    slsrt__http_chunked st = {0};
    size_t start = h.head_len, len = have - start;
    for (;;) {
        rc = slsrt__http_dechunk(&st, b + start, &len, 1 << 20);
        if (rc != 0)
            break;
        size_t upto = c < ncuts ? cuts[c++] : n;
        ck_assert_uint_le(have, upto);
        memcpy(b + start + len, whole + have, upto - have);
        len += upto - have;
        have = upto;
        ck_assert_msg(have <= n, "ran out of input");
    }
    ck_assert_int_eq(rc, 1);
    ck_assert_uint_eq(st.out, strlen(expect_body));
    ck_assert(memcmp(b + start, expect_body, st.out) == 0);
    free(b);
}

START_TEST(any_segmentation_gives_the_same_result)
{
    static const char r[] = "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: id-1\r\n"
                            "Lambda-Runtime-Client-Context: {\"a\":1}\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\nT: v\r\n\r\n";
    size_t n = sizeof r - 1;
    for (size_t cut = 1; cut < n; cut++)
        feed_in_pieces(r, n, &cut, 1, 200, "hello, world");
    size_t *every = malloc(n * sizeof *every);
    for (size_t i = 0; i < n - 1; i++)
        every[i] = i + 1;
    feed_in_pieces(r, n, every, n - 1, 200, "hello, world");
    free(every);
}
END_TEST

START_TEST(connection_close_and_interim_answers)
{
    slsrt__http_head h;
    ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", &h), 1);
    ck_assert_int_eq(h.close, 1);
    ck_assert_int_eq(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", &h), 1);
    ck_assert_int_eq(h.close, 0);
    ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n", &h), 1);
    ck_assert_int_eq(h.close, 0); /* a token, not a prefix */
    /* 100 Continue is a head of its own; the final answer follows it. */
    ck_assert_int_eq(parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\n", &h), 1);
    ck_assert_int_eq(h.status, 100);
    ck_assert_uint_eq(h.head_len, 25);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("http_reader");
    TCase *tc = tcase_create("http_reader");
    tcase_add_test(tc, complete_head);
    tcase_add_test(tc, names_are_recognised_once);
    tcase_add_test(tc, incomplete_heads_ask_for_more);
    tcase_add_test(tc, bare_lf_and_no_reason);
    tcase_add_test(tc, malformed_heads_are_refused);
    tcase_add_test(tc, nul_in_a_value_is_refused);
    tcase_add_test(tc, too_many_headers_or_too_long);
    tcase_add_test(tc, chunked_bodies);
    tcase_add_test(tc, extensions_and_trailers_are_bounded);
    tcase_add_test(tc, any_segmentation_gives_the_same_result);
    tcase_add_test(tc, connection_close_and_interim_answers);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
