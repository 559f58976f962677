/*
 * order-workflow - a durable function: an order goes through
 *   reserve stock (a step, retried with backoff when the warehouse is busy)
 *   -> a cooling-off wait (the function is not running meanwhile)
 *   -> a human approval (a callback, with a timeout)
 *   -> charge (a step)
 *   -> notify (a chained invoke of the notifier function)
 * Every invocation replays the workflow from its checkpoints: a step that
 * completed returns its recorded result without running again.
 *
 * The notifier is NOTIFIER_FUNCTION (default: this function itself, which
 * handles {"notify": ...} inputs as a one-step workflow).
 */
#include <slsrt/slsrt.h>
#include <stdlib.h>
#include <string.h>

static int reserve(slsrt_durable_attempt *a, void *arg, json_t **result)
{
    json_t *order = arg;
    /* A busy warehouse on the first attempt, when the order says so. */
    if (json_is_true(json_object_get(order, "busy_warehouse")) && slsrt_durable_attempt_number(a) == 1)
        return slsrt_durable_attempt_fail(a, "Warehouse.Busy", "the warehouse asked us to come back later");
    *result = json_pack("{s:s, s:O}", "reservation", "res-4711", "items", json_object_get(order, "items"));
    return SLSRT_OK;
}

static int ask_for_approval(slsrt_durable_attempt *a, const char *callback_id, void *arg)
{
    (void)a, (void)arg;
    /* In production this would email or page an approver with the id. */
    slsrt_log_info("approval needed: slsrt-local durable callback succeed %s --result '{\"approved\":true}'",
                   callback_id);
    return SLSRT_OK;
}

static int charge(slsrt_durable_attempt *a, void *arg, json_t **result)
{
    (void)a;
    json_t *order = arg;
    *result = json_pack("{s:s, s:O}", "charge", "ch-9001", "amount", json_object_get(order, "amount"));
    return SLSRT_OK;
}

static int send_notice(slsrt_durable_attempt *a, void *arg, json_t **result)
{
    (void)a;
    slsrt_log_info("notify: %s", json_string_value(arg));
    *result = json_pack("{s:b}", "sent", 1);
    return SLSRT_OK;
}

static int workflow(slsrt_durable *ctx, json_t *order, json_t **result)
{
    json_t *notice = json_object_get(order, "notify");
    if (json_is_string(notice)) /* the notifier's side */
        return slsrt_durable_step(ctx, "send", send_notice, notice, NULL, result);

    json_t *reservation, *approval, *receipt, *notified;
    slsrt_durable_step_options retry = {
        .retry = {.kind = SLSRT_RETRY_EXPONENTIAL, .max_attempts = 4, .initial_delay = 2, .jitter = SLSRT_JITTER_NONE}};
    SLSRT_DURABLE_TRY(slsrt_durable_step(ctx, "reserve-stock", reserve, order, &retry, &reservation));
    SLSRT_DURABLE_TRY(slsrt_durable_wait(ctx, "cooling-off", 60));

    slsrt_durable_callback_options approval_window = {.timeout = 24 * 3600};
    int rc = slsrt_durable_wait_for_callback(ctx, "approval", ask_for_approval, NULL, &approval_window, &approval);
    if (rc == SLSRT_EDURABLE) { /* rejected, or nobody answered in time */
        *result = json_pack("{s:s, s:o, s:s}", "status", "cancelled", "reservation", reservation, "reason",
                            slsrt_durable_error_type(ctx));
        return SLSRT_OK;
    }
    if (rc != SLSRT_OK) {
        json_decref(reservation);
        return rc;
    }
    if (!json_is_true(json_object_get(approval, "approved"))) {
        *result = json_pack("{s:s, s:o, s:o}", "status", "rejected", "reservation", reservation, "approval", approval);
        return SLSRT_OK;
    }
    json_decref(approval);
    rc = slsrt_durable_step(ctx, "charge", charge, order, NULL, &receipt);
    if (rc) {
        json_decref(reservation);
        return rc;
    }
    const char *notifier = getenv("NOTIFIER_FUNCTION");
    json_t *message = json_pack("{s:s}", "notify", "your order is on its way");
    rc = slsrt_durable_invoke(ctx, "notify-customer", notifier ? notifier : getenv("AWS_LAMBDA_FUNCTION_NAME"),
                              message, &notified);
    json_decref(message);
    if (rc) {
        json_decref(reservation), json_decref(receipt);
        return rc;
    }
    *result = json_pack("{s:s, s:o, s:o, s:o}", "status", "completed", "reservation", reservation, "charge", receipt,
                        "notification", notified);
    return SLSRT_OK;
}

SLSRT_DURABLE_MAIN(workflow)
