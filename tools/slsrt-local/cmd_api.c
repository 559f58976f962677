/*
 * cmd_api.c - `slsrt-local start-api --port N [--source S] [--routes FILE]
 * -- ./bootstrap`: plain HTTP in front of the function, as API Gateway,
 * an ALB or a Function URL puts it: the request becomes that source's
 * event, the function's answer becomes the HTTP response (status, headers,
 * multi-value headers, cookies, base64 bodies).  A streamed answer is
 * streamed, its HTTP-integration prelude (status, headers, cookies) read
 * first.  A failed invocation answers 502 with the function's error.
 */
#include "emu.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PRELUDE_TYPE "application/vnd.awslambda.http-integration-response"
#define PRELUDE_MAX (64 * 1024)

struct request {
    char *uri;   /* as the client sent it, query included */
    char *event; /* what the function was sent (a stream outlives call()) */
    int started;
    struct body body;
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls, (void)c;
    struct request *r = calloc(1, sizeof *r);
    if (r)
        r->uri = strdup(uri);
    return r;
}

static enum MHD_Result plain(struct MHD_Connection *c, unsigned status, const char *body, const char *type)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- the function's answer as HTTP ---------------------------------------- */

static size_t base64_decode(const char *in, char *out)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;
    unsigned acc = 0, bits = 0;
    for (; *in && *in != '='; in++) {
        const char *p = strchr(tbl, *in);
        if (!p)
            continue;
        acc = acc << 6 | (unsigned)(p - tbl);
        if ((bits += 6) >= 8) {
            bits -= 8;
            out[n++] = (char)(acc >> bits & 0xff);
        }
    }
    return n;
}

/* statusCode, headers, multiValueHeaders and cookies onto r; the status. */
static unsigned add_headers(struct MHD_Response *r, json_t *doc)
{
    const char *name;
    json_t *v, *list;
    size_t i;
    json_object_foreach(json_object_get(doc, "headers"), name, v)
        if (json_is_string(v))
            MHD_add_response_header(r, name, json_string_value(v));
    json_object_foreach(json_object_get(doc, "multiValueHeaders"), name, list)
        json_array_foreach(list, i, v)
            if (json_is_string(v))
                MHD_add_response_header(r, name, json_string_value(v));
    json_array_foreach(json_object_get(doc, "cookies"), i, v)
        if (json_is_string(v))
            MHD_add_response_header(r, "Set-Cookie", json_string_value(v));
    json_int_t status = json_integer_value(json_object_get(doc, "statusCode"));
    return status >= 100 && status <= 599 ? (unsigned)status : 200;
}

