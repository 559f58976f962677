/* json_scan.h - find the end of a plain run in a JSON string, eight bytes at a time (private). */
#ifndef SLSRT_JSON_SCAN_H
#define SLSRT_JSON_SCAN_H

#include <stdint.h>
#include <string.h>

/*
 * The first byte at or after p that a JSON string cannot hold as it is: a
 * quote, a backslash or a control character, and with `stop_high` also any
 * byte from 0x80 (the start of a multi-byte character, for a reader that
 * validates UTF-8).  end when there is none.
 */
static inline const unsigned char *slsrt__json_plain_end(const unsigned char *p, const unsigned char *end,
                                                          int stop_high)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    const uint64_t high_stops = stop_high ? ~0ull : 0;
    while (end - p >= 8) {
        uint64_t w, q, b;
        memcpy(&w, p, sizeof w);
        q = w ^ (ones * '"');
        b = w ^ (ones * '\\');
        /* Per byte: below 0x20, equal to '"' or '\\' (each a zero byte
         * found by the borrow trick), or with the high bit.  A borrow can
         * only mark a byte above one truly marked, so the lowest mark is
         * exact. */
        uint64_t stop = (((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b) | (w & high_stops)) & high;
        if (stop)
            return p + (__builtin_ctzll(stop) >> 3);
        p += 8;
    }
#endif
    while (p < end && *p >= 0x20 && *p != '"' && *p != '\\' && (*p < 0x80 || !stop_high))
        p++;
    return p;
}

#endif
