/* kinesis.c - Kinesis records. */
#include <slsrt/events.h>

#include "event_fields.h"

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
