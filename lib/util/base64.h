/* base64.h - base64 encoding for the runtime's own use (private). */
#ifndef SLSRT_BASE64_H
#define SLSRT_BASE64_H

#include <stddef.h>

/* Room slsrt__base64_encode needs for len bytes, with the NUL. */
#define SLSRT__BASE64_SIZE(len) (((len) + 2) / 3 * 4 + 1)
/* Encode into out (SLSRT__BASE64_SIZE(len) bytes); returns the length written. */
size_t slsrt__base64_encode(const void *in, size_t len, char *out);

#endif
