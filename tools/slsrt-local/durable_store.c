/*
 * durable_store.c - the executions slsrt-local keeps: each one's
 * operations, as CheckpointDurableExecution updates them; its history, in
 * the events AWS's GetDurableExecutionHistory lists; its timers; and the
 * file they are saved in with --state, so they survive a restart.
 */
#include "durable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t durable_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double durable_seconds(int64_t ms) { return (double)ms / 1000.0; }

static json_t *stamp(int64_t ms) { return json_real(durable_seconds(ms)); }

/* A service delay of `seconds`, as this emulator's clock runs it (--time-scale). */
static int64_t scaled_ms(const struct durable *d, double seconds)
{
    return (int64_t)(seconds * 1000.0 / (d->time_scale > 0 ? d->time_scale : 1));
}

void durable_event(struct dexec *x, const char *type, const json_t *op, const char *details_key, json_t *details)
{
    json_t *ev = json_pack("{s:s, s:I, s:o}", "EventType", type, "EventId", (json_int_t)json_array_size(x->events) + 1,
                           "EventTimestamp", stamp(durable_now()));
    const char *keys[] = {"Id", "Name", "ParentId", "SubType"};
    for (size_t i = 0; op && i < 4; i++)
        if (json_object_get(op, keys[i]))
            json_object_set(ev, keys[i], json_object_get(op, keys[i]));
    if (details_key)
        json_object_set_new(ev, details_key, details ? details : json_object());
    else
        json_decref(details);
    json_array_append_new(x->events, ev);
}

/* An EventResult / EventInput: {"Payload": the text, "Truncated": false}. */
static json_t *payload(const json_t *text)
{
    const char *s = json_string_value(text);
    return json_pack("{s:s%, s:b}", "Payload", s ? s : "", s ? json_string_length(text) : 0, "Truncated", 0);
}

static void new_token(struct dexec *x) { random_hex(x->token, 32); }

struct dexec *durable_find(struct durable *d, const char *arn)
{
    for (struct dexec *x = d->list; x; x = x->next)
        if (!strcmp(x->arn, arn))
            return x;
    return NULL;
}

static json_t *find_op(struct dexec *x, const char *id)
{
    size_t i;
    json_t *op;
    json_array_foreach(x->ops, i, op) {
        if (!strcmp(json_string_value(json_object_get(op, "Id")), id))
            return op;
    }
    return NULL;
}

struct dexec *durable_find_callback(struct durable *d, const char *callback_id, json_t **found)
{
    for (struct dexec *x = d->list; x; x = x->next) {
        size_t i;
        json_t *op;
        json_array_foreach(x->ops, i, op) {
            const char *cb = json_string_value(json_object_get(json_object_get(op, "CallbackDetails"), "CallbackId"));
            if (cb && !strcmp(cb, callback_id)) {
                *found = op;
                return x;
            }
        }
    }
    return NULL;
}

static void dexec_free(struct dexec *x)
{
    free(x->input);
    json_decref(x->ops);
    json_decref(x->meta);
    json_decref(x->events);
    json_decref(x->result);
    json_decref(x->last_answer);
    free(x);
}

struct dexec *durable_create(struct durable *d, const char *name, const char *input, size_t len)
{
    char generated[40];
    if (!name || !*name) {
        make_uuid(generated);
        name = generated;
    }
    for (struct dexec *x = d->list; x; x = x->next)
        if (!strcmp(x->name, name))
            return NULL;
    struct dexec *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    snprintf(x->name, sizeof x->name, "%s", name);
    make_uuid(x->id);
    snprintf(x->arn, sizeof x->arn, "%s:$LATEST/durable-execution/%s/%s", d->function_arn, x->name, x->id);
    x->input = strndup(input, len);
    snprintf(x->status, sizeof x->status, "RUNNING");
    x->ops = json_array();
    x->meta = json_object();
    x->events = json_array();
    x->start_ms = durable_now();
    new_token(x);
    /* The EXECUTION operation holds the input; the SDK reads the user's event from it. */
    char id[40];
    make_uuid(id);
    json_t *op = json_pack("{s:s, s:s, s:s, s:o, s:{s:s}}", "Id", id, "Type", "EXECUTION", "Status", "STARTED",
                           "StartTimestamp", stamp(x->start_ms), "ExecutionDetails", "InputPayload", x->input);
    json_array_append_new(x->ops, op);
    durable_event(x, "ExecutionStarted", NULL, "ExecutionStartedDetails",
                  json_pack("{s:o}", "Input", json_pack("{s:s, s:b}", "Payload", x->input, "Truncated", 0)));
    x->next = d->list;
    d->list = x;
    durable_save(d);
    return x;
}

