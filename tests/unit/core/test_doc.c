/*
 * test_doc.c - JSON read in place (slsrt/doc.h) against the Jansson tree of
 * the same text: every node's type and value, walks, lookups (a repeated
 * name finds the last), pointers, the Jansson value of any node, and the
 * answer written from a node, which reads back as the same value.  On
 * hand-picked texts, 3,000 generated documents, every prefix of some,
 * 20,000 mutations and every sample event; and the event source told from
 * the document as slsrt_event_detect tells it from the tree.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json_gen.h"
#include "json_same.h"
#include "text.h"
#include "core/runtime_internal.h"
#include "util/json_read.h"
#include <slsrt/doc.h>
#include <slsrt/events.h>

/* node holds what v holds. */
static void same_node(const slsrt_doc *doc, slsrt_doc_node node, const json_t *v)
{
    json_int_t i;
    double d;
    size_t len;
    switch (json_typeof(v)) {
    case JSON_NULL: ck_assert_int_eq(slsrt_doc_type_of(doc, node), SLSRT_DOC_NULL); break;
    case JSON_TRUE: ck_assert_int_eq(slsrt_doc_type_of(doc, node), SLSRT_DOC_TRUE); break;
    case JSON_FALSE: ck_assert_int_eq(slsrt_doc_type_of(doc, node), SLSRT_DOC_FALSE); break;
    case JSON_INTEGER:
        ck_assert_int_eq(slsrt_doc_type_of(doc, node), SLSRT_DOC_INTEGER);
        ck_assert_int_eq(slsrt_doc_integer(doc, node, &i), SLSRT_OK);
        ck_assert(i == json_integer_value(v));
        ck_assert_int_eq(slsrt_doc_real(doc, node, &d), SLSRT_OK);
        ck_assert(d == (double)json_integer_value(v));
        break;
    case JSON_REAL:
        ck_assert_int_eq(slsrt_doc_type_of(doc, node), SLSRT_DOC_REAL);
        ck_assert_int_eq(slsrt_doc_real(doc, node, &d), SLSRT_OK);
        ck_assert(memcmp(&d, &(double){json_real_value(v)}, sizeof d) == 0);
        ck_assert_int_eq(slsrt_doc_integer(doc, node, &i), SLSRT_EINVAL);
        break;
    case JSON_STRING: {
        const char *s = slsrt_doc_string(doc, node, &len);
        ck_assert_ptr_nonnull(s);
        ck_assert(len == json_string_length(v) && memcmp(s, json_string_value(v), len + 1) == 0);
        break;
    }
    case JSON_ARRAY: {
        ck_assert_int_eq(slsrt_doc_type_of(doc, node), SLSRT_DOC_ARRAY);
        ck_assert_uint_eq(slsrt_doc_count(doc, node), json_array_size(v));
        size_t k = 0;
        for (slsrt_doc_node e = slsrt_doc_first(doc, node); e; e = slsrt_doc_next(doc, e), k++) {
            ck_assert_ptr_null(slsrt_doc_key(doc, e, NULL));
            same_node(doc, e, json_array_get(v, k));
        }
        ck_assert_uint_eq(k, json_array_size(v));
        break;
    }
    case JSON_OBJECT: {
        ck_assert_int_eq(slsrt_doc_type_of(doc, node), SLSRT_DOC_OBJECT);
        /* Walked as written: every name is Jansson's, and the last of each
         * name is what Jansson kept (and what get finds). */
        size_t k = 0;
        for (slsrt_doc_node m = slsrt_doc_first(doc, node); m; m = slsrt_doc_next(doc, m), k++) {
            const char *key = slsrt_doc_key(doc, m, &len);
            ck_assert_ptr_nonnull(key);
            ck_assert_ptr_nonnull(json_object_getn(v, key, len));
            if (slsrt_doc_get(doc, node, key) == m)
                same_node(doc, m, json_object_getn(v, key, len));
        }
        ck_assert_uint_eq(k, slsrt_doc_count(doc, node));
        ck_assert_uint_ge(k, json_object_size(v));
        const char *key;
        json_t *value;
        json_object_foreach((json_t *)v, key, value) {
            slsrt_doc_node m = slsrt_doc_get(doc, node, key);
            ck_assert_uint_ne(m, 0);
            same_node(doc, m, value);
        }
        ck_assert_uint_eq(slsrt_doc_get(doc, node, "no such name \x01"), 0);
        break;
    }
    }
    if (!json_is_array(v) && !json_is_object(v))
        ck_assert_uint_eq(slsrt_doc_first(doc, node), 0);
}

