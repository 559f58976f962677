/*
 * rapi_client.c - the Runtime API's HTTP/1.1 client.
 *
 * Written against sockets rather than libcurl: this code runs on every
 * invocation, and loading libcurl alone costs more than the whole start-up
 * budget.  The API is on loopback, answers with Content-Length, and
 * /next is a long poll that must never time out (the sandbox is frozen
 * between invocations), so there are no timeouts here.
 */
#include "rapi_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <slsrt/common.h>

#define USER_AGENT "slsrt/" SLSRT_VERSION_STRING

static int fail(slsrt__rapi *c, int status, const char *what)
{
    snprintf(c->error, sizeof c->error, "%.150s (Runtime API at %.90s)", what, c->endpoint);
    return status;
}

/* A bad AWS_LAMBDA_RUNTIME_API: the message says it all. */
static int fail_config(slsrt__rapi *c, const char *what)
{
    snprintf(c->error, sizeof c->error, "%s", what);
    return SLSRT_EINVAL;
}

static int fail_errno(slsrt__rapi *c, const char *what)
{
    char msg[160];
    snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
    return fail(c, SLSRT_EIO, msg);
}

static int resolve(slsrt__rapi *c, const char *host, const char *port)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)&c->addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&c->addr;
    char *end;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p <= 0 || p > 65535)
        return fail_config(c, "AWS_LAMBDA_RUNTIME_API has no valid port");

    /* Numeric first: getaddrinfo loads NSS modules, a cost at every start. */
    memset(&c->addr, 0, sizeof c->addr);
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)p);
        c->addrlen = sizeof *v4;
        return SLSRT_OK;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)p);
        c->addrlen = sizeof *v6;
        return SLSRT_OK;
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
    if (getaddrinfo(host, port, &hints, &res) != 0 || !res)
        return fail_config(c, "cannot resolve the host of AWS_LAMBDA_RUNTIME_API");
    memcpy(&c->addr, res->ai_addr, res->ai_addrlen);
    c->addrlen = res->ai_addrlen;
    freeaddrinfo(res);
    return SLSRT_OK;
}

int slsrt__rapi_init(slsrt__rapi *c, const char *endpoint)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    if (!endpoint || !*endpoint || strlen(endpoint) >= sizeof c->endpoint)
        return fail_config(c, "AWS_LAMBDA_RUNTIME_API is not set");
    strcpy(c->endpoint, endpoint);

    char host[256];
    strcpy(host, endpoint);
    char *h = host, *colon;
    if (*h == '[') {
        char *close = strchr(h, ']');
        if (!close || close[1] != ':')
            return fail_config(c, "AWS_LAMBDA_RUNTIME_API is not host:port");
        *close = '\0';
        h++;
        colon = close + 1;
    } else if (!(colon = strrchr(h, ':'))) {
        return fail_config(c, "AWS_LAMBDA_RUNTIME_API is not host:port");
    }
    *colon = '\0';
    return resolve(c, h, colon + 1);
}

void slsrt__rapi_close(slsrt__rapi *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static int connect_api(slsrt__rapi *c)
{
    c->fd = socket(c->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return fail_errno(c, "socket");
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    while (connect(c->fd, (struct sockaddr *)&c->addr, c->addrlen) != 0) {
        if (errno == EINTR)
            continue;
        int rc = fail_errno(c, "connect");
        slsrt__rapi_close(c);
        return rc;
    }
    return SLSRT_OK;
}

/* A kept-alive connection the server closed reads as EOF without blocking. */
static int connection_alive(slsrt__rapi *c)
{
    char byte;
    ssize_t n = recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

int slsrt__rapi_begin(slsrt__rapi *c, const char *method, const char *path)
{
    return slsrt__rapi_begin_api(c, method, "/2018-06-01", path);
}

int slsrt__rapi_begin_api(slsrt__rapi *c, const char *method, const char *version, const char *path)
{
    slsrt__buf_clear(&c->out);
    if (slsrt__buf_append_str(&c->out, method) || slsrt__buf_append(&c->out, " ", 1) ||
        slsrt__buf_append_str(&c->out, version) || slsrt__buf_append_str(&c->out, path) ||
        slsrt__buf_append_str(&c->out, " HTTP/1.1\r\nUser-Agent: " USER_AGENT "\r\nHost: ") ||
        slsrt__buf_append_str(&c->out, c->endpoint) || slsrt__buf_append(&c->out, "\r\n", 2))
        return fail(c, SLSRT_ENOMEM, "out of memory building a request");
    return SLSRT_OK;
}

int slsrt__rapi_header(slsrt__rapi *c, const char *name, const char *value)
{
    if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
        return fail(c, SLSRT_EINVAL, "a header for the Runtime API holds CR or LF");
    if (slsrt__buf_append_str(&c->out, name) || slsrt__buf_append(&c->out, ": ", 2) ||
        slsrt__buf_append_str(&c->out, value) || slsrt__buf_append(&c->out, "\r\n", 2))
        return fail(c, SLSRT_ENOMEM, "out of memory building a request");
    return SLSRT_OK;
}

static int send_iov(slsrt__rapi *c, struct iovec *iov, int n)
{
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)n};
    while (msg.msg_iovlen) {
        ssize_t n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail_errno(c, "send");
        }
        while (msg.msg_iovlen && (size_t)n >= msg.msg_iov->iov_len) {
            n -= (ssize_t)msg.msg_iov->iov_len;
            msg.msg_iov++;
            msg.msg_iovlen--;
        }
        if (msg.msg_iovlen) {
            msg.msg_iov->iov_base = (char *)msg.msg_iov->iov_base + n;
            msg.msg_iov->iov_len -= (size_t)n;
        }
    }
    return SLSRT_OK;
}

