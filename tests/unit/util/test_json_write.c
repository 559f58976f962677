/*
 * test_json_write.c - the response serializer writes exactly what
 * json_dumps(JSON_COMPACT | JSON_ENCODE_ANY) writes: hand-picked values,
 * and every sample event in ../shared/fixtures/events when present.
 */
#include <check.h>
#include <stdio.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json_same.h"
#include "util/json_write.h"
#include "util/json_real.h"
#include <slsrt/common.h>

/*
 * Ours reads back equal to the value and, written again by jansson, gives
 * jansson's own text: every byte the same but for how reals are spelled.
 */
static void same_as_jansson(json_t *v, const char *what)
{
    slsrt__buf b = {0};
    ck_assert_int_eq(slsrt__json_write(&b, v), SLSRT_OK);
    json_t *back = json_loads(b.data, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    ck_assert_msg(back && json_equal(back, v), "%s: ours does not read back: %s", what, b.data);
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY), *again = json_dumps(back, JSON_COMPACT | JSON_ENCODE_ANY);
    ck_assert_msg(strcmp(again, want) == 0, "%s:\n ours: %s\n jansson: %s", what, b.data, want);
    if (!strpbrk(want, ".eE")) /* no reals: the very same text */
        ck_assert_msg(strcmp(b.data, want) == 0, "%s:\n ours: %s\n jansson: %s", what, b.data, want);
    free(want), free(again);
    json_decref(back);
    slsrt__buf_free(&b);
}

/* The writer spells every real as the snprintf/strtod search does (a power
 * of two may take fewer digits), and what it writes reads back as the same
 * double: edges, short decimals, doubles of every exponent the exact
 * arithmetic covers, powers of two, and any bits at all. */
START_TEST(reals_agree_with_the_search)
{
    unsigned long long x = 0x9e3779b97f4a7c15ull;
    char ours[40], slow[40];
    static const double edges[] = {1e-4, 0.00010000000000000002, 9.99999999999999e14, 1e15, 999999999999999.9,
                                   0.1, 0.2, 0.3, 1.0, 5019.356, -0.0, 0.0, 2.5e-5, 123456789012345.0,
                                   1234567890123456.0, 0.000123456789012345, 0.30000000000000004, 1e23, 5e-324,
                                   2.2250738585072014e-308, 1.7976931348623157e308, 9007199254740993.0, 1e-15,
                                   1e31, 4.35e-15, 2.5e30, 1.0 / 3, 2.0 / 3, 100.0, 1e21, 123e-20};
    size_t powers = 0;
    for (size_t i = 0; i < 800000 + sizeof edges / sizeof *edges; i++) {
        double d;
        if (i < sizeof edges / sizeof *edges) {
            d = edges[i];
        } else {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            unsigned long long bits = x;
            switch (i % 4) {
            case 0: { /* a short decimal: m / 10^k */
                static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
                d = (double)(x % 100000000000000ull) / p10[(x >> 50) % 13] * ((x >> 63) ? -1 : 1);
                break;
            }
            case 1: /* an exponent the 128-bit arithmetic takes, any mantissa */
                bits = (x & 0x800fffffffffffffull) | (unsigned long long)(975 + (x >> 52) % 151) << 52;
                memcpy(&d, &bits, sizeof d);
                break;
            case 2: /* a power of two, or a neighbour of one */
                bits = (unsigned long long)(960 + (x >> 40) % 180) << 52;
                bits += (x & 3) == 3 ? (unsigned long long)-1 : x & 1;
                memcpy(&d, &bits, sizeof d);
                break;
            default: /* any double */
                memcpy(&d, &bits, sizeof d);
                if (d != d || d - d != 0)
                    continue; /* NaN and infinities are not JSON */
            }
        }
        slsrt__json_real(d, ours);
        slsrt__json_real_slow(d, slow);
        if (strtod(ours, NULL) != d) /* (no ck_assert a case: each one writes to Check's pipe) */
            ck_abort_msg("%.17g: ours %s reads back otherwise", d, ours);
        if (strcmp(ours, slow) != 0) {
            if (!real_texts_agree(d, ours, slow))
                ck_abort_msg("%.17g: ours %s, search %s", d, ours, slow);
            powers++;
        }
    }
    printf("reals_agree_with_the_search: %zu powers of two spelled shorter than the search\n", powers);
}
END_TEST

START_TEST(reals_are_shortest)
{
    static const struct { double d; const char *text; } reals[] = {
        {0.1, "0.1"}, {21.0, "21.0"}, {1e300, "1e300"}, {1e-7, "1e-7"}, {0.30000000000000004, "0.30000000000000004"},
        {-2.5, "-2.5"}, {123456789.125, "123456789.125"},
    };
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) {
        slsrt__buf b = {0};
        json_t *v = json_real(reals[i].d);
        slsrt__json_write(&b, v);
        ck_assert_str_eq(b.data, reals[i].text);
        json_decref(v);
        slsrt__buf_free(&b);
    }
}
END_TEST

START_TEST(values)
{
    static const char *const docs[] = {
        "{}", "[]", "null", "true", "false", "0", "-9223372036854775808", "9223372036854775807",
        "1.5", "1e300", "1e-7", "-2.5e-300", "123456789012345678901234567890.0", "-0.0", "3.0", "0.1", "\"\"", "\"plain\"",
        "\"quote \\\" backslash \\\\ slash / controls \\b\\f\\n\\r\\t \\u0001 \\u001f del \\u007f\"",
        "\"unicode: \\u00e9 \\u4e2d \\ud83d\\ude00\"",
        "{\"b\":1,\"a\":[1,2,{\"c\":null}],\"\":\"empty key\",\"k\\\"q\":true}",
        "[[[[[[[[[[]]]]]]]]]]",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        json_error_t err;
        json_t *v = json_loads(docs[i], JSON_DECODE_ANY, &err);
        ck_assert_msg(v != NULL, "%s: %s", docs[i], err.text);
        same_as_jansson(v, docs[i]);
        json_decref(v);
    }
    json_t *nul = json_stringn("a\0b", 3);
    same_as_jansson(nul, "embedded NUL");
    json_decref(nul);
}
END_TEST

START_TEST(cycles_are_refused)
{
    json_t *a = json_array();
    json_t *inner = a;
    for (int i = 0; i < 3000; i++) {
        json_t *next = json_array();
        json_array_append_new(inner, next);
        inner = next;
    }
    slsrt__buf b = {0};
    ck_assert_int_eq(slsrt__json_write(&b, a), SLSRT_EINVAL);
    ck_assert_int_eq(slsrt__json_write(&b, NULL), SLSRT_EINVAL);
    slsrt__buf_free(&b);
    json_decref(a);
}
END_TEST

START_TEST(fixture_events)
{
    const char *fx = fixtures_dir();
    if (!fx) {
        printf("fixture_events: skipped (no ../shared/fixtures)\n");
        return;
    }
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/events", fx);
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strstr(e->d_name, ".json"))
            continue;
        char path[2400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        json_t *v = json_load_file(path, JSON_DECODE_ANY, NULL);
        if (!v)
            continue; /* a sample that is not JSON is not this test's business */
        same_as_jansson(v, e->d_name);
        json_decref(v);
        n++;
    }
    closedir(d);
    ck_assert_int_gt(n, 50);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json_write");
    TCase *tc = tcase_create("json_write");
    tcase_add_test(tc, values);
    tcase_add_test(tc, cycles_are_refused);
    tcase_add_test(tc, reals_are_shortest);
    tcase_add_test(tc, reals_agree_with_the_search);
    tcase_add_test(tc, fixture_events);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
