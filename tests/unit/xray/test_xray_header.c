/* test_xray_header.c - trace headers: a table of valid and invalid ones, and the views. */
#include <check.h>

#include "harness.h"
#include <stdio.h>
#include <string.h>

#include <slsrt/slsrt.h>

#define ROOT "1-5759e988-bd862e3fe1be46a994272793"

struct valid_case {
    const char *text, *root, *parent;
    slsrt_sampled sampled;
    const char *canonical;
};

static const struct valid_case valid[] = {
    {"Root=" ROOT ";Parent=53995c3f42cd8ad8;Sampled=1", ROOT, "53995c3f42cd8ad8", SLSRT_SAMPLED_YES,
     "Root=" ROOT ";Parent=53995c3f42cd8ad8;Sampled=1"},
    {"root=" ROOT "; parent = 53995c3f42cd8ad8 ; SAMPLED=0;", ROOT, "53995c3f42cd8ad8", SLSRT_SAMPLED_NO,
     "Root=" ROOT ";Parent=53995c3f42cd8ad8;Sampled=0"},
    {"Root=" ROOT ";Sampled=?", ROOT, NULL, SLSRT_SAMPLED_REQUESTED, "Root=" ROOT ";Sampled=?"},
    {"Root=" ROOT, ROOT, NULL, SLSRT_SAMPLED_ABSENT, "Root=" ROOT},
    {"Sampled=1;Parent=53995c3f42cd8ad8;Root=" ROOT ";Lineage=a87bd80c:1|68fd508a:5;Self=1-67891234-12456789abcdef012345678;Foo=bar",
     ROOT, "53995c3f42cd8ad8", SLSRT_SAMPLED_YES,
     "Root=" ROOT ";Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1|68fd508a:5;Self=1-67891234-12456789abcdef012345678;Foo=bar"},
    {"Self=1-67891234-12456789abcdef012345678", NULL, NULL, SLSRT_SAMPLED_ABSENT,
     "Self=1-67891234-12456789abcdef012345678"},
    {"Root=1-5759E988-BD862E3FE1BE46A994272793;Parent=53995C3F42CD8AD8", "1-5759E988-BD862E3FE1BE46A994272793",
     "53995C3F42CD8AD8", SLSRT_SAMPLED_ABSENT, "Root=1-5759E988-BD862E3FE1BE46A994272793;Parent=53995C3F42CD8AD8"},
};

static const char *const invalid[] = {
    "",
    ";;",
    "Root",
    "Root=2-5759e988-bd862e3fe1be46a994272793",
    "Root=1-5759e98-bd862e3fe1be46a994272793",
    "Root=1-5759e988-bd862e3fe1be46a99427279",
    "Root=1-5759e988-bd862e3fe1be46a9942727933",
    "Root=1-5759e98g-bd862e3fe1be46a994272793",
    "Root=1-5759e988bd862e3fe1be46a994272793",
    "Root=" ROOT ";Parent=53995c3f42cd8ad",
    "Root=" ROOT ";Parent=53995c3f42cd8adz",
    "Root=" ROOT ";Sampled=2",
    "Root=" ROOT ";Sampled=yes",
    "Root=" ROOT ";root=" ROOT,
    "=value",
    "Root=" ROOT ";k1=1;k2=2;k3=3;k4=4;k5=5;k6=6;k7=7;k8=8;k9=9;k10=10;k11=11;k12=12;k13=13;k14=14;k15=15;k16=16",
};

START_TEST(valid_headers)
{
    const struct valid_case *c = &valid[_i];
    slsrt_status st = -100;
    slsrt_trace_header *h = slsrt_trace_header_parse(c->text, &st);
    ck_assert_msg(h != NULL, "refused: %s", c->text);
    ck_assert_int_eq(st, SLSRT_OK);
    if (c->root)
        ck_assert_str_eq(slsrt_trace_header_root(h), c->root);
    else
        ck_assert_ptr_null(slsrt_trace_header_root(h));
    if (c->parent)
        ck_assert_str_eq(slsrt_trace_header_parent(h), c->parent);
    else
        ck_assert_ptr_null(slsrt_trace_header_parent(h));
    ck_assert_int_eq(slsrt_trace_header_sampled(h), c->sampled);
    char buf[512];
    ck_assert_int_eq(slsrt_trace_header_format(h, buf, sizeof buf), SLSRT_OK);
    ck_assert_str_eq(buf, c->canonical);
    /* formatting and parsing again is stable */
    slsrt_trace_header *again = slsrt_trace_header_parse(buf, NULL);
    char buf2[512];
    slsrt_trace_header_format(again, buf2, sizeof buf2);
    ck_assert_str_eq(buf, buf2);
    slsrt_trace_header_free(again);
    slsrt_trace_header_free(h);
}
END_TEST

