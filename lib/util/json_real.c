/*
 * json_real.c - reals written as the shortest decimal that reads back as
 * the same double.
 *
 * The digits come from the free-format algorithm of Steele and White (as
 * Burger and Dybvig state it): with v = r / s and the half-gaps to the
 * neighbouring doubles m- / s and m+ / s, digits are produced one at a time
 * until the number so far, or it with its last digit raised, lies inside
 * the interval of reals that strtod rounds to v.  Done in exact 128-bit
 * integers, it costs a few hundred instructions where the printf search
 * costs thousands; doubles whose binary exponent would not fit 128 bits
 * (below about 1e-15 or from 1e31 on, and subnormals) take the search.
 * Short decimals (42.5, 1234.567), most reals in events, take a shorter
 * way still, before either.
 */
#include "json_real.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

/*
 * The shortest digits of v > 0 (finite) into digits, the closest to v
 * among them; *k such that the value is 0.digits x 10^k.  0 when v's
 * exponent is outside what 128 bits hold, else how many digits.
 */
static int shortest_digits(double v, char digits[24], int *k)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)(bits >> 52 & 0x7ff), e = biased - 1075;
    if (biased == 0 || e < -100 || e > 50)
        return 0;
    uint64_t f = (bits & ((1ull << 52) - 1)) | 1ull << 52; /* v = f x 2^e */
    /* strtod rounds a tie to the even neighbour: an even f owns the ends of its interval */
    int even = (f & 1) == 0;
    /* the gap below a power of two is half the gap above it */
    int narrow_below = f == 1ull << 52 && biased > 1;
    u128 r, s, mp, mm;
    if (e >= 0) {
        u128 step = (u128)1 << e;
        r = (u128)f * step * (narrow_below ? 4 : 2);
        s = narrow_below ? 4 : 2;
        mp = narrow_below ? step * 2 : step;
        mm = step;
    } else {
        r = (u128)f * (narrow_below ? 4 : 2);
        s = (u128)1 << (narrow_below ? 2 - e : 1 - e);
        mp = narrow_below ? 2 : 1;
        mm = 1;
    }
    /* k from v's binary exponent: never above the true one, which the loop
     * below then reaches (so the first digit is 1 to 9). */
    double estimate = (e + 52) * 0.30102999566398114;
    int scale = (int)estimate + (estimate > (int)estimate);
    for (int i = 0; i < scale; i++)
        s *= 10;
    for (int i = scale; i < 0; i++)
        r *= 10, mp *= 10, mm *= 10;
    while (even ? r + mp >= s : r + mp > s)
        s *= 10, scale++;
    *k = scale;

    int n = 0;
    for (;;) {
        r *= 10, mp *= 10, mm *= 10;
        int digit = 0;
        while (r >= s)
            r -= s, digit++;
        int low = even ? r <= mm : r < mm;      /* the digits so far are inside */
        int high = even ? r + mp >= s : r + mp > s; /* so is the last one raised */
        if (low && high) /* the closer one; a tie goes to the even digit, as printf rounds */
            digit += r * 2 > s || (r * 2 == s && digit % 2);
        else if (high)
            digit++;
        digits[n++] = (char)('0' + digit);
        if (low || high || n == 24)
            return n;
    }
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

/* digits (n of them, value 0.digits x 10^k) laid out as "%.<max(n,15)>g"
 * lays them out, Jansson-style. */
static size_t layout(char *out, int negative, const char *digits, int n, int k)
{
    int precision = n > 15 ? n : 15, x = k - 1; /* x: the first digit's power of ten */
    size_t len = 0;
    if (negative)
        out[len++] = '-';
    if (x < -4 || x >= precision) { /* 1.5e-7, 1e300 */
        out[len++] = digits[0];
        if (n > 1) {
            out[len++] = '.';
            memcpy(out + len, digits + 1, (size_t)n - 1);
            len += (size_t)n - 1;
        }
        out[len++] = 'e';
        if (x < 0)
            out[len++] = '-', x = -x;
        char ex[4];
        int m = 0;
        do
            ex[m++] = (char)('0' + x % 10);
        while ((x /= 10));
        while (m)
            out[len++] = ex[--m];
        out[len] = '\0';
        return len;
    }
    if (x < 0) { /* 0.00123 */
        memcpy(out + len, "0.", 2);
        len += 2;
        memset(out + len, '0', (size_t)(-x - 1));
        len += (size_t)(-x - 1);
        memcpy(out + len, digits, (size_t)n);
        len += (size_t)n;
    } else { /* 12.5, 1200.0 */
        int whole = x + 1;
        for (int i = 0; i < whole; i++)
            out[len++] = i < n ? digits[i] : '0';
        out[len++] = '.';
        if (n <= whole)
            out[len++] = '0'; /* keep it a real when read back */
        for (int i = whole; i < n; i++)
            out[len++] = digits[i];
    }
    out[len] = '\0';
    return len;
}

size_t slsrt__json_real(double d, char out[40])
{
    char digits[24];
    int k, n;
    if (d == 0)
        return layout(out, signbit(d) != 0, "0", 1, 1);
    if ((n = (int)short_decimal(d, out)))
        return (size_t)n; /* tens of instructions where the digits take hundreds */
    n = shortest_digits(d < 0 ? -d : d, digits, &k);
    return n ? layout(out, d < 0, digits, n, k) : slsrt__json_real_slow(d, out);
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


