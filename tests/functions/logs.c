/*
 * logs - the logger's per-invocation features: DEBUG lines kept back and
 * written only when the invocation fails or logs an error, a correlation id
 * from the event's "/correlation", and sampling (SLSRT_LOG_SAMPLE_RATE).
 * Event: {"n": 1, "correlation": "c-1", "fail": false, "error_log": false}.
 */
#include <slsrt/slsrt.h>
#include <unistd.h>

static int init(slsrt_runtime *rt)
{
    (void)rt;
    slsrt_log_buffering b = {.at_or_below = SLSRT_LOG_DEBUG, .max_bytes = 4096};
    slsrt_log_set_buffering(&b);
    slsrt_log_set_correlation_pointer("/correlation");
    return 0;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    json_int_t n = json_integer_value(json_object_get(event, "n"));
    for (int i = 0; i < 3; i++)
        slsrt_log_debug("detail %d of n=%lld", i, (long long)n);
    usleep(2000); /* invocations overlap under --concurrency */
    slsrt_log_info("step n=%lld", (long long)n);
    if (json_is_true(json_object_get(event, "error_log")))
        slsrt_log_error("something went wrong in n=%lld", (long long)n);
    if (json_is_true(json_object_get(event, "fail")))
        return slsrt_response_fail(res, "Test.Failed", "failed on purpose");
    return slsrt_response_set_json(res, json_pack("{s:I}", "n", n));
}

SLSRT_MAIN_WITH_INIT(init, handler)
