/*
 * sqs-batch - an SQS listener with partial batch failures.
 *
 * Each message body is an order ({"order": 12, "ok": true}); an order
 * marked "ok": false, or a body that is not JSON, fails that message only:
 * slsrt answers {"batchItemFailures": [...]} and SQS retries just those
 * (the event source mapping needs ReportBatchItemFailures).
 *
 * The batch and each body are read in place (slsrt/doc.h): no Jansson tree
 * is built for them, only the log line's fields.
 */
#include <slsrt/slsrt.h>

static int on_message(slsrt_invocation *inv, slsrt_event_source source, const slsrt_doc *batch,
                      slsrt_doc_node record, void *user_data)
{
    (void)inv, (void)source, (void)user_data;
    size_t len;
    const char *body = slsrt_doc_sqs_body(batch, record, &len), *id = slsrt_doc_sqs_message_id(batch, record);
    slsrt_doc *order = body ? slsrt_doc_parse(body, len, NULL) : NULL;
    if (!order) {
        slsrt_log_warn("message %s: the body is not JSON", id);
        return -1;
    }
    slsrt_doc_node root = slsrt_doc_root(order);
    int ok = slsrt_doc_type_of(order, slsrt_doc_get(order, root, "ok")) == SLSRT_DOC_TRUE;
    json_t *fields = json_pack("{s:s, s:o?}", "messageId", id, "order",
                               slsrt_doc_to_json(order, slsrt_doc_get(order, root, "order")));
    slsrt_log_fields(ok ? SLSRT_LOG_INFO : SLSRT_LOG_WARN, fields, ok ? "order processed" : "order refused");
    json_decref(fields);
    slsrt_doc_free(order);
    return ok ? 0 : -1;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    return slsrt_batch_process_doc(inv, res, on_message, NULL);
}

SLSRT_MAIN(handler)
