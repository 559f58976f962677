/*
 * @NAME@ - an SQS listener on slsrt with partial batch failures: a message
 * whose body is not a JSON object with "ok": true is reported for a retry.
 */
#include <slsrt/slsrt.h>

static int on_message(slsrt_invocation *inv, slsrt_event_source source, const json_t *record, void *user_data)
{
    (void)inv, (void)source, (void)user_data;
    size_t len;
    const char *body = slsrt_sqs_body(record, &len);
    json_t *msg = body ? json_loadb(body, len, 0, NULL) : NULL;
    int ok = json_is_true(json_object_get(msg, "ok"));
    json_decref(msg);
    return ok ? 0 : -1;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    return slsrt_batch_process(inv, res, on_message, NULL);
}

SLSRT_MAIN_WITH_INFO("{\"name\": \"@NAME@\", \"memory\": 256, \"timeout\": 30, \"architecture\": \"arm64\","
                     " \"eventSources\": [\"sqs\"], \"environment\": [], \"permissions\": []}",
                     NULL, handler)
