/*
 * eventbridge - reacts to "Order Placed" events and to its nightly schedule.
 * Answers what it did, so the result is visible when invoked directly.
 */
#include <slsrt/slsrt.h>
#include <string.h>

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    if (!event)
        return SLSRT_EJSON;
    slsrt_event_source source = slsrt_event_detect(event);
    const char *why;
    if (source == SLSRT_SOURCE_SCHEDULE)
        return slsrt_response_set_json(res, json_pack("{s:s, s:s}", "did", "nightly report", "at",
                                                      slsrt_eventbridge_time(event)));
    if (source != SLSRT_SOURCE_EVENTBRIDGE || slsrt_record_check(source, event, &why) != SLSRT_OK)
        return slsrt_response_fail(res, "Function.UnexpectedEvent", "not an EventBridge event (%s)",
                                   source == SLSRT_SOURCE_EVENTBRIDGE ? why : slsrt_event_source_name(source));
    if (strcmp(slsrt_eventbridge_detail_type(event), "Order Placed") != 0)
        return slsrt_response_set_json(res, json_pack("{s:s, s:s}", "did", "nothing", "detailType",
                                                      slsrt_eventbridge_detail_type(event)));
    const json_t *detail = slsrt_eventbridge_detail(event);
    return slsrt_response_set_json(res, json_pack("{s:s, s:O?, s:O?, s:s}", "did", "order recorded", "orderId",
                                                  json_object_get(detail, "orderId"), "amount",
                                                  json_object_get(detail, "amount"), "from",
                                                  slsrt_eventbridge_source(event)));
}

SLSRT_MAIN(handler)
