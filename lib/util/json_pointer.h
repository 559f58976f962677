/* json_pointer.h - RFC 6901 JSON pointers (private). */
#ifndef SLSRT_JSON_POINTER_H
#define SLSRT_JSON_POINTER_H

#include <jansson.h>

/* The value at pointer p in v ("" is v itself), borrowed; NULL when absent or p is malformed. */
json_t *slsrt__json_pointer(const json_t *v, const char *p);

#endif