/* Whatever slsrt's reader takes, the document takes, holding the same. */
static void agree(const char *text, size_t len, const char *what)
{
    json_t *want = slsrt__json_read_only(text, len, JSON_DECODE_ANY);
    slsrt_status st;
    slsrt_doc *doc = slsrt_doc_parse(text, len, &st);
    ck_assert_msg(!doc == !want, "%s: reader %s, doc %s: %.*s", what, want ? "reads" : "refuses",
                  doc ? "reads" : "refuses", (int)(len < 200 ? len : 200), text);
    if (!doc) {
        ck_assert_int_eq(st, SLSRT_EJSON);
        return;
    }
    slsrt_doc_node root = slsrt_doc_root(doc);
    same_node(doc, root, want);
    ck_assert_int_eq(slsrt_doc_event_source(doc), slsrt_event_detect(want)); /* one set of rules, two readers */
    ck_assert_uint_eq(slsrt_doc_next(doc, root), 0);
    ck_assert_ptr_null(slsrt_doc_key(doc, root, NULL));
    ck_assert_uint_eq(slsrt_doc_pointer(doc, root, ""), root);
    json_t *back = slsrt_doc_to_json(doc, root);
    ck_assert(json_same(back, want));
    json_decref(back);

    /* The answer written from the root reads back as the same value. */
    slsrt_response res = {0};
    ck_assert_int_eq(slsrt_response_set_doc(&res, doc, root), SLSRT_OK);
    json_t *written = json_loadb(res.body.data, res.body.len, JSON_DECODE_ANY, NULL);
    ck_assert_msg(json_same(written, want), "%s: written back as %.*s", what, (int)res.body.len, res.body.data);
    json_decref(written);
    slsrt__response_reset(&res);
    slsrt__buf_free(&res.body);
    slsrt_doc_free(doc);
    json_decref(want);
}

static void agree_str(const char *text) { agree(text, strlen(text), text); }

