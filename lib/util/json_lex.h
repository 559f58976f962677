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

/* The number at r->p: 1 an integer (*i), 2 a real (*d), 0 where json_loadb
 * would refuse (a bad number, an integer beyond json_int_t, an overflow). */
int slsrt__json_lex_number(slsrt__json_lexer *r, json_int_t *i, double *d);

#endif
