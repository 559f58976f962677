/* cwlogs.c - CloudWatch Logs subscription events: base64, then gzip, then JSON. */
#include <slsrt/events.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "event_fields.h"
#include "util/json_read.h"

#define MAX_INFLATED (16u * 1024 * 1024)

static json_t *fail(slsrt_status *status, slsrt_status code, void *a, void *b)
{
    free(a);
    free(b);
    if (status)
        *status = code;
    return NULL;
}

json_t *slsrt_cwlogs_decode(const json_t *event, slsrt_status *status)
{
    const json_t *data = json_object_get(slsrt__obj(event, "awslogs"), "data");
    if (!json_is_string(data))
        return fail(status, SLSRT_EINVAL, NULL, NULL);
    size_t len = json_string_length(data), zlen;
    unsigned char *gz = malloc(len / 4 * 3 + 3);
    if (!gz)
        return fail(status, SLSRT_ENOMEM, NULL, NULL);
    if (slsrt_base64_decode(json_string_value(data), len, gz, len / 4 * 3 + 3, &zlen) != SLSRT_OK)
        return fail(status, SLSRT_EINVAL, gz, NULL);

    z_stream z = {.next_in = gz, .avail_in = (uInt)zlen};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) /* 16: a gzip header */
        return fail(status, SLSRT_ENOMEM, gz, NULL);
    size_t cap = zlen * 4 + 1024, used = 0;
    char *out = NULL;
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (cap > MAX_INFLATED + 1) {
            inflateEnd(&z);
            return fail(status, SLSRT_ETOOBIG, gz, out);
        }
        char *bigger = realloc(out, cap);
        if (!bigger) {
            inflateEnd(&z);
            return fail(status, SLSRT_ENOMEM, gz, out);
        }
        out = bigger;
        z.next_out = (unsigned char *)out + used;
        z.avail_out = (uInt)(cap - used);
        rc = inflate(&z, Z_NO_FLUSH);
        used = cap - z.avail_out;
        if (rc == Z_OK || rc == Z_BUF_ERROR) {
            if (z.avail_in == 0 && rc == Z_BUF_ERROR)
                break; /* truncated input */
            rc = Z_OK;
            cap *= 2;
        }
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END)
        return fail(status, SLSRT_EINVAL, gz, out);
    json_t *doc = slsrt__json_read(out, used, 0, NULL);
    free(gz);
    free(out);
    if (status)
        *status = doc ? SLSRT_OK : SLSRT_EINVAL;
    return doc;
}
