/*
 * json_lex.h - the lexical half of slsrt's JSON reading, shared by the
 * reader that builds jansson values (json_read) and the token index
 * (json_index): both accept exactly the strings and numbers json_loadb
 * accepts, or less (private).
 */
#ifndef SLSRT_JSON_LEX_H
#define SLSRT_JSON_LEX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* json_loadb counts every value, scalars too, against this. */
#define SLSRT__JSON_MAX_DEPTH JSON_PARSER_MAX_DEPTH

typedef struct slsrt__json_lexer {
    const unsigned char *p, *end;
    int depth;
    /* Escaped strings are decoded here.  Used as a stack: an escaped key
     * stays reserved below `top` while its value is read. */
    char *scratch;
    size_t top, cap;
    int scratch_on_heap;
} slsrt__json_lexer;

static inline void slsrt__json_skip_space(slsrt__json_lexer *r)
{
    const unsigned char *p = r->p, *end = r->end;
    /* Most documents have no space between tokens: one test says so. */
    while (p < end && *p <= ' ' && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    r->p = p;
}

/* The word (true, false, null) at r->p, stepped over: 1, or 0. */
static inline int slsrt__json_lex_word(slsrt__json_lexer *r, const char *word, size_t n)
{
    if ((size_t)(r->end - r->p) < n || __builtin_memcmp(r->p, word, n))
        return 0;
    r->p += n;
    return 1;
}

/*
 * The string whose opening quote is behind r->p.  0: *s points into the
 * input (no escapes); 1: into the scratch at r->top, valid until the scratch
 * is next written; -1 where json_loadb would refuse.
 */
int slsrt__json_lex_string(slsrt__json_lexer *r, const char **s, size_t *n);

static inline int slsrt__json_is_digit(unsigned c) { return c - '0' < 10; }

/* Text strtod must convert: in the "C" locale, whatever the process set;
 * -1 for an overflow, which json_loadb refuses. */
int slsrt__json_slow_real(const unsigned char *s, size_t n, double *out);

/* The number at r->p: 1 an integer (*i), 2 a real (*d), 0 where json_loadb
 * would refuse (a bad number, an integer beyond json_int_t, an overflow).
 * Inline: every number of every event comes through here. */
static inline int slsrt__json_lex_number(slsrt__json_lexer *r, json_int_t *i, double *d)
{
    static const double exact10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const unsigned char *p = r->p, *end = r->end, *start = p;
    int negative = *p == '-';
    p += negative;
    if (p == end || !slsrt__json_is_digit(*p))
        return 0;
    uint64_t m = 0;
    int digits = 0;
    long exp10 = 0;
    if (*p == '0') {
        if (++p < end && slsrt__json_is_digit(*p)) /* no leading zeros */
            return 0;
    } else {
        for (; p < end && slsrt__json_is_digit(*p); p++, digits++)
            m = digits < 19 ? m * 10 + (*p - '0') : m;
    }
    int real = 0;
    if (p < end && *p == '.') {
        real = 1;
        if (++p == end || !slsrt__json_is_digit(*p))
            return 0;
        for (; p < end && slsrt__json_is_digit(*p); p++, digits++, exp10--)
            m = digits < 19 ? m * 10 + (*p - '0') : m;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        real = 1;
        p++;
        int minus = p < end && *p == '-';
        p += p < end && (*p == '-' || *p == '+');
        if (p == end || !slsrt__json_is_digit(*p))
            return 0;
        long e = 0;
        for (; p < end && slsrt__json_is_digit(*p); p++)
            e = e < 100000 ? e * 10 + (*p - '0') : e;
        exp10 += minus ? -e : e;
    }
    r->p = p;
    if (!real) {
        /* json_loadb refuses what does not fit a json_int_t. */
        if (digits > 19 || m > (uint64_t)INT64_MAX + negative)
            return 0;
        *i = negative ? (json_int_t)(0 - m) : (json_int_t)m;
        return 1;
    }
    if (digits <= 19 && m <= (1ull << 53) && exp10 >= -22 && exp10 <= 22) {
        /* Both operands exact, so one IEEE operation rounds correctly:
         * the double strtod gives. */
        *d = exp10 < 0 ? (double)m / exact10[-exp10] : (double)m * exact10[exp10];
        *d = negative ? -*d : *d;
    } else if (slsrt__json_slow_real(start, (size_t)(p - start), d)) {
        return 0;
    }
    return 2;
}

#endif
