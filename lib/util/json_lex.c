/*
 * json_lex.c - strings and numbers as json_loadb reads them: plain runs of a
 * string found eight bytes at a time, UTF-8 checked as it goes, escapes
 * decoded onto a scratch stack; the numbers strtod must convert (the
 * others are converted inline, in json_lex.h), in the C locale.
 */
#include "json_lex.h"
#include "json_scan.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


/* ---- strings ---------------------------------------------------------- */

/* The length of the well-formed UTF-8 character at p (not ASCII), or 0:
 * overlong forms, surrogates and code points above U+10FFFF refused. */
static size_t utf8_length(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return n;
}

static int scratch_reserve(slsrt__json_lexer *r, size_t extra)
{
    if (extra <= r->cap - r->top)
        return 0;
    size_t cap = r->cap * 2;
    while (cap - r->top < extra)
        cap *= 2;
    char *grown = r->scratch_on_heap ? realloc(r->scratch, cap) : malloc(cap);
    if (!grown)
        return -1;
    if (!r->scratch_on_heap) /* the string being decoded above top too */
        memcpy(grown, r->scratch, r->cap);
    r->scratch = grown, r->cap = cap, r->scratch_on_heap = 1;
    return 0;
}

static int scratch_put(slsrt__json_lexer *r, size_t *used, const void *s, size_t n)
{
    if (scratch_reserve(r, *used + n))
        return -1;
    memcpy(r->scratch + r->top + *used, s, n);
    *used += n;
    return 0;
}

static int hex4(const unsigned char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i];
        int d = slsrt__json_is_digit(c) ? (int)(c - '0') : (c | 0x20) - 'a' < 6 ? (int)((c | 0x20) - 'a' + 10) : -1;
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* Decode the escape at p (a backslash) onto the scratch; the byte after it,
 * or NULL.  \u0000 is refused as json_loadb refuses it without
 * JSON_ALLOW_NUL (and always in keys). */
static const unsigned char *read_escape(slsrt__json_lexer *r, const unsigned char *p, size_t *used)
{
    const unsigned char *end = r->end;
    if (end - p < 2)
        return NULL;
    char one;
    switch (p[1]) {
    case '"': case '\\': case '/': one = (char)p[1]; break;
    case 'b': one = '\b'; break;
    case 'f': one = '\f'; break;
    case 'n': one = '\n'; break;
    case 'r': one = '\r'; break;
    case 't': one = '\t'; break;
    case 'u': {
        int cp = end - p >= 6 ? hex4(p + 2) : -1;
        p += 6;
        if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
            return NULL;
        if (cp >= 0xD800 && cp <= 0xDBFF) { /* a high surrogate takes the low one after it */
            int low = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
            if (low < 0xDC00 || low > 0xDFFF)
                return NULL;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            p += 6;
        }
        unsigned char u[4];
        size_t n;
        if (cp < 0x80)
            u[0] = (unsigned char)cp, n = 1;
        else if (cp < 0x800)
            u[0] = (unsigned char)(0xC0 | cp >> 6), u[1] = (unsigned char)(0x80 | (cp & 0x3F)), n = 2;
        else if (cp < 0x10000)
            u[0] = (unsigned char)(0xE0 | cp >> 12), u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F)),
            u[2] = (unsigned char)(0x80 | (cp & 0x3F)), n = 3;
        else
            u[0] = (unsigned char)(0xF0 | cp >> 18), u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F)),
            u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F)), u[3] = (unsigned char)(0x80 | (cp & 0x3F)), n = 4;
        return scratch_put(r, used, u, n) ? NULL : p;
    }
    default:
        return NULL;
    }
    return scratch_put(r, used, &one, 1) ? NULL : p + 2;
}

int slsrt__json_lex_string(slsrt__json_lexer *r, const char **s, size_t *n)
{
    const unsigned char *p = r->p, *end = r->end, *run = p;
    size_t used = 0;
    int escaped = 0;
    for (;;) {
        p = slsrt__json_plain_end(p, end, 1);
        if (p == end)
            return -1;
        if (*p == '"')
            break;
        if (*p == '\\') {
            if (scratch_put(r, &used, run, (size_t)(p - run)) || !(p = read_escape(r, p, &used)))
                return -1;
            escaped = 1, run = p;
            continue;
        }
        size_t len = *p >= 0x80 ? utf8_length(p, end) : 0; /* else a control character */
        if (!len)
            return -1;
        p += len;
    }
    r->p = p + 1;
    if (!escaped) {
        *s = (const char *)run, *n = (size_t)(p - run);
        return 0;
    }
    if (scratch_put(r, &used, run, (size_t)(p - run)))
        return -1;
    *s = r->scratch + r->top, *n = used;
    return 1;
}

/* ---- numbers ---------------------------------------------------------- */

static locale_t c_numeric;
static void make_c_numeric(void) { c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0); }

int slsrt__json_slow_real(const unsigned char *s, size_t n, double *out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_c_numeric);
    char small[64], *copy = n < sizeof small ? small : malloc(n + 1);
    if (!c_numeric || !copy)
        return -1;
    memcpy(copy, s, n);
    copy[n] = '\0';
    *out = strtod_l(copy, NULL, c_numeric);
    if (copy != small)
        free(copy);
    return isinf(*out) ? -1 : 0; /* json_loadb refuses an overflow */
}
