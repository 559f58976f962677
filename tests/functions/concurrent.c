/*
 * concurrent - for AWS_LAMBDA_MAX_CONCURRENCY > 1: logs "begin N", sleeps,
 * records a metric, opens a span, logs "end N", and answers with what it saw
 * of its own invocation, so tests can check that nothing crosses over.
 */
#include <slsrt/slsrt.h>
#include <stdlib.h>
#include <unistd.h>

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    if (!event)
        return SLSRT_EJSON;
    json_int_t marker = json_integer_value(json_object_get(event, "marker"));
    slsrt_log_info("begin %lld", (long long)marker);
    slsrt_span *span = slsrt_span_begin(inv, NULL, "work");
    usleep((useconds_t)json_integer_value(json_object_get(event, "sleep_ms")) * 1000);
    slsrt_metric(inv, "Work", (double)marker, "Count");
    slsrt_span_end(span);
    slsrt_log_info("end %lld", (long long)marker);
    const char *env = getenv("_X_AMZN_TRACE_ID");
    return slsrt_response_set_json(res, json_pack("{s:I, s:s, s:s?, s:s?}", "marker", marker, "requestId",
                                                  slsrt_invocation_request_id(inv), "traceId",
                                                  slsrt_invocation_trace_id(inv), "traceEnv", env));
}

SLSRT_MAIN(handler)
