/*
 * rapi_server.c - the Runtime API as Lambda serves it to a bootstrap.
 *
 * Thread per connection: /next is a long poll that blocks its thread on
 * the emulator's condition variable until an invocation is queued.
 */
#include "emu.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PREFIX "/2018-06-01/runtime/"

/* Per-connection request state: the uploaded body, or where a stream goes. */
struct upload {
    char *data;
    size_t len, cap;
    uint64_t total;  /* bytes offered, kept even past the limit */
    int stream_fd;   /* >= 0: a streamed response, forwarded as it arrives */
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, unsigned status, const char *type,
                                   const char *message)
{
    char *doc = error_doc(type, "%s", message);
    enum MHD_Result ok = reply(c, status, doc ? doc : "{}");
    free(doc);
    return ok;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/*
 * Apply an injected fault.  Returns 1 when the fault answered (or dropped)
 * the call, with *ret set; 0 to go on normally.
 */
static int inject(struct emu *e, enum api_call call, struct MHD_Connection *c, enum MHD_Result *ret)
{
    const struct fault *f = fault_match(e, call, e->calls[call], 0);
    if (!f)
        return 0;
    if (f->action == FAULT_DELAY) {
        pthread_mutex_unlock(&e->mu);
        sleep_ms(f->value);
        pthread_mutex_lock(&e->mu);
        return 0;
    }
    if (f->action == FAULT_DROP) {
        emu_log("slsrt-local: fault: dropping the connection of call %u to %s", e->calls[call],
                call == CALL_NEXT ? "/next" : call == CALL_INIT_ERROR ? "/init/error" : "a post");
        *ret = MHD_NO;
        return 1;
    }
    emu_log("slsrt-local: fault: answering call %u with %d", e->calls[call], f->value);
    char msg[64];
    snprintf(msg, sizeof msg, "injected fault: status %d", f->value);
    *ret = reply_error(c, (unsigned)f->value, "InjectedFault", msg);
    return 1;
}

static void finish(struct emu *e, struct invocation *inv, char *result, size_t len, int is_error,
                   const char *type, const char *content_type)
{
    char *ctype = content_type ? strdup(content_type) : NULL; /* may be inv's own */
    free(inv->result);
    free(inv->content_type);
    inv->result = result;
    inv->result_len = len;
    inv->is_error = is_error;
    snprintf(inv->error_type, sizeof inv->error_type, "%s", type ? type : "");
    inv->content_type = ctype;
    inv->state = INV_DONE;
    inv->end_us = now_us();
    pthread_cond_broadcast(&e->cv);
}

/* The runtime broke the contract: say so, and end the invocation. */
static void violation(struct emu *e, struct invocation *inv, const char *what)
{
    e->violations++;
    emu_log("slsrt-local: protocol violation: %s", what);
    if (inv && inv->state == INV_RUNNING) {
        char *doc = error_doc("Runtime.ProtocolViolation", "%s", what);
        finish(e, inv, doc, doc ? strlen(doc) : 0, 1, "Runtime.ProtocolViolation", NULL);
    }
}

static int b64val(unsigned char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    return ch == '+' ? 62 : ch == '/' ? 63 : -1;
}

/* The error document of a stream's trailer; NULL when not base64. */
static char *base64_decode(const char *in)
{
    size_t n = strlen(in);
    char *out = malloc(n / 4 * 3 + 4), *o = out;
    unsigned acc = 0;
    int bits = 0;
    for (const char *p = in; out && *p && *p != '='; p++) {
        int v = b64val((unsigned char)*p);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = acc << 6 | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *o++ = (char)(acc >> bits & 0xff);
        }
    }
    if (out)
        *o = '\0';
    return out;
}

static void add_header(struct MHD_Response *r, const char *name, const char *value)
{
    if (value && *value)
        MHD_add_response_header(r, name, value);
}

static struct invocation *first_in(struct emu *e, enum inv_state state)
{
    for (struct invocation *i = e->inflight; i; i = i->next)
        if (i->state == state)
            return i;
    return NULL;
}

