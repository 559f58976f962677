/*
 * step.c - steps: run once, checkpoint the result, replay it; retries as a
 * strategy says, each waited out suspended; and wait_for_condition, a step
 * that checks again after a delay until its condition holds.
 */
#include "durable_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/random.h"

int slsrt_durable_attempt_number(const slsrt_durable_attempt *step) { return step ? step->attempt : 0; }
slsrt_invocation *slsrt_durable_attempt_invocation(const slsrt_durable_attempt *step)
{
    return step ? step->ctx->x->inv : NULL;
}

int slsrt_durable_attempt_fail(slsrt_durable_attempt *step, const char *type, const char *message)
{
    if (step) {
        char *t = strdup(type ? type : "Step.Failed"), *m = strdup(message ? message : "");
        free(step->error_type);
        free(step->error_message);
        step->error_type = t, step->error_message = m;
    }
    return SLSRT_EDURABLE;
}

double slsrt__durable_retry_delay(const slsrt_durable_retry *r, int attempt, const char *type, const char *message,
                                  int for_condition)
{
    static const slsrt_durable_retry none = {0};
    if (!r)
        r = &none;
    int max = r->max_attempts > 0 ? r->max_attempts : for_condition ? 60 : 3;
    if (r->kind == SLSRT_RETRY_NONE || attempt >= max)
        return -1;
    if (r->kind == SLSRT_RETRY_CUSTOM)
        return r->custom ? r->custom(attempt, type, message, r->custom_arg) : -1;
    double initial = r->initial_delay > 0 ? r->initial_delay : 5;
    double cap = r->max_delay > 0 ? r->max_delay : 300;
    double delay;
    if (r->kind == SLSRT_RETRY_LINEAR)
        delay = initial + (r->increment > 0 ? r->increment : initial) * (attempt - 1);
    else /* initial * rate^(attempt - 1), stopping at the cap (no libm in the library) */
        for (delay = initial; --attempt > 0 && delay < cap;)
            delay *= r->backoff_rate > 0 ? r->backoff_rate : 2;
    if (delay > cap)
        delay = cap;
    double u = (double)(slsrt__random() >> 11) / 9007199254740992.0; /* [0, 1) */
    if (r->jitter == SLSRT_JITTER_FULL && r->kind != SLSRT_RETRY_LINEAR)
        delay *= u;
    else if (r->jitter == SLSRT_JITTER_HALF)
        delay = delay / 2 + delay / 2 * u;
    return delay;
}

/* The service counts delays in whole seconds, at least one. */
static json_t *step_options(double delay)
{
    double s = (double)(json_int_t)delay + ((double)(json_int_t)delay < delay);
    return json_pack("{s:I}", "NextAttemptDelaySeconds", (json_int_t)(s < 1 ? 1 : s > 31622400 ? 31622400 : s));
}

typedef struct step_run {
    slsrt_durable *ctx;
    const char *id, *name, *subtype;
    const slsrt_durable_step_options *options;
    json_t *op; /* the history's (borrowed), or NULL */
} step_run;

/* The attempt failed: retry (suspended) or fail for good. */
static int attempt_failed(step_run *s, int attempt, const char *type, const char *message)
{
    slsrt_durable *ctx = s->ctx;
    double delay = slsrt__durable_retry_delay(s->options ? &s->options->retry : NULL, attempt, type, message, 0);
    json_t *u = slsrt__durable_update(ctx, s->id, "STEP", s->subtype, s->name, delay >= 0 ? "RETRY" : "FAIL");
    json_object_set_new(u, "Error", slsrt__durable_error_object(type, message));
    if (delay >= 0)
        json_object_set_new(u, "StepOptions", step_options(delay));
    int rc = slsrt__durable_checkpoint(ctx->x, u, 1);
    if (rc)
        return SLSRT_EDURABLE;
    if (delay >= 0)
        return slsrt__durable_suspend(ctx);
    return slsrt_durable_fail(ctx, type, message);
}

