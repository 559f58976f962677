/* echo_fn - answers the event it got: the JSON echo benchmark (parse, then serialize). */
#include <slsrt/slsrt.h>

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    return event ? slsrt_response_set_json(res, json_incref(event)) : SLSRT_EJSON;
}

SLSRT_MAIN(handler)
