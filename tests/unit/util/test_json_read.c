/*
 * test_json_read.c - slsrt's JSON reader against json_loadb on the same
 * bytes: each input either read by both into identical values (types, bits
 * of reals, key order, duplicate keys) or refused by both, with jansson's
 * own message.  Inputs sit in buffers of their exact size, so a read past
 * the end shows under AddressSanitizer or valgrind.
 */
#include <check.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json_gen.h"
#include "text.h"
#include "json_same.h"
#include "util/json_index.h"
#include "util/json_read.h"


/*
 * Every object in the index answers lookups as jansson does: the members
 * that are first of their name are jansson's keys, in its order, and a
 * lookup finds jansson's value (the last of the name).
 */
static void check_lookups(const slsrt__json_index *x, uint32_t i, const json_t *v)
{
    if (json_is_array(v)) {
        uint32_t e = i + 1;
        for (size_t m = 0; m < json_array_size(v); m++, e = x->tok[e].next)
            check_lookups(x, e, json_array_get(v, m));
        return;
    }
    if (!json_is_object(v)) {
        size_t n;
        const char *s = slsrt__json_index_string(x, i, &n);
        ck_assert(!s == !json_is_string(v));
        if (s)
            ck_assert(n == json_string_length(v) && memcmp(s, json_string_value(v), n + 1) == 0);
        ck_assert_uint_eq(slsrt__json_index_get(x, i, "k"), 0);
        return;
    }
    size_t count;
    uint32_t(*members)[2] = slsrt__json_index_members(x, i, &count);
    ck_assert_uint_eq(count, json_object_size(v));
    void *it = json_object_iter((json_t *)v);
    for (size_t m = 0; m < count; m++, it = json_object_iter_next((json_t *)v, it)) {
        size_t n;
        const char *key = slsrt__json_index_string(x, members[m][0], &n);
        ck_assert_ptr_nonnull(it);
        ck_assert_uint_eq(n, json_object_iter_key_len(it));
        ck_assert(memcmp(key, json_object_iter_key(it), n) == 0);
        json_t *value = slsrt__json_index_value(x, members[m][1]);
        ck_assert(json_same(value, json_object_iter_value(it)));
        json_decref(value);
        ck_assert_uint_eq(slsrt__json_index_get(x, i, key), members[m][1]);
        check_lookups(x, members[m][1], json_object_iter_value(it));
    }
    ck_assert_ptr_null(it);
    free(members);
    ck_assert_uint_eq(slsrt__json_index_get(x, i, "no such member \x01"), 0);
}

/* Returns 1 when jansson accepted the text. */
static int agree_flags(const char *text, size_t len, size_t flags, const char *what)
{
    char *exact = malloc(len ? len : 1);
    memcpy(exact, text, len);
    json_error_t want_err, got_err;
    json_t *want = json_loadb(exact, len, flags, &want_err);
    json_t *ours = slsrt__json_read_only(exact, len, flags);
    ck_assert_msg(!want == !ours, "%s: jansson %s, slsrt %s: %.*s", what, want ? "reads" : want_err.text,
                  ours ? "reads" : "refuses", (int)(len < 300 ? len : 300), text);
    ck_assert_msg(json_same(ours, want), "%s: different values: %.*s", what, (int)(len < 300 ? len : 300), text);
    json_t *got = slsrt__json_read(exact, len, flags, &got_err);
    ck_assert(json_same(got, want));
    if (flags == JSON_DECODE_ANY) { /* the index takes what the reader takes, and holds the same value */
        slsrt__json_index x;
        int indexed = slsrt__json_index_build(&x, exact, len) == 0;
        ck_assert_msg(indexed == !!ours, "%s: reader %s, index %s: %.*s", what, ours ? "reads" : "refuses",
                      indexed ? "reads" : "refuses", (int)(len < 300 ? len : 300), text);
        if (indexed) {
            json_t *back = slsrt__json_index_value(&x, 1);
            ck_assert_msg(json_same(back, ours), "%s: the index holds another value: %.*s", what,
                          (int)(len < 300 ? len : 300), text);
            json_decref(back);
            check_lookups(&x, 1, ours);
        }
        slsrt__json_index_free(&x);
    }
    if (!want) {
        ck_assert_str_eq(got_err.text, want_err.text);
        ck_assert_int_eq(got_err.line, want_err.line);
        ck_assert_int_eq(got_err.column, want_err.column);
    }
    json_decref(want), json_decref(ours), json_decref(got);
    free(exact);
    return want != NULL;
}

