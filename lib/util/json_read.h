/* json_read.h - JSON text to jansson values, json_loadb's result faster (private). */
#ifndef SLSRT_JSON_READ_H
#define SLSRT_JSON_READ_H

#include <jansson.h>

/*
 * The value json_loadb(text, len, flags, err) returns, built by slsrt's own
 * reader: the same types, values, key order and duplicate-key outcome.
 * flags may be 0 or JSON_DECODE_ANY (any other flag goes to json_loadb).
 * Text the reader refuses goes to json_loadb, so a refusal carries jansson's
 * own error text, line and column.  A new reference, or NULL with err set.
 */
json_t *slsrt__json_read(const char *text, size_t len, size_t flags, json_error_t *err);

/* The same, but NULL where slsrt's reader refuses (no json_loadb): for the
 * differential tests, which must see which reader answered. */
json_t *slsrt__json_read_only(const char *text, size_t len, size_t flags);

#endif
