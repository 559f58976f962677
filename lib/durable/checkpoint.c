/*
 * checkpoint.c - the durable execution service's data plane, through the
 * signed AWS client: CheckpointDurableExecution (updates batched, each
 * batch under 750 KB, the token single-use, a client token so a retried
 * request is applied once) and GetDurableExecutionState (paged).
 */
#include "durable_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_write.h"
#include "util/random.h"

char *slsrt__durable_dump(const json_t *v, size_t *len)
{
    slsrt__buf b = {0};
    json_t *null = v ? NULL : json_null();
    int rc = slsrt__json_write(&b, v ? v : null);
    if (rc || !b.data) {
        slsrt__buf_free(&b);
        return NULL;
    }
    if (len)
        *len = b.len;
    return b.data;
}

json_t *slsrt__durable_update(const slsrt_durable *ctx, const char *id, const char *type, const char *subtype,
                              const char *name, const char *action)
{
    json_t *u = json_pack("{s:s, s:s, s:s}", "Id", id, "Type", type, "Action", action);
    if (u && ctx->parent_id[0])
        json_object_set_new(u, "ParentId", json_string(ctx->parent_id));
    if (u && subtype)
        json_object_set_new(u, "SubType", json_string(subtype));
    if (u && name)
        json_object_set_new(u, "Name", json_string(name));
    return u;
}

/* The ARN as one path segment: everything but unreserved characters escaped. */
static void path_segment(const char *s, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (; *s && n + 4 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.~", c)) {
            out[n++] = (char)c;
        } else {
            out[n++] = '%', out[n++] = hex[c >> 4], out[n++] = hex[c & 15];
        }
    }
    out[n] = '\0';
}

static void record_failure(slsrt__durable_exec *x, const char *what, slsrt_aws_response *res)
{
    x->checkpoint_failed = 1;
    snprintf(x->checkpoint_error, sizeof x->checkpoint_error, "%s failed: %s: %s", what,
             res && slsrt_aws_response_error_type(res) ? slsrt_aws_response_error_type(res) : "no response",
             res && slsrt_aws_response_error_message(res) ? slsrt_aws_response_error_message(res) : "");
}

static void merge_operations(slsrt__durable_exec *x, json_t *ops)
{
    size_t i;
    json_t *op;
    json_array_foreach(ops, i, op) {
        const char *id = json_string_value(json_object_get(op, "Id"));
        if (id)
            json_object_set(x->ops, id, op);
    }
}

/* One request: the token it used is spent whatever happened. */
static slsrt_aws_response *call(slsrt__durable_exec *x, const char *method, const char *target, const char *body,
                                size_t len)
{
    slsrt_aws_request *req = slsrt_aws_request_new(method, "lambda", target);
    if (!req)
        return NULL;
    if (body)
        slsrt_aws_request_header(req, "Content-Type", "application/json"), slsrt_aws_request_body(req, body, len);
    slsrt_aws_response *res = slsrt_aws_send(x->aws, req);
    slsrt_aws_request_free(req);
    return res;
}

static int send_batch(slsrt__durable_exec *x, json_t *batch)
{
    char arn[3200], target[3400], client_token[40];
    path_segment(x->arn, arn, sizeof arn);
    snprintf(target, sizeof target, "/2025-12-01/durable-executions/%s/checkpoint", arn);
    snprintf(client_token, sizeof client_token, "%016llx%016llx", (unsigned long long)slsrt__random(),
             (unsigned long long)slsrt__random());
    json_t *req = json_pack("{s:s, s:O, s:s}", "CheckpointToken", x->token, "Updates", batch, "ClientToken",
                            client_token);
    size_t len;
    char *body = req ? slsrt__durable_dump(req, &len) : NULL;
    json_decref(req);
    slsrt_aws_response *res = body ? call(x, "POST", target, body, len) : NULL;
    free(body);
    json_t *doc = res && slsrt_aws_response_ok(res) ? slsrt_aws_response_json(res) : NULL;
    const char *token = json_string_value(json_object_get(doc, "CheckpointToken"));
    if (!token) {
        record_failure(x, "CheckpointDurableExecution", res);
        slsrt_aws_response_free(res);
        return SLSRT_EIO;
    }
    free(x->token);
    x->token = strdup(token);
    json_t *state = json_object_get(doc, "NewExecutionState");
    merge_operations(x, json_object_get(state, "Operations"));
    const char *marker = json_string_value(json_object_get(state, "NextMarker"));
    int rc = marker && *marker ? slsrt__durable_fetch_state(x, marker) : SLSRT_OK;
    slsrt_aws_response_free(res);
    return x->token ? rc : SLSRT_ENOMEM;
}

int slsrt__durable_flush(slsrt__durable_exec *x)
{
    if (x->checkpoint_failed)
        return SLSRT_EIO;
    while (json_array_size(x->updates)) {
        /* As many updates as fit under the batch limit (at least one). */
        json_t *batch = json_array();
        size_t bytes = 0;
        while (json_array_size(x->updates)) {
            size_t len = 0;
            char *text = slsrt__durable_dump(json_array_get(x->updates, 0), &len);
            free(text);
            if (json_array_size(batch) && bytes + len > SLSRT__DURABLE_MAX_BATCH)
                break;
            bytes += len;
            json_array_append(batch, json_array_get(x->updates, 0));
            json_array_remove(x->updates, 0);
        }
        int rc = send_batch(x, batch);
        json_decref(batch);
        if (rc)
            return rc;
    }
    return SLSRT_OK;
}

int slsrt__durable_checkpoint(slsrt__durable_exec *x, json_t *update, int flush)
{
    if (!update || json_array_append_new(x->updates, update))
        return SLSRT_ENOMEM;
    return flush ? slsrt__durable_flush(x) : SLSRT_OK;
}

int slsrt__durable_fetch_state(slsrt__durable_exec *x, const char *marker)
{
    char arn[3200], target[8192];
    char *m = strdup(marker);
    while (m && *m) {
        path_segment(x->arn, arn, sizeof arn);
        char tok[2400], mk[2400];
        path_segment(x->token, tok, sizeof tok);
        path_segment(m, mk, sizeof mk);
        snprintf(target, sizeof target, "/2025-12-01/durable-executions/%s/state?CheckpointToken=%s&Marker=%s&MaxItems=1000",
                 arn, tok, mk);
        slsrt_aws_response *res = call(x, "GET", target, NULL, 0);
        json_t *doc = res && slsrt_aws_response_ok(res) ? slsrt_aws_response_json(res) : NULL;
        if (!json_is_array(json_object_get(doc, "Operations"))) {
            record_failure(x, "GetDurableExecutionState", res);
            slsrt_aws_response_free(res);
            free(m);
            return SLSRT_EIO;
        }
        merge_operations(x, json_object_get(doc, "Operations"));
        const char *next = json_string_value(json_object_get(doc, "NextMarker"));
        free(m);
        m = next && *next ? strdup(next) : NULL;
        slsrt_aws_response_free(res);
    }
    return SLSRT_OK;
}