static int attempt(step_run *s, slsrt_durable_step_fn fn, void *arg, json_t **result)
{
    slsrt_durable *ctx = s->ctx;
    const char *status = slsrt__durable_status(s->op);
    json_int_t done = json_integer_value(slsrt__durable_detail(s->op, "StepDetails", "Attempt"));
    int at_most_once = s->options && s->options->semantics == SLSRT_AT_MOST_ONCE_PER_RETRY;
    int rerun = !strcmp(status, "STARTED"); /* an attempt began and never finished */
    int number = rerun ? (int)(done > 0 ? done : 1) : (int)done + 1;
    if (rerun && at_most_once) /* it may have had its effect: it counts as failed */
        return attempt_failed(s, number, "Durable.StepInterrupted",
                              "the step's attempt was interrupted (at most once per retry: not run again)");
    if (!rerun) {
        json_t *start = slsrt__durable_update(ctx, s->id, "STEP", s->subtype, s->name, "START");
        if (slsrt__durable_checkpoint(ctx->x, start, at_most_once))
            return SLSRT_EDURABLE;
    }
    slsrt_durable_attempt step = {.ctx = ctx, .attempt = number};
    json_t *value = NULL;
    int rc = fn(&step, arg, &value);
    char type[128], message[4096];
    int final = 0; /* no retry can help */
    if (rc == SLSRT_OK) {
        size_t len;
        char *text = slsrt__durable_dump(value, &len);
        if (text && len <= SLSRT__DURABLE_MAX_PAYLOAD) {
            json_t *u = slsrt__durable_update(ctx, s->id, "STEP", s->subtype, s->name, "SUCCEED");
            json_object_set_new(u, "Payload", json_stringn(text, len));
            free(text);
            if (slsrt__durable_checkpoint(ctx->x, u, 1)) {
                json_decref(value);
                return SLSRT_EDURABLE;
            }
            return slsrt__durable_give(value, result);
        }
        free(text);
        json_decref(value);
        snprintf(type, sizeof type, "Durable.PayloadTooLarge");
        snprintf(message, sizeof message, "the step's result is %zu bytes, over the 256 KiB a step may keep", len);
        slsrt_durable_attempt_fail(&step, type, message);
        final = 1;
    } else {
        json_decref(value);
        if (!step.error_type) {
            snprintf(message, sizeof message, "the step returned %d (%s)", rc, slsrt_strerror(rc));
            slsrt_durable_attempt_fail(&step, "Step.Failed", message);
        }
    }
    snprintf(type, sizeof type, "%s", step.error_type);
    snprintf(message, sizeof message, "%s", step.error_message);
    free(step.error_type);
    free(step.error_message);
    if (final) {
        json_t *u = slsrt__durable_update(ctx, s->id, "STEP", s->subtype, s->name, "FAIL");
        json_object_set_new(u, "Error", slsrt__durable_error_object(type, message));
        slsrt__durable_checkpoint(ctx->x, u, 1);
        return slsrt_durable_fail(ctx, type, message);
    }
    return attempt_failed(s, number, type, message);
}

int slsrt_durable_step(slsrt_durable *ctx, const char *name, slsrt_durable_step_fn fn, void *arg,
                       const slsrt_durable_step_options *options, json_t **result)
{
    if (result)
        *result = NULL;
    if (!ctx || !fn)
        return SLSRT_EINVAL;
    char id[SLSRT__DURABLE_ID_LEN + 1], position[256];
    step_run s = {.ctx = ctx, .id = id, .name = name, .subtype = "Step", .options = options};
    int rc = slsrt__durable_next(ctx, "STEP", "Step", name, id, position, sizeof position, &s.op);
    if (rc)
        return rc;
    const char *status = slsrt__durable_status(s.op);
    if (!strcmp(status, "SUCCEEDED")) {
        return slsrt__durable_recorded(s.op, "StepDetails", result);
    }
    if (!strcmp(status, "FAILED")) {
        slsrt__durable_take_error(ctx, s.op, "StepDetails", "Step.Failed", "the step failed");
        return SLSRT_EDURABLE;
    }
    if (!strcmp(status, "PENDING")) /* a retry is scheduled: the service wakes the execution then */
        return slsrt__durable_suspend(ctx);
    ctx->replaying = 0;
    return attempt(&s, fn, arg, result);
}

