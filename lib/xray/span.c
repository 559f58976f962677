/*
 * span.c - spans the author opens, sent as X-Ray subsegments.
 *
 * A span belongs to its invocation: open spans are kept on a list there and
 * ended when the handler returns, so none outlives the invocation.
 */
#include <slsrt/xray.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/json_write.h"
#include "log/log.h"
#include "core/hooks.h"
#include "core/runtime_internal.h"
#include "xray_internal.h"

#define MAX_DOC (64 * 1024) /* X-Ray's limit for one document */

struct slsrt_span {
    slsrt_invocation *inv;
    slsrt_span *parent, *next_open;
    char id[17], parent_id[17];
    char name[201];
    double start;
    int sampled, error, fault, throttle, http_status;
    json_t *annotations, *metadata, *aws;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6;
}

static void context_missing(const char *name)
{
    const char *mode = getenv("AWS_XRAY_CONTEXT_MISSING");
    if (mode && strcasecmp(mode, "IGNORE_ERROR") == 0)
        return;
    slsrt__log(SLSRT_LOG_ERROR, "span '%.100s' not opened: no X-Ray trace context for this invocation", name);
}

/* The invocation's trace header, parsed once; freed with the invocation. */
const slsrt_trace_header *slsrt_invocation_trace(slsrt_invocation *inv)
{
    if (!inv || inv->trace_parsed)
        return inv ? inv->trace : NULL;
    inv->trace_parsed = 1;
    if (inv->trace_id && !(inv->trace = slsrt_trace_header_parse(inv->trace_id, NULL)))
        slsrt__log(SLSRT_LOG_WARN, "the trace header '%.200s' is malformed; no trace context", inv->trace_id);
    return inv->trace;
}

slsrt_span *slsrt_span_begin(slsrt_invocation *inv, slsrt_span *parent, const char *name)
{
    if (!inv || !name)
        return NULL;
    const slsrt_trace_header *h = slsrt_invocation_trace(inv);
    if (!h || !slsrt_trace_header_root(h) || (!parent && !slsrt_trace_header_parent(h))) {
        context_missing(name);
        return NULL;
    }
    slsrt_span *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->inv = inv;
    s->parent = parent;
    s->start = now_s();
    s->sampled = slsrt_trace_header_sampled(h) == SLSRT_SAMPLED_YES;
    slsrt__xray_new_id(s->id);
    strcpy(s->parent_id, parent ? parent->id : slsrt_trace_header_parent(h));
    snprintf(s->name, sizeof s->name, "%s", name);
    s->next_open = inv->open_spans;
    inv->open_spans = s;
    return s;
}

const char *slsrt_span_id(const slsrt_span *span)
{
    return span ? span->id : NULL;
}

static int valid_annotation_key(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    return n > 0 && n <= 500 &&
           strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
}

static slsrt_status annotate(slsrt_span *span, const char *key, json_t *value)
{
    if (!span || !valid_annotation_key(key) || !value) {
        json_decref(value);
        return span && value ? SLSRT_EINVAL : SLSRT_OK;
    }
    if (!span->annotations && !(span->annotations = json_object())) {
        json_decref(value);
        return SLSRT_ENOMEM;
    }
    return json_object_set_new(span->annotations, key, value) ? SLSRT_ENOMEM : SLSRT_OK;
}

slsrt_status slsrt_span_annotate_string(slsrt_span *span, const char *key, const char *value)
{
    return annotate(span, key, value ? json_string(value) : NULL);
}

slsrt_status slsrt_span_annotate_number(slsrt_span *span, const char *key, double value)
{
    return annotate(span, key, json_real(value));
}

slsrt_status slsrt_span_annotate_bool(slsrt_span *span, const char *key, int value)
{
    return annotate(span, key, json_boolean(value));
}

slsrt_status slsrt_span_set_metadata(slsrt_span *span, const char *key, json_t *value)
{
    if (!span || !key || !value) {
        json_decref(value);
        return span ? SLSRT_EINVAL : SLSRT_OK;
    }
    if (!span->metadata && !(span->metadata = json_object())) {
        json_decref(value);
        return SLSRT_ENOMEM;
    }
    return json_object_set_new(span->metadata, key, value) ? SLSRT_ENOMEM : SLSRT_OK;
}

void slsrt_span_set_error(slsrt_span *span)
{
    if (span)
        span->error = 1;
}

