/*
 * proxy.c - byte-level faults.  libmicrohttpd answers with well-formed HTTP
 * only, so when a --fault asks for garbage, a truncated body, a head without
 * its body or an oversized header, the bootstrap talks to this proxy, which
 * passes everything through to the Runtime API server and mangles the answer
 * to the chosen call.  The runtime never pipelines, so the request a response
 * answers is the last one whose first line went by.
 */
#include "emu.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn {
    struct emu *e;
    int client, server;
};

static int listen_fd;

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static enum api_call call_of(const char *line)
{
    if (strstr(line, "/invocation/next"))
        return CALL_NEXT;
    if (strstr(line, "/init/error"))
        return CALL_INIT_ERROR;
    if (strstr(line, "/error"))
        return CALL_ERROR;
    if (strstr(line, "/response"))
        return CALL_RESPONSE;
    return CALL_COUNT;
}

static const char *header_value(const char *head, const char *name, char *out, size_t n)
{
    for (const char *p = head; (p = strchr(p, '\n')); ) {
        p++;
        size_t len = strlen(name);
        if (strncasecmp(p, name, len) == 0 && p[len] == ':') {
            p += len + 1;
            while (*p == ' ')
                p++;
            size_t v = strcspn(p, "\r\n");
            snprintf(out, n, "%.*s", (int)(v < n ? v : n - 1), p);
            return out;
        }
    }
    return NULL;
}

/* Send the mangled answer; returns 1 when the connection must close. */
static int mangle(struct conn *c, const struct fault *f, enum api_call call, const char *resp, size_t head_len,
                  size_t total)
{
    struct emu *e = c->e;
    emu_log("slsrt-local: fault: mangling the answer to call %u (%s)", e->calls[call],
            f->action == FAULT_GARBAGE ? "garbage" : f->action == FAULT_TRUNCATE ? "truncate"
            : f->action == FAULT_HEADERS_ONLY ? "headers-only" : "big-headers");
    if (call == CALL_NEXT) { /* the runtime never learns of this invocation */
        char id[64];
        if (header_value(resp, "Lambda-Runtime-Aws-Request-Id", id, sizeof id))
            rapi_fail_injected(e, id, "the answer to /next was mangled by an injected fault");
    }
    switch (f->action) {
    case FAULT_GARBAGE:
        send_all(c->client, "HTTP/1.1 2x0 NOT-HTTP\r\n\r\n", 25);
        return 1;
    case FAULT_TRUNCATE:
        send_all(c->client, resp, head_len + (total - head_len) / 2);
        return 1;
    case FAULT_HEADERS_ONLY:
        send_all(c->client, resp, head_len);
        return 1;
    default: { /* big headers: the status line, 300 KB of header, the rest */
        const char *eol = strstr(resp, "\r\n");
        size_t first = eol ? (size_t)(eol - resp) + 2 : 0;
        send_all(c->client, resp, first);
        char *pad = malloc(300 * 1024);
        memset(pad, 'a', 300 * 1024);
        send_all(c->client, "X-Pad: ", 7);
        send_all(c->client, pad, 300 * 1024);
        send_all(c->client, "\r\n", 2);
        free(pad);
        send_all(c->client, resp + first, total - first);
        return 0;
    }
    }
}

static void *serve(void *arg)
{
    struct conn *c = arg;
    struct emu *e = c->e;
    char line[256] = "", *resp = NULL;
    size_t rlen = 0, rcap = 0;
    int in_request = 0;
    for (;;) {
        struct pollfd p[2] = {{c->client, POLLIN, 0}, {c->server, POLLIN, 0}};
        if (poll(p, 2, -1) <= 0)
            break;
        char buf[65536];
        if (p[0].revents) { /* runtime -> API: pass through, noting request lines */
            ssize_t n = recv(c->client, buf, sizeof buf, 0);
            if (n <= 0)
                break;
            if (!in_request) {
                snprintf(line, sizeof line, "%.*s", (int)strcspn(buf, "\r\n") < 200 ? (int)strcspn(buf, "\r\n") : 200, buf);
                in_request = 1;
            }
            send_all(c->server, buf, (size_t)n);
        }
        if (p[1].revents) { /* API -> runtime: hold a response until it is whole */
            ssize_t n = recv(c->server, buf, sizeof buf, 0);
            if (n <= 0)
                break;
            if (rlen + (size_t)n + 1 > rcap) {
                rcap = (rlen + (size_t)n + 1) * 2;
                resp = realloc(resp, rcap);
            }
            memcpy(resp + rlen, buf, (size_t)n);
            rlen += (size_t)n;
            resp[rlen] = '\0';
            char *end = strstr(resp, "\r\n\r\n"), cl[32];
            if (!end)
                continue;
            size_t head_len = (size_t)(end - resp) + 4;
            size_t total = head_len + (header_value(resp, "Content-Length", cl, sizeof cl) ? strtoul(cl, NULL, 10) : 0);
            if (rlen < total)
                continue;
            enum api_call call = call_of(line);
            pthread_mutex_lock(&e->mu);
            const struct fault *f = call < CALL_COUNT ? fault_match(e, call, e->calls[call], 1) : NULL;
            pthread_mutex_unlock(&e->mu);
            int close_now = 0;
            if (f)
                close_now = mangle(c, f, call, resp, head_len, total);
            else
                send_all(c->client, resp, total);
            memmove(resp, resp + total, rlen - total);
            rlen -= total;
            in_request = 0;
            if (close_now)
                break;
        }
    }
    close(c->client);
    close(c->server);
    free(resp);
    free(c);
    return NULL;
}

static void *accept_loop(void *arg)
{
    struct emu *e = arg;
    for (;;) {
        int client = accept(listen_fd, NULL, NULL);
        if (client < 0)
            continue;
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)e->rapi_port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int server = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(server, (struct sockaddr *)&a, sizeof a) != 0) {
            close(client), close(server);
            continue;
        }
        struct conn *c = malloc(sizeof *c);
        *c = (struct conn){e, client, server};
        pthread_t t;
        pthread_create(&t, NULL, serve, c);
        pthread_detach(t);
    }
    return NULL;
}

int proxy_start(struct emu *e)
{
    int needed = 0;
    for (size_t i = 0; i < e->opt->nfaults; i++)
        needed |= fault_byte_level(&e->opt->faults[i]);
    if (!needed)
        return 0;
    listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(listen_fd, (struct sockaddr *)&a, sizeof a) || listen(listen_fd, 16) ||
        getsockname(listen_fd, (struct sockaddr *)&a, &len))
        return -1;
    e->proxy_port = ntohs(a.sin_port);
    pthread_t t;
    if (pthread_create(&t, NULL, accept_loop, e) != 0)
        return -1;
    pthread_detach(t);
    return 0;
}
