/*
 * json_index.c - a JSON document as tokens over its bytes (json_index.h).
 *
 * The HTTP request reads a dozen members of its event; building the whole
 * jansson tree for that (and freeing it) was half of a routed request's
 * cost.  The index costs one validating pass, a 16-byte token a value and
 * one arena the size of the text for the strings.
 */
#include "json_index.h"
#include "json_lex.h"
#include "json_write.h"

#include <slsrt/common.h>

#include <stdlib.h>
#include <string.h>

struct builder {
    slsrt__json_lexer lex;
    slsrt__json_index *x;
    const char *text;
    uint32_t up; /* the container being read */
};

static int index_value(struct builder *b);

/* A new token of this kind: its index, or 0 when memory ran out. */
static uint32_t push(struct builder *b, uint32_t kind)
{
    slsrt__json_index *x = b->x;
    if (x->ntok == x->cap) {
        if (x->cap > UINT32_MAX / 2)
            return 0;
        slsrt__json_token *grown = realloc(x->tok, (size_t)x->cap * 2 * sizeof *grown);
        if (!grown)
            return 0;
        x->tok = grown, x->cap *= 2;
    }
    uint32_t t = x->ntok++;
    x->tok[t] = (slsrt__json_token){.kind = kind, .next = t + 1, .up = b->up};
    return t;
}

/* The string whose opening quote is behind the lexer.  The arena is a copy
 * of the text: a string is decoded where it stands in it (never longer than
 * its quoted bytes) and its closing quote becomes its NUL, so a string
 * without escapes costs no copy at all. */
static int index_string(struct builder *b)
{
    uint32_t t = push(b, SLSRT__JSON_STRING);
    uint32_t at = (uint32_t)(b->lex.p - (const unsigned char *)b->text);
    const char *s;
    size_t n;
    int escaped = t ? slsrt__json_lex_string(&b->lex, &s, &n) : -1;
    if (escaped < 0)
        return -1;
    if (escaped)
        memcpy(b->x->arena + at, s, n);
    b->x->arena[at + n] = '\0';
    b->x->tok[t].at = at, b->x->tok[t].n = (uint32_t)n;
    return 0;
}

/* The members (object) or elements (array) after the opening bracket. */
static int index_container(struct builder *b, uint32_t t, int object)
{
    slsrt__json_lexer *r = &b->lex;
    char close = object ? '}' : ']';
    r->p++;
    slsrt__json_skip_space(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 0;
    }
    for (;;) {
        if (object) {
            if (r->p == r->end || *r->p != '"')
                return -1;
            r->p++;
            if (index_string(b))
                return -1;
            slsrt__json_skip_space(r);
            if (r->p == r->end || *r->p != ':')
                return -1;
            r->p++;
            slsrt__json_skip_space(r);
        }
        if (index_value(b))
            return -1;
        b->x->tok[t].n++;
        slsrt__json_skip_space(r);
        if (r->p == r->end)
            return -1;
        if (*r->p == close) {
            r->p++;
            return 0;
        }
        if (*r->p++ != ',')
            return -1;
        slsrt__json_skip_space(r);
    }
}

/* The value at the lexer (space skipped): the same depth rule and the same
 * refusals as json_read's read_value. */