START_TEST(invalid_headers)
{
    slsrt_status st = 0;
    ck_assert_msg(slsrt_trace_header_parse(invalid[_i], &st) == NULL, "accepted: %s", invalid[_i]);
    ck_assert_int_eq(st, SLSRT_EINVAL);
}
END_TEST

START_TEST(lookups_and_views)
{
    slsrt_trace_header *h = slsrt_trace_header_parse(
        "Root=" ROOT ";Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1;Custom=x", NULL);
    ck_assert_str_eq(slsrt_trace_header_get(h, "custom"), "x");
    ck_assert_str_eq(slsrt_trace_header_get(h, "LINEAGE"), "a87bd80c:1");
    ck_assert_str_eq(slsrt_trace_header_lineage(h), "a87bd80c:1");
    ck_assert_ptr_null(slsrt_trace_header_self(h));
    ck_assert_ptr_null(slsrt_trace_header_get(h, "missing"));

    char tp[56];
    ck_assert_int_eq(slsrt_trace_header_traceparent(h, tp, sizeof tp), SLSRT_OK);
    ck_assert_str_eq(tp, "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01");
    ck_assert_int_eq(slsrt_trace_header_traceparent(h, tp, 10), SLSRT_ETOOBIG);

    char child[256];
    ck_assert_int_eq(slsrt_trace_header_child(h, "0123456789abcdef", child, sizeof child), SLSRT_OK);
    ck_assert_str_eq(child, "Root=" ROOT ";Parent=0123456789abcdef;Sampled=1;Lineage=a87bd80c:1");
    ck_assert_int_eq(slsrt_trace_header_child(h, NULL, child, sizeof child), SLSRT_OK);
    slsrt_trace_header *c = slsrt_trace_header_parse(child, NULL);
    ck_assert_str_eq(slsrt_trace_header_root(c), ROOT);
    ck_assert_str_ne(slsrt_trace_header_parent(c), "53995c3f42cd8ad8"); /* a new id */
    slsrt_trace_header_free(c);
    ck_assert_int_eq(slsrt_trace_header_child(h, "not-an-id", child, sizeof child), SLSRT_EINVAL);
    ck_assert_int_eq(slsrt_trace_header_child(h, NULL, child, 20), SLSRT_ETOOBIG);
    ck_assert_int_eq(slsrt_trace_header_format(h, child, 8), SLSRT_ETOOBIG);
    slsrt_trace_header_free(h);

    slsrt_trace_header *unsampled = slsrt_trace_header_parse("Root=" ROOT ";Parent=53995c3f42cd8ad8;Sampled=0", NULL);
    slsrt_trace_header_traceparent(unsampled, tp, sizeof tp);
    ck_assert_str_eq(tp + 53, "00");
    slsrt_trace_header_free(unsampled);

    slsrt_trace_header *no_parent = slsrt_trace_header_parse("Root=" ROOT, NULL);
    ck_assert_int_eq(slsrt_trace_header_traceparent(no_parent, tp, sizeof tp), SLSRT_EINVAL);
    slsrt_trace_header_free(no_parent);
    ck_assert_ptr_null(slsrt_trace_header_parse(NULL, NULL));
    ck_assert_ptr_null(slsrt_trace_header_root(NULL));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xray_header");
    TCase *tc = tcase_create("xray_header");
    tcase_add_loop_test(tc, valid_headers, 0, (int)(sizeof valid / sizeof valid[0]));
    tcase_add_loop_test(tc, invalid_headers, 0, (int)(sizeof invalid / sizeof invalid[0]));
    tcase_add_test(tc, lookups_and_views);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
