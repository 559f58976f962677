/*
 * cmd_serve.c - `slsrt-local serve --port N -- ./bootstrap`: the invoke
 * endpoint of AWS's Runtime Interface Emulator,
 * POST /2015-03-31/functions/function/invocations, so that tooling written
 * for it works unchanged.  One invocation at a time, like one sandbox.
 */
#include "emu.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
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
    if (strcmp(method, "POST") != 0 || !is_invoke_path(url)) {
        static const char msg[] = "{\"message\":\"POST /2015-03-31/functions/function/invocations\"}";
        return answer(c, 404, msg, sizeof msg - 1, NULL, 0);
    }
    return invoke(cls, c, b);
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