static int index_value(struct builder *b)
{
    slsrt__json_lexer *r = &b->lex;
    if (r->p == r->end || ++r->depth > SLSRT__JSON_MAX_DEPTH)
        return -1;
    uint32_t t;
    int rc = -1;
    switch (*r->p) {
    case '{':
    case '[':
        t = push(b, *r->p == '{' ? SLSRT__JSON_OBJECT : SLSRT__JSON_ARRAY);
        if (t) {
            uint32_t outer = b->up;
            b->up = t;
            rc = index_container(b, t, b->x->tok[t].kind == SLSRT__JSON_OBJECT);
            b->up = outer;
            b->x->tok[t].next = b->x->ntok;
        }
        break;
    case '"':
        r->p++;
        rc = index_string(b);
        break;
    case 't': rc = slsrt__json_lex_word(r, "true", 4) && push(b, SLSRT__JSON_TRUE) ? 0 : -1; break;
    case 'f': rc = slsrt__json_lex_word(r, "false", 5) && push(b, SLSRT__JSON_FALSE) ? 0 : -1; break;
    case 'n': rc = slsrt__json_lex_word(r, "null", 4) && push(b, SLSRT__JSON_NULL) ? 0 : -1; break;
    default: {
        uint32_t at = (uint32_t)(r->p - (const unsigned char *)b->text);
        json_int_t i;
        double d;
        int kind = slsrt__json_lex_number(r, &i, &d);
        if (kind && (t = push(b, kind == 1 ? SLSRT__JSON_INTEGER : SLSRT__JSON_REAL))) {
            b->x->tok[t].at = at;
            b->x->tok[t].n = (uint32_t)(r->p - (const unsigned char *)b->text) - at;
            rc = 0;
        }
    }
    }
    r->depth--;
    return rc;
}

int slsrt__json_index_build(slsrt__json_index *x, const char *text, size_t len)
{
    memset(x, 0, sizeof *x);
    if (!text || len >= UINT32_MAX)
        return -1;
    char stack[256];
    struct builder b = {.lex = {.p = (const unsigned char *)text, .end = (const unsigned char *)text + len,
                                .scratch = stack, .cap = sizeof stack},
                        .x = x, .text = text};
    x->len = len;
    x->cap = (uint32_t)(len / 8 + 16);
    x->tok = malloc((size_t)x->cap * sizeof *x->tok);
    x->arena = malloc(len + 1);
    int rc = -1;
    if (x->tok && x->arena) {
        memcpy(x->arena, text, len);
        x->arena[len] = '\0';
        x->tok[0] = (slsrt__json_token){.kind = SLSRT__JSON_MISSING, .next = 1};
        x->ntok = 1;
        slsrt__json_skip_space(&b.lex);
        rc = index_value(&b);
        slsrt__json_skip_space(&b.lex);
        if (rc == 0 && b.lex.p != b.lex.end) /* only space may follow the value */
            rc = -1;
    }
    if (b.lex.scratch_on_heap)
        free(b.lex.scratch);
    if (rc)
        slsrt__json_index_free(x);
    return rc;
}

void slsrt__json_index_free(slsrt__json_index *x)
{
    free(x->tok);
    free(x->arena);
    memset(x, 0, sizeof *x);
}

static int key_is(const slsrt__json_index *x, uint32_t k, const char *key, size_t n)
{
    const char *name = x->arena + x->tok[k].at;
    return x->tok[k].n == n && (n == 0 || (name[0] == key[0] && memcmp(name, key, n) == 0));
}

uint32_t slsrt__json_index_get(const slsrt__json_index *x, uint32_t o, const char *key)
{
    if (!key || x->tok[o].kind != SLSRT__JSON_OBJECT)
        return 0;
    size_t n = strlen(key);
    uint32_t found = 0, k = o + 1;
    for (uint32_t m = 0; m < x->tok[o].n; m++, k = x->tok[k + 1].next)
        if (key_is(x, k, key, n))
            found = k + 1;
    return found;
}

const char *slsrt__json_index_string(const slsrt__json_index *x, uint32_t i, size_t *n)
{
    if (x->tok[i].kind != SLSRT__JSON_STRING)
        return NULL;
    if (n)
        *n = x->tok[i].n;
    return x->arena + x->tok[i].at;
}

static int same_name(const slsrt__json_index *x, uint32_t ka, uint32_t kb)
{
    return x->tok[ka].n == x->tok[kb].n && memcmp(x->arena + x->tok[ka].at, x->arena + x->tok[kb].at, x->tok[ka].n) == 0;
}

