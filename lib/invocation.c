/* invocation.c - one invocation's context: the /next headers and the event. */
#include "runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A request id goes into a URL path: only characters that need no escaping. */
static int valid_request_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n >= SLSRT__MAX_REQUEST_ID)
        return 0;
    return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}

#define PREFIX "lambda-runtime-"
#define PREFIX_LEN (sizeof PREFIX - 1)

int slsrt__invocation_from_head(slsrt_invocation *inv, const slsrt__http_head *head)
{
    const char *request_id = NULL, *deadline = NULL;
    for (size_t i = 0; i < head->nheaders; i++) {
        const char *name = head->headers[i].name, *value = head->headers[i].value;
        if (strncasecmp(name, PREFIX, PREFIX_LEN) != 0) {
            if (strcasecmp(name, "Content-Type") == 0)
                inv->content_type = value;
            continue;
        }
        name += PREFIX_LEN;
        if (strcasecmp(name, "aws-request-id") == 0)
            request_id = value;
        else if (strcasecmp(name, "deadline-ms") == 0)
            deadline = value;
        else if (strcasecmp(name, "invoked-function-arn") == 0)
            inv->function_arn = value;
        else if (strcasecmp(name, "trace-id") == 0)
            inv->trace_id = value;
        else if (strcasecmp(name, "client-context") == 0)
            inv->client_context_raw = value;
        else if (strcasecmp(name, "cognito-identity") == 0)
            inv->cognito_identity_raw = value;
        else if (strcasecmp(name, "aws-tenant-id") == 0)
            inv->tenant_id = value;
        else if (strcasecmp(name, "invocation-id") == 0)
            inv->invocation_id = value;
    }
    if (!request_id || !valid_request_id(request_id))
        return SLSRT_EPROTO;
    strcpy(inv->request_id, request_id);
    inv->deadline_ms = deadline ? strtoll(deadline, NULL, 10) : 0;
    return SLSRT_OK;
}

void slsrt__invocation_reset(slsrt_invocation *inv)
{
    slsrt_runtime *rt = inv->rt;
    json_decref(inv->event_json);
    json_decref(inv->client_context);
    json_decref(inv->cognito_identity);
    free(inv->pending_error_type);
    free(inv->pending_error_message);
    memset(inv, 0, sizeof *inv);
    inv->rt = rt;
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
    return inv->deadline_ms - ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
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
        *slot = json_loads(raw, JSON_DECODE_ANY, NULL);
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
    inv->event_json = json_loadb(inv->event, inv->event_len, JSON_DECODE_ANY, &err);
    if (!inv->event_json) {
        char msg[300];
        snprintf(msg, sizeof msg, "The event is not valid JSON: %s (line %d, column %d)",
                 err.text, err.line, err.column);
        slsrt__invocation_set_error(inv, "Runtime.InvalidEventJSON", msg);
    }
    return inv->event_json;
}
