/* eventbridge.c - EventBridge events and schedules; Cognito user-pool triggers. */
#include <slsrt/events.h>

#include "event_fields.h"

const char *slsrt_eventbridge_id(const json_t *e) { return slsrt__str(e, "id"); }
const char *slsrt_eventbridge_source(const json_t *e) { return slsrt__str(e, "source"); }
const char *slsrt_eventbridge_detail_type(const json_t *e) { return slsrt__str(e, "detail-type"); }
const char *slsrt_eventbridge_time(const json_t *e) { return slsrt__str(e, "time"); }
const char *slsrt_eventbridge_account(const json_t *e) { return slsrt__str(e, "account"); }
const char *slsrt_eventbridge_region(const json_t *e) { return slsrt__str(e, "region"); }
const json_t *slsrt_eventbridge_detail(const json_t *e) { return json_object_get(e, "detail"); }

const json_t *slsrt_eventbridge_resources(const json_t *e)
{
    const json_t *r = json_object_get(e, "resources");
    return json_is_array(r) ? r : NULL;
}

const char *slsrt_cognito_trigger_source(const json_t *e) { return slsrt__str(e, "triggerSource"); }
const char *slsrt_cognito_user_pool_id(const json_t *e) { return slsrt__str(e, "userPoolId"); }
const char *slsrt_cognito_user_name(const json_t *e) { return slsrt__str(e, "userName"); }
const json_t *slsrt_cognito_request(const json_t *e) { return slsrt__obj(e, "request"); }

json_t *slsrt_cognito_reply(const json_t *event, json_t *response)
{
    json_t *reply = json_is_object(event) ? json_deep_copy(event) : NULL;
    json_t *slot = reply ? json_object_get(reply, "response") : NULL;
    if (reply && !json_is_object(slot)) {
        slot = json_object();
        if (json_object_set_new(reply, "response", slot) != 0)
            slot = NULL;
    }
    if (reply && (!slot || (response && json_object_update(slot, response) != 0))) {
        json_decref(reply);
        reply = NULL;
    }
    json_decref(response);
    return reply;
}
