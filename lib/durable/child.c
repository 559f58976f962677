/*
 * child.c - composition: a child context (its operations checkpointed
 * under one CONTEXT operation, its result as that operation's), and what is
 * built from it: wait_for_callback, map and parallel (their items and
 * branches one after the other).
 */
#include "durable_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int finish_child(slsrt_durable *ctx, slsrt_durable *child, const char *id, const char *name,
                        const char *subtype, int rc, json_t *value, json_t **result)
{
    if (rc == SLSRT_ESUSPENDED || ctx->x->nondeterministic || ctx->x->checkpoint_failed) {
        if (ctx->x->nondeterministic && child->error_type)
            slsrt__durable_set_error(ctx, child->error_type, child->error_message);
        json_decref(value);
        return rc == SLSRT_ESUSPENDED ? rc : SLSRT_EDURABLE;
    }
    json_t *u = slsrt__durable_update(ctx, id, "CONTEXT", subtype, name, rc == SLSRT_OK ? "SUCCEED" : "FAIL");
    if (rc != SLSRT_OK) {
        char msg[160];
        snprintf(msg, sizeof msg, "the child context returned %d (%s)", rc, slsrt_strerror(rc));
        const char *type = child->error_type ? child->error_type : "Durable.ChildFailed";
        const char *message = child->error_type ? child->error_message : msg;
        json_object_set_new(u, "Error", slsrt__durable_error_object(type, message));
        slsrt__durable_set_error(ctx, type, message);
        json_decref(value);
        slsrt__durable_checkpoint(ctx->x, u, 1); /* failed either way; a checkpoint failure is recorded */
        return SLSRT_EDURABLE;
    }
    size_t len;
    char *text = slsrt__durable_dump(value, &len);
    if (text && len <= SLSRT__DURABLE_MAX_PAYLOAD)
        json_object_set_new(u, "Payload", json_stringn(text, len));
    else /* too large to keep: the replay runs the children again, from their own checkpoints */
        json_object_set_new(u, "ContextOptions", json_pack("{s:b}", "ReplayChildren", 1));
    free(text);
    if (slsrt__durable_checkpoint(ctx->x, u, 1)) {
        json_decref(value);
        return SLSRT_EDURABLE;
    }
    return slsrt__durable_give(value, result);
}

int slsrt__durable_child(slsrt_durable *ctx, const char *name, const char *subtype, slsrt_durable_child_fn fn,
                         void *arg, json_t **result)
{
    if (result)
        *result = NULL;
    if (!ctx || !fn)
        return SLSRT_EINVAL;
    char id[SLSRT__DURABLE_ID_LEN + 1], position[256];
    json_t *op;
    int rc = slsrt__durable_next(ctx, "CONTEXT", subtype, name, id, position, sizeof position, &op);
    if (rc)
        return rc;
    const char *status = slsrt__durable_status(op);
    int replay_children = json_is_true(slsrt__durable_detail(op, "ContextDetails", "ReplayChildren"));
    if (!strcmp(status, "SUCCEEDED") && !replay_children) {
        return slsrt__durable_recorded(op, "ContextDetails", result);
    }
    if (!strcmp(status, "FAILED")) {
        slsrt__durable_take_error(ctx, op, "ContextDetails", "Durable.ChildFailed", "the child context failed");
        return SLSRT_EDURABLE;
    }
    if (!op)
        slsrt__durable_checkpoint(ctx->x, slsrt__durable_update(ctx, id, "CONTEXT", subtype, name, "START"), 0);
    slsrt_durable child;
    slsrt__durable_ctx_init(&child, ctx->x, position, id);
    json_t *value = NULL;
    rc = fn(&child, arg, &value);
    if (!strcmp(status, "SUCCEEDED")) { /* replayed for its size: already checkpointed */
        if (result && rc == SLSRT_OK)
            *result = value ? value : json_null();
        else
            json_decref(value);
        slsrt__durable_ctx_clear(&child);
        return rc;
    }
    rc = finish_child(ctx, &child, id, name, subtype, rc, value, result);
    slsrt__durable_ctx_clear(&child);
    return rc;
}

int slsrt_durable_run_in_child_context(slsrt_durable *ctx, const char *name, slsrt_durable_child_fn fn, void *arg,
                                       json_t **result)
{
    return slsrt__durable_child(ctx, name, "RunInChildContext", fn, arg, result);
}

/* ---- wait_for_callback ------------------------------------------------------ */

typedef struct callback_job {
    slsrt_durable_submitter submit;
    void *arg;
    const slsrt_durable_callback_options *options;
    const char *callback_id;
} callback_job;

static int run_submitter(slsrt_durable_attempt *step, void *arg, json_t **result)
{
    (void)result;
    callback_job *job = arg;
    return job->submit ? job->submit(step, job->callback_id, job->arg) : SLSRT_OK;
}

static int callback_body(slsrt_durable *child, void *arg, json_t **result)
{
    callback_job *job = arg;
    SLSRT_DURABLE_TRY(slsrt_durable_create_callback(child, NULL, job->options, &job->callback_id));
    SLSRT_DURABLE_TRY(slsrt_durable_step(child, "submitter", run_submitter, job, NULL, NULL));
    return slsrt_durable_callback_result(child, job->callback_id, result);
}

