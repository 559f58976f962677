/*
 * json_write.c - serialize jansson values.
 *
 * Every buffered response goes through here, so it is written for the
 * common case: runs of plain characters are copied at once instead of
 * escaped one by one (jansson's own dump costs about 100 instructions a
 * byte on small documents).  Output matches json_dumps(JSON_COMPACT) but
 * for reals, written in the shortest form that reads back the same.
 */
#include "json_write.h"
#include "json_real.h"
#include "json_scan.h"

#include <stdlib.h>
#include <string.h>

#include <slsrt/common.h>

#define MAX_DEPTH 2048

int slsrt__json_write_string(slsrt__buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    if (slsrt__buf_reserve(b, n + 2))
        return SLSRT_ENOMEM;
    b->data[b->len++] = '"';
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    for (;;) {
        const unsigned char *run = p;
        p = slsrt__json_plain_end(p, end, 0);
        if (slsrt__buf_append(b, run, (size_t)(p - run)))
            return SLSRT_ENOMEM;
        if (p == end)
            break;
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t len = 2;
        switch (*p) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[*p >> 4];
            esc[5] = hex[*p & 15];
            len = 6;
        }
        p++;
        if (slsrt__buf_append(b, esc, len))
            return SLSRT_ENOMEM;
    }
    return slsrt__buf_append(b, "\"", 1) ? SLSRT_ENOMEM : SLSRT_OK;
}

static int write_integer(slsrt__buf *b, json_int_t v)
{
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    if (v < 0 && slsrt__buf_append(b, "-", 1))
        return SLSRT_ENOMEM;
    return slsrt__buf_append_u64(b, u);
}

static int write_real(slsrt__buf *b, double d)
{
    char tmp[40];
    return slsrt__buf_append(b, tmp, slsrt__json_real(d, tmp));
}

static int write_value(slsrt__buf *b, const json_t *v, int depth)
{
    if (depth > MAX_DEPTH)
        return SLSRT_EINVAL;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        if (slsrt__buf_append(b, "{", 1))
            return SLSRT_ENOMEM;
        int first = 1;
        for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
            if (!first && slsrt__buf_append(b, ",", 1))
                return SLSRT_ENOMEM;
            first = 0;
            int rc = slsrt__json_write_string(b, json_object_iter_key(it), json_object_iter_key_len(it));
            if (rc || (rc = slsrt__buf_append(b, ":", 1)) ||
                (rc = write_value(b, json_object_iter_value(it), depth + 1)))
                return rc;
        }
        return slsrt__buf_append(b, "}", 1);
    }
    case JSON_ARRAY: {
        if (slsrt__buf_append(b, "[", 1))
            return SLSRT_ENOMEM;
        size_t n = json_array_size(v);
        for (size_t i = 0; i < n; i++) {
            int rc = i ? slsrt__buf_append(b, ",", 1) : SLSRT_OK;
            if (rc || (rc = write_value(b, json_array_get(v, i), depth + 1)))
                return rc;
        }
        return slsrt__buf_append(b, "]", 1);
    }
    case JSON_STRING:
        return slsrt__json_write_string(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return write_integer(b, json_integer_value(v));
    case JSON_REAL:
        return write_real(b, json_real_value(v));
    case JSON_TRUE:
        return slsrt__buf_append(b, "true", 4);
    case JSON_FALSE:
        return slsrt__buf_append(b, "false", 5);
    default:
        return slsrt__buf_append(b, "null", 4);
    }
}

int slsrt__json_write(slsrt__buf *b, const json_t *v)
{
    return v ? write_value(b, v, 0) : SLSRT_EINVAL;
}
