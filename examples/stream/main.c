/*
 * stream - streams lines with short pauses between them, the way a report
 * or an LLM answer reaches a Function URL caller: each line leaves as soon
 * as it is written.  {"lines": 5, "pause_ms": 100}
 */
#include <slsrt/slsrt.h>
#include <unistd.h>

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    if (!event)
        return SLSRT_EJSON;
    json_int_t lines = json_integer_value(json_object_get(event, "lines"));
    json_int_t pause = json_integer_value(json_object_get(event, "pause_ms"));
    if (lines < 1 || lines > 1000 || pause < 0 || pause > 10000)
        return slsrt_response_fail(res, "Function.InvalidRequest", "want 1-1000 lines and a 0-10000 ms pause");

    slsrt_stream *stream = slsrt_response_stream(res, "text/plain; charset=utf-8");
    if (!stream)
        return -1;
    for (json_int_t i = 1; i <= lines; i++) {
        if (slsrt_stream_printf(stream, "line %lld of %lld, %lld ms left\n", (long long)i, (long long)lines,
                                (long long)slsrt_invocation_remaining_ms(inv)) != SLSRT_OK)
            return -1;
        if (i < lines)
            usleep((useconds_t)pause * 1000);
    }
    return 0;
}

SLSRT_MAIN(handler)
