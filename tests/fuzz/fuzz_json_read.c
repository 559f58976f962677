/* fuzz_json_read.c - slsrt's JSON reader against json_loadb, differentially:
 * the same value (types, real bits, key order) or a refusal by both, for the
 * whole input and for a prefix of it cut where the input's last byte says,
 * each in a buffer of its exact size.  slsrt's own reader may refuse what
 * jansson reads (it then hands the text to json_loadb: jansson takes a NUL
 * right after a final number for the end, "2\0"), never the other way.  The
 * token index (json_index) takes exactly what slsrt's reader takes, holds
 * the same value, and lists each object's members as jansson keeps them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_same.h"
#include "util/json_index.h"
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
    if (flags == JSON_DECODE_ANY) {
        slsrt__json_index x;
        int indexed = slsrt__json_index_build(&x, exact, size) == 0;
        if (indexed != !!ours)
            abort();
        if (indexed) {
            json_t *back = slsrt__json_index_value(&x, 1);
            if (!json_same(back, ours))
                abort();
            size_t count;
            uint32_t(*members)[2] = slsrt__json_index_members(&x, 1, &count);
            if (count != (json_is_object(ours) ? json_object_size(ours) : 0))
                abort();
            for (size_t m = 0; m < count; m++) {
                json_t *v = slsrt__json_index_value(&x, members[m][1]);
                const char *key = slsrt__json_index_string(&x, members[m][0], NULL);
                if (!json_same(v, json_object_get(ours, key)) || slsrt__json_index_get(&x, 1, key) != members[m][1])
                    abort();
                json_decref(v);
            }
            free(members);
            json_decref(back);
        }
        slsrt__json_index_free(&x);
    }
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