void durable_finish(struct durable *d, struct dexec *x, const char *status, json_t *result_or_error)
{
    if (strcmp(x->status, "RUNNING")) {
        json_decref(result_or_error);
        return;
    }
    snprintf(x->status, sizeof x->status, "%s", status);
    x->end_ms = durable_now();
    json_decref(x->result);
    x->result = result_or_error;
    json_t *exec_op = json_array_get(x->ops, 0);
    json_object_set_new(exec_op, "Status", json_string(status));
    json_object_set_new(exec_op, "EndTimestamp", stamp(x->end_ms));
    static const struct { const char *status, *event, *details; } kinds[] = {
        {"SUCCEEDED", "ExecutionSucceeded", "ExecutionSucceededDetails"},
        {"FAILED", "ExecutionFailed", "ExecutionFailedDetails"},
        {"STOPPED", "ExecutionStopped", "ExecutionStoppedDetails"},
        {"TIMED_OUT", "ExecutionTimedOut", "ExecutionTimedOutDetails"},
    };
    for (size_t i = 0; i < 4; i++)
        if (!strcmp(kinds[i].status, status)) {
            json_t *details = !strcmp(status, "SUCCEEDED") ? json_pack("{s:o}", "Result", payload(x->result))
                                                           : json_pack("{s:{s:O}}", "Error", "Payload", x->result);
            durable_event(x, kinds[i].event, NULL, kinds[i].details, details);
        }
    /* A chained invoke's child: its parent's operation completes with it. */
    struct dexec *parent = x->parent_arn[0] ? durable_find(d, x->parent_arn) : NULL;
    json_t *op = parent ? find_op(parent, x->parent_op) : NULL;
    if (op)
        durable_complete(d, parent, op, !strcmp(status, "SUCCEEDED") ? "SUCCEEDED" : status, 
                         !strcmp(status, "SUCCEEDED") ? x->result : NULL,
                         !strcmp(status, "SUCCEEDED") ? NULL : x->result);
    durable_save(d);
    pthread_cond_broadcast(&d->cv);
}

/* ---- completing operations ------------------------------------------------- */

static const char *details_key(const char *type)
{
    return !strcmp(type, "STEP")             ? "StepDetails"
           : !strcmp(type, "WAIT")           ? "WaitDetails"
           : !strcmp(type, "CALLBACK")       ? "CallbackDetails"
           : !strcmp(type, "CHAINED_INVOKE") ? "ChainedInvokeDetails"
           : !strcmp(type, "CONTEXT")        ? "ContextDetails"
                                             : "ExecutionDetails";
}

/* The event name's stem for an operation type: CHAINED_INVOKE -> ChainedInvoke. */
static const char *stem(const char *type)
{
    return !strcmp(type, "STEP")             ? "Step"
           : !strcmp(type, "WAIT")           ? "Wait"
           : !strcmp(type, "CALLBACK")       ? "Callback"
           : !strcmp(type, "CHAINED_INVOKE") ? "ChainedInvoke"
           : !strcmp(type, "CONTEXT")        ? "Context"
                                             : "Execution";
}

static const char *status_word(const char *status)
{
    return !strcmp(status, "SUCCEEDED") ? "Succeeded"
           : !strcmp(status, "TIMED_OUT") ? "TimedOut"
           : !strcmp(status, "STOPPED")   ? "Stopped"
           : !strcmp(status, "CANCELLED") ? "Cancelled"
                                          : "Failed";
}

