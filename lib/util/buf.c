/* buf.c - growable byte buffer; always keeps one spare byte for a NUL. */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

#include <slsrt/common.h>

int slsrt__buf_reserve(slsrt__buf *b, size_t extra)
{
    if (extra > SIZE_MAX / 2 - b->len)
        return SLSRT_ENOMEM;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return SLSRT_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return SLSRT_ENOMEM;
    b->data = p;
    b->cap = cap;
    return SLSRT_OK;
}

int slsrt__buf_append_slow(slsrt__buf *b, const void *data, size_t len)
{
    if (slsrt__buf_reserve(b, len))
        return SLSRT_ENOMEM;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return SLSRT_OK;
}

int slsrt__buf_append_str(slsrt__buf *b, const char *s)
{
    return slsrt__buf_append(b, s, strlen(s));
}

int slsrt__buf_append_u64(slsrt__buf *b, unsigned long long n)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    do {
        *--p = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    return slsrt__buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

void slsrt__buf_free(slsrt__buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