/* ---- wait_for_condition --------------------------------------------------- */

int slsrt_durable_wait_for_condition(slsrt_durable *ctx, const char *name, slsrt_durable_check_fn check, void *arg,
                                     json_t *initial_state, const slsrt_durable_retry *wait, json_t **result)
{
    if (result)
        *result = NULL;
    if (!ctx || !check)
        return SLSRT_EINVAL;
    char id[SLSRT__DURABLE_ID_LEN + 1], position[256];
    json_t *op;
    int rc = slsrt__durable_next(ctx, "STEP", "WaitForCondition", name, id, position, sizeof position, &op);
    if (rc)
        return rc;
    const char *status = slsrt__durable_status(op);
    if (!strcmp(status, "SUCCEEDED")) {
        return slsrt__durable_recorded(op, "StepDetails", result);
    }
    if (!strcmp(status, "FAILED")) {
        slsrt__durable_take_error(ctx, op, "StepDetails", "Durable.ConditionFailed", "the condition check failed");
        return SLSRT_EDURABLE;
    }
    if (!strcmp(status, "PENDING"))
        return slsrt__durable_suspend(ctx);
    ctx->replaying = 0;
    /* The state the last check left (checkpointed with its RETRY), else the initial one. */
    json_t *saved = slsrt__durable_detail(op, "StepDetails", "Result");
    json_t *state = saved ? slsrt__durable_payload(saved) : json_incref(initial_state ? initial_state : json_null());
    int number = (int)json_integer_value(slsrt__durable_detail(op, "StepDetails", "Attempt")) + 1;
    if (!op || strcmp(status, "STARTED"))
        slsrt__durable_checkpoint(ctx->x, slsrt__durable_update(ctx, id, "STEP", "WaitForCondition", name, "START"), 0);
    slsrt_durable_attempt step = {.ctx = ctx, .attempt = number};
    json_t *next = NULL;
    int done = 0;
    rc = check(&step, state, arg, &next, &done);
    json_decref(state);
    size_t len = 0;
    char *text = rc == SLSRT_OK ? slsrt__durable_dump(next, &len) : NULL;
    double delay = rc == SLSRT_OK && !done ? slsrt__durable_retry_delay(wait, number, NULL, NULL, 1) : -1;
    const char *action = rc == SLSRT_OK && done ? "SUCCEED" : delay >= 0 ? "RETRY" : "FAIL";
    json_t *u = slsrt__durable_update(ctx, id, "STEP", "WaitForCondition", name, action);
    char message[512];
    const char *type = step.error_type ? step.error_type : rc ? "Durable.ConditionFailed" : "Durable.ConditionNotMet";
    const char *why = step.error_message ? step.error_message
                      : rc                ? slsrt_strerror(rc)
                                          : "the condition did not hold within the attempts allowed";
    if (text && len > SLSRT__DURABLE_MAX_PAYLOAD) {
        action = "FAIL", type = "Durable.PayloadTooLarge", why = "the condition's state is over 256 KiB";
        json_object_set_new(u, "Action", json_string("FAIL"));
    }
    if (!strcmp(action, "FAIL")) {
        snprintf(message, sizeof message, "%s", why);
        json_object_set_new(u, "Error", slsrt__durable_error_object(type, message));
    } else {
        json_object_set_new(u, "Payload", json_stringn(text, len));
        if (delay >= 0)
            json_object_set_new(u, "StepOptions", step_options(delay));
    }
    free(text);
    free(step.error_type);
    free(step.error_message);
    if (slsrt__durable_checkpoint(ctx->x, u, 1)) {
        json_decref(next);
        return SLSRT_EDURABLE;
    }
    if (!strcmp(action, "SUCCEED")) {
        return slsrt__durable_give(next, result);
    }
    json_decref(next);
    if (!strcmp(action, "RETRY"))
        return slsrt__durable_suspend(ctx);
    return slsrt_durable_fail(ctx, type, message);
}
