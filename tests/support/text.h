/* text.h - a growing, NUL-terminated byte buffer for tests that write JSON
 * by hand or read sample files (header only). */
#ifndef SLSRT_TEST_TEXT_H
#define SLSRT_TEST_TEXT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *data; size_t len, cap; } text;

static inline void put(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->data = realloc(t->data, t->cap);
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static inline void puts_(text *t, const char *s) { put(t, s, strlen(s)); }

/* The whole file; 0 when it cannot be opened. */
static inline int text_read_file(text *t, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char buf[4096];
    for (size_t got; (got = fread(buf, 1, sizeof buf, f));)
        put(t, buf, got);
    fclose(f);
    if (!t->data)
        put(t, "", 0);
    return 1;
}

#endif
