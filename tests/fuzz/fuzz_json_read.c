/* fuzz_json_read.c - slsrt's JSON reader against json_loadb, differentially:
 * the same value (types, real bits, key order) or a refusal by both, for the
 * whole input and for a prefix of it cut where the input's last byte says,
 * each in a buffer of its exact size.  slsrt's own reader may refuse what
 * jansson reads (it then hands the text to json_loadb: jansson takes a NUL
 * right after a final number for the end, "2\0"), never the other way. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_same.h"
#include "util/json_read.h"

static void differ(const uint8_t *data, size_t size, size_t flags)
{
    char *exact = malloc(size ? size : 1);
    memcpy(exact, data, size);
    json_t *want = json_loadb(exact, size, flags, NULL);
    json_t *ours = slsrt__json_read_only(exact, size, flags);
    json_t *answer = slsrt__json_read(exact, size, flags, NULL);
    if ((ours && !json_same(ours, want)) || !json_same(answer, want))
        abort();
    json_decref(want);
    json_decref(ours);
    json_decref(answer);
    free(exact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    differ(data, size, JSON_DECODE_ANY);
    if (size) {
        differ(data, size % 2 ? size : 0, 0);
        differ(data, data[size - 1] % size, JSON_DECODE_ANY);
    }
    return 0;
}
