/*
 * exec.c - one invocation of a durable execution: read the state the
 * service sent, run the handler against it, answer SUCCEEDED, FAILED or
 * PENDING; and what every operation shares: ids, the history lookup with
 * its determinism check, errors.
 */
#include "durable_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/crypto.h"
#include "util/json_read.h"

void slsrt__durable_ctx_init(slsrt_durable *ctx, slsrt__durable_exec *x, const char *position, const char *parent_id)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->x = x;
    snprintf(ctx->position, sizeof ctx->position, "%s", position);
    snprintf(ctx->parent_id, sizeof ctx->parent_id, "%s", parent_id);
}

void slsrt__durable_ctx_clear(slsrt_durable *ctx)
{
    free(ctx->error_type);
    free(ctx->error_message);
    json_decref(ctx->callback_ids);
    ctx->error_type = ctx->error_message = NULL;
    ctx->callback_ids = NULL;
}

void slsrt__durable_set_error(slsrt_durable *ctx, const char *type, const char *message)
{
    char *t = strdup(type ? type : "Durable.Error"), *m = strdup(message ? message : "");
    free(ctx->error_type);
    free(ctx->error_message);
    ctx->error_type = t, ctx->error_message = m;
}

json_t *slsrt__durable_error_object(const char *type, const char *message)
{
    /* An error is bounded like a payload: a long message is cut, not refused. */
    char cut[4096];
    snprintf(cut, sizeof cut, "%s", message ? message : "");
    return json_pack("{s:s, s:s}", "ErrorType", type ? type : "Durable.Error", "ErrorMessage", cut);
}

int slsrt_durable_fail(slsrt_durable *ctx, const char *type, const char *message)
{
    if (ctx)
        slsrt__durable_set_error(ctx, type, message);
    return SLSRT_EDURABLE;
}

slsrt_invocation *slsrt_durable_invocation(const slsrt_durable *ctx) { return ctx ? ctx->x->inv : NULL; }
const char *slsrt_durable_execution_arn(const slsrt_durable *ctx) { return ctx ? ctx->x->arn : NULL; }
int slsrt_durable_replaying(const slsrt_durable *ctx) { return ctx ? ctx->replaying : 0; }
const char *slsrt_durable_error_type(const slsrt_durable *ctx) { return ctx ? ctx->error_type : NULL; }
const char *slsrt_durable_error_message(const slsrt_durable *ctx) { return ctx ? ctx->error_message : NULL; }

const char *slsrt__durable_status(const json_t *op)
{
    const char *s = json_string_value(json_object_get(op, "Status"));
    return s ? s : "";
}

json_t *slsrt__durable_detail(const json_t *op, const char *details, const char *field)
{
    return json_object_get(json_object_get(op, details), field);
}

json_t *slsrt__durable_payload(const json_t *text)
{
    const char *s = json_string_value(text);
    if (!s)
        return json_null();
    json_t *v = slsrt__json_read(s, json_string_length(text), JSON_DECODE_ANY, NULL);
    return v ? v : json_stringn(s, json_string_length(text));
}

int slsrt__durable_give(json_t *value, json_t **result)
{
    if (result)
        *result = value ? value : json_null();
    else
        json_decref(value);
    return SLSRT_OK;
}

int slsrt__durable_recorded(const json_t *op, const char *details, json_t **result)
{
    return slsrt__durable_give(slsrt__durable_payload(slsrt__durable_detail(op, details, "Result")), result);
}

void slsrt__durable_take_error(slsrt_durable *ctx, const json_t *op, const char *details, const char *fallback_type,
                               const char *fallback_message)
{
    json_t *e = slsrt__durable_detail(op, details, "Error");
    const char *type = json_string_value(json_object_get(e, "ErrorType"));
    const char *message = json_string_value(json_object_get(e, "ErrorMessage"));
    slsrt__durable_set_error(ctx, type ? type : fallback_type, type || message ? message : fallback_message);
}