static struct invocation *find(struct emu *e, const char *id)
{
    for (struct invocation *i = e->inflight; i; i = i->next)
        if (strcmp(i->id, id) == 0)
            return i;
    return NULL;
}

static enum MHD_Result serve_next(struct emu *e, struct MHD_Connection *c)
{
    enum MHD_Result ret;
    e->calls[CALL_NEXT]++;
    if (!e->init_done_us)
        e->init_done_us = now_us();
    struct invocation *running = first_in(e, INV_RUNNING);
    if (e->opt->concurrency == 1 && running && running->generation == e->generation)
        violation(e, running, "/next was called before the running invocation was answered");
    if (inject(e, CALL_NEXT, c, &ret))
        return ret;

    /* This long poll belongs to the sandbox running now; if that one dies,
     * the poll must not hand an invocation to a process that is gone. */
    unsigned generation = e->generation;
    struct invocation *inv = NULL;
    while (!e->stopping && generation == e->generation && e->pid && !(inv = first_in(e, INV_QUEUED)))
        pthread_cond_wait(&e->cv, &e->mu);
    if (!inv || e->stopping || generation != e->generation)
        return MHD_NO;

    const struct options *o = e->opt;
    inv->state = INV_RUNNING;
    inv->generation = e->generation;
    e->served++;
    inv->start_us = now_us();
    inv->deadline_ms = now_ms() + (int64_t)(o->timeout_s * 1000);
    pthread_cond_broadcast(&e->cv);

    char deadline[24], arn[256];
    snprintf(deadline, sizeof deadline, "%lld", (long long)inv->deadline_ms);
    snprintf(arn, sizeof arn, "arn:aws:lambda:%s:000000000000:function:%s", o->region, o->function_name);
    struct MHD_Response *r = MHD_create_response_from_buffer(inv->event_len, (void *)inv->event,
                                                             MHD_RESPMEM_MUST_COPY);
    add_header(r, "Content-Type", "application/json");
    add_header(r, "Lambda-Runtime-Aws-Request-Id", inv->id);
    add_header(r, "Lambda-Runtime-Deadline-Ms", deadline);
    add_header(r, "Lambda-Runtime-Invoked-Function-Arn", arn);
    if (o->send_trace)
        add_header(r, "Lambda-Runtime-Trace-Id", inv->trace_id);
    add_header(r, "Lambda-Runtime-Client-Context", o->client_context);
    add_header(r, "Lambda-Runtime-Cognito-Identity", o->cognito_identity);
    add_header(r, "Lambda-Runtime-Aws-Tenant-Id", o->tenant_id);
    add_header(r, "Lambda-Runtime-Invocation-Id", inv->invocation_id);
    ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

void rapi_fail_injected(struct emu *e, const char *request_id, const char *what)
{
    pthread_mutex_lock(&e->mu);
    struct invocation *inv = find(e, request_id);
    if (inv && inv->state == INV_RUNNING) {
        char *doc = error_doc("slsrt-local.InjectedFault", "%s", what);
        finish(e, inv, doc, doc ? strlen(doc) : 0, 1, "slsrt-local.InjectedFault", NULL);
    }
    pthread_mutex_unlock(&e->mu);
}

/* A streamed response ended: with error trailers, or without. */
static enum MHD_Result end_stream(struct emu *e, struct MHD_Connection *c, struct invocation *inv, struct upload *up)
{
    if (up->total > EMU_MAX_STREAM) {
        char *doc = error_doc("Function.ResponseSizeTooLarge",
                              "Response payload size exceeded maximum allowed payload size (%llu bytes).",
                              (unsigned long long)EMU_MAX_STREAM);
        finish(e, inv, doc, doc ? strlen(doc) : 0, 1, "Function.ResponseSizeTooLarge", NULL);
        return reply_error(c, 413, "RequestEntityTooLarge", "Streamed response too large");
    }
    const char *type = MHD_lookup_connection_value(c, MHD_FOOTER_KIND, "Lambda-Runtime-Function-Error-Type");
    if (!type) {
        finish(e, inv, NULL, 0, 0, NULL, inv->content_type);
        return reply(c, 202, "{\"status\":\"OK\"}");
    }
    const char *b64 = MHD_lookup_connection_value(c, MHD_FOOTER_KIND, "Lambda-Runtime-Function-Error-Body");
    char *doc = b64 ? base64_decode(b64) : NULL;
    finish(e, inv, doc ? doc : strdup("{}"), doc ? strlen(doc) : 2, 1, type, NULL);
    return reply(c, 202, "{\"status\":\"OK\"}");
}

/* /runtime/invocation/{id}/response or /error */
static enum MHD_Result serve_result(struct emu *e, struct MHD_Connection *c, const char *id,
                                    enum api_call call, struct upload *up)
{
    enum MHD_Result ret;
    struct invocation *inv = find(e, id);
    e->calls[call]++;
    int answered = inv && inv->state == INV_DONE;
    for (unsigned i = 0; i < 16 && !inv; i++)
        answered |= strcmp(e->done_ids[i], id) == 0;
    if (answered) {
        violation(e, NULL, "a second result was posted for one invocation");
        return reply_error(c, 403, "InvalidStateTransition",
                           "State transition from Ready to InvocationErrorResponse failed");
    }
    if (!inv || inv->state == INV_QUEUED)
        return reply_error(c, 400, "InvalidRequestID", "Invalid request ID");
    const char *echoed = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Lambda-Runtime-Invocation-Id");
    if (inv->invocation_id[0] && !echoed)
        violation(e, NULL, "the invocation id was not echoed back");
    else if (echoed && strcmp(echoed, inv->invocation_id) != 0)
        return reply_error(c, 400, "InvalidInvocationID", "Invalid invocation ID");

