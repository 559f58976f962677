/* fuzz_decode.c - base64, and CloudWatch Logs' base64 + gzip + JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include <slsrt/events.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* As base64 text. */
    size_t need = 0;
    char *out = malloc(size + 1);
    if (slsrt_base64_decode((const char *)data, size, out, size + 1, &need) == SLSRT_OK && need > size)
        abort();
    size_t small = size / 2;
    if (slsrt_base64_decode((const char *)data, size, out, small, &need) == SLSRT_OK && need > small)
        abort();
    free(out);

    /* As gzip bytes, the way a subscription event carries them. */
    char *b64 = malloc(SLSRT__BASE64_SIZE(size));
    size_t n = slsrt__base64_encode(data, size, b64);
    size_t back_len;
    char *back = malloc(size + 3);
    if (slsrt_base64_decode(b64, n, back, size + 3, &back_len) != SLSRT_OK || back_len != size ||
        memcmp(back, data, size) != 0)
        abort(); /* encode . decode is the identity */
    json_t *event = json_pack("{s:{s:s}}", "awslogs", "data", b64);
    slsrt_status st;
    json_decref(slsrt_cwlogs_decode(event, &st));
    json_decref(event);
    free(back);
    free(b64);
    return 0;
}