int slsrt_durable_wait_for_callback(slsrt_durable *ctx, const char *name, slsrt_durable_submitter submit, void *arg,
                                    const slsrt_durable_callback_options *options, json_t **result)
{
    callback_job job = {.submit = submit, .arg = arg, .options = options};
    return slsrt__durable_child(ctx, name, "WaitForCallback", callback_body, &job, result);
}

/* ---- map and parallel ------------------------------------------------------- */

typedef struct batch {
    const char *name, *item_subtype;
    size_t n;
    int (*run)(struct batch *b, slsrt_durable *ctx, size_t i, json_t **result);
    const slsrt_durable_completion *completion;
    /* map */
    json_t *items;
    slsrt_durable_map_fn map_fn;
    void *arg;
    /* parallel */
    const slsrt_durable_branch *branches;
    size_t index;
} batch;

static int map_item(slsrt_durable *child, void *arg, json_t **result)
{
    batch *b = arg;
    return b->map_fn(child, json_array_get(b->items, b->index), b->index, b->arg, result);
}

static int run_map_item(batch *b, slsrt_durable *ctx, size_t i, json_t **result)
{
    char name[160];
    snprintf(name, sizeof name, "%s-%zu", b->name ? b->name : "map", i);
    b->index = i;
    return slsrt__durable_child(ctx, name, b->item_subtype, map_item, b, result);
}

static int run_branch(batch *b, slsrt_durable *ctx, size_t i, json_t **result)
{
    const slsrt_durable_branch *br = &b->branches[i];
    if (!br->fn)
        return slsrt_durable_fail(ctx, "Durable.InvalidBranch", "a parallel branch has no function");
    return slsrt__durable_child(ctx, br->name, b->item_subtype, br->fn, br->arg, result);
}

/* Has the batch seen enough to stop?  Sets the reason. */
static int complete(const slsrt_durable_completion *c, size_t n, size_t ok, size_t failed, const char **reason)
{
    if (!c)
        return 0;
    if (c->min_successful > 0 && ok >= (size_t)c->min_successful) {
        *reason = "MIN_SUCCESSFUL_REACHED";
        return 1;
    }
    if ((c->max_failures > 0 && failed >= (size_t)c->max_failures) ||
        (c->max_failure_pct > 0 && n && 100.0 * (double)failed / (double)n > c->max_failure_pct)) {
        *reason = "FAILURE_TOLERANCE_EXCEEDED";
        return 1;
    }
    return 0;
}

static int batch_body(slsrt_durable *ctx, void *arg, json_t **result)
{
    batch *b = arg;
    json_t *all = json_array();
    size_t ok = 0, failed = 0, i = 0;
    const char *reason = "ALL_COMPLETED";
    int stopped = 0;
    for (; i < b->n && !stopped; i++) {
        json_t *value = NULL;
        int rc = b->run(b, ctx, i, &value);
        if (rc == SLSRT_ESUSPENDED || ctx->x->nondeterministic || ctx->x->checkpoint_failed) {
            json_decref(all);
            json_decref(value);
            return rc == SLSRT_ESUSPENDED ? rc : SLSRT_EDURABLE;
        }
        if (rc == SLSRT_OK) {
            ok++;
            json_array_append_new(all, json_pack("{s:I, s:s, s:o}", "index", (json_int_t)i, "status", "SUCCEEDED",
                                                 "result", value ? value : json_null()));
        } else {
            failed++;
            json_decref(value);
            json_array_append_new(all, json_pack("{s:I, s:s, s:o}", "index", (json_int_t)i, "status", "FAILED", "error",
                                                 slsrt__durable_error_object(ctx->error_type, ctx->error_message)));
        }
        stopped = complete(b->completion, b->n, ok, failed, &reason);
    }
    for (; i < b->n; i++)
        json_array_append_new(all, json_pack("{s:I, s:s}", "index", (json_int_t)i, "status", "NOT_STARTED"));
    *result = json_pack("{s:o, s:I, s:I, s:s}", "all", all, "successCount", (json_int_t)ok, "failureCount",
                        (json_int_t)failed, "completionReason", reason);
    return *result ? SLSRT_OK : SLSRT_ENOMEM;
}

int slsrt_durable_map(slsrt_durable *ctx, const char *name, json_t *items, slsrt_durable_map_fn fn, void *arg,
                      const slsrt_durable_completion *completion, json_t **result)
{
    if (!json_is_array(items) || !fn) {
        if (result)
            *result = NULL;
        return SLSRT_EINVAL;
    }
    batch b = {.name = name, .item_subtype = "MapIteration", .n = json_array_size(items), .run = run_map_item,
               .completion = completion, .items = items, .map_fn = fn, .arg = arg};
    return slsrt__durable_child(ctx, name, "Map", batch_body, &b, result);
}

int slsrt_durable_parallel(slsrt_durable *ctx, const char *name, const slsrt_durable_branch *branches, size_t n,
                           const slsrt_durable_completion *completion, json_t **result)
{
    if (!branches && n) {
        if (result)
            *result = NULL;
        return SLSRT_EINVAL;
    }
    batch b = {.name = name, .item_subtype = "ParallelBranch", .n = n, .run = run_branch, .completion = completion,
               .branches = branches};
    return slsrt__durable_child(ctx, name, "Parallel", batch_body, &b, result);
}