void durable_complete(struct durable *d, struct dexec *x, json_t *op, const char *status, json_t *result,
                      json_t *error)
{
    const char *type = json_string_value(json_object_get(op, "Type"));
    json_t *det = json_object_get(op, details_key(type));
    if (!det)
        json_object_set_new(op, details_key(type), det = json_object());
    json_object_set_new(op, "Status", json_string(status));
    json_object_set_new(op, "EndTimestamp", stamp(durable_now()));
    char event[64], dkey[80];
    snprintf(event, sizeof event, "%s%s", stem(type), status_word(status));
    snprintf(dkey, sizeof dkey, "%sDetails", event);
    json_t *details = json_object();
    if (result) {
        json_object_set(det, "Result", result);
        json_object_set_new(details, "Result", payload(result));
    }
    if (error) {
        json_object_set(det, "Error", error);
        json_object_set_new(details, "Error", json_pack("{s:O}", "Payload", error));
    }
    durable_event(x, event, op, dkey, details);
    x->wake = 1;
    durable_save(d);
    pthread_cond_broadcast(&d->cv);
}

/* ---- CheckpointDurableExecution ----------------------------------------------- */

static json_t *bad(int *status, const char *type, const char *message)
{
    *status = 400;
    return json_pack("{s:s, s:s, s:s}", "__type", type, "Type", "User", "message", message);
}

static int valid_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (!n || n > 64)
        return 0;
    for (; *id; id++)
        if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') || (*id >= '0' && *id <= '9') || *id == '-' ||
              *id == '_'))
            return 0;
    return 1;
}

static const char *in(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (!strcmp(s, *list))
            return *list;
    return NULL;
}

static void start_op(struct durable *d, struct dexec *x, json_t *op, json_t *u, const char *type, json_t *meta)
{
    int64_t now = durable_now();
    json_object_set_new(op, "Status", json_string("STARTED"));
    json_object_set_new(op, "StartTimestamp", stamp(now));
    json_t *det = json_object_get(op, details_key(type));
    json_t *started = json_object();
    if (!strcmp(type, "STEP")) {
        json_int_t attempt = json_integer_value(json_object_get(det, "Attempt")) + 1;
        json_object_set_new(det, "Attempt", json_integer(attempt));
        json_object_del(det, "NextAttemptTimestamp");
    } else if (!strcmp(type, "WAIT")) {
        json_int_t secs = json_integer_value(json_object_get(json_object_get(u, "WaitOptions"), "WaitSeconds"));
        int64_t end = now + scaled_ms(d, (double)secs);
        json_object_set_new(det, "ScheduledEndTimestamp", stamp(end));
        json_object_set_new(meta, "wake", json_integer(end));
        json_object_set_new(started, "Duration", json_integer(secs));
        json_object_set_new(started, "ScheduledEndTimestamp", stamp(end));
    } else if (!strcmp(type, "CALLBACK")) {
        char cb[40];
        random_hex(cb, 32);
        json_object_set_new(det, "CallbackId", json_string(cb));
        json_t *o = json_object_get(u, "CallbackOptions");
        json_int_t t = json_integer_value(json_object_get(o, "TimeoutSeconds"));
        json_int_t hb = json_integer_value(json_object_get(o, "HeartbeatTimeoutSeconds"));
        if (t > 0)
            json_object_set_new(meta, "timeout", json_integer(now + scaled_ms(d, (double)t)));
        if (hb > 0)
            json_object_set_new(meta, "heartbeat", json_integer(hb)),
                json_object_set_new(meta, "beat_by", json_integer(now + scaled_ms(d, (double)hb)));
        json_object_set_new(started, "CallbackId", json_string(cb));
        json_object_set_new(started, "Timeout", json_integer(t));
        json_object_set_new(started, "HeartbeatTimeout", json_integer(hb));
    } else if (!strcmp(type, "CHAINED_INVOKE")) {
        const char *fn = json_string_value(json_object_get(json_object_get(u, "ChainedInvokeOptions"), "FunctionName"));
        json_object_set_new(started, "FunctionName", json_string(fn ? fn : ""));
        json_object_set_new(started, "Input", payload(json_object_get(u, "Payload")));
        json_object_set_new(meta, "invoke", json_string(fn ? fn : ""));
        json_t *input = json_object_get(u, "Payload");
        json_object_set_new(meta, "input", input ? json_incref(input) : json_string("null"));
    }
    char event[64], dkey[80];
    snprintf(event, sizeof event, "%sStarted", stem(type));
    snprintf(dkey, sizeof dkey, "%sDetails", event);
    durable_event(x, event, op, dkey, started);
}