void slsrt_span_set_fault(slsrt_span *span)
{
    if (span)
        span->fault = 1;
}

void slsrt_span_set_aws(slsrt_span *span, const char *operation, const char *region, const char *request_id)
{
    if (!span)
        return;
    json_decref(span->aws);
    span->aws = json_object();
    if (operation)
        json_object_set_new(span->aws, "operation", json_string(operation));
    if (region)
        json_object_set_new(span->aws, "region", json_string(region));
    if (request_id)
        json_object_set_new(span->aws, "request_id", json_string(request_id));
}

void slsrt_span_set_http_status(slsrt_span *span, int status)
{
    if (!span)
        return;
    span->http_status = status;
    if (status == 429)
        span->throttle = 1;
    if (status >= 400 && status < 500)
        span->error = 1;
    else if (status >= 500)
        span->fault = 1;
}

static json_t *document(const slsrt_span *s, const char *trace_id, double end, int with_metadata)
{
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:f, s:f, s:s}", "name", s->name, "id", s->id, "trace_id",
                            trace_id, "parent_id", s->parent_id, "start_time", s->start, "end_time", end, "type",
                            "subsegment");
    if (!doc)
        return NULL;
    if (s->aws || s->http_status)
        json_object_set_new(doc, "namespace", json_string(s->aws ? "aws" : "remote"));
    if (s->error)
        json_object_set_new(doc, "error", json_true());
    if (s->fault)
        json_object_set_new(doc, "fault", json_true());
    if (s->throttle)
        json_object_set_new(doc, "throttle", json_true());
    if (s->annotations)
        json_object_set(doc, "annotations", s->annotations);
    if (s->metadata && with_metadata)
        json_object_set_new(doc, "metadata", json_pack("{s:O}", "default", s->metadata));
    if (s->aws)
        json_object_set(doc, "aws", s->aws);
    if (s->http_status)
        json_object_set_new(doc, "http", json_pack("{s:{s:i}}", "response", "status", s->http_status));
    return doc;
}

static void send_span(const slsrt_span *s)
{
    const char *trace_id = slsrt_trace_header_root(slsrt_invocation_trace(s->inv));
    double end = now_s();
    slsrt__buf b = {0};
    for (int with_metadata = 1; with_metadata >= 0; with_metadata--) {
        json_t *doc = document(s, trace_id, end, with_metadata);
        slsrt__buf_clear(&b);
        int rc = doc ? slsrt__json_write(&b, doc) : SLSRT_ENOMEM;
        json_decref(doc);
        if (rc == SLSRT_OK && b.len <= MAX_DOC) {
            slsrt__xray_send(b.data, b.len);
            break;
        }
        if (!with_metadata)
            slsrt__log(SLSRT_LOG_WARN, "span '%.100s' not sent: over X-Ray's 64 KiB document limit", s->name);
    }
    slsrt__buf_free(&b);
}

static void unlink_open(slsrt_span *span)
{
    for (slsrt_span **p = &span->inv->open_spans; *p; p = &(*p)->next_open)
        if (*p == span) {
            *p = span->next_open;
            return;
        }
}

void slsrt_span_end(slsrt_span *span)
{
    if (!span)
        return;
    /* Children first: a child ends no later than its parent. */
    for (slsrt_span *s = span->inv->open_spans; s;) {
        slsrt_span *next = s->next_open;
        if (s->parent == span) {
            slsrt_span_end(s);
            next = span->inv->open_spans; /* the list changed */
        }
        s = next;
    }
    if (span->sampled)
        send_span(span);
    unlink_open(span);
    json_decref(span->annotations);
    json_decref(span->metadata);
    json_decref(span->aws);
    free(span);
}

/* Spans the handler left open end with it, before its result is posted. */
static void end_open_spans(slsrt_invocation *inv, int first)
{
    (void)first;
    while (inv->open_spans) {
        slsrt_span *s = inv->open_spans;
        while (s->parent)
            s = s->parent; /* end from a root, so children go with it */
        slsrt__log(SLSRT_LOG_WARN, "span '%.100s' was still open when the handler returned; ended", s->name);
        slsrt_span_end(s);
    }
}

static void free_trace(slsrt_invocation *inv)
{
    slsrt_trace_header_free(inv->trace);
}

static const slsrt__hooks xray_hooks = {.invocation_done = end_open_spans, .invocation_reset = free_trace};
SLSRT__REGISTER_HOOKS(xray_hooks)
