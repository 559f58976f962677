/*
 * @NAME@ - a function that takes any JSON event and answers JSON, on slsrt.
 * Given {"name": "Ada"} it answers {"greeting": "Hello, Ada!"}; without a
 * name it fails as Function.BadRequest, which the caller sees as the error.
 */
#include <slsrt/slsrt.h>

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    const char *name = json_string_value(json_object_get(event, "name"));
    if (!name)
        return slsrt_response_fail(res, "Function.BadRequest", "the event needs a string \"name\"");
    slsrt_log_info("greeting %s", name);
    return slsrt_response_set_json(res, json_pack("{s:s++}", "greeting", "Hello, ", name, "!"));
}

SLSRT_MAIN_WITH_INFO("{\"name\": \"@NAME@\", \"memory\": 128, \"timeout\": 3, \"architecture\": \"arm64\","
                     " \"eventSources\": [], \"environment\": [], \"permissions\": []}",
                     NULL, handler)
