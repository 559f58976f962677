/* base64.c - standard base64 (RFC 4648), both ways. */
#include <slsrt/events.h>

#include "base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t slsrt__base64_encode(const void *in, size_t len, char *out)
{
    const unsigned char *p = in;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < len ? p[i + 2] : 0);
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

/* The standard alphabet's value of c, or -1. */
static int b64(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

slsrt_status slsrt_base64_decode(const char *in, size_t len, void *out, size_t size, size_t *out_len)
{
    if (!in || !out_len)
        return SLSRT_EINVAL;
    /* Padding is optional; when present it is one or two '=' completing a quantum. */
    size_t pad = 0;
    while (len && in[len - 1] == '=')
        len--, pad++;
    if (len % 4 == 1 || pad > 2 || (pad && (len + pad) % 4 != 0))
        return SLSRT_EINVAL;
    size_t need = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
    *out_len = need;
    for (size_t i = 0; i < len; i++)
        if (b64((unsigned char)in[i]) < 0)
            return SLSRT_EINVAL;
    if (!out || need > size)
        return SLSRT_ETOOBIG;
    unsigned char *o = out;
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        unsigned v = (unsigned)b64((unsigned char)in[i]) << 18 | (unsigned)b64((unsigned char)in[i + 1]) << 12 |
                     (unsigned)b64((unsigned char)in[i + 2]) << 6 | (unsigned)b64((unsigned char)in[i + 3]);
        *o++ = (unsigned char)(v >> 16);
        *o++ = (unsigned char)(v >> 8);
        *o++ = (unsigned char)v;
    }
    if (len - i >= 2) {
        unsigned v = (unsigned)b64((unsigned char)in[i]) << 18 | (unsigned)b64((unsigned char)in[i + 1]) << 12;
        if (len - i == 3)
            v |= (unsigned)b64((unsigned char)in[i + 2]) << 6;
        *o++ = (unsigned char)(v >> 16);
        if (len - i == 3)
            *o++ = (unsigned char)(v >> 8);
    }
    return SLSRT_OK;
}

