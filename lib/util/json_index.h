/*
 * json_index.h - a JSON document as a flat array of tokens over its bytes,
 * for readers that want a few members and not a jansson tree (private).
 *
 * One pass validates the text exactly as json_read does (so it is taken
 * only where json_loadb would take it) and records a token per value:
 * objects and arrays know where they end, every value knows what holds it,
 * strings are decoded in place in a copy of the text (NUL-terminated),
 * numbers stay as written there.
 * Token 0 is "missing": lookups that find nothing answer 0, and every
 * accessor takes it.  The root is token 1.
 */
#ifndef SLSRT_JSON_INDEX_H
#define SLSRT_JSON_INDEX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The same numbers as slsrt_doc_type (slsrt/doc.h). */
enum {
    SLSRT__JSON_MISSING,
    SLSRT__JSON_NULL,
    SLSRT__JSON_FALSE,
    SLSRT__JSON_TRUE,
    SLSRT__JSON_INTEGER,
    SLSRT__JSON_REAL,
    SLSRT__JSON_STRING,
    SLSRT__JSON_ARRAY,
    SLSRT__JSON_OBJECT,
};

typedef struct slsrt__json_token {
    uint32_t kind;
    uint32_t next; /* the token after this value and all it holds */
    uint32_t n;    /* string, number: its length; array: elements; object: members */
    uint32_t at;   /* string, number: its offset in the arena (= in the text) */
    uint32_t up;   /* the array or object holding it; 0 for the top */
} slsrt__json_token;

typedef struct slsrt__json_index {
    slsrt__json_token *tok;
    uint32_t ntok, cap;
    char *arena; /* the text's copy, strings decoded in it, numbers as written */
    size_t len;
} slsrt__json_index;

/* Index text (any value at the top, as JSON_DECODE_ANY); the index keeps
 * its own copy.  0, or -1 where json_read would refuse the text (or memory
 * ran out); *x is then empty but may be freed all the same. */
int slsrt__json_index_build(slsrt__json_index *x, const char *text, size_t len);
void slsrt__json_index_free(slsrt__json_index *x);

static inline uint32_t slsrt__json_kind(const slsrt__json_index *x, uint32_t i) { return x->tok[i].kind; }

/* Object o's member named key: the last of that name, as jansson keeps it
 * (0 when there is none, or o is not an object). */
uint32_t slsrt__json_index_get(const slsrt__json_index *x, uint32_t o, const char *key);

/* A string's text (NUL-terminated, *n its length, may be NULL), or NULL
 * when i is not a string. */
const char *slsrt__json_index_string(const slsrt__json_index *x, uint32_t i, size_t *n);

/* Object o's members as jansson keeps them: one a name, in the place of the
 * first of that name, with the value of the last.  A new array of *count
 * pairs {key token, value token} (free it), or NULL (*count 0) when o is
 * not an object, has no member, or memory ran out.  O(n log n). */
uint32_t (*slsrt__json_index_members(const slsrt__json_index *x, uint32_t o, size_t *count))[2];

/* The jansson value json_read builds for token i (a new reference), or NULL
 * for token 0 or when memory ran out. */
json_t *slsrt__json_index_value(const slsrt__json_index *x, uint32_t i);

/* A number token's value: 1 an integer (*i), 2 a real (*d), 0 not a number. */
int slsrt__json_index_number(const slsrt__json_index *x, uint32_t i, json_int_t *iv, double *d);

/* Where JSON Pointer p leads from token i (RFC 6901), or 0. */
uint32_t slsrt__json_index_pointer(const slsrt__json_index *x, uint32_t i, const char *p);

/* Append token i's compact text to b: strings escaped as json_write does,
 * numbers as written, members in order.  SLSRT_OK or SLSRT_ENOMEM. */
int slsrt__json_index_write(slsrt__buf *b, const slsrt__json_index *x, uint32_t i);

#endif
