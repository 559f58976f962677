/*
 * durable_api.c - the durable execution service's HTTP API, in AWS's
 * REST-JSON shapes (paths under /2025-12-01/), so the durable SDKs and the
 * AWS CLI and SDKs (--endpoint-url) work against slsrt-local:
 *   data plane:    POST .../durable-executions/{Arn}/checkpoint,
 *                  GET  .../durable-executions/{Arn}/state
 *   callbacks:     POST .../durable-execution-callbacks/{Id}/succeed|fail|heartbeat
 *   control plane: GET  .../durable-executions/{Arn}            GetDurableExecution
 *                  GET  .../durable-executions/{Arn}/history    GetDurableExecutionHistory
 *                  POST .../durable-executions/{Arn}/stop       StopDurableExecution
 *                  GET  .../functions/{Name}/durable-executions ListDurableExecutionsByFunction
 *                  POST /2015-03-31/functions/{Name}/invocations   Invoke: starts an execution
 */
#include "durable.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API "/2025-12-01/"

static int reply(struct MHD_Connection *c, unsigned status, json_t *doc, const char *header, const char *value)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : strdup("");
    struct MHD_Response *r = MHD_create_response_from_buffer(text ? strlen(text) : 0, text ? text : (char *)"",
                                                             text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    const char *type = status >= 400 ? json_string_value(json_object_get(doc, "__type")) : NULL;
    if (type)
        MHD_add_response_header(r, "X-Amzn-ErrorType", type);
    if (header)
        MHD_add_response_header(r, header, value);
    MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    json_decref(doc);
    return 1;
}