/* {key token, place}: by name, then by place (key tokens grow with it). */
static int by_name(const void *a, const void *b, void *index)
{
    const slsrt__json_index *x = index;
    uint32_t ka = ((const uint32_t *)a)[0], kb = ((const uint32_t *)b)[0];
    uint32_t na = x->tok[ka].n, nb = x->tok[kb].n;
    int c = memcmp(x->arena + x->tok[ka].at, x->arena + x->tok[kb].at, na < nb ? na : nb);
    if (c == 0 && na != nb)
        c = na < nb ? -1 : 1;
    return c ? c : ka < kb ? -1 : ka > kb;
}

uint32_t (*slsrt__json_index_members(const slsrt__json_index *x, uint32_t o, size_t *count))[2]
{
    *count = 0;
    uint32_t n = x->tok[o].kind == SLSRT__JSON_OBJECT ? x->tok[o].n : 0;
    uint32_t(*all)[2] = n ? malloc((size_t)n * sizeof *all) : NULL;
    if (!all)
        return NULL;
    uint32_t k = o + 1;
    for (uint32_t m = 0; m < n; m++, k = x->tok[k + 1].next)
        all[m][0] = k, all[m][1] = k + 1;
    uint32_t(*sorted)[2] = n > 1 ? malloc((size_t)n * sizeof *sorted) : NULL;
    if (n > 1 && !sorted) {
        free(all);
        return NULL;
    }
    if (sorted) {
        for (uint32_t m = 0; m < n; m++)
            sorted[m][0] = all[m][0], sorted[m][1] = m;
        qsort_r(sorted, n, sizeof *sorted, by_name, (void *)x);
        /* A run of one name: its first keeps its place and takes the last's
         * value; the others are dropped (value 0). */
        for (uint32_t i = 0, j; i < n; i = j) {
            for (j = i + 1; j < n && same_name(x, sorted[i][0], sorted[j][0]); j++)
                all[sorted[j][1]][1] = 0;
            all[sorted[i][1]][1] = sorted[j - 1][0] + 1;
        }
        free(sorted);
    }
    size_t kept = 0;
    for (uint32_t m = 0; m < n; m++)
        if (all[m][1])
            all[kept][0] = all[m][0], all[kept][1] = all[m][1], kept++;
    *count = kept;
    return all;
}

json_t *slsrt__json_index_value(const slsrt__json_index *x, uint32_t i)
{
    const slsrt__json_token *t = &x->tok[i];
    switch (t->kind) {
    case SLSRT__JSON_NULL: return json_null();
    case SLSRT__JSON_FALSE: return json_false();
    case SLSRT__JSON_TRUE: return json_true();
    case SLSRT__JSON_STRING: return json_stringn_nocheck(x->arena + t->at, t->n);
    case SLSRT__JSON_INTEGER:
    case SLSRT__JSON_REAL: {
        json_int_t v;
        double d;
        int kind = slsrt__json_index_number(x, i, &v, &d);
        return kind == 1 ? json_integer(v) : kind == 2 ? json_real(d) : NULL;
    }
    case SLSRT__JSON_ARRAY: {
        json_t *a = json_array();
        for (uint32_t e = i + 1, m = 0; a && m < t->n; m++, e = x->tok[e].next)
            if (json_array_append_new(a, slsrt__json_index_value(x, e))) {
                json_decref(a);
                return NULL;
            }
        return a;
    }
    case SLSRT__JSON_OBJECT: {
        json_t *o = json_object();
        for (uint32_t k = i + 1, m = 0; o && m < t->n; m++, k = x->tok[k + 1].next) {
            json_t *v = slsrt__json_index_value(x, k + 1);
            if (!v || json_object_setn_new_nocheck(o, x->arena + x->tok[k].at, x->tok[k].n, v)) {
                json_decref(o);
                return NULL;
            }
        }
        return o;
    }
    default: return NULL;
    }
}

int slsrt__json_index_number(const slsrt__json_index *x, uint32_t i, json_int_t *iv, double *d)
{
    const slsrt__json_token *t = &x->tok[i];
    if (t->kind != SLSRT__JSON_INTEGER && t->kind != SLSRT__JSON_REAL)
        return 0;
    slsrt__json_lexer r = {.p = (const unsigned char *)x->arena + t->at,
                           .end = (const unsigned char *)x->arena + t->at + t->n};
    return slsrt__json_lex_number(&r, iv, d);
}

