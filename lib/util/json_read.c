/*
 * json_read.c - JSON text to jansson values.
 *
 * Every event goes through here.  json_loadb reads a byte at a time through
 * a callback and copies each token into a growing buffer before it becomes a
 * value (about 250 instructions a byte on a typical event); this reader walks
 * the bytes in place (json_lex.c): plain string runs are found eight bytes
 * at a time, strings without escapes go to jansson straight from the input,
 * numbers are converted without a locale round trip.  The values are built
 * with the same jansson calls json_loadb makes, in the same order, so key
 * order and duplicate keys come out the same.
 *
 * Whatever this reader does not accept goes to json_loadb: a refusal then
 * carries jansson's own message, line and column, and a reader that is
 * stricter than jansson somewhere costs time, never a different answer.
 */
#include "json_read.h"
#include "json_lex.h"

#include <stdlib.h>
#include <string.h>

static json_t *read_value(slsrt__json_lexer *r);

static json_t *read_object(slsrt__json_lexer *r)
{
    json_t *object = json_object();
    if (!object)
        return NULL;
    r->p++;
    slsrt__json_skip_space(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return object;
    }
    for (;;) {
        if (r->p == r->end || *r->p != '"')
            goto refuse;
        r->p++;
        const char *key;
        size_t key_len;
        int on_scratch = slsrt__json_lex_string(r, &key, &key_len);
        if (on_scratch < 0)
            goto refuse;
        /* An escaped key lives on the scratch: keep it there, below what
         * the value may decode. */
        size_t saved_top = r->top;
        if (on_scratch)
            r->top += key_len;
        slsrt__json_skip_space(r);
        if (r->p == r->end || *r->p != ':')
            goto refuse;
        r->p++;
        slsrt__json_skip_space(r);
        json_t *value = read_value(r);
        if (on_scratch)
            key = r->scratch + saved_top, r->top = saved_top;
        if (!value || json_object_setn_new_nocheck(object, key, key_len, value))
            goto refuse;
        slsrt__json_skip_space(r);
        if (r->p == r->end)
            goto refuse;
        if (*r->p == '}') {
            r->p++;
            return object;
        }
        if (*r->p++ != ',')
            goto refuse;
        slsrt__json_skip_space(r);
    }
refuse:
    json_decref(object);
    return NULL;
}

static json_t *read_array(slsrt__json_lexer *r)
{
    json_t *array = json_array();
    if (!array)
        return NULL;
    r->p++;
    slsrt__json_skip_space(r);
    if (r->p < r->end && *r->p == ']') {
        r->p++;
        return array;
    }
    for (;;) {
        json_t *value = read_value(r);
        if (!value || json_array_append_new(array, value))
            goto refuse;
        slsrt__json_skip_space(r);
        if (r->p == r->end)
            goto refuse;
        if (*r->p == ']') {
            r->p++;
            return array;
        }
        if (*r->p++ != ',')
            goto refuse;
        slsrt__json_skip_space(r);
    }
refuse:
    json_decref(array);
    return NULL;
}

/* The value at r->p (space skipped), or NULL where json_loadb would refuse. */
static json_t *read_value(slsrt__json_lexer *r)
{
    if (r->p == r->end || ++r->depth > SLSRT__JSON_MAX_DEPTH)
        return NULL;
    json_t *v;
    const char *s;
    size_t n;
    switch (*r->p) {
    case '{': v = read_object(r); break;
    case '[': v = read_array(r); break;
    case '"':
        r->p++;
        v = slsrt__json_lex_string(r, &s, &n) < 0 ? NULL : json_stringn_nocheck(s, n);
        break;
    case 't': v = slsrt__json_lex_word(r, "true", 4) ? json_true() : NULL; break;
    case 'f': v = slsrt__json_lex_word(r, "false", 5) ? json_false() : NULL; break;
    case 'n': v = slsrt__json_lex_word(r, "null", 4) ? json_null() : NULL; break;
    default: {
        json_int_t i;
        double d;
        int kind = slsrt__json_lex_number(r, &i, &d);
        v = kind == 1 ? json_integer(i) : kind == 2 ? json_real(d) : NULL;
    }
    }
    r->depth--;
    return v;
}

/* ---- the entry points ------------------------------------------------- */

json_t *slsrt__json_read_only(const char *text, size_t len, size_t flags)
{
    if (!text || (flags & ~(size_t)JSON_DECODE_ANY))
        return NULL;
    char stack[256];
    slsrt__json_lexer r = {.p = (const unsigned char *)text, .end = (const unsigned char *)text + len,
                       .scratch = stack, .cap = sizeof stack};
    slsrt__json_skip_space(&r);
    json_t *v = NULL;
    if (r.p < r.end && ((flags & JSON_DECODE_ANY) || *r.p == '{' || *r.p == '['))
        v = read_value(&r);
    slsrt__json_skip_space(&r);
    if (v && r.p != r.end) { /* only space may follow the value */
        json_decref(v);
        v = NULL;
    }
    if (r.scratch_on_heap)
        free(r.scratch);
    return v;
}

json_t *slsrt__json_read(const char *text, size_t len, size_t flags, json_error_t *err)
{
    json_t *v = slsrt__json_read_only(text, len, flags);
    if (!v)
        return json_loadb(text, len, flags, err);
    if (err) {
        memset(err, 0, sizeof *err);
        err->line = err->column = -1;
        err->position = (int)len;
        strcpy(err->source, "<buffer>");
    }
    return v;
}