static enum MHD_Result buffered(struct MHD_Connection *c, enum http_source source, const struct invocation *inv)
{
    json_t *doc = json_loadb(inv->result ? inv->result : "", inv->result_len, JSON_DECODE_ANY, NULL);
    int shaped = json_is_object(doc) && json_object_get(doc, "statusCode");
    if (!shaped && (source == HTTP_APIGW_V1 || source == HTTP_ALB)) {
        /* REST APIs and ALBs want the shape; HTTP APIs and URLs take any JSON as a 200 body. */
        json_decref(doc);
        emu_log("slsrt-local: the function's answer has no statusCode: 502, as %s answers", http_source_name(source));
        return plain(c, 502, "{\"message\": \"Internal server error\"}", "application/json");
    }
    struct MHD_Response *r;
    unsigned status = 200;
    if (!shaped) {
        r = MHD_create_response_from_buffer(inv->result_len, inv->result ? inv->result : "", MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(r, "Content-Type", "application/json");
    } else {
        const char *body = json_string_value(json_object_get(doc, "body"));
        size_t len = body ? strlen(body) : 0;
        char *bytes = malloc(len + 1);
        if (json_is_true(json_object_get(doc, "isBase64Encoded")) && body)
            len = base64_decode(body, bytes);
        else if (body)
            memcpy(bytes, body, len);
        r = MHD_create_response_from_buffer(len, bytes, MHD_RESPMEM_MUST_FREE);
        status = add_headers(r, doc);
    }
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    json_decref(doc);
    return ok;
}

/* A stream whose first bytes (the prelude, after its 8 NULs) were read already. */
struct stream {
    struct job *job;
    char *pending;
    size_t npending, off;
};

static ssize_t read_stream(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *s = cls;
    if (s->off < s->npending) {
        size_t n = s->npending - s->off < max ? s->npending - s->off : max;
        memcpy(buf, s->pending + s->off, n);
        s->off += n;
        return (ssize_t)n;
    }
    return job_read_stream(s->job, pos, buf, max);
}

static void free_stream(void *cls)
{
    struct stream *s = cls;
    job_free(s->job);
    free(s->pending);
    free(s);
}

static enum MHD_Result streamed(struct MHD_Connection *c, struct job *j)
{
    struct stream *s = calloc(1, sizeof *s);
    s->job = j;
    json_t *prelude = NULL;
    if (j->inv.content_type && !strcmp(j->inv.content_type, PRELUDE_TYPE)) {
        /* Read up to the 8 NULs; what follows them is the body's start. */
        char *buf = malloc(PRELUDE_MAX);
        size_t n = 0;
        char *end = NULL;
        ssize_t got;
        while (!end && n < PRELUDE_MAX && (got = read(j->pipe[0], buf + n, PRELUDE_MAX - n)) > 0) {
            n += (size_t)got;
            for (size_t i = 0; i + 8 <= n && !end; i++)
                if (!memcmp(buf + i, "\0\0\0\0\0\0\0\0", 8))
                    end = buf + i;
        }
        if (end) {
            prelude = json_loadb(buf, (size_t)(end - buf), 0, NULL);
            s->npending = n - (size_t)(end + 8 - buf);
            s->pending = s->npending ? memcpy(malloc(s->npending), end + 8, s->npending) : NULL;
        } else {
            s->pending = buf, s->npending = n, buf = NULL; /* no prelude: all of it is body */
        }
        free(buf);
    }
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, read_stream, s, free_stream);
    unsigned status = prelude ? add_headers(r, prelude) : 200;
    if (!prelude)
        MHD_add_response_header(r, "Content-Type", j->inv.content_type ? j->inv.content_type : "application/octet-stream");
    json_decref(prelude);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- requests ---------------------------------------------------------------- */

struct headers {
    struct http_header *list;
    size_t n;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *name, const char *value)
{
    (void)kind;
    struct headers *h = cls;
    struct http_header *l = realloc(h->list, (h->n + 1) * sizeof *l);
    if (!l)
        return MHD_NO;
    h->list = l;
    l[h->n++] = (struct http_header){name, value ? value : ""};
    return MHD_YES;
}

static enum MHD_Result call(struct api *api, struct MHD_Connection *c, const char *method, struct request *rq)
{
    if (rq->body.total > EMU_MAX_PAYLOAD)
        return plain(c, 413, "{\"message\": \"Request Entity Too Large\"}", "application/json");
    char *query = strchr(rq->uri, '?');
    if (query)
        *query++ = '\0';
    struct headers h = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect, &h);
    struct http_request req = {.source = api->source, .method = method, .path = rq->uri, .query = query,
                               .headers = h.list, .nheaders = h.n, .body = rq->body.data, .body_len = rq->body.len};
    struct route_match m;
    char *decoded_path = http_decoded(rq->uri, strlen(rq->uri)); /* routes match the decoded path */
    int routed = routes_match(&api->routes, method, decoded_path, &m);
    free(decoded_path);
    if (routed != 0) {
        json_decref(m.params);
        free(h.list);
        return plain(c, 404, "{\"message\":\"Not Found\"}", "application/json");
    }
    char *event = rq->event = http_event(&req, &m);
    json_decref(m.params);
    free(h.list);
    struct job *j = job_start(api->e, &api->slots, event, strlen(event));
    if (!j)
        return MHD_NO;
    enum MHD_Result ok;
    if (j->inv.streaming) {
        ok = streamed(c, j); /* the job is the stream's now */
    } else if (j->inv.is_error) {
        struct MHD_Response *r = MHD_create_response_from_buffer(j->inv.result_len, j->inv.result ? j->inv.result : "",
                                                                 MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(r, "Content-Type", "application/json");
        MHD_add_response_header(r, "X-Amz-Function-Error", "Unhandled");
        ok = MHD_queue_response(c, 502, r);
        MHD_destroy_response(r);
        job_free(j);
    } else {
        ok = buffered(c, api->source, &j->inv);
        job_free(j);
    }
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *data, size_t *data_size, void **ctx)
{
    (void)url, (void)version;
    struct request *rq = *ctx;
    if (!rq)
        return MHD_NO;
    if (!rq->started) {
        rq->started = 1;
        return MHD_YES;
    }
    if (*data_size) {
        int rc = body_add(&rq->body, data, *data_size);
        *data_size = 0;
        return rc ? MHD_NO : MHD_YES;
    }
    return call(cls, c, method, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode t)
{
    (void)cls, (void)c, (void)t;
    struct request *rq = *ctx;
    if (rq) {
        free(rq->uri);
        free(rq->event);
        free(rq->body.data);
        free(rq);
    }
    *ctx = NULL;
}

struct MHD_Daemon *api_start(struct api *api, int port, unsigned *bound)
{
    sem_init(&api->slots, 0, (unsigned)api->e->opt->concurrency);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request,
        api, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)api->e->opt->idle_timeout_s,
        MHD_OPTION_THREAD_STACK_SIZE, (size_t)256 * 1024, MHD_OPTION_END);
    const union MHD_DaemonInfo *info = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    *bound = info ? info->port : (unsigned)port;
    return d;
}

void api_stop(struct api *api, struct MHD_Daemon *d)
{
    MHD_stop_daemon(d);
    sem_destroy(&api->slots);
    free(api->routes.list);
}

int api_configure(struct api *api, struct emu *e, const char *source, const char *routes_file)
{
    memset(api, 0, sizeof *api);
    api->e = e;
    int s = source ? http_source_parse(source) : HTTP_APIGW_V2;
    if (s < 0) {
        emu_log("slsrt-local: --source is apigw-v2, apigw-v1, alb or function-url, not '%s'", source);
        return -1;
    }
    api->source = (enum http_source)s;
    if (routes_file && routes_load(routes_file, &api->routes) != 0) {
        emu_log("slsrt-local: cannot read the routes in %s", routes_file);
        return -1;
    }
    return 0;
}

int cmd_api(struct emu *e, int port, const char *source, const char *routes_file)
{
    struct api api;
    if (api_configure(&api, e, source, routes_file) != 0)
        return 2;
    unsigned bound;
    struct MHD_Daemon *d = api_start(&api, port, &bound);
    if (!d) {
        emu_log("slsrt-local: cannot listen on 127.0.0.1:%d", port);
        return 2;
    }
    emu_log("slsrt-local: serving http://127.0.0.1:%u/ as %s", bound, http_source_name(api.source));
    emu_wait_for_stop(e, NULL, NULL);
    api_stop(&api, d);
    return 0;
}