static int error(struct MHD_Connection *c, unsigned status, const char *type, const char *message)
{
    return reply(c, status, json_pack("{s:s, s:s, s:s}", "__type", type, "Type", "User", "message", message), NULL, NULL);
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

/* items[marker ..] up to MaxItems (at most `cap`), with NextMarker when more follow. */
static json_t *page(struct MHD_Connection *c, json_t *items, const char *key, size_t cap, int reverse)
{
    size_t n = json_array_size(items), from = arg(c, "Marker") ? strtoul(arg(c, "Marker"), NULL, 10) : 0;
    size_t max = arg(c, "MaxItems") ? strtoul(arg(c, "MaxItems"), NULL, 10) : cap;
    if (max == 0 || max > cap)
        max = cap;
    json_t *out = json_array();
    for (size_t i = from; i < n && i < from + max; i++)
        json_array_append(out, json_array_get(items, reverse ? n - 1 - i : i));
    json_t *doc = json_pack("{s:o}", key, out);
    if (from + max < n) {
        char next[32];
        snprintf(next, sizeof next, "%zu", from + max);
        json_object_set_new(doc, "NextMarker", json_string(next));
    }
    return doc;
}

/* The history without payloads unless IncludeExecutionData=true (as AWS). */
static json_t *history(struct MHD_Connection *c, struct dexec *x)
{
    const char *include = arg(c, "IncludeExecutionData");
    json_t *events = json_deep_copy(x->events);
    if (!include || strcmp(include, "true")) {
        size_t i;
        json_t *ev;
        json_array_foreach(events, i, ev) {
            const char *k;
            json_t *details;
            json_object_foreach(ev, k, details) {
                if (!json_is_object(details))
                    continue;
                const char *f;
                json_t *part;
                json_object_foreach(details, f, part) {
                    if (json_is_object(part) && json_object_get(part, "Payload"))
                        json_object_del(part, "Payload");
                }
            }
        }
    }
    const char *rev = arg(c, "ReverseOrder");
    json_t *doc = page(c, events, "Events", 1000, rev && !strcmp(rev, "true"));
    json_decref(events);
    return doc;
}

/* Chained invokes this checkpoint started: a durable execution of this function, or a failure. */
static void start_chained(struct durable *d, struct dexec *x)
{
    size_t i;
    json_t *op;
    json_array_foreach(x->ops, i, op) {
        const char *id = json_string_value(json_object_get(op, "Id"));
        json_t *meta = json_object_get(x->meta, id);
        const char *fn = json_string_value(json_object_get(meta, "invoke"));
        if (!fn || json_object_get(meta, "child"))
            continue;
        /* name, name:qualifier, or an ARN ending in :function:name[:qualifier] */
        const char *name = strstr(fn, ":function:") ? strstr(fn, ":function:") + 10 : fn;
        size_t len = strcspn(name, ":");
        const char *ours = d->e->opt->function_name;
        if (len != strlen(ours) || strncmp(name, ours, len)) {
            char msg[600];
            snprintf(msg, sizeof msg, "Function not found: %s (slsrt-local serves %s)", fn, ours);
            json_t *e = json_pack("{s:s, s:s}", "ErrorType", "ResourceNotFoundException", "ErrorMessage", msg);
            json_object_set_new(meta, "child", json_string(""));
            durable_complete(d, x, op, "FAILED", NULL, e);
            json_decref(e);
            continue;
        }
        const char *input = json_string_value(json_object_get(meta, "input"));
        struct dexec *child = durable_create(d, NULL, input ? input : "null", input ? strlen(input) : 4);
        if (!child)
            continue;
        snprintf(child->parent_arn, sizeof child->parent_arn, "%s", x->arn);
        snprintf(child->parent_op, sizeof child->parent_op, "%s", id);
        json_object_set_new(meta, "child", json_string(child->arn));
        emu_log("slsrt-local: durable execution %s invokes %s: execution %s", x->name, fn, child->name);
        durable_drive(d, child);
    }
}

static int execution_route(struct durable *d, struct MHD_Connection *c, const char *method, const char *rest,
                           const char *body, size_t len)
{
    static const char *const tails[] = {"/checkpoint", "/state", "/history", "/stop", ""};
    char arn[700];
    const char *tail = "";
    for (size_t i = 0; i < 5; i++) {
        size_t n = strlen(rest), t = strlen(tails[i]);
        if (n > t && !strcmp(rest + n - t, tails[i])) {
            tail = tails[i];
            snprintf(arn, sizeof arn, "%.*s", (int)(n - t), rest);
            break;
        }
    }
    struct dexec *x = durable_find(d, arn);
    if (!x)
        return error(c, 404, "ResourceNotFoundException", "no durable execution has that ARN");
    if (!strcmp(tail, "/checkpoint") && !strcmp(method, "POST")) {
        json_t *req = json_loadb(body ? body : "", len, 0, NULL);
        int status;
        json_t *answer = req ? durable_checkpoint(d, x, req, &status) : NULL;
        json_decref(req);
        if (!answer)
            return error(c, 400, "InvalidParameterValueException", "the body is not a JSON object");
        if (status == 200)
            start_chained(d, x);
        return reply(c, (unsigned)status, answer, NULL, NULL);
    }
    if (!strcmp(tail, "/state") && !strcmp(method, "GET")) {
        const char *token = arg(c, "CheckpointToken");
        if (!token || strcmp(token, x->token))
            return error(c, 400, "InvalidParameterValueException", "Invalid checkpoint token");
        return reply(c, 200, page(c, x->ops, "Operations", 100, 0), NULL, NULL);
    }
    if (!strcmp(tail, "/history") && !strcmp(method, "GET"))
        return reply(c, 200, history(c, x), NULL, NULL);
    if (!strcmp(tail, "/stop") && !strcmp(method, "POST")) {
        json_t *req = json_loadb(body ? body : "", len, 0, NULL);
        json_t *e = json_object_get(req, "Error");
        if (strcmp(x->status, "RUNNING")) {
            json_decref(req);
            return error(c, 409, "ResourceConflictException", "the execution has already ended");
        }
        durable_finish(d, x, "STOPPED",
                       e ? json_incref(e) : json_pack("{s:s, s:s}", "ErrorType", "Stopped", "ErrorMessage", "stopped"));
        json_decref(req);
        return reply(c, 200, json_pack("{s:f}", "StopTimestamp", durable_seconds(x->end_ms)), NULL, NULL);
    }
    if (!*tail && !strcmp(method, "GET"))
        return reply(c, 200, durable_describe(d, x, 0), NULL, NULL);
    return error(c, 404, "UnknownOperationException", "no such durable execution operation");
}

static int callback_route(struct durable *d, struct MHD_Connection *c, const char *rest, const char *body, size_t len)
{
    char id[200];
    const char *slash = strchr(rest, '/');
    if (!slash)
        return error(c, 404, "UnknownOperationException", "POST .../durable-execution-callbacks/{CallbackId}/succeed");
    snprintf(id, sizeof id, "%.*s", (int)(slash - rest), rest);
    json_t *op;
    struct dexec *x = durable_find_callback(d, id, &op);
    if (!x)
        return error(c, 404, "ResourceNotFoundException", "no callback has that id");
    const char *status = json_string_value(json_object_get(op, "Status"));
    if (strcmp(status, "STARTED"))
        return error(c, 409, "CallbackTimeoutException", "the callback has already completed or timed out");
    const char *action = slash + 1;
    if (!strcmp(action, "succeed")) {
        json_t *result = json_stringn(body ? body : "", len);
        durable_complete(d, x, op, "SUCCEEDED", result, NULL);
        json_decref(result);
    } else if (!strcmp(action, "fail")) {
        json_t *e = json_loadb(body ? body : "", len, 0, NULL);
        if (!json_is_object(e))
            e = json_pack("{s:s}", "ErrorType", "CallbackFailed");
        durable_complete(d, x, op, "FAILED", NULL, e);
        json_decref(e);
    } else if (!strcmp(action, "heartbeat")) {
        json_t *meta = json_object_get(x->meta, json_string_value(json_object_get(op, "Id")));
        json_int_t hb = json_integer_value(json_object_get(meta, "heartbeat"));
        if (hb)
            json_object_set_new(meta, "beat_by", json_integer(durable_now() + (json_int_t)(hb * 1000 / d->time_scale)));
    } else {
        return error(c, 404, "UnknownOperationException", "succeed, fail or heartbeat");
    }
    return reply(c, 200, json_object(), NULL, NULL);
}

static int list_route(struct durable *d, struct MHD_Connection *c, const char *name)
{
    if (strcmp(name, d->e->opt->function_name) && strcmp(name, d->function_arn))
        return error(c, 404, "ResourceNotFoundException", "Function not found");
    const char *statuses = arg(c, "Statuses"), *want_name = arg(c, "DurableExecutionName");
    json_t *all = json_array();
    for (struct dexec *x = d->list; x; x = x->next) /* newest first */
        if ((!statuses || strstr(statuses, x->status)) && (!want_name || !strcmp(want_name, x->name)))
            json_array_append_new(all, durable_describe(d, x, 1));
    json_t *doc = page(c, all, "DurableExecutions", 1000, 0);
    json_decref(all);
    return reply(c, 200, doc, NULL, NULL);
}

/* Invoke: an execution starts; RequestResponse waits for its end, Event returns at once. */
static int invoke_route(struct durable *d, struct MHD_Connection *c, const char *body, size_t len)
{
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Amz-Invocation-Type");
    const char *name = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Amz-Durable-Execution-Name");
    if (len > EMU_MAX_PAYLOAD)
        return error(c, 413, "RequestEntityTooLargeException", "Request must be smaller than 6291456 bytes");
    json_t *check = json_loadb(body ? body : "", len, JSON_DECODE_ANY, NULL);
    if (len && !check)
        return error(c, 400, "InvalidRequestContentException", "Could not parse request body into json");
    json_decref(check);
    struct dexec *x = durable_create(d, name, len ? body : "{}", len ? len : 2);
    if (!x)
        return error(c, 409, "DurableExecutionAlreadyStartedException", "an execution of that name exists");
    emu_log("slsrt-local: durable execution %s started: %s", x->name, x->arn);
    durable_drive(d, x);
    if (type && !strcmp(type, "Event"))
        return reply(c, 202, NULL, "X-Amz-Durable-Execution-Arn", x->arn);
    if (durable_wait_end(d, x))
        return error(c, 503, "ServiceException", "slsrt-local is stopping");
    int ok = !strcmp(x->status, "SUCCEEDED");
    const char *text = ok && json_is_string(x->result) ? json_string_value(x->result) : NULL;
    json_t *doc = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    if (!ok)
        doc = json_pack("{s:s, s:s}", "errorType", json_string_value(json_object_get(x->result, "ErrorType")) ? json_string_value(json_object_get(x->result, "ErrorType")) : x->status,
                        "errorMessage", json_string_value(json_object_get(x->result, "ErrorMessage")) ? json_string_value(json_object_get(x->result, "ErrorMessage")) : "");
    char *out = json_dumps(doc ? doc : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(doc);
    struct MHD_Response *r = MHD_create_response_from_buffer(out ? strlen(out) : 0, out ? out : (char *)"",
                                                             out ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "X-Amz-Durable-Execution-Arn", x->arn);
    if (!ok)
        MHD_add_response_header(r, "X-Amz-Function-Error", "Unhandled");
    MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return 1;
}

int durable_route(struct durable *d, struct MHD_Connection *c, const char *method, const char *url, const char *body,
                  size_t len, int *handled)
{
    *handled = 1;
    pthread_mutex_lock(&d->mu);
    int rc;
    const char *invoke_tail = "/invocations";
    size_t n = strlen(url), t = strlen(invoke_tail);
    if (!strncmp(url, API "durable-executions/", strlen(API "durable-executions/")))
        rc = execution_route(d, c, method, url + strlen(API "durable-executions/"), body, len);
    else if (!strncmp(url, API "durable-execution-callbacks/", strlen(API "durable-execution-callbacks/")) &&
             !strcmp(method, "POST"))
        rc = callback_route(d, c, url + strlen(API "durable-execution-callbacks/"), body, len);
    else if (!strncmp(url, API "functions/", strlen(API "functions/")) && n > strlen("/durable-executions") &&
             !strcmp(url + n - strlen("/durable-executions"), "/durable-executions") && !strcmp(method, "GET")) {
        char name[400];
        snprintf(name, sizeof name, "%.*s", (int)(n - strlen(API "functions/") - strlen("/durable-executions")),
                 url + strlen(API "functions/"));
        rc = list_route(d, c, name);
    } else if (!strncmp(url, "/2015-03-31/functions/", 22) && n > 22 + t && !strcmp(url + n - t, invoke_tail) &&
               !strcmp(method, "POST"))
        rc = invoke_route(d, c, body, len);
    else
        *handled = 0, rc = 0;
    pthread_mutex_unlock(&d->mu);
    return rc;
}
