/* json_gen.h - JSON documents with every token kind, for the tests of the
 * readers: nested objects and arrays (names repeated now and then), strings
 * with every escape and UTF-8 length, integers and reals near the limits
 * json_loadb keeps, literals, space between tokens (header only). */
#ifndef SLSRT_TEST_JSON_GEN_H
#define SLSRT_TEST_JSON_GEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static unsigned long long rng = 0x9e3779b97f4a7c15ull;
static inline unsigned rnd(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng >> 11) % n;
}

static inline void space(text *t)
{
    static const char *const ws[] = {"", "", "", " ", "\n", "\r\n  ", "\t"};
    puts_(t, ws[rnd(7)]);
}

static inline void gen_string(text *t, unsigned max)
{
    static const char *const pieces[] = {
        "a", "plain ascii text ", "0123456789abcdef", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
        "\\u0041", "\\u00e9", "\\u20AC", "\\uffff", "\\ud83d\\ude00", "\\uD834\\uDD1E", "\xc3\xa9", "\xe2\x82\xac",
        "\xf0\x9f\x98\x80", "\xef\xbf\xbf", "\x7f", "\xdf\xbf", "\xe0\xa0\x80", "\xf4\x8f\xbf\xbf",
    };
    puts_(t, "\"");
    for (unsigned n = rnd(max); n; n--)
        puts_(t, pieces[rnd(sizeof pieces / sizeof *pieces)]);
    puts_(t, "\"");
}

static inline void gen_number(text *t)
{
    char s[64];
    long long i = (long long)(rng >> 1);
    double d;
    memcpy(&d, &rng, sizeof d);
    switch (rnd(12)) {
    case 0: snprintf(s, sizeof s, "%u", rnd(100)); break;
    case 1: snprintf(s, sizeof s, "%lld", i >> rnd(63)); break;
    case 2: snprintf(s, sizeof s, "-%lld", i >> rnd(63)); break;
    case 3: snprintf(s, sizeof s, "%.17g", d == d && d - d == 0 ? d : 1.5); break;
    case 4: snprintf(s, sizeof s, "%.*g", 1 + (int)rnd(16), (double)(i >> rnd(63)) / 1000.0); break;
    case 5: snprintf(s, sizeof s, "%u.%0*u", rnd(100000), 1 + (int)rnd(6), rnd(1000000)); break;
    case 6: snprintf(s, sizeof s, "%de%s%d", rnd(10), rnd(2) ? "-" : "+", rnd(400)); break;
    case 7: snprintf(s, sizeof s, "-%u.%uE%d", rnd(10), rnd(1000), (int)rnd(50) - 25); break;
    case 8: snprintf(s, sizeof s, "0.%0*u", 1 + (int)rnd(30), rnd(100)); break;
    case 9: snprintf(s, sizeof s, "%u%u%u%u.5", rnd(1000000), rnd(1000000), rnd(1000000), rnd(1000000)); break;
    case 10: snprintf(s, sizeof s, "%.3e", (double)(i >> rnd(63))); break;
    default: snprintf(s, sizeof s, "-0%s", rnd(2) ? ".0" : ""); break;
    }
    puts_(t, s);
}

/* A number json_loadb reads (no overflow). */
static inline void gen_valid_number(text *t)
{
    size_t at = t->len;
    do {
        t->len = at;
        gen_number(t);
    } while (!strchr(t->data + at, '.') && !strpbrk(t->data + at, "eE") ? strlen(t->data + at) > 18
                                                                         : strtod(t->data + at, NULL) > 1e308 ||
                                                                               strtod(t->data + at, NULL) < -1e308);
}

static inline void gen_value(text *t, int depth)
{
    unsigned kind = depth > 6 ? 2 + rnd(6) : rnd(8);
    switch (kind) {
    case 0: case 1: {
        int object = kind == 0;
        puts_(t, object ? "{" : "[");
        space(t);
        for (unsigned n = rnd(6), i = 0; i < n; i++) {
            if (i)
                puts_(t, ","), space(t);
            if (object) {
                static const char *const keys[] = {"\"id\"", "\"k\"", "\"\"", "\"k\\u00e9y\"", "\"a\\\"b\"", "\"\xc3\xa9t\xc3\xa9\""};
                if (rnd(3)) puts_(t, keys[rnd(6)]); else gen_string(t, 4);
                space(t), puts_(t, ":"), space(t);
            }
            gen_value(t, depth + 1);
            space(t);
        }
        puts_(t, object ? "}" : "]");
        break;
    }
    case 2: case 3: gen_string(t, 12); break;
    case 4: case 5: gen_valid_number(t); break;
    default: { static const char *const lit[] = {"true", "false", "null"}; puts_(t, lit[rnd(3)]); }
    }
}

#endif