static int agree(const char *text, size_t len, const char *what)
{
    return agree_flags(text, len, JSON_DECODE_ANY, what);
}

static int agree_str(const char *text) { return agree(text, strlen(text), text); }


/* ---- the cases ------------------------------------------------------ */

START_TEST(hand_picked)
{
    static const char *const good[] = {
        "{}", "[]", "null", "true", "false", "0", "-0", "-0.0", "0e0", "1E+2", "1e-2", "\"\"",
        " \t\r\n{ \"a\" : [ 1 , 2 ] } \n", "-9223372036854775808", "9223372036854775807",
        "1.7976931348623157e308", "4.9e-324", "2.2250738585072011e-308", "1e-400", "-1e-400",
        "0.30000000000000004", "123456789012345678901234567890.0", "9007199254740993.0", "9007199254740992e3",
        "1.00000000000000011102230246251565404236316680908203125", "{\"a\":1,\"b\":2,\"a\":3}",
        "{\"a\":{\"x\":1},\"a\":[2]}", "[\"\\ud83d\\ude00\",\"\\u00e9\",\"\xf0\x9f\x98\x80\"]", "\"\\u007f\x7f\"",
        "{\"k\\u00e9y\":{\"k\\u00e9y\":{\"\\u0041\\u0042\":\"\\u0043\"}}}",
    };
    static const char *const bad[] = {
        "", " ", "{", "[", "]", "}", "{]", "[}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":}", "[1 2]",
        "01", "-", "-01", "1.", ".5", "1e", "1e+", "+1", "0x10", "1.5x", "NaN", "Infinity", "tru", "nul", "truex",
        "9223372036854775808", "-9223372036854775809", "123456789012345678901", "1e309", "-1e309",
        "\"abc", "\"\\\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\u0000\"", "{\"\\u0000\":1}",
        "\"\\ud83d\"", "\"\\ud83d\\u0041\"", "\"\\ude00\"", "\"a\x01\"", "\"tab\there\"", "\"\xc0\xaf\"",
        "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"", "\"\x80\"", "\"\xff\"", "\xef\xbb\xbf{}",
        "{} {}", "[] x", "{\"a\":1}}", "\"\\u",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        ck_assert_msg(agree_str(good[i]), "jansson refuses %s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(!agree_str(bad[i]), "jansson reads %s", bad[i]);
    ck_assert(agree("[\"a\0b\"]", 7, "a raw NUL") == 0);
    /* jansson takes a NUL right after a final number for the end of the
     * text; slsrt's reader refuses it and hands the text to json_loadb. */
    ck_assert_ptr_null(slsrt__json_read_only("2\0", 2, JSON_DECODE_ANY));
    json_t *two = slsrt__json_read("2\0", 2, JSON_DECODE_ANY, NULL);
    ck_assert(json_is_integer(two) && json_integer_value(two) == 2);
    json_decref(two);
    ck_assert(agree("[1]\0", 4, "a NUL after") == 0);
    /* Without JSON_DECODE_ANY only an object or an array is a document. */
    ck_assert(!agree_flags("1", 1, 0, "scalar"));
    ck_assert(agree_flags(" [1]", 4, 0, "array"));
}
END_TEST

/* Escaped strings decode into a scratch that starts on the stack and
 * grows; an escaped key stays there while its value decodes above it. */
START_TEST(long_escaped_strings)
{
    for (size_t len = 200; len < 5000; len = len * 3 / 2) {
        text t = {0};
        for (int depth = 0; depth < 4; depth++) {
            puts_(&t, "{\"");
            for (size_t i = 0; i < len; i++)
                puts_(&t, i % 7 ? "k" : "\\u00e9");
            puts_(&t, "\":");
        }
        puts_(&t, "\"");
        for (size_t i = 0; i < 2 * len; i++)
            puts_(&t, i % 5 ? "v" : "\\n");
        puts_(&t, "\"}}}}");
        ck_assert(agree(t.data, t.len, "long escapes"));
        free(t.data);
    }
}
END_TEST

/* json_loadb counts every value against its depth of 2048, scalars too. */
START_TEST(depth_limit)
{
    for (int depth = 2045; depth <= 2050; depth++) {
        text t = {0};
        for (int i = 0; i < depth; i++)
            puts_(&t, "[");
        puts_(&t, depth % 2 ? "1" : "");
        for (int i = 0; i < depth; i++)
            puts_(&t, "]");
        agree(t.data, t.len, "deep");
        free(t.data);
    }
}
END_TEST

/* Strings of every length across the 8-byte scan, with the byte that stops
 * the scan at every position. */
START_TEST(strings_across_the_word_scan)
{
    static const char *const stops[] = {"\\n", "\\\"", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x01", "\"",
                                        "\xc3", "\\u00e9", "\\ud83d\\ude00", "\x7f", "~", " "};
    for (size_t s = 0; s < sizeof stops / sizeof *stops; s++)
        for (size_t len = 0; len < 40; len++)
            for (size_t at = 0; at <= len; at++) {
                text t = {0};
                puts_(&t, "[\"");
                for (size_t i = 0; i < len; i++) {
                    if (i == at)
                        puts_(&t, stops[s]);
                    put(&t, "abcdefghij" + i % 10, 1);
                }
                puts_(&t, "\"]");
                agree(t.data, t.len, "string");
                free(t.data);
            }
}
END_TEST

START_TEST(numbers)
{
    char s[80];
    for (int i = 0; i < 200000; i++) {
        text t = {0};
        gen_number(&t);
        agree(t.data, t.len, "number");
        free(t.data);
    }
    for (int e = -330; e <= 330; e++) { /* around the exact powers of ten and past them */
        snprintf(s, sizeof s, "123456789e%d", e);
        agree_str(s);
        snprintf(s, sizeof s, "9007199254740993e%d", e);
        agree_str(s);
    }
}
END_TEST

/* The reader does not follow the process's locale: a decimal comma locale
 * changes nothing. */
START_TEST(locale_does_not_matter)
{
    static const char *const names[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", "C.UTF-8"};
    const char *set = NULL;
    for (size_t i = 0; i < 4 && !set; i++)
        set = setlocale(LC_NUMERIC, names[i]);
    if (!set || !strcmp(set, "C.UTF-8"))
        printf("locale_does_not_matter: no decimal-comma locale installed, the C locale only\n");
    agree_str("[0.30000000000000004, 1.5, 123456789012345678901234567890.25, 2.5e-300]");
    json_t *v = slsrt__json_read_only("1.0000000000000000001", 21, JSON_DECODE_ANY);
    ck_assert(v && json_real_value(v) == 1.0);
    json_decref(v);
    setlocale(LC_NUMERIC, "C");
}
END_TEST

START_TEST(generated_documents)
{
    for (int i = 0; i < 3000; i++) {
        text t = {0};
        space(&t);
        gen_value(&t, 0);
        space(&t);
        ck_assert_msg(agree(t.data, t.len, "generated"), "the generator wrote invalid JSON: %s", t.data);
        free(t.data);
    }
}
END_TEST

/* Every prefix of a document, and documents with one byte changed,
 * removed or added: both refuse, or both read the same. */
START_TEST(pieces_and_mutations)
{
    for (int i = 0; i < 40; i++) {
        text t = {0};
        gen_value(&t, 1);
        for (size_t k = 0; k <= t.len; k++)
            agree(t.data, k, "prefix");
        free(t.data);
    }
    static const char alphabet[] = "{}[],:\"\\u0123456789.eE+- \n\ttrufalsn\x80\xc3\xa9\xed\xf4";
    for (int i = 0; i < 20000; i++) {
        text t = {0};
        gen_value(&t, 3);
        size_t at = rnd((unsigned)t.len + 1);
        char c = alphabet[rnd(sizeof alphabet - 1)];
        switch (rnd(3)) {
        case 0: if (at < t.len) t.data[at] = c; break;
        case 1: if (at < t.len) memmove(t.data + at, t.data + at + 1, t.len - at), t.len--; break;
        default: put(&t, " ", 1), memmove(t.data + at + 1, t.data + at, t.len - at - 1), t.data[at] = c;
        }
        agree(t.data, t.len, "mutated");
        free(t.data);
    }
}
END_TEST

static void agree_file(const char *text, size_t len, const char *path, void *unused)
{
    (void)unused;
    ck_assert_msg(agree(text, len, path), "%s is not JSON", path);
}

START_TEST(sample_events)
{
    ck_assert_uint_gt(text_each_json("tests/events", agree_file, NULL), 5);
    each_fixture_event("sample_events", agree_file, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json_read");
    TCase *tc = tcase_create("json_read");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, hand_picked);
    tcase_add_test(tc, long_escaped_strings);
    tcase_add_test(tc, depth_limit);
    tcase_add_test(tc, strings_across_the_word_scan);
    tcase_add_test(tc, numbers);
    tcase_add_test(tc, locale_does_not_matter);
    tcase_add_test(tc, generated_documents);
    tcase_add_test(tc, pieces_and_mutations);
    tcase_add_test(tc, sample_events);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
