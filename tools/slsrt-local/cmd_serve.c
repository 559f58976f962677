/*
 * cmd_serve.c - `slsrt-local serve --port N -- ./bootstrap`: the invoke
 * endpoint of AWS's Runtime Interface Emulator,
 * POST /2015-03-31/functions/function/invocations, so that tooling written
 * for it works unchanged.  One invocation at a time, like one sandbox.
 */
#include "emu.h"
#include "durable.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *data, size_t len,
                              const char *content_type, int function_error)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", content_type ? content_type : "application/json");
    if (function_error)
        MHD_add_response_header(r, "X-Amz-Function-Error", "Unhandled");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static int is_invoke_path(const char *url)
{
    const char *p = "/2015-03-31/functions/";
    const char *tail = "/invocations";
    size_t n = strlen(url), t = strlen(tail);
    return strncmp(url, p, strlen(p)) == 0 && n > strlen(p) + t && strcmp(url + n - t, tail) == 0;
}

static enum MHD_Result invoke(struct serve *s, struct MHD_Connection *c, struct body *b)
{
    if (b->total > EMU_MAX_PAYLOAD) {
        char *doc = error_doc("RequestEntityTooLargeException",
                              "Request must be smaller than %u bytes for the InvokeFunction operation",
                              EMU_MAX_PAYLOAD);
        enum MHD_Result ok = answer(c, 413, doc, doc ? strlen(doc) : 0, NULL, 0);
        free(doc);
        return ok;
    }
    struct job *j = job_start(s->e, &s->slots, b->data ? b->data : "", b->len);
    if (!j)
        return MHD_NO;
    if (j->inv.streaming) {
        struct MHD_Response *r =
            MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, job_read_stream, j, job_free);
        MHD_add_response_header(r, "Content-Type", j->inv.content_type ? j->inv.content_type : "application/octet-stream");
        enum MHD_Result ok = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        return ok;
    }
    enum MHD_Result ok = answer(c, 200, j->inv.result ? j->inv.result : "", j->inv.result_len, j->inv.content_type,
                                j->inv.is_error);
    job_free(j);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *data, size_t *data_size, void **ctx)
{
    (void)version;
    struct body *b = *ctx;
    if (!b) {
        *ctx = b = calloc(1, sizeof *b);
        return b ? MHD_YES : MHD_NO;
    }
    if (*data_size) {
        int rc = body_add(b, data, *data_size);
        *data_size = 0;
        return rc ? MHD_NO : MHD_YES;
    }
    struct serve *s = cls;
    int handled = 0;
    if (s->durable && (durable_route(s->durable, c, method, url, b->data, b->len, &handled), handled))
        return MHD_YES;
    if (strcmp(method, "POST") != 0 || !is_invoke_path(url)) {
        static const char msg[] = "{\"message\":\"POST /2015-03-31/functions/function/invocations\"}";
        return answer(c, 404, msg, sizeof msg - 1, NULL, 0);
    }
    return invoke(s, c, b);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode t)
{
    (void)cls, (void)c, (void)t;
    struct body *b = *ctx;
    if (b)
        free(b->data);
    free(b);
    *ctx = NULL;
}

struct MHD_Daemon *serve_start(struct serve *s, int port, unsigned *bound)
{
    sem_init(&s->slots, 0, (unsigned)s->e->opt->concurrency);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* poll(), not select(): descriptors above 1024 work; a client that
     * sends nothing for idle_timeout_s is closed, so idle or half-sent
     * requests cannot pile up and lock others out. */
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
        on_request, s, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->e->opt->idle_timeout_s, MHD_OPTION_CONNECTION_LIMIT, 4096u,
        MHD_OPTION_THREAD_STACK_SIZE, (size_t)256 * 1024, MHD_OPTION_END);
    const union MHD_DaemonInfo *info = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    *bound = info ? info->port : (unsigned)port;
    if (!d)
        sem_destroy(&s->slots);
    return d;
}

void serve_stop(struct serve *s, struct MHD_Daemon *d)
{
    MHD_stop_daemon(d);
    sem_destroy(&s->slots);
}

