/*
 * wait.c - the operations that wait on the service: timed waits, callbacks
 * completed from outside, and chained invokes of other functions.  Each
 * checkpoints its start and suspends; the service re-invokes the function
 * once it completed, and the replay returns what it recorded.
 */
#include "durable_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WAIT_SECONDS 31622400 /* a year and a day: the service's bound */

int slsrt_durable_wait(slsrt_durable *ctx, const char *name, int64_t seconds)
{
    if (!ctx || seconds < 1 || seconds > MAX_WAIT_SECONDS)
        return SLSRT_EINVAL;
    char id[SLSRT__DURABLE_ID_LEN + 1], position[256];
    json_t *op;
    int rc = slsrt__durable_next(ctx, "WAIT", "Wait", name, id, position, sizeof position, &op);
    if (rc)
        return rc;
    const char *status = slsrt__durable_status(op);
    if (!strcmp(status, "SUCCEEDED"))
        return SLSRT_OK;
    if (op && strcmp(status, "STARTED") && strcmp(status, "PENDING")) { /* cancelled, stopped */
        slsrt__durable_set_error(ctx, "Durable.WaitCancelled", "the wait did not complete");
        return SLSRT_EDURABLE;
    }
    if (!op) {
        json_t *u = slsrt__durable_update(ctx, id, "WAIT", "Wait", name, "START");
        json_object_set_new(u, "WaitOptions", json_pack("{s:I}", "WaitSeconds", (json_int_t)seconds));
        if (slsrt__durable_checkpoint(ctx->x, u, 1))
            return SLSRT_EDURABLE;
    }
    return slsrt__durable_suspend(ctx);
}

/* ---- callbacks -------------------------------------------------------------- */

int slsrt_durable_create_callback(slsrt_durable *ctx, const char *name, const slsrt_durable_callback_options *options,
                                  const char **callback_id)
{
    if (callback_id)
        *callback_id = NULL;
    if (!ctx || !callback_id)
        return SLSRT_EINVAL;
    char id[SLSRT__DURABLE_ID_LEN + 1], position[256];
    json_t *op;
    int rc = slsrt__durable_next(ctx, "CALLBACK", "Callback", name, id, position, sizeof position, &op);
    if (rc)
        return rc;
    if (!op) {
        json_t *u = slsrt__durable_update(ctx, id, "CALLBACK", "Callback", name, "START");
        json_t *o = json_object();
        if (options && options->timeout > 0)
            json_object_set_new(o, "TimeoutSeconds", json_integer(options->timeout));
        if (options && options->heartbeat_timeout > 0)
            json_object_set_new(o, "HeartbeatTimeoutSeconds", json_integer(options->heartbeat_timeout));
        json_object_set_new(u, "CallbackOptions", o);
        /* The service names the callback: its answer holds the id. */
        if (slsrt__durable_checkpoint(ctx->x, u, 1))
            return SLSRT_EDURABLE;
        op = json_object_get(ctx->x->ops, id);
    }
    json_t *cb = slsrt__durable_detail(op, "CallbackDetails", "CallbackId");
    if (!json_is_string(cb))
        return slsrt_durable_fail(ctx, "Durable.NoCallbackId", "the service did not name the callback");
    if (!ctx->callback_ids)
        ctx->callback_ids = json_array();
    json_array_append(ctx->callback_ids, cb); /* the string stays valid with the context */
    *callback_id = json_string_value(cb);
    return SLSRT_OK;
}

static json_t *find_callback(slsrt__durable_exec *x, const char *callback_id)
{
    const char *key;
    json_t *op;
    json_object_foreach(x->ops, key, op) {
        const char *cb = json_string_value(slsrt__durable_detail(op, "CallbackDetails", "CallbackId"));
        if (cb && !strcmp(cb, callback_id))
            return op;
    }
    return NULL;
}

int slsrt_durable_callback_result(slsrt_durable *ctx, const char *callback_id, json_t **result)
{
    if (result)
        *result = NULL;
    if (!ctx || !callback_id)
        return SLSRT_EINVAL;
    json_t *op = find_callback(ctx->x, callback_id);
    if (!op)
        return slsrt_durable_fail(ctx, "Durable.UnknownCallback", "no callback of this execution has that id");
    const char *status = slsrt__durable_status(op);
    if (!strcmp(status, "SUCCEEDED")) {
        return slsrt__durable_recorded(op, "CallbackDetails", result);
    }
    if (!strcmp(status, "TIMED_OUT")) {
        slsrt__durable_take_error(ctx, op, "CallbackDetails", "Durable.CallbackTimedOut",
                                  "the callback was not completed in time");
        return SLSRT_EDURABLE;
    }
    if (strcmp(status, "STARTED") && strcmp(status, "PENDING")) {
        slsrt__durable_take_error(ctx, op, "CallbackDetails", "Durable.CallbackFailed", "the callback failed");
        return SLSRT_EDURABLE;
    }
    return slsrt__durable_suspend(ctx);
}

/* ---- chained invokes -------------------------------------------------------- */

int slsrt_durable_invoke(slsrt_durable *ctx, const char *name, const char *function_name, json_t *input,
                         json_t **result)
{
    if (result)
        *result = NULL;
    if (!ctx || !function_name || !*function_name)
        return SLSRT_EINVAL;
    char id[SLSRT__DURABLE_ID_LEN + 1], position[256];
    json_t *op;
    int rc = slsrt__durable_next(ctx, "CHAINED_INVOKE", "ChainedInvoke", name, id, position, sizeof position, &op);
    if (rc)
        return rc;
    const char *status = slsrt__durable_status(op);
    if (!strcmp(status, "SUCCEEDED")) {
        return slsrt__durable_recorded(op, "ChainedInvokeDetails", result);
    }
    if (op && strcmp(status, "STARTED") && strcmp(status, "PENDING")) {
        slsrt__durable_take_error(ctx, op, "ChainedInvokeDetails", "Durable.ChainedInvokeFailed",
                                  "the invoked function failed");
        return SLSRT_EDURABLE;
    }
    if (!op) {
        size_t len;
        char *payload = slsrt__durable_dump(input, &len);
        if (!payload)
            return SLSRT_ENOMEM;
        if (len > SLSRT__DURABLE_MAX_INPUT) {
            free(payload);
            char msg[160];
            snprintf(msg, sizeof msg, "the input is %zu bytes, over the 1 MiB a chained invoke may send", len);
            return slsrt_durable_fail(ctx, "Durable.PayloadTooLarge", msg);
        }
        json_t *u = slsrt__durable_update(ctx, id, "CHAINED_INVOKE", "ChainedInvoke", name, "START");
        json_object_set_new(u, "ChainedInvokeOptions", json_pack("{s:s}", "FunctionName", function_name));
        json_object_set_new(u, "Payload", json_stringn(payload, len));
        free(payload);
        if (slsrt__durable_checkpoint(ctx->x, u, 1))
            return SLSRT_EDURABLE;
    }
    return slsrt__durable_suspend(ctx);
}
