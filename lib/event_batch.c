/*
 * event_batch.c - partial batch responses for SQS, Kinesis and DynamoDB
 * Streams: records handled one by one, failures reported by identifier.
 */
#include <slsrt/events.h>

#include "log.h"

static int batch_source(slsrt_event_source s)
{
    return s == SLSRT_SOURCE_SQS || s == SLSRT_SOURCE_KINESIS || s == SLSRT_SOURCE_DYNAMODB;
}

static int report(json_t *failures, const char *id)
{
    return json_array_append_new(failures, json_pack("{s:s}", "itemIdentifier", id));
}

int slsrt_batch_process(slsrt_invocation *inv, slsrt_response *res, slsrt_record_fn fn, void *user_data)
{
    json_t *event = slsrt_invocation_event_json(inv);
    if (!event)
        return SLSRT_EJSON;
    slsrt_event_source source = slsrt_event_detect(event);
    if (!batch_source(source) || !fn)
        return slsrt_response_fail(res, "Runtime.InvalidBatch",
                                   "slsrt_batch_process takes SQS, Kinesis or DynamoDB Streams events, not %s",
                                   slsrt_event_source_name(source));

    size_t n = slsrt_event_record_count(event), failed = 0;
    json_t *failures = json_array();
    int stopped = 0; /* a FIFO queue after its first failure */
    for (size_t i = 0; i < n; i++) {
        const json_t *record = slsrt_event_record(event, i);
        const char *id = slsrt_record_id(source, record), *why = NULL;
        if (!id) {
            json_decref(failures);
            return slsrt_response_fail(res, "Runtime.InvalidBatch",
                                       "record %zu of the %s batch has no identifier to report; failing the "
                                       "whole batch so that it is retried",
                                       i, slsrt_event_source_name(source));
        }
        int ok = 0;
        if (stopped) {
            ok = 0;
        } else if (slsrt_record_check(source, record, &why) != SLSRT_OK) {
            slsrt__log(SLSRT_LOG_ERROR, "record %s: %s; reported as failed", id, why);
        } else {
            ok = fn(inv, source, record, user_data) == 0;
            if (!ok)
                slsrt__log(SLSRT_LOG_WARN, "record %s failed", id);
        }
        if (!ok) {
            failed++;
            report(failures, id);
            if (source == SLSRT_SOURCE_SQS && slsrt_sqs_is_fifo(record))
                stopped = 1;
        }
    }
    if (failed)
        slsrt__log(SLSRT_LOG_INFO, "batch of %zu %s records: %zu failed", n, slsrt_event_source_name(source), failed);
    return slsrt_response_set_json(res, json_pack("{s:o}", "batchItemFailures", failures));
}