int cmd_serve(struct emu *e, int port)
{
    struct serve s = {.e = e};
    unsigned bound;
    struct MHD_Daemon *d = serve_start(&s, port, &bound);
    if (!d) {
        emu_log("slsrt-local: cannot listen on 127.0.0.1:%d", port);
        return 2;
    }
    emu_log("slsrt-local: serving http://127.0.0.1:%u/2015-03-31/functions/function/invocations", bound);
    emu_wait_for_stop(e, NULL, NULL);
    emu_shutdown(e); /* ends an invocation in flight before its thread is joined */
    serve_stop(&s, d);
    return 0;
}

/* ---- --durable ---------------------------------------------------------------- */

static struct MHD_Daemon *durable_start(struct emu *e, struct serve *s, struct durable *d, int port,
                                        const struct durable_options *dopt, unsigned *bound)
{
    durable_init(d, e, dopt->time_scale, dopt->state_file);
    s->e = e, s->durable = d;
    struct MHD_Daemon *daemon = serve_start(s, port, bound);
    if (!daemon) {
        emu_log("slsrt-local: cannot listen on 127.0.0.1:%d", port);
        durable_free(d);
        return NULL;
    }
    snprintf(e->durable_endpoint, sizeof e->durable_endpoint, "http://127.0.0.1:%u", *bound);
    emu_log("slsrt-local: durable execution service at %s (AWS_ENDPOINT_URL_LAMBDA of the function)%s",
            e->durable_endpoint, dopt->state_file ? "; executions kept in the --state file" : "");
    /* Executions a previous run left running go on. */
    pthread_mutex_lock(&d->mu);
    for (struct dexec *x = d->list; x; x = x->next)
        durable_drive(d, x);
    pthread_mutex_unlock(&d->mu);
    return daemon;
}

static void durable_end(struct emu *e, struct serve *s, struct durable *d, struct MHD_Daemon *daemon)
{
    pthread_mutex_lock(&d->mu);
    d->stopping = 1;
    pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->mu);
    emu_shutdown(e); /* ends an invocation in flight */
    durable_stop_all(d);
    serve_stop(s, daemon);
    durable_free(d);
}

int cmd_serve_durable(struct emu *e, int port, const struct durable_options *dopt)
{
    struct serve s = {0};
    struct durable d;
    unsigned bound;
    struct MHD_Daemon *daemon = durable_start(e, &s, &d, port, dopt, &bound);
    if (!daemon)
        return 2;
    emu_log("slsrt-local: serving http://127.0.0.1:%u/2015-03-31/functions/function/invocations (each invoke "
            "starts a durable execution)", bound);
    emu_wait_for_stop(e, NULL, NULL);
    durable_end(e, &s, &d, daemon);
    return 0;
}

int cmd_invoke_durable(struct emu *e, const char *const *events, size_t nevents, int port,
                       const struct durable_options *dopt)
{
    struct serve s = {0};
    struct durable d;
    unsigned bound;
    struct MHD_Daemon *daemon = durable_start(e, &s, &d, port, dopt, &bound);
    if (!daemon)
        return 2;
    int failed = 0;
    for (size_t i = 0; i < nevents; i++) {
        size_t len;
        char *event = read_event_file(events[i], &len);
        if (!event) {
            emu_log("slsrt-local: cannot read %s", events[i]);
            failed = 1;
            continue;
        }
        pthread_mutex_lock(&d.mu);
        struct dexec *x = durable_create(&d, NULL, event, len);
        free(event);
        if (!x) {
            pthread_mutex_unlock(&d.mu);
            failed = 1;
            continue;
        }
        emu_log("slsrt-local: durable execution %s", x->arn);
        durable_drive(&d, x);
        durable_wait_end(&d, x);
        int ok = !strcmp(x->status, "SUCCEEDED");
        char *text = ok ? NULL : json_dumps(x->result, JSON_COMPACT);
        printf("%s\n", ok ? json_string_value(x->result) : text ? text : "null");
        fflush(stdout);
        free(text);
        failed |= !ok;
        pthread_mutex_unlock(&d.mu);
    }
    durable_end(e, &s, &d, daemon);
    return failed;
}
