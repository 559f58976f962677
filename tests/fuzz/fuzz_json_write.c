/* fuzz_json_write.c - the response writer against Jansson: what it writes reads back equal;
 * its real formatting against the snprintf/strtod search. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_same.h"
#include "util/json_real.h"
#include "util/json_write.h"
#include <slsrt/common.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 8) { /* the writer's reals against the snprintf/strtod search, on any double */
        double d;
        memcpy(&d, data, sizeof d);
        char ours[40], slow[40];
        if (d == d && d - d == 0 && (slsrt__json_real(d, ours), slsrt__json_real_slow(d, slow), !real_texts_agree(d, ours, slow)))
            abort();
    }
    json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!v)
        return 0;
    slsrt__buf b = {0};
    if (slsrt__json_write(&b, v) == SLSRT_OK) {
        json_t *back = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (!back || !json_equal(back, v))
            abort();
        json_decref(back);
    }
    slsrt__buf_free(&b);
    json_decref(v);
    return 0;
}