/* One update; NULL when it applied, else the error document. */
static json_t *apply(struct durable *d, struct dexec *x, json_t *u, json_t *changed, int *status)
{
    static const char *const types[] = {"STEP", "WAIT", "CALLBACK", "CHAINED_INVOKE", "CONTEXT", "EXECUTION", NULL};
    static const char *const actions[] = {"START", "SUCCEED", "FAIL", "RETRY", "CANCEL", NULL};
    const char *id = json_string_value(json_object_get(u, "Id"));
    const char *type = in(json_string_value(json_object_get(u, "Type")), types);
    const char *action = in(json_string_value(json_object_get(u, "Action")), actions);
    if (!valid_id(id) || !type || !action)
        return bad(status, "InvalidParameterValueException",
                   "each update needs an Id (1-64 of [A-Za-z0-9_-]), a Type and an Action");
    json_t *pl = json_object_get(u, "Payload");
    if (pl && json_string_length(pl) > (strcmp(type, "CHAINED_INVOKE") ? 256u * 1024 : 1024u * 1024))
        return bad(status, "InvalidParameterValueException", "the update's Payload is over its limit");
    json_t *op = !strcmp(type, "EXECUTION") ? json_array_get(x->ops, 0) : find_op(x, id);
    json_t *meta = json_object_get(x->meta, id);
    if (!op) {
        if (strcmp(action, "START"))
            return bad(status, "InvalidParameterValueException", "an operation's first update must START it");
        op = json_pack("{s:s, s:s}", "Id", id, "Type", type);
        const char *keys[] = {"Name", "ParentId", "SubType"};
        for (size_t i = 0; i < 3; i++)
            if (json_is_string(json_object_get(u, keys[i])))
                json_object_set(op, keys[i], json_object_get(u, keys[i]));
        json_object_set_new(op, details_key(type), json_object());
        json_array_append_new(x->ops, op);
        json_object_set_new(x->meta, id, meta = json_object());
    } else if (!strcmp(type, "EXECUTION")) {
        if (!strcmp(action, "SUCCEED"))
            durable_finish(d, x, "SUCCEEDED", pl ? json_incref(pl) : json_string("null"));
        else if (!strcmp(action, "FAIL"))
            durable_finish(d, x, "FAILED", json_incref(json_object_get(u, "Error")));
        return NULL;
    }
    const char *now_status = json_string_value(json_object_get(op, "Status"));
    if (now_status && in(now_status, (const char *const[]){"SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "STOPPED", NULL}))
        return bad(status, "InvalidParameterValueException", "the operation has already completed");
    json_t *det = json_object_get(op, details_key(type));
    json_t *error = json_object_get(u, "Error");
    if (!strcmp(action, "START")) {
        start_op(d, x, op, u, type, meta);
    } else if (!strcmp(action, "SUCCEED")) {
        if (!strcmp(type, "CONTEXT") && json_is_true(json_object_get(json_object_get(u, "ContextOptions"), "ReplayChildren")))
            json_object_set_new(det, "ReplayChildren", json_true());
        json_t *empty = pl ? NULL : json_string("");
        durable_complete(d, x, op, "SUCCEEDED", pl ? pl : empty, NULL);
        json_decref(empty);
    } else if (!strcmp(action, "FAIL")) {
        durable_complete(d, x, op, "FAILED", NULL, error);
    } else if (!strcmp(action, "CANCEL")) {
        durable_complete(d, x, op, "CANCELLED", NULL, NULL);
    } else { /* RETRY: a step failed an attempt, or a condition checks again */
        if (strcmp(type, "STEP"))
            return bad(status, "InvalidParameterValueException", "only a STEP is retried");
        json_int_t delay = json_integer_value(json_object_get(json_object_get(u, "StepOptions"), "NextAttemptDelaySeconds"));
        int64_t at = durable_now() + scaled_ms(d, (double)(delay > 0 ? delay : 1));
        json_object_set_new(op, "Status", json_string("PENDING"));
        json_object_set_new(det, "NextAttemptTimestamp", stamp(at));
        if (error)
            json_object_set(det, "Error", error);
        if (pl)
            json_object_set(det, "Result", pl);
        json_object_set_new(meta, "wake", json_integer(at));
        json_t *retry = json_pack("{s:O, s:I}", "CurrentAttempt", json_object_get(det, "Attempt") ? json_object_get(det, "Attempt") : json_integer(1),
                                  "NextAttemptDelaySeconds", delay);
        json_t *details = json_pack("{s:o}", "RetryDetails", retry);
        if (error)
            json_object_set_new(details, "Error", json_pack("{s:O}", "Payload", error));
        durable_event(x, "StepFailed", op, "StepFailedDetails", details);
        x->wake = 0;
    }
    json_array_append(changed, op);
    return NULL;
}

json_t *durable_checkpoint(struct durable *d, struct dexec *x, json_t *request, int *status)
{
    const char *token = json_string_value(json_object_get(request, "CheckpointToken"));
    const char *client = json_string_value(json_object_get(request, "ClientToken"));
    *status = 200;
    if (client && token && !strcmp(client, x->last_client_token) && x->last_answer)
        return json_incref(x->last_answer); /* a retried request: applied once */
    if (!token || strcmp(token, x->token))
        return bad(status, "InvalidParameterValueException", "Invalid checkpoint token");
    if (strcmp(x->status, "RUNNING"))
        return bad(status, "InvalidParameterValueException", "the execution has ended");
    json_t *updates = json_object_get(request, "Updates");
    json_t *changed = json_array();
    int wake = x->wake; /* the function's own updates wake nothing */
    size_t i;
    json_t *u;
    json_array_foreach(updates, i, u) {
        json_t *err = apply(d, x, u, changed, status);
        if (err) {
            x->wake = wake;
            json_decref(changed);
            return err;
        }
    }
    x->wake = wake;
    new_token(x);
    json_t *answer = json_pack("{s:s, s:{s:o}}", "CheckpointToken", x->token, "NewExecutionState", "Operations", changed);
    snprintf(x->last_client_token, sizeof x->last_client_token, "%s", client ? client : "");
    json_decref(x->last_answer);
    x->last_answer = json_incref(answer);
    durable_save(d);
    return answer;
}

/* ---- timers ------------------------------------------------------------------ */

int durable_timers(struct durable *d, struct dexec *x, int64_t now)
{
    int fired = 0;
    size_t i;
    json_t *op;
    json_array_foreach(x->ops, i, op) {
        const char *id = json_string_value(json_object_get(op, "Id"));
        const char *type = json_string_value(json_object_get(op, "Type"));
        const char *status = json_string_value(json_object_get(op, "Status"));
        json_t *meta = json_object_get(x->meta, id);
        json_int_t wake = json_integer_value(json_object_get(meta, "wake"));
        if (!strcmp(type, "WAIT") && !strcmp(status, "STARTED") && wake && wake <= now) {
            durable_complete(d, x, op, "SUCCEEDED", NULL, NULL), fired = 1;
        } else if (!strcmp(type, "STEP") && !strcmp(status, "PENDING") && wake && wake <= now) {
            json_object_set_new(op, "Status", json_string("READY")), fired = 1;
        } else if (!strcmp(type, "CALLBACK") && !strcmp(status, "STARTED")) {
            json_int_t timeout = json_integer_value(json_object_get(meta, "timeout"));
            json_int_t beat_by = json_integer_value(json_object_get(meta, "beat_by"));
            if ((timeout && timeout <= now) || (beat_by && beat_by <= now)) {
                json_t *e = json_pack("{s:s, s:s}", "ErrorType", "Callback.Timeout", "ErrorMessage",
                                      timeout && timeout <= now ? "the callback timed out" : "no heartbeat in time");
                durable_complete(d, x, op, "TIMED_OUT", NULL, e);
                json_decref(e);
                fired = 1;
            }
        }
    }
    return fired;
}

int64_t durable_next_timer(const struct dexec *x)
{
    int64_t next = 0;
    size_t i;
    json_t *op;
    json_array_foreach(x->ops, i, op) {
        const char *status = json_string_value(json_object_get(op, "Status"));
        if (strcmp(status, "STARTED") && strcmp(status, "PENDING"))
            continue;
        json_t *meta = json_object_get(x->meta, json_string_value(json_object_get(op, "Id")));
        const char *keys[] = {"wake", "timeout", "beat_by"};
        for (size_t k = 0; k < 3; k++) {
            json_int_t t = json_integer_value(json_object_get(meta, keys[k]));
            if (t && (!next || t < next))
                next = t;
        }
    }
    return next;
}

/* ---- views ------------------------------------------------------------------- */

json_t *durable_describe(const struct durable *d, const struct dexec *x, int summary)
{
    json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:o}", "DurableExecutionArn", x->arn, "DurableExecutionName", x->name,
                          "FunctionArn", d->function_arn, "Status", x->status, "StartTimestamp", stamp(x->start_ms));
    if (x->end_ms)
        json_object_set_new(v, "EndTimestamp", stamp(x->end_ms));
    if (summary)
        return v;
    json_object_set_new(v, "InputPayload", json_string(x->input));
    json_object_set_new(v, "Version", json_string("$LATEST"));
    if (x->result && json_is_string(x->result))
        json_object_set(v, "Result", x->result);
    else if (x->result)
        json_object_set(v, "Error", x->result);
    return v;
}

/* ---- --state FILE --------------------------------------------------------------- */

void durable_save(struct durable *d)
{
    if (!d->state_file)
        return;
    json_t *all = json_array();
    for (struct dexec *x = d->list; x; x = x->next)
        json_array_append_new(all, json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:O, s:O*, s:s, s:I, s:I, s:s, s:s}",
                                             "arn", x->arn, "name", x->name, "id", x->id, "input", x->input, "status",
                                             x->status, "ops", x->ops, "meta", x->meta, "events", x->events, "result",
                                             x->result, "token", x->token, "start", (json_int_t)x->start_ms, "end",
                                             (json_int_t)x->end_ms, "parent_arn", x->parent_arn, "parent_op",
                                             x->parent_op));
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", d->state_file);
    /* Written aside, then renamed: a crash leaves the old file or the new one. */
    if (json_dump_file(all, tmp, JSON_COMPACT) == 0)
        rename(tmp, d->state_file);
    json_decref(all);
}