int slsrt__durable_suspend(slsrt_durable *ctx)
{
    ctx->x->pending++;
    return SLSRT_ESUSPENDED;
}

/* The id AWS's SDKs give the operation at `position`: the first 16 hex digits of its md5. */
static int hashed_id(const char *position, char id[SLSRT__DURABLE_ID_LEN + 1])
{
    unsigned char md5[SLSRT__MD5_LEN];
    char hex[2 * SLSRT__MD5_LEN + 1];
    if (slsrt__md5(position, strlen(position), md5))
        return SLSRT_ENOTFOUND;
    slsrt__hex(md5, sizeof md5, hex);
    memcpy(id, hex, SLSRT__DURABLE_ID_LEN);
    id[SLSRT__DURABLE_ID_LEN] = '\0';
    return SLSRT_OK;
}

static void nondeterministic(slsrt_durable *ctx, const char *position, const json_t *op, const char *type,
                             const char *name)
{
    char msg[600];
    const char *had_name = json_string_value(json_object_get(op, "Name"));
    snprintf(msg, sizeof msg,
             "operation %s is %s '%s' in the history but the code now runs %s '%s' there: the handler must call "
             "the same operations in the same order on every invocation",
             position, json_string_value(json_object_get(op, "Type")), had_name ? had_name : "", type,
             name ? name : "");
    slsrt__durable_set_error(ctx, "Durable.NonDeterministic", msg);
    ctx->x->nondeterministic = 1;
}

int slsrt__durable_next(slsrt_durable *ctx, const char *type, const char *subtype, const char *name,
                        char id[SLSRT__DURABLE_ID_LEN + 1], char *position, size_t position_size, json_t **op)
{
    *op = NULL;
    if (ctx->x->nondeterministic || ctx->x->checkpoint_failed)
        return SLSRT_EDURABLE; /* nothing runs after either */
    unsigned n = ++ctx->counter;
    int w = ctx->position[0] ? snprintf(position, position_size, "%s-%u", ctx->position, n)
                             : snprintf(position, position_size, "%u", n);
    if (w < 0 || (size_t)w >= position_size)
        return slsrt_durable_fail(ctx, "Durable.TooDeep", "child contexts are nested too deeply");
    if (hashed_id(position, id))
        return slsrt_durable_fail(ctx, "Durable.NoMd5", "libcrypto.so.3 with MD5 is needed for operation ids");
    json_t *had = json_object_get(ctx->x->ops, id);
    if (had) {
        const char *had_type = json_string_value(json_object_get(had, "Type"));
        const char *had_sub = json_string_value(json_object_get(had, "SubType"));
        const char *had_name = json_string_value(json_object_get(had, "Name"));
        if (!had_type || strcmp(had_type, type) || (had_sub && subtype && strcmp(had_sub, subtype)) ||
            (had_name && name && strcmp(had_name, name))) {
            nondeterministic(ctx, position, had, type, name);
            return SLSRT_EDURABLE;
        }
    }
    *op = had;
    ctx->replaying = had != NULL;
    return SLSRT_OK;
}

/* ---- one invocation ------------------------------------------------------- */

static int read_input(slsrt__durable_exec *x, json_t *event, json_t **input)
{
    const char *arn = json_string_value(json_object_get(event, "DurableExecutionArn"));
    const char *token = json_string_value(json_object_get(event, "CheckpointToken"));
    json_t *state = json_object_get(event, "InitialExecutionState");
    if (!arn || !token || !json_is_object(state))
        return SLSRT_EINVAL;
    x->arn = strdup(arn), x->token = strdup(token);
    x->ops = json_object();
    x->updates = json_array();
    if (!x->arn || !x->token || !x->ops || !x->updates)
        return SLSRT_ENOMEM;
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(state, "Operations"), i, op) {
        const char *id = json_string_value(json_object_get(op, "Id"));
        if (id)
            json_object_set(x->ops, id, op);
    }
    const char *marker = json_string_value(json_object_get(state, "NextMarker"));
    int rc = marker && *marker ? slsrt__durable_fetch_state(x, marker) : SLSRT_OK;
    if (rc)
        return rc;
    /* The user's event is the EXECUTION operation's input. */
    const char *key;
    json_object_foreach(x->ops, key, op) {
        const char *type = json_string_value(json_object_get(op, "Type"));
        if (type && !strcmp(type, "EXECUTION")) {
            *input = slsrt__durable_payload(slsrt__durable_detail(op, "ExecutionDetails", "InputPayload"));
            return SLSRT_OK;
        }
    }
    *input = json_null();
    return SLSRT_OK;
}

