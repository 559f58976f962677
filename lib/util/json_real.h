/* json_real.h - a real's text: the shortest decimal that reads back as the
 * same double (private). */
#ifndef SLSRT_JSON_REAL_H
#define SLSRT_JSON_REAL_H

#include <stddef.h>

/*
 * d (finite) as the writer spells it: the fewest significant digits that
 * strtod reads back as d (the closest to d of those), laid out as "%.15g"
 * lays them out (as "%.16g" or "%.17g" for 16 or 17 digits), with Jansson's
 * touches: "1e-7", not "1e-07"; "21.0", not "21".  NUL-terminated; returns
 * its length.
 */
size_t slsrt__json_real(double d, char out[40]);
/* The same by the search it replaces, kept as the tests' oracle: "%.15g",
 * then 16 and 17 digits, the first that strtod reads back as d.  It can
 * spell a power of two with one digit more (its 16 digits round away from
 * the narrower gap below it); otherwise the two agree byte for byte. */
size_t slsrt__json_real_slow(double d, char out[40]);

#endif
