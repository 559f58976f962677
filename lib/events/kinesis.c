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

/* ---- the same, read in place ---- */

static slsrt_doc_node doc_kinesis(const slsrt_doc *d, slsrt_doc_node r) { return slsrt__dobj(d, r, "kinesis"); }

const char *slsrt_doc_kinesis_partition_key(const slsrt_doc *d, slsrt_doc_node r)
{
    return slsrt__dstr(d, doc_kinesis(d, r), "partitionKey");
}

const char *slsrt_doc_kinesis_sequence_number(const slsrt_doc *d, slsrt_doc_node r)
{
    return slsrt__dstr(d, doc_kinesis(d, r), "sequenceNumber");
}

const char *slsrt_doc_kinesis_event_id(const slsrt_doc *d, slsrt_doc_node r) { return slsrt__dstr(d, r, "eventID"); }

double slsrt_doc_kinesis_arrival_time(const slsrt_doc *d, slsrt_doc_node r)
{
    double t;
    return slsrt_doc_real(d, slsrt_doc_get(d, doc_kinesis(d, r), "approximateArrivalTimestamp"), &t) ? -1 : t;
}

slsrt_status slsrt_doc_kinesis_data(const slsrt_doc *d, slsrt_doc_node r, void *buf, size_t size, size_t *len)
{
    size_t n, dummy;
    const char *data = slsrt_doc_string(d, slsrt_doc_get(d, doc_kinesis(d, r), "data"), &n);
    return data ? slsrt_base64_decode(data, n, buf, size, len ? len : &dummy) : SLSRT_EINVAL;
}
