/*
 * test_json_alloc.c - jansson's chunks cached per thread: installed, reused,
 * interchangeable with malloc and free both ways, within the process's
 * budget, and given back when a thread exits.  Built with a sanitizer the
 * cache is left out on purpose: the cases say so and check jansson is on
 * malloc and free.
 */
#include <check.h>
#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "util/json_alloc.h"

#define CACHED() (slsrt__json_alloc_cached() != (size_t)-1)

START_TEST(installed_unless_sanitized)
{
    json_malloc_t m;
    json_free_t f;
    json_get_alloc_funcs(&m, &f);
    if (!CACHED()) {
        ck_assert(m == malloc && f == free);
        return;
    }
    ck_assert(m != malloc && f != free);
    slsrt__json_alloc_release();
    ck_assert_uint_eq(slsrt__json_alloc_budget(), (size_t)64 << 20); /* no memory size: half of 128 MB */
}
END_TEST

START_TEST(a_freed_value_makes_the_next)
{
    if (!CACHED())
        return;
    json_t *a = json_string("first");
    const char *text = json_string_value(a);
    json_decref(a);
    ck_assert_uint_gt(slsrt__json_alloc_cached(), 0);
    json_t *b = json_string("again");
    ck_assert_ptr_eq(b, a);
    ck_assert_ptr_eq(json_string_value(b), text);
    ck_assert_str_eq(json_string_value(b), "again");
    json_decref(b);
}
END_TEST

/* Every size from 1 to past the largest class, through both functions,
 * filled to the byte: a chunk is never smaller than asked. */
START_TEST(every_size_both_ways)
{
    json_malloc_t m;
    json_free_t f;
    json_get_alloc_funcs(&m, &f);
    for (int round = 0; round < 3; round++) {
        void *p[300];
        for (size_t n = 1; n <= 300; n++) {
            p[n - 1] = m(n);
            ck_assert_ptr_nonnull(p[n - 1]);
            ck_assert_uint_ge(malloc_usable_size(p[n - 1]), n);
            memset(p[n - 1], (int)n, n);
        }
        for (size_t n = 1; n <= 300; n++) {
            size_t i = 0;
            while (i < n && ((unsigned char *)p[n - 1])[i] == (unsigned char)n)
                i++;
            ck_assert_uint_eq(i, n);
            if (n % 2)
                f(p[n - 1]);
            else
                free(p[n - 1]); /* what jansson allocated, free() takes */
        }
        for (size_t n = 1; n <= 300; n++)
            f(malloc(n)); /* what malloc allocated, jansson's free takes */
    }
    json_t *v = json_pack("{s:[i,f,s,b,n]}", "k", 1, 2.5, "text", 1);
    char *text = json_dumps(v, JSON_COMPACT);
    ck_assert_str_eq(text, "{\"k\":[1,2.5,\"text\",true,null]}");
    free(text); /* as jansson's documentation says */
    json_decref(v);
}
END_TEST

/* Random allocations and frees through both pairs of functions, mixed:
 * every chunk keeps what was written in it until it is freed. */
START_TEST(random_sequences_keep_every_byte)
{
    json_malloc_t m;
    json_free_t f;
    json_get_alloc_funcs(&m, &f);
    enum { SLOTS = 1000 };
    static unsigned char *slot[SLOTS];
    static size_t size[SLOTS];
    unsigned long long x = 88172645463325252ull;
    for (int op = 0; op < 300000; op++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t i = (size_t)(x % SLOTS);
        if (slot[i]) {
            size_t k = 0;
            while (k < size[i] && slot[i][k] == (unsigned char)(i + k))
                k++;
            if (k < size[i]) /* one assertion, not one a byte: Check writes each to its pipe */
                ck_abort_msg("slot %zu byte %zu changed", i, k);
            (x >> 20) & 1 ? f(slot[i]) : free(slot[i]);
            slot[i] = NULL;
            continue;
        }
        size[i] = 1 + (size_t)((x >> 24) % ((x >> 40) & 1 ? 300 : 40));
        slot[i] = (x >> 21) & 1 ? m(size[i]) : malloc(size[i]);
        ck_assert_ptr_nonnull(slot[i]);
        for (size_t k = 0; k < size[i]; k++)
            slot[i][k] = (unsigned char)(i + k);
    }
    for (size_t i = 0; i < SLOTS; i++)
        f(slot[i]);
}
END_TEST