    if (inject(e, call, c, &ret)) {
        char *doc = error_doc("slsrt-local.InjectedFault",
                              "the runtime's %s was answered by an injected fault",
                              call == CALL_RESPONSE ? "response" : "error");
        finish(e, inv, doc, doc ? strlen(doc) : 0, 1, "slsrt-local.InjectedFault", NULL);
        return ret;
    }
    if (up->stream_fd >= 0)
        return end_stream(e, c, inv, up);
    if (call == CALL_RESPONSE && up->total > EMU_MAX_RESPONSE) {
        char *doc = error_doc("Function.ResponseSizeTooLarge",
                              "Response payload size (%zu bytes) exceeded maximum allowed payload size "
                              "(%u bytes).", up->total, EMU_MAX_RESPONSE);
        finish(e, inv, doc, doc ? strlen(doc) : 0, 1, "Function.ResponseSizeTooLarge", NULL);
        return reply_error(c, 413, "RequestEntityTooLarge", "Response payload too large");
    }
    const char *type = call == CALL_ERROR
                           ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Lambda-Runtime-Function-Error-Type")
                           : NULL;
    const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    finish(e, inv, up->data, up->len, call == CALL_ERROR, call == CALL_ERROR ? (type ? type : "Unhandled") : NULL,
           ctype);
    up->data = NULL;
    return reply(c, 202, "{\"status\":\"OK\"}");
}

static enum MHD_Result serve_init_error(struct emu *e, struct MHD_Connection *c, struct upload *up)
{
    enum MHD_Result ret;
    e->calls[CALL_INIT_ERROR]++;
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Lambda-Runtime-Function-Error-Type");
    free(e->init_error);
    e->init_error = up->data;
    up->data = NULL;
    snprintf(e->init_error_type, sizeof e->init_error_type, "%s", type ? type : "Runtime.Unknown");
    e->init_error_us = now_us();
    pthread_cond_broadcast(&e->cv);
    if (inject(e, CALL_INIT_ERROR, c, &ret))
        return ret;
    return reply(c, 202, "{\"status\":\"OK\"}");
}

/* The Extensions API, as much as an internal extension uses: register and event/next. */
static enum MHD_Result serve_extension(struct emu *e, struct MHD_Connection *c, const char *method, const char *what)
{
    if (strcmp(what, "register") == 0 && strcmp(method, "POST") == 0) {
        const char *name = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Lambda-Extension-Name");
        if (!name)
            return reply_error(c, 400, "InvalidRequest", "Lambda-Extension-Name is missing");
        e->extensions++;
        char id[40], body[512];
        make_uuid(id);
        snprintf(body, sizeof body, "{\"functionName\":\"%s\",\"functionVersion\":\"$LATEST\",\"handler\":\"%s\"}",
                 e->opt->function_name, e->opt->handler);
        struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(r, "Content-Type", "application/json");
        MHD_add_response_header(r, "Lambda-Extension-Identifier", id);
        enum MHD_Result ok = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        emu_log("slsrt-local: extension '%s' registered", name);
        return ok;
    }
    if (strcmp(what, "event/next") == 0 && strcmp(method, "GET") == 0) {
        /* An internal extension with no events: held until the sandbox stops. */
        while (!e->stopping)
            pthread_cond_wait(&e->cv, &e->mu);
        return MHD_NO;
    }
    return reply_error(c, 404, "NotFound", "unknown extension path");
}

/* The execution environment's metadata endpoint: its AZ ID, for the bearer of the sandbox's token. */
static enum MHD_Result serve_metadata(struct emu *e, struct MHD_Connection *c)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    char want[64];
    snprintf(want, sizeof want, "Bearer %s", e->metadata_token);
    if (!auth || strcmp(auth, want))
        return reply_error(c, 401, "Unauthorized", "Authorization: Bearer $AWS_LAMBDA_METADATA_TOKEN is required");
    char body[160];
    snprintf(body, sizeof body, "{\"AvailabilityZoneID\":\"%s\"}", e->opt->az_id ? e->opt->az_id : "local-az1");
    return reply(c, 200, body);
}

