/* json_write.h - compact JSON text for a jansson value (private). */
#ifndef SLSRT_JSON_WRITE_H
#define SLSRT_JSON_WRITE_H

#include <jansson.h>

#include "buf.h"

/*
 * Append the compact form of v to b, keys in insertion order, as
 * json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) writes it, except that
 * reals take the shortest form that reads back as the same double.  Returns
 * SLSRT_OK, SLSRT_ENOMEM, or SLSRT_EINVAL for nesting over 2048 levels
 * (a cycle).
 */
int slsrt__json_write(slsrt__buf *b, const json_t *v);

/* Append s[0..n) as a quoted JSON string; at most 6n + 2 bytes. */
int slsrt__json_write_string(slsrt__buf *b, const char *s, size_t n);

#endif