static int send_all(slsrt__rapi *c, const void *body, size_t body_len)
{
    struct iovec iov[2] = {{c->out.data, c->out.len}, {(void *)body, body_len}};
    return send_iov(c, iov, body_len ? 2 : 1);
}

/* Read more bytes into c->in; 0 on EOF, <0 on error, else bytes read. */
static ssize_t read_more(slsrt__rapi *c, size_t want)
{
    if (slsrt__buf_reserve(&c->in, want))
        return fail(c, SLSRT_ENOMEM, "out of memory reading a response");
    for (;;) {
        ssize_t n = recv(c->fd, c->in.data + c->in.len, c->in.cap - 1 - c->in.len, 0);
        if (n >= 0) {
            c->in.len += (size_t)n;
            c->in.data[c->in.len] = '\0';
            return n;
        }
        if (errno != EINTR)
            return fail_errno(c, "recv");
    }
}

static int read_chunked(slsrt__rapi *c)
{
    size_t start = c->head.head_len;
    slsrt__http_chunked st = {0};
    for (;;) {
        size_t len = c->in.len - start;
        int rc = slsrt__http_dechunk(&st, c->in.data + start, &len, SLSRT__RAPI_MAX_BODY);
        c->in.len = start + len;
        if (rc == SLSRT_ETOOBIG)
            return fail(c, SLSRT_ETOOBIG, "response body over the size limit");
        if (rc < 0)
            return fail(c, SLSRT_EPROTO, "malformed chunked body");
        if (rc == 1) {
            c->body_len = st.out;
            if (len > st.out) /* bytes past the body would desynchronize the next response */
                c->head.close = 1;
            return SLSRT_OK;
        }
        ssize_t n = read_more(c, 64 * 1024);
        if (n <= 0)
            return n < 0 ? (int)n : fail(c, SLSRT_EIO, "connection closed in a chunked body");
    }
}

static int read_length(slsrt__rapi *c, size_t want)
{
    if (want > SLSRT__RAPI_MAX_BODY)
        return fail(c, SLSRT_ETOOBIG, "response body over the size limit");
    while (c->in.len - c->head.head_len < want) {
        ssize_t n = read_more(c, want - (c->in.len - c->head.head_len));
        if (n <= 0)
            return n < 0 ? (int)n : fail(c, SLSRT_EIO, "connection closed in the body");
    }
    c->body_len = want;
    if (c->in.len - c->head.head_len > want)
        c->head.close = 1;
    return SLSRT_OK;
}

/* A body without length or chunks ends when the server closes (HTTP/1.0, Connection: close). */
static int read_to_close(slsrt__rapi *c)
{
    for (;;) {
        if (c->in.len - c->head.head_len > SLSRT__RAPI_MAX_BODY)
            return fail(c, SLSRT_ETOOBIG, "response body over the size limit");
        ssize_t n = read_more(c, 64 * 1024);
        if (n < 0)
            return (int)n;
        if (n == 0)
            break;
    }
    c->body_len = c->in.len - c->head.head_len;
    return SLSRT_OK;
}

static int read_body(slsrt__rapi *c)
{
    const slsrt__http_head *h = &c->head;
    int rc;
    if (h->chunked)
        rc = read_chunked(c);
    else if (h->content_length >= 0)
        rc = read_length(c, (size_t)h->content_length);
    else if (h->status == 204 || h->status == 304)
        rc = read_length(c, 0);
    else if (h->close)
        rc = read_to_close(c);
    else
        return fail(c, SLSRT_EPROTO, "response without Content-Length");
    if (rc != SLSRT_OK)
        return rc;
    c->body = c->in.data + h->head_len;
    c->body[c->body_len] = '\0';
    return SLSRT_OK;
}

/*
 * Read until a complete final head is in c->in, skipping 1xx interim
 * answers.  *got_bytes tells the caller whether the server answered at all.
 */
