/* json_variants.h - a JSON value written out again with, now and then, a
 * member dropped, retyped, or repeated under its name: the shapes a reader
 * of events meets when a sender changes, for tests that compare two readers
 * (header only). */
#ifndef SLSRT_TEST_JSON_VARIANTS_H
#define SLSRT_TEST_JSON_VARIANTS_H

#include <jansson.h>

#include "json_gen.h"
#include "text.h"

static inline void put_json(text *t, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    puts_(t, s);
    free(s);
}

/* What a member's value may become: every type, and strings that are
 * half-encoded, base64 or not, escaped, empty. */
static inline void put_other(text *t)
{
    static const char *const values[] = {"\"x\"", "1", "null", "true", "false", "{}", "[]", "[\"a\",1,\"b\"]",
                                         "{\"k\":\"v\"}", "\"%41%2\"", "\"a+b%20c\"", "\"\\u00e9\\\"\"", "\"\"",
                                         "\"2.0\"", "\"Zm9v\"", "\"@@@\"", "-7", "1.5e3", "{\"S\":\"s\"}"};
    puts_(t, values[rnd(sizeof values / sizeof values[0])]);
}

/* v with one member in about 40 dropped, retyped, or repeated under its
 * name (before or after) with another value. */
static inline void put_variant(text *t, const json_t *v)
{
    if (json_is_array(v)) {
        puts_(t, "[");
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                puts_(t, ",");
            put_variant(t, json_array_get(v, i));
        }
        puts_(t, "]");
        return;
    }
    if (!json_is_object(v)) {
        put_json(t, v);
        return;
    }
    puts_(t, "{");
    const char *key;
    json_t *value;
    int first = 1;
    json_object_foreach((json_t *)v, key, value) {
        unsigned dice = rnd(40);
        if (dice == 0)
            continue; /* dropped */
        json_t *k = json_string(key);
        for (int twice = 0; twice < (dice == 1 || dice == 2 ? 2 : 1); twice++) {
            if (!first)
                puts_(t, ",");
            first = 0;
            put_json(t, k);
            puts_(t, ":");
            if (dice == 3 || (dice == 1 && twice == 0) || (dice == 2 && twice == 1))
                put_other(t);
            else
                put_variant(t, value);
        }
        json_decref(k);
    }
    puts_(t, "}");
}

#endif