static size_t resident_now(void)
{
    unsigned long size = 0, pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &pages) != 2)
            pages = 0;
        fclose(f);
    }
    return pages * (size_t)sysconf(_SC_PAGESIZE);
}

/* After an invocation: kept while the process has room, given back to
 * malloc when it is near the function's memory. */
START_TEST(settles_near_the_limit)
{
    if (!CACHED())
        return;
    slsrt__json_alloc_release();
    json_t *a = json_array();
    for (json_int_t i = 0; i < 400000; i++) /* 9.6 MB of 24-byte integers */
        json_array_append_new(a, json_integer(i));
    json_decref(a);
    size_t held = slsrt__json_alloc_cached();
    ck_assert_uint_gt(held, (size_t)8 << 20);
    slsrt__json_alloc_settle(0); /* no limit known */
    slsrt__json_alloc_settle((size_t)1 << 40); /* far below an eighth */
    ck_assert_uint_eq(slsrt__json_alloc_cached(), held);
    size_t roomy = held * 8; /* an eighth held, but resident well under three quarters */
    if (resident_now() < roomy / 2) {
        slsrt__json_alloc_settle(roomy);
        ck_assert_uint_eq(slsrt__json_alloc_cached(), held);
    }
    slsrt__json_alloc_settle(resident_now()); /* resident is the whole limit */
    ck_assert_uint_eq(slsrt__json_alloc_cached(), 0);
}
END_TEST

/* A tree bigger than the budget: the cache keeps the budget's worth and
 * gives the rest to free(); values built afterwards are right. */
START_TEST(the_budget_holds)
{
    if (!CACHED())
        return;
    slsrt__json_alloc_release(); /* the cases may share a process (CK_FORK=no) */
    size_t budget = slsrt__json_alloc_budget();
    json_t *a = json_array();
    for (json_int_t i = 0; i < 3200000; i++) /* 77 MB of 24-byte integers */
        json_array_append_new(a, json_integer(i));
    json_decref(a);
    ck_assert_uint_le(slsrt__json_alloc_cached(), budget);
    ck_assert_uint_ge(slsrt__json_alloc_cached(), budget - ((size_t)1 << 20));
    ck_assert_uint_lt(slsrt__json_alloc_budget(), (size_t)1 << 20);
    a = json_array();
    for (json_int_t i = 0; i < 100000; i++)
        json_array_append_new(a, json_integer(i * 3));
    size_t i = 0;
    while (i < 100000 && json_integer_value(json_array_get(a, i)) == (json_int_t)i * 3)
        i++;
    ck_assert_uint_eq(i, 100000);
    json_decref(a);
    slsrt__json_alloc_release();
    ck_assert_uint_eq(slsrt__json_alloc_cached(), 0);
    ck_assert_uint_eq(slsrt__json_alloc_budget(), budget);
}
END_TEST

static void *build_and_free(void *tree)
{
    json_decref(tree); /* made by another thread: its chunks are ours now */
    json_t *o = json_object();
    for (int i = 0; i < 10000; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        json_object_set_new(o, key, json_sprintf("v%d", i));
    }
    json_decref(o);
    return (void *)slsrt__json_alloc_cached();
}

START_TEST(a_thread_gives_back_when_it_exits)
{
    if (!CACHED())
        return;
    const char *fork = getenv("CK_FORK");
    if (fork && strcmp(fork, "no") == 0) { /* scripts/check-arm64: qemu-user hangs in clone() */
        puts("a_thread_gives_back_when_it_exits: skipped (no threads under qemu-user)");
        return;
    }
    slsrt__json_alloc_release();
    size_t budget = slsrt__json_alloc_budget();
    json_t *tree = json_pack("{s:[i,i,i],s:s}", "a", 1, 2, 3, "b", "c");
    pthread_t t;
    void *held;
    ck_assert_int_eq(pthread_create(&t, NULL, build_and_free, tree), 0);
    ck_assert_int_eq(pthread_join(t, &held), 0);
    ck_assert_uint_gt((size_t)held, 0);
    ck_assert_uint_eq(slsrt__json_alloc_budget(), budget);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json_alloc");
    TCase *tc = tcase_create("json_alloc");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, installed_unless_sanitized);
    tcase_add_test(tc, a_freed_value_makes_the_next);
    tcase_add_test(tc, every_size_both_ways);
    tcase_add_test(tc, random_sequences_keep_every_byte);
    tcase_add_test(tc, settles_near_the_limit);
    tcase_add_test(tc, the_budget_holds);
    tcase_add_test(tc, a_thread_gives_back_when_it_exits);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
