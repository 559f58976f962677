/* url.h - percent-decoding (private). */
#ifndef SLSRT_URL_H
#define SLSRT_URL_H

#include <stddef.h>

/*
 * Decode len bytes of src into out (room for len + 1); plus_is_space for
 * query strings and S3 keys.  Returns the decoded length, or (size_t)-1 for
 * a bad escape.  out is NUL-terminated.
 */
size_t slsrt__url_decode(const char *src, size_t len, char *out, int plus_is_space);

#endif
