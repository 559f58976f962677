/*
 * sqs-batch - an SQS listener with partial batch failures.
 *
 * Each message body is an order ({"order": 12, "ok": true}); an order
 * marked "ok": false, or a body that is not JSON, fails that message only:
 * slsrt answers {"batchItemFailures": [...]} and SQS retries just those
 * (the event source mapping needs ReportBatchItemFailures).
 */
#include <slsrt/slsrt.h>

static int on_message(slsrt_invocation *inv, slsrt_event_source source, const json_t *record, void *user_data)
{
    (void)inv, (void)source, (void)user_data;
    size_t len;
    const char *body = slsrt_sqs_body(record, &len);
    json_t *order = body ? json_loadb(body, len, 0, NULL) : NULL;
    if (!order) {
        slsrt_log_warn("message %s: the body is not JSON", slsrt_sqs_message_id(record));
        return -1;
    }
    int ok = json_is_true(json_object_get(order, "ok"));
    json_t *fields = json_pack("{s:s, s:O?}", "messageId", slsrt_sqs_message_id(record), "order",
                               json_object_get(order, "order"));
    slsrt_log_fields(ok ? SLSRT_LOG_INFO : SLSRT_LOG_WARN, fields, ok ? "order processed" : "order refused");
    json_decref(fields);
    json_decref(order);
    return ok ? 0 : -1;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    return slsrt_batch_process(inv, res, on_message, NULL);
}

SLSRT_MAIN(handler)