/* SnapStart: the snapshot is taken while /restore/next waits; here it is
 * restored at once.  A restore error fails the sandbox's invocations as an
 * init error would. */
static enum MHD_Result serve_restore(struct emu *e, struct MHD_Connection *c, const char *method, const char *what,
                                     struct upload *up)
{
    if (!e->opt->snap_start)
        return reply_error(c, 404, "NotFound", "restore is served with --snap-start");
    if (!strcmp(what, "next") && !strcmp(method, "GET")) {
        e->restores++;
        emu_log("slsrt-local: SnapStart: the snapshot is taken and restored");
        return reply(c, 200, "{}");
    }
    if (!strcmp(what, "error") && !strcmp(method, "POST")) {
        const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Lambda-Runtime-Function-Error-Type");
        emu_log("slsrt-local: SnapStart: the restore failed (%s)", type ? type : "Runtime.Unknown");
        return serve_init_error(e, c, up);
    }
    return reply_error(c, 404, "NotFound", "unknown restore path");
}

static enum MHD_Result route(struct emu *e, struct MHD_Connection *c, const char *method, const char *url,
                             struct upload *up)
{
    static const char ext[] = "/2020-01-01/extension/", restore[] = "/2018-06-01/runtime/restore/";
    if (strncmp(url, ext, sizeof ext - 1) == 0)
        return serve_extension(e, c, method, url + sizeof ext - 1);
    if (!strcmp(url, "/2026-01-15/metadata/execution-environment") && !strcmp(method, "GET"))
        return serve_metadata(e, c);
    if (strncmp(url, restore, sizeof restore - 1) == 0)
        return serve_restore(e, c, method, url + sizeof restore - 1, up);
    if (strncmp(url, PREFIX, strlen(PREFIX)) != 0)
        return reply_error(c, 404, "NotFound", "unknown path");
    const char *rest = url + strlen(PREFIX);
    if (strcmp(rest, "invocation/next") == 0)
        return strcmp(method, "GET") == 0 ? serve_next(e, c)
                                          : reply_error(c, 405, "MethodNotAllowed", "use GET");
    if (strcmp(method, "POST") != 0)
        return reply_error(c, 405, "MethodNotAllowed", "use POST");
    if (strcmp(rest, "init/error") == 0)
        return serve_init_error(e, c, up);
    if (strncmp(rest, "invocation/", 11) == 0) {
        char id[64];
        const char *slash = strchr(rest + 11, '/');
        size_t n = slash ? (size_t)(slash - (rest + 11)) : 0;
        if (slash && n < sizeof id) {
            memcpy(id, rest + 11, n);
            id[n] = '\0';
            if (strcmp(slash, "/response") == 0)
                return serve_result(e, c, id, CALL_RESPONSE, up);
            if (strcmp(slash, "/error") == 0)
                return serve_result(e, c, id, CALL_ERROR, up);
        }
    }
    return reply_error(c, 404, "NotFound", "unknown path");
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return; /* the caller went away: drop the rest */
        p += w;
        n -= (size_t)w;
    }
}