static json_t *failed(const char *type, const char *message)
{
    return json_pack("{s:s, s:o}", "Status", "FAILED", "Error", slsrt__durable_error_object(type, message));
}

/* What the handler's return becomes. */
static json_t *outcome(slsrt__durable_exec *x, slsrt_durable *root, int rc, json_t *result)
{
    if (x->nondeterministic)
        return failed(root->error_type, root->error_message);
    if (rc == SLSRT_OK) {
        size_t len;
        char *text = slsrt__durable_dump(result, &len);
        json_t *out = text ? json_pack("{s:s, s:s%}", "Status", "SUCCEEDED", "Result", text, len) : NULL;
        free(text);
        return out;
    }
    if (rc == SLSRT_ESUSPENDED) {
        if (x->pending)
            return json_pack("{s:s}", "Status", "PENDING");
        /* PENDING with nothing pending would never resume. */
        return failed("Durable.NothingPending",
                      "the handler returned SLSRT_ESUSPENDED but no operation is waiting: pass up only what an "
                      "operation returned");
    }
    if (root->error_type)
        return failed(root->error_type, root->error_message);
    char msg[160];
    snprintf(msg, sizeof msg, "the durable handler returned %d (%s)", rc, slsrt_strerror(rc));
    return failed("Durable.HandlerFailed", msg);
}

static void exec_free(slsrt__durable_exec *x)
{
    free(x->arn);
    free(x->token);
    json_decref(x->ops);
    json_decref(x->updates);
}

int slsrt_durable_run(slsrt_invocation *inv, slsrt_response *res, slsrt_durable_handler handler)
{
    if (!inv || !res || !handler)
        return SLSRT_EINVAL;
    json_t *event = slsrt_invocation_event_json(inv);
    if (!event)
        return SLSRT_EJSON;
    slsrt__durable_exec x = {.inv = inv, .aws = slsrt_invocation_aws(inv)};
    json_t *input = NULL, *result = NULL, *answer = NULL;
    slsrt_durable root;
    slsrt__durable_ctx_init(&root, &x, "", "");
    int rc = read_input(&x, event, &input);
    if (rc == SLSRT_EINVAL) {
        rc = slsrt_response_fail(res, "Durable.InvalidInput", "%s",
                                 "the event is not a durable execution's input (DurableExecutionArn, "
                                 "CheckpointToken, InitialExecutionState): is durable execution enabled for the "
                                 "function?");
        goto out;
    }
    if (rc == SLSRT_OK) {
        rc = handler(&root, input, &result);
        /* What the handler left queued is checkpointed before the answer. */
        if (slsrt__durable_flush(&x) == SLSRT_OK && !x.checkpoint_failed)
            answer = outcome(&x, &root, rc, result);
    }
    if (x.checkpoint_failed) {
        /* An invocation error: the service runs the invocation again from the last checkpoint. */
        rc = slsrt_response_fail(res, "Durable.CheckpointFailed", "%s",
                                 x.checkpoint_error[0] ? x.checkpoint_error : "the execution state could not be read");
        goto out;
    }
    rc = answer ? slsrt_response_set_json(res, answer) : SLSRT_ENOMEM;
out:
    json_decref(input);
    json_decref(result);
    slsrt__durable_ctx_clear(&root);
    exec_free(&x);
    return rc;
}
