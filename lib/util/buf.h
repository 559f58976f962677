/* buf.h - a growable byte buffer, reused across invocations (private). */
#ifndef SLSRT_BUF_H
#define SLSRT_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct slsrt__buf {
    char *data;
    size_t len;
    size_t cap;
} slsrt__buf;

/* Make room for `extra` more bytes plus a NUL. 0 or SLSRT_ENOMEM. */
int slsrt__buf_reserve(slsrt__buf *b, size_t extra);
int slsrt__buf_append_slow(slsrt__buf *b, const void *data, size_t len);
/* Inline: the runtime appends many small pieces on every invocation. */
static inline int slsrt__buf_append(slsrt__buf *b, const void *data, size_t len)
{
    if (len >= b->cap - b->len)
        return slsrt__buf_append_slow(b, data, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}
int slsrt__buf_append_str(slsrt__buf *b, const char *s);
/* Appends the decimal form of n. */
int slsrt__buf_append_u64(slsrt__buf *b, unsigned long long n);
/* Keeps the memory for the next use. */
static inline void slsrt__buf_clear(slsrt__buf *b) { b->len = 0; }
void slsrt__buf_free(slsrt__buf *b);

#endif