/* The first call of a streamed /response: find its invocation and sink. */
static void start_stream(struct emu *e, struct MHD_Connection *c, const char *url, struct upload *up)
{
    const char *prefix = PREFIX "invocation/";
    const char *slash = strncmp(url, prefix, strlen(prefix)) == 0 ? strchr(url + strlen(prefix), '/') : NULL;
    if (!slash || strcmp(slash, "/response") != 0)
        return;
    char id[64];
    size_t n = (size_t)(slash - (url + strlen(prefix)));
    if (n >= sizeof id)
        return;
    memcpy(id, url + strlen(prefix), n);
    id[n] = '\0';
    pthread_mutex_lock(&e->mu);
    struct invocation *inv = find(e, id);
    if (inv && inv->state == INV_RUNNING && !inv->streaming) {
        const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        free(inv->content_type);
        inv->content_type = ctype ? strdup(ctype) : NULL;
        inv->streaming = 1;
        up->stream_fd = inv->stream_fd;
        pthread_cond_broadcast(&e->cv);
    }
    pthread_mutex_unlock(&e->mu);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *data, size_t *data_size, void **ctx)
{
    struct emu *e = cls;
    (void)version;
    struct upload *up = *ctx;
    if (!up) {
        *ctx = up = calloc(1, sizeof *up);
        if (!up)
            return MHD_NO;
        up->stream_fd = -1;
        const char *mode = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Lambda-Runtime-Function-Response-Mode");
        if (mode && strcmp(mode, "streaming") == 0 && strcmp(method, "POST") == 0)
            start_stream(e, c, url, up);
        return MHD_YES;
    }
    if (*data_size && up->stream_fd >= 0) {
        up->total += *data_size;
        if (up->total <= EMU_MAX_STREAM)
            write_all(up->stream_fd, data, *data_size); /* as it arrives: nothing is kept */
        *data_size = 0;
        return MHD_YES;
    }
    if (*data_size) {
        up->total += *data_size;
        if (up->total <= EMU_MAX_RESPONSE) {
            if (up->len + *data_size + 1 > up->cap) {
                size_t cap = (up->len + *data_size + 1) * 2;
                char *p = realloc(up->data, cap);
                if (!p)
                    return MHD_NO;
                up->data = p;
                up->cap = cap;
            }
            memcpy(up->data + up->len, data, *data_size);
            up->len += *data_size;
            up->data[up->len] = '\0';
        }
        *data_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&e->mu);
    enum MHD_Result ret = route(e, c, method, url, up);
    pthread_mutex_unlock(&e->mu);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode t)
{
    (void)cls, (void)c, (void)t;
    struct upload *up = *ctx;
    if (up) {
        free(up->data);
        free(up);
    }
    *ctx = NULL;
}

int rapi_start(struct emu *e)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* No MHD error log: closing a long-polling /next at shutdown is not an error. */
    e->rapi = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, on_request, e, MHD_OPTION_SOCK_ADDR, &addr,
                               MHD_OPTION_NOTIFY_COMPLETED, on_completed, e, MHD_OPTION_CONNECTION_TIMEOUT,
                               0u, MHD_OPTION_END);
    if (!e->rapi)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(e->rapi, MHD_DAEMON_INFO_BIND_PORT);
    e->rapi_port = info ? info->port : 0;
    return e->rapi_port ? 0 : -1;
}

void rapi_stop(struct emu *e)
{
    pthread_mutex_lock(&e->mu);
    e->stopping = 1;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    if (e->rapi)
        MHD_stop_daemon(e->rapi);
    e->rapi = NULL;
}