START_TEST(hand_picked)
{
    static const char *const texts[] = {
        "{}", "[]", "null", "true", "false", "0", "-0", "1E+2", "-1.5e-3", "\"\"", "\"\\u00e9\\ud83d\\ude00\"",
        "9223372036854775807", "-9223372036854775808", "[1,[2,[3,[]]],{}]",
        "{\"a\":1,\"b\":[true,null],\"a\":{\"c\":\"d\"}}", "{\"\":0,\"k\\u00e9y\":\"v\",\"a\\\"b\":[]}",
        " \n{\"x\" : [ 1 , 2 ] }\t", "[\"a\\\\b\\/c\\n\\t\\\"\"]", "{\"a\":{\"a\":{\"a\":{}}}}",
        /* refused by both */
        "", "{", "[1,]", "{\"a\"}", "01", "1.", "\"\\u0000\"", "9223372036854775808", "1e400", "[1]x", "\"\x80\"",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        agree_str(texts[i]);
}
END_TEST

START_TEST(generated_pieces_and_mutations)
{
    for (int i = 0; i < 3000; i++) {
        text t = {0};
        space(&t);
        gen_value(&t, 0);
        space(&t);
        agree(t.data, t.len, "generated");
        if (i < 40)
            for (size_t k = 0; k < t.len; k++)
                agree(t.data, k, "prefix");
        free(t.data);
    }
    static const char alphabet[] = "{}[],:\"\\u0123456789.eE+- \n\ttrufalsn\x80\xc3\xa9";
    for (int i = 0; i < 20000; i++) {
        text t = {0};
        gen_value(&t, 3);
        size_t at = rnd((unsigned)t.len);
        t.data[at] = alphabet[rnd(sizeof alphabet - 1)];
        agree(t.data, t.len, "mutated");
        free(t.data);
    }
}
END_TEST

START_TEST(pointers)
{
    const char *text = "{\"a\":[10,{\"b~c\":1,\"d/e\":2,\"\":3},[]],\"a\":[20,{\"x\":\"y\"}],\"n\":null,\"01\":4}";
    slsrt_doc *doc = slsrt_doc_parse(text, strlen(text), NULL);
    ck_assert_ptr_nonnull(doc);
    slsrt_doc_node root = slsrt_doc_root(doc);
    json_int_t v;
    static const struct { const char *pointer; long long want; } found[] = {
        {"/a/0", 20},        /* "a" twice: the last */
        {"/01", 4},          /* a name, not an index */
    };
    for (size_t i = 0; i < sizeof found / sizeof found[0]; i++) {
        ck_assert_int_eq(slsrt_doc_integer(doc, slsrt_doc_pointer(doc, root, found[i].pointer), &v), SLSRT_OK);
        ck_assert_int_eq(v, found[i].want);
    }
    ck_assert_str_eq(slsrt_doc_string(doc, slsrt_doc_pointer(doc, root, "/a/1/x"), NULL), "y");
    ck_assert_int_eq(slsrt_doc_type_of(doc, slsrt_doc_pointer(doc, root, "/n")), SLSRT_DOC_NULL);
    static const char *const nowhere[] = {"a", "/a/2", "/a/00", "/a/-", "/a/1e0", "/a/ 1", "/a/-1", "/x", "/n/0",
                                          "/a/0/0", "/a~", "/a~2", "/a/99999999999999999999", "/a/1/x/"};
    for (size_t i = 0; i < sizeof nowhere / sizeof nowhere[0]; i++)
        ck_assert_msg(slsrt_doc_pointer(doc, root, nowhere[i]) == 0, "%s leads somewhere", nowhere[i]);
    slsrt_doc_free(doc);

    text = "[{\"b~c\":1,\"d/e\":2,\"\":3}]";
    doc = slsrt_doc_parse(text, strlen(text), NULL);
    root = slsrt_doc_root(doc);
    ck_assert_int_eq(slsrt_doc_integer(doc, slsrt_doc_pointer(doc, root, "/0/b~0c"), &v), SLSRT_OK);
    ck_assert_int_eq(v, 1);
    ck_assert_int_eq(slsrt_doc_integer(doc, slsrt_doc_pointer(doc, root, "/0/d~1e"), &v), SLSRT_OK);
    ck_assert_int_eq(v, 2);
    ck_assert_int_eq(slsrt_doc_integer(doc, slsrt_doc_pointer(doc, root, "/0/"), &v), SLSRT_OK);
    ck_assert_int_eq(v, 3);
    slsrt_doc_free(doc);
}
END_TEST

/* What the header promises for no document, node 0 and nodes that are not
 * the document's. */
START_TEST(nothing_given)
{
    slsrt_status st = SLSRT_OK;
    ck_assert_ptr_null(slsrt_doc_parse(NULL, 3, &st));
    ck_assert_int_eq(st, SLSRT_EINVAL);
    ck_assert_ptr_null(slsrt_doc_parse("{", 1, &st));
    ck_assert_int_eq(st, SLSRT_EJSON);
    ck_assert_ptr_null(slsrt_doc_parse(NULL, 0, &st));
    ck_assert_int_eq(st, SLSRT_EJSON);
    slsrt_doc_free(NULL);
    slsrt_doc *doc = slsrt_doc_parse("[1]", 3, NULL);
    json_int_t i;
    double d;
    for (slsrt_doc_node n = 0; n < 100; n += n ? 97 : 3) { /* 0, and nodes past the end */
        ck_assert_int_eq(slsrt_doc_type_of(doc, n), SLSRT_DOC_NONE);
        ck_assert_uint_eq(slsrt_doc_get(doc, n, "a"), 0);
        ck_assert_uint_eq(slsrt_doc_first(doc, n), 0);
        ck_assert_uint_eq(slsrt_doc_next(doc, n), 0);
        ck_assert_uint_eq(slsrt_doc_count(doc, n), 0);
        ck_assert_ptr_null(slsrt_doc_string(doc, n, NULL));
        ck_assert_ptr_null(slsrt_doc_key(doc, n, NULL));
        ck_assert_int_eq(slsrt_doc_integer(doc, n, &i), SLSRT_EINVAL);
        ck_assert_int_eq(slsrt_doc_real(doc, n, &d), SLSRT_EINVAL);
        ck_assert_ptr_null(slsrt_doc_to_json(doc, n));
        ck_assert_uint_eq(slsrt_doc_pointer(doc, n, ""), 0);
    }
    ck_assert_uint_eq(slsrt_doc_root(NULL), 0);
    ck_assert_int_eq(slsrt_doc_type_of(NULL, 1), SLSRT_DOC_NONE);
    ck_assert_int_eq(slsrt_doc_integer(doc, 2, NULL), SLSRT_EINVAL);
    slsrt_response res = {0};
    ck_assert_int_eq(slsrt_response_set_doc(&res, doc, 0), SLSRT_EINVAL);
    ck_assert_int_eq(slsrt_response_set_doc(NULL, doc, 1), SLSRT_EINVAL);
    slsrt_doc_free(doc);
    ck_assert_ptr_null(slsrt_invocation_doc(NULL, &st));
    ck_assert_int_eq(st, SLSRT_EINVAL);
}
END_TEST

static void agree_file(const char *text, size_t len, const char *path, void *unused)
{
    (void)unused;
    agree(text, len, path);
}

START_TEST(sample_events)
{
    ck_assert_uint_gt(text_each_json("tests/events", agree_file, NULL), 5);
    each_fixture_event("sample_events", agree_file, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("doc");
    TCase *tc = tcase_create("doc");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, hand_picked);
    tcase_add_test(tc, generated_pieces_and_mutations);
    tcase_add_test(tc, pointers);
    tcase_add_test(tc, nothing_given);
    tcase_add_test(tc, sample_events);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
