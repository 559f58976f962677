/* invocation.c - one invocation's context: the /next headers and the event. */
#include "runtime_internal.h"
#include <slsrt/doc.h>
#include "hooks.h"
#include "util/json_alloc.h"

#include "log/log.h"
#include "util/json_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Request ids go into a URL path: only characters that need no escaping. */
static const unsigned char id_char[256] = {
    ['-'] = 1, ['_'] = 1, ['.'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,
    ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static int copy_request_id(char *dst, const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n + 1 >= SLSRT__MAX_REQUEST_ID)
        return SLSRT_EPROTO;
    for (size_t i = 0; i < n; i++)
        if (!id_char[(unsigned char)id[i]])
            return SLSRT_EPROTO;
    memcpy(dst, id, n + 1);
    return SLSRT_OK;
}

/*
 * Lambda-Runtime-Deadline-Ms: decimal epoch milliseconds, nothing else.
 * Too many digits saturate rather than overflow.
 */
static int parse_deadline(const char *v, int64_t *out)
{
    int64_t n = 0;
    if (!*v)
        return SLSRT_EPROTO;
    for (; *v; v++) {
        if (*v < '0' || *v > '9')
            return SLSRT_EPROTO;
        /* Saturate: a multiply-overflow test costs less than a division. */
        if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, *v - '0', &n))
            n = INT64_MAX;
    }
    *out = n;
    return SLSRT_OK;
}

int slsrt__invocation_from_head(slsrt_invocation *inv, const slsrt__http_head *head, const char *buf)
{
    const char *request_id = NULL, *deadline = NULL;
    for (size_t i = 0; i < head->nheaders; i++) {
        const slsrt__http_header *h = &head->headers[i];
        const char *value = slsrt__http_value(buf, h);
        switch (h->kind) { /* recognised by the parser (http_reader.c) */
        case SLSRT__H_REQUEST_ID: request_id = value; break;
        case SLSRT__H_DEADLINE: deadline = value; break;
        case SLSRT__H_FUNCTION_ARN: inv->function_arn = value; break;
        case SLSRT__H_TRACE_ID: inv->trace_id = value; break;
        case SLSRT__H_CLIENT_CONTEXT: inv->client_context_raw = value; break;
        case SLSRT__H_COGNITO_IDENTITY: inv->cognito_identity_raw = value; break;
        case SLSRT__H_TENANT_ID: inv->tenant_id = value; break;
        case SLSRT__H_INVOCATION_ID: inv->invocation_id = value; break;
        case SLSRT__H_CONTENT_TYPE: inv->content_type = value; break;
        default: break;
        }
    }
    if (!request_id || copy_request_id(inv->request_id, request_id))
        return SLSRT_EPROTO;
    const char *root = inv->trace_id ? strstr(inv->trace_id, "Root=") : NULL;
    if (root) {
        size_t n = strcspn(root + 5, ";");
        if (n < sizeof inv->trace_root) {
            memcpy(inv->trace_root, root + 5, n);
            inv->trace_root[n] = '\0';
        }
    }
    if (deadline && parse_deadline(deadline, &inv->deadline_ms)) {
        char msg[160];
        snprintf(msg, sizeof msg, "Lambda-Runtime-Deadline-Ms is not a number of milliseconds: '%.64s'", deadline);
        slsrt__invocation_set_error(inv, "Runtime.InvalidDeadline", msg);
    }
    return SLSRT_OK;
}

void slsrt__invocation_reset(slsrt_invocation *inv)
{
    slsrt_runtime *rt = inv->rt;
    slsrt__worker *worker = inv->worker;
    json_decref(inv->event_json);
    json_decref(inv->client_context);
    json_decref(inv->cognito_identity);
    slsrt__hooks_invocation_reset(inv); /* the HTTP request reads the doc: first */
    slsrt_doc_free(inv->doc);
    slsrt__json_alloc_settle((size_t)(rt->memory_mb > 0 ? rt->memory_mb : 0) << 20);
    free(inv->pending_error_type);
    free(inv->pending_error_message);
    memset(inv, 0, sizeof *inv);
    inv->rt = rt;
    inv->worker = worker;
}

void slsrt__invocation_set_error(slsrt_invocation *inv, const char *type, const char *message)
{
    free(inv->pending_error_type);
    free(inv->pending_error_message);
    inv->pending_error_type = strdup(type);
    inv->pending_error_message = strdup(message);
}

slsrt_runtime *slsrt_invocation_runtime(const slsrt_invocation *inv) { return inv->rt; }
void *slsrt_invocation_user_data(const slsrt_invocation *inv) { return inv->rt->user_data; }
const char *slsrt_invocation_request_id(const slsrt_invocation *inv) { return inv->request_id; }
int64_t slsrt_invocation_deadline_ms(const slsrt_invocation *inv) { return inv->deadline_ms; }
const char *slsrt_invocation_function_arn(const slsrt_invocation *inv) { return inv->function_arn; }
const char *slsrt_invocation_trace_id(const slsrt_invocation *inv) { return inv->trace_id; }
const char *slsrt_invocation_tenant_id(const slsrt_invocation *inv) { return inv->tenant_id; }
const char *slsrt_invocation_invocation_id(const slsrt_invocation *inv) { return inv->invocation_id; }
const char *slsrt_invocation_content_type(const slsrt_invocation *inv) { return inv->content_type; }

int64_t slsrt_invocation_remaining_ms(const slsrt_invocation *inv)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, left;
    /* The deadline is untrusted: saturate instead of overflowing. */
    if (__builtin_sub_overflow(inv->deadline_ms, now, &left))
        return inv->deadline_ms < 0 ? INT64_MIN : INT64_MAX;
    return left;
}

const char *slsrt_invocation_client_context_raw(const slsrt_invocation *inv)
{
    return inv->client_context_raw;
}

const char *slsrt_invocation_cognito_identity_raw(const slsrt_invocation *inv)
{
    return inv->cognito_identity_raw;
}

static json_t *parse_once(json_t **slot, const char *raw)
{
    if (!*slot && raw)
        *slot = slsrt__json_read(raw, strlen(raw), JSON_DECODE_ANY, NULL);
    return *slot;
}

json_t *slsrt_invocation_client_context(slsrt_invocation *inv)
{
    return parse_once(&inv->client_context, inv->client_context_raw);
}

json_t *slsrt_invocation_cognito_identity(slsrt_invocation *inv)
{
    return parse_once(&inv->cognito_identity, inv->cognito_identity_raw);
}

const char *slsrt_invocation_event(const slsrt_invocation *inv, size_t *len)
{
    if (len)
        *len = inv->event_len;
    return inv->event;
}

json_t *slsrt_invocation_event_json(slsrt_invocation *inv)
{
    if (inv->event_parsed)
        return inv->event_json;
    inv->event_parsed = 1;
    if (!inv->event)
        return NULL;
    json_error_t err;
    inv->event_json = slsrt__json_read(inv->event, inv->event_len, JSON_DECODE_ANY, &err);
    if (!inv->event_json) {
        char msg[300];
        snprintf(msg, sizeof msg, "The event is not valid JSON: %s (line %d, column %d)",
                 err.text, err.line, err.column);
        slsrt__invocation_set_error(inv, "Runtime.InvalidEventJSON", msg);
    }
    return inv->event_json;
}