static int read_head(slsrt__rapi *c, int *got_bytes)
{
    size_t seen = 0;
    for (;;) {
        int rc = c->in.len ? slsrt__http_parse_head(c->in.data, c->in.len, seen, &c->head) : 0;
        if (rc < 0)
            return fail(c, SLSRT_EPROTO, "malformed HTTP response");
        if (rc == 1 && c->head.status >= 200)
            return SLSRT_OK;
        if (rc == 1) { /* 100 Continue and the like: the final answer follows */
            c->in.len -= c->head.head_len;
            memmove(c->in.data, c->in.data + c->head.head_len, c->in.len);
            seen = 0;
            continue;
        }
        seen = c->in.len;
        ssize_t n = read_more(c, 16 * 1024);
        if (n < 0)
            return (int)n;
        if (n == 0)
            return fail(c, SLSRT_EIO, *got_bytes ? "connection closed in the response head"
                                                 : "connection closed before a response");
        *got_bytes = 1;
    }
}

static int read_response(slsrt__rapi *c, int *got_bytes)
{
    /* The previous response is no longer needed: a large event's buffer goes back now. */
    if (c->in.cap > SLSRT__RAPI_KEEP_BUFFER)
        slsrt__buf_free(&c->in);
    slsrt__buf_clear(&c->in);
    *got_bytes = 0;
    int rc = read_head(c, got_bytes);
    if (rc == SLSRT_OK)
        rc = read_body(c);
    if (rc == SLSRT_ETOOBIG || (rc == SLSRT_OK && c->head.close))
        slsrt__rapi_close(c);
    return rc;
}

int slsrt__rapi_send(slsrt__rapi *c, const void *body, size_t body_len, int idempotent)
{
    if (slsrt__buf_append(&c->out, "Content-Length: ", 16) ||
        slsrt__buf_append_u64(&c->out, body_len) || slsrt__buf_append(&c->out, "\r\n\r\n", 4))
        return fail(c, SLSRT_ENOMEM, "out of memory building a request");
    c->body = NULL;
    c->body_len = 0;
    c->reconnected = 0;

    for (int attempt = 0;; attempt++) {
        int reused = c->fd >= 0;
        if (reused && !connection_alive(c)) {
            slsrt__rapi_close(c);
            reused = 0;
        }
        if (!reused && connect_api(c))
            return SLSRT_EIO;
        int got_bytes = 0;
        int rc = send_all(c, body, body_len);
        if (rc == SLSRT_OK)
            rc = read_response(c, &got_bytes);
        if (rc == SLSRT_OK || rc == SLSRT_ETOOBIG)
            return rc;
        slsrt__rapi_close(c);
        /* Retry once, and only what is safe to send twice. */
        if (rc != SLSRT_EIO || got_bytes || !idempotent || attempt > 0)
            return rc;
        c->reconnected = 1;
    }
}

/* A connection for a request that is never sent twice. */
static int fresh_or_alive(slsrt__rapi *c)
{
    if (c->fd >= 0 && !connection_alive(c))
        slsrt__rapi_close(c);
    return c->fd >= 0 ? SLSRT_OK : connect_api(c);
}

int slsrt__rapi_send_head(slsrt__rapi *c)
{
    if (slsrt__buf_append_str(&c->out, "Transfer-Encoding: chunked\r\n\r\n"))
        return fail(c, SLSRT_ENOMEM, "out of memory building a request");
    c->body = NULL;
    c->body_len = 0;
    int rc = fresh_or_alive(c);
    if (rc == SLSRT_OK)
        rc = send_all(c, NULL, 0);
    if (rc != SLSRT_OK)
        slsrt__rapi_close(c);
    return rc;
}

int slsrt__rapi_send_chunk(slsrt__rapi *c, const void *data, size_t len)
{
    if (c->fd < 0)
        return fail(c, SLSRT_EIO, "the stream's connection is closed");
    if (len == 0)
        return SLSRT_OK; /* an empty chunk would end the body */
    char size[24];
    int n = snprintf(size, sizeof size, "%zx\r\n", len);
    struct iovec iov[3] = {{size, (size_t)n}, {(void *)data, len}, {(void *)"\r\n", 2}};
    int rc = send_iov(c, iov, 3);
    if (rc != SLSRT_OK)
        slsrt__rapi_close(c);
    return rc;
}

int slsrt__rapi_end_chunks(slsrt__rapi *c, const char *const *trailers)
{
    slsrt__buf_clear(&c->out);
    slsrt__buf_append(&c->out, "0\r\n", 3);
    for (const char *const *t = trailers; t && t[0]; t += 2)
        if (slsrt__rapi_header(c, t[0], t[1]))
            return SLSRT_EINVAL;
    if (slsrt__buf_append(&c->out, "\r\n", 2))
        return fail(c, SLSRT_ENOMEM, "out of memory ending a stream");
    if (c->fd < 0)
        return fail(c, SLSRT_EIO, "the stream's connection is closed");
    int rc = send_all(c, NULL, 0);
    if (rc != SLSRT_OK)
        slsrt__rapi_close(c);
    return rc;
}

int slsrt__rapi_finish(slsrt__rapi *c)
{
    int got_bytes;
    int rc = c->fd >= 0 ? read_response(c, &got_bytes) : fail(c, SLSRT_EIO, "the stream's connection is closed");
    if (rc != SLSRT_OK)
        slsrt__rapi_close(c);
    return rc;
}
