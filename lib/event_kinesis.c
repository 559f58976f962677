/* event_kinesis.c - Kinesis records, and base64. */
#include <slsrt/events.h>

#include "event_fields.h"

/* The standard alphabet's value of c, or -1. */
static int b64(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

slsrt_status slsrt_base64_decode(const char *in, size_t len, void *out, size_t size, size_t *out_len)
{
    if (!in || !out_len)
        return SLSRT_EINVAL;
    while (len && in[len - 1] == '=')
        len--; /* padding is optional, but only at the end */
    if (len % 4 == 1)
        return SLSRT_EINVAL;
    size_t need = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
    *out_len = need;
    for (size_t i = 0; i < len; i++)
        if (b64((unsigned char)in[i]) < 0)
            return SLSRT_EINVAL;
    if (!out || need > size)
        return SLSRT_ETOOBIG;
    unsigned char *o = out;
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        unsigned v = (unsigned)b64((unsigned char)in[i]) << 18 | (unsigned)b64((unsigned char)in[i + 1]) << 12 |
                     (unsigned)b64((unsigned char)in[i + 2]) << 6 | (unsigned)b64((unsigned char)in[i + 3]);
        *o++ = (unsigned char)(v >> 16);
        *o++ = (unsigned char)(v >> 8);
        *o++ = (unsigned char)v;
    }
    if (len - i >= 2) {
        unsigned v = (unsigned)b64((unsigned char)in[i]) << 18 | (unsigned)b64((unsigned char)in[i + 1]) << 12;
        if (len - i == 3)
            v |= (unsigned)b64((unsigned char)in[i + 2]) << 6;
        *o++ = (unsigned char)(v >> 16);
        if (len - i == 3)
            *o++ = (unsigned char)(v >> 8);
    }
    return SLSRT_OK;
}

static const json_t *kinesis(const json_t *r) { return slsrt__obj(r, "kinesis"); }

const char *slsrt_kinesis_partition_key(const json_t *r) { return slsrt__str(kinesis(r), "partitionKey"); }
const char *slsrt_kinesis_sequence_number(const json_t *r) { return slsrt__str(kinesis(r), "sequenceNumber"); }
const char *slsrt_kinesis_event_id(const json_t *r) { return slsrt__str(r, "eventID"); }

double slsrt_kinesis_arrival_time(const json_t *r)
{
    const json_t *t = json_object_get(kinesis(r), "approximateArrivalTimestamp");
    return json_is_number(t) ? json_number_value(t) : -1;
}

slsrt_status slsrt_kinesis_data(const json_t *r, void *buf, size_t size, size_t *len)
{
    const json_t *data = json_object_get(kinesis(r), "data");
    size_t dummy;
    if (!json_is_string(data))
        return SLSRT_EINVAL;
    return slsrt_base64_decode(json_string_value(data), json_string_length(data), buf, size, len ? len : &dummy);
}
