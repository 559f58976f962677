/*
 * hello - the smallest useful slsrt function: JSON in, JSON out.
 *
 * Given {"name": "Ada"} it answers {"message": "Hello, Ada!", "requestId": ...}.
 * An event without a name is greeted as "world"; an event that is not JSON
 * fails as Runtime.InvalidEventJSON; a name that is not a string fails with
 * Function.InvalidName.
 */
#include <slsrt/slsrt.h>

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    if (!event)
        return SLSRT_EJSON;

    const char *name = "world";
    json_t *given = json_is_object(event) ? json_object_get(event, "name") : NULL;
    if (given && !json_is_string(given))
        return slsrt_response_fail(res, "Function.InvalidName", "\"name\" must be a string");
    if (given)
        name = json_string_value(given);

    return slsrt_response_set_json(res, json_pack("{s:s++, s:s}", "message", "Hello, ", name, "!",
                                                  "requestId", slsrt_invocation_request_id(inv)));
}

SLSRT_MAIN(handler)