/* The next reference token of pointer p (after its '/') into buf, decoded
 * (~0 is '~', ~1 is '/'); its length, or -1 for a bad escape. */
static long pointer_token(const char *p, size_t n, char *buf)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '~') {
            buf[k++] = p[i];
        } else if (i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
            buf[k++] = p[++i] == '0' ? '~' : '/';
        } else {
            return -1;
        }
    }
    buf[k] = '\0';
    return (long)k;
}

uint32_t slsrt__json_index_pointer(const slsrt__json_index *x, uint32_t i, const char *p)
{
    if (!p || (*p && *p != '/'))
        return 0;
    char small[128], *buf = small;
    size_t cap = sizeof small;
    while (i && *p == '/') {
        p++;
        size_t n = strcspn(p, "/");
        if (n + 1 > cap) {
            if (buf != small)
                free(buf);
            buf = malloc(cap = n + 1);
            if (!buf)
                return 0;
        }
        long k = pointer_token(p, n, buf);
        p += n;
        if (k < 0) {
            i = 0;
        } else if (x->tok[i].kind == SLSRT__JSON_OBJECT) {
            i = slsrt__json_index_get(x, i, buf);
        } else if (x->tok[i].kind == SLSRT__JSON_ARRAY) {
            /* an index: "0", or digits without a leading zero */
            uint32_t at = 0, e = i + 1;
            int ok = k > 0 && (buf[0] != '0' || k == 1);
            for (long d = 0; ok && d < k; d++) {
                ok = buf[d] >= '0' && buf[d] <= '9' && at <= (UINT32_MAX - 9) / 10;
                at = at * 10 + (uint32_t)(buf[d] - '0');
            }
            if (!ok || at >= x->tok[i].n) {
                i = 0;
            } else {
                while (at--)
                    e = x->tok[e].next;
                i = e;
            }
        } else {
            i = 0;
        }
    }
    if (buf != small)
        free(buf);
    return i;
}

int slsrt__json_index_write(slsrt__buf *b, const slsrt__json_index *x, uint32_t i)
{
    const slsrt__json_token *t = &x->tok[i];
    int rc = SLSRT_OK;
    switch (t->kind) {
    case SLSRT__JSON_NULL: return slsrt__buf_append(b, "null", 4);
    case SLSRT__JSON_FALSE: return slsrt__buf_append(b, "false", 5);
    case SLSRT__JSON_TRUE: return slsrt__buf_append(b, "true", 4);
    case SLSRT__JSON_INTEGER:
    case SLSRT__JSON_REAL: return slsrt__buf_append(b, x->arena + t->at, t->n);
    case SLSRT__JSON_STRING: return slsrt__json_write_string(b, x->arena + t->at, t->n);
    case SLSRT__JSON_ARRAY:
        rc = slsrt__buf_append(b, "[", 1);
        for (uint32_t e = i + 1, m = 0; rc == SLSRT_OK && m < t->n; m++, e = x->tok[e].next) {
            if (m)
                rc = slsrt__buf_append(b, ",", 1);
            if (!rc)
                rc = slsrt__json_index_write(b, x, e);
        }
        return rc ? rc : slsrt__buf_append(b, "]", 1);
    case SLSRT__JSON_OBJECT:
        rc = slsrt__buf_append(b, "{", 1);
        for (uint32_t k = i + 1, m = 0; rc == SLSRT_OK && m < t->n; m++, k = x->tok[k + 1].next) {
            if (m)
                rc = slsrt__buf_append(b, ",", 1);
            if (!rc && !(rc = slsrt__json_write_string(b, x->arena + x->tok[k].at, x->tok[k].n)) &&
                !(rc = slsrt__buf_append(b, ":", 1)))
                rc = slsrt__json_index_write(b, x, k + 1);
        }
        return rc ? rc : slsrt__buf_append(b, "}", 1);
    default: return SLSRT_EINVAL;
    }
}
