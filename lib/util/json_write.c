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
#include "json_scan.h"

#include <stdio.h>
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

size_t slsrt__json_real_slow(double d, char tmp[40])
{
    /* The shortest text that reads back as the same double (0.1, not 0.10000000000000001). */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, 40, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    char *e = strchr(tmp, 'e');
    if (e) { /* as jansson writes it: 1e300, 1e-07 -> 1e-7 */
        char *digits = e + 1, *from = digits;
        if (*from == '+')
            from++;
        else if (*from == '-')
            digits = ++from;
        while (*from == '0' && from[1])
            from++;
        memmove(digits, from, strlen(from) + 1);
    } else if (!strchr(tmp, '.')) {
        strcat(tmp, ".0"); /* keep it a real when read back */
    }
    return strlen(tmp);
}

/*
 * Most reals in events are short decimals (42.5, 0.25, 5019.356).  When d is
 * m / 10^k exactly as the nearest double, with m < 10^15 and k as small as
 * can be, "m with k decimals" is the one decimal of 15 digits or fewer
 * that reads back as d — the very text the snprintf/strtod search finds —
 * at a few dozen instructions instead of thousands.  (m and 10^k are exact
 * doubles and the division is correctly rounded; below 1e-4 and from 1e15
 * on, %g writes an exponent: those take the search.)
 */
static size_t short_decimal(double d, char out[40])
{
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
    double a = d < 0 ? -d : d;
    if (!(a >= 1e-4 && a < 1e15))
        return 0;
    for (int k = 0; k < 19; k++) {
        double scaled = a * p10[k];
        if (scaled >= 1e15)
            return 0;
        unsigned long long m = (unsigned long long)(scaled + 0.5);
        if ((double)m / p10[k] != a)
            continue;
        char digits[24];
        int n = 0;
        do
            digits[n++] = (char)('0' + m % 10);
        while ((m /= 10) || n <= k); /* at least k + 1 digits: "0.005" */
        size_t len = 0;
        if (d < 0)
            out[len++] = '-';
        while (n > k)
            out[len++] = digits[--n];
        out[len++] = '.';
        if (!k)
            out[len++] = '0'; /* keep it a real when read back */
        while (n > 0)
            out[len++] = digits[--n];
        out[len] = '\0';
        return len;
    }
    return 0;
}

size_t slsrt__json_real(double d, char out[40])
{
    size_t n = short_decimal(d, out);
    return n ? n : slsrt__json_real_slow(d, out);
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
