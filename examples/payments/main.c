/*
 * payments - an SQS consumer that must not charge twice.
 *
 * Each message is a payment ({"payment_id": "p-1", "amount": 12.5}).  SQS
 * delivers at least once, so the same payment can arrive again, even in the
 * same batch or in two invocations at once.  slsrt_idempotent charges each
 * payment_id once (the lock and the result in the DynamoDB table
 * IDEMPOTENCY_TABLE); a repeat gets the first charge's receipt; a payment
 * id reused with another amount is refused; a duplicate still in flight
 * fails its message, which SQS delivers again later (ReportBatchItemFailures).
 */
#include <slsrt/slsrt.h>
#include <stdlib.h>

static slsrt_idempotency *idem;

static int init(slsrt_runtime *rt)
{
    static const char *const key[] = {"/payment_id", NULL};
    const char *table = getenv("IDEMPOTENCY_TABLE");
    if (!table)
        return slsrt_runtime_fail(rt, "Function.ConfigMissing", "IDEMPOTENCY_TABLE is not set");
    slsrt_idempotency_config config = {.table = table, .key_pointers = key, .payload_pointer = "", .key_required = 1};
    idem = slsrt_idempotency_new(slsrt_runtime_aws(rt), &config);
    return idem ? 0 : slsrt_runtime_fail(rt, "Function.InitFailed", "cannot set up idempotency");
}

/* The side effect that must happen once. */
static int charge(json_t *payment, void *arg, json_t **receipt)
{
    (void)arg;
    const char *id = json_string_value(json_object_get(payment, "payment_id"));
    slsrt_log_info("charging %s: %.2f", id, json_number_value(json_object_get(payment, "amount")));
    *receipt = json_pack("{s:o, s:s, s:O}", "charge", json_sprintf("ch-%s", id), "payment_id", id, "amount",
                         json_object_get(payment, "amount"));
    return SLSRT_OK;
}

static int on_message(slsrt_invocation *inv, slsrt_event_source source, const json_t *record, void *user_data)
{
    (void)source, (void)user_data;
    size_t len;
    const char *body = slsrt_sqs_body(record, &len);
    json_t *payment = body ? json_loadb(body, len, 0, NULL) : NULL, *receipt = NULL;
    slsrt_idempotency_error err;
    int rc = payment ? slsrt_idempotent(idem, inv, payment, charge, NULL, &receipt, &err) : SLSRT_EJSON;
    if (rc == SLSRT_OK)
        slsrt_log_info("message %s: receipt for %s", slsrt_sqs_message_id(record),
                       json_string_value(json_object_get(receipt, "payment_id")));
    else
        slsrt_log_warn("message %s failed: %s %s", slsrt_sqs_message_id(record), rc == SLSRT_EJSON ? "Payment.NotJSON" : err.type,
                       rc == SLSRT_EJSON ? "the body is not JSON" : err.message);
    json_decref(receipt);
    json_decref(payment);
    return rc;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    return slsrt_batch_process(inv, res, on_message, NULL);
}

SLSRT_MAIN_WITH_INIT(init, handler)