static void load(struct durable *d)
{
    json_t *all = json_load_file(d->state_file, 0, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(all, i, v) {
        struct dexec *x = calloc(1, sizeof *x);
        if (!x)
            break;
        snprintf(x->arn, sizeof x->arn, "%s", json_string_value(json_object_get(v, "arn")));
        snprintf(x->name, sizeof x->name, "%s", json_string_value(json_object_get(v, "name")));
        snprintf(x->id, sizeof x->id, "%s", json_string_value(json_object_get(v, "id")));
        snprintf(x->status, sizeof x->status, "%s", json_string_value(json_object_get(v, "status")));
        snprintf(x->token, sizeof x->token, "%s", json_string_value(json_object_get(v, "token")));
        snprintf(x->parent_arn, sizeof x->parent_arn, "%s", json_string_value(json_object_get(v, "parent_arn")));
        snprintf(x->parent_op, sizeof x->parent_op, "%s", json_string_value(json_object_get(v, "parent_op")));
        x->input = strdup(json_string_value(json_object_get(v, "input")) ? json_string_value(json_object_get(v, "input")) : "null");
        x->ops = json_incref(json_object_get(v, "ops"));
        x->meta = json_incref(json_object_get(v, "meta"));
        x->events = json_incref(json_object_get(v, "events"));
        x->result = json_incref(json_object_get(v, "result"));
        x->start_ms = json_integer_value(json_object_get(v, "start"));
        x->end_ms = json_integer_value(json_object_get(v, "end"));
        if (!json_is_array(x->ops) || !json_is_object(x->meta) || !json_is_array(x->events)) {
            dexec_free(x);
            continue;
        }
        x->next = d->list;
        d->list = x;
    }
    json_decref(all);
}

int durable_init(struct durable *d, struct emu *e, double time_scale, const char *state_file)
{
    memset(d, 0, sizeof *d);
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL);
    d->e = e;
    d->time_scale = time_scale > 0 ? time_scale : 1;
    d->state_file = state_file;
    snprintf(d->function_arn, sizeof d->function_arn, "arn:aws:lambda:%s:000000000000:function:%s", e->opt->region,
             e->opt->function_name);
    if (state_file)
        load(d);
    return 0;
}

void durable_free(struct durable *d)
{
    while (d->list) {
        struct dexec *x = d->list;
        d->list = x->next;
        dexec_free(x);
    }
}
