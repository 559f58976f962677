/*
 * rapi_client.h - HTTP/1.1 client for the Lambda Runtime API on loopback
 * (private).  One keep-alive connection, buffers reused across requests.
 * Not thread-safe: each worker owns one client.
 */
#ifndef SLSRT_RAPI_CLIENT_H
#define SLSRT_RAPI_CLIENT_H

#include <stddef.h>
#include <sys/socket.h>

#include "util/buf.h"
#include "http_reader.h"

/* Largest payload read from the API; bigger ones are refused, not buffered. */
#define SLSRT__RAPI_MAX_BODY (32u * 1024 * 1024)
/* A receive buffer grown past this by a large event is freed before the next read. */
#define SLSRT__RAPI_KEEP_BUFFER (256u * 1024)

typedef struct slsrt__rapi {
    char endpoint[256]; /* host:port, also the Host header */
    struct sockaddr_storage addr;
    socklen_t addrlen;
    int fd;
    slsrt__buf out; /* the request head being built */
    slsrt__buf in;  /* the response as received */
    slsrt__http_head head; /* its names and values are offsets into `in` */
    char *body; /* points into `in`, NUL-terminated */
    size_t body_len;
    char error[320]; /* why the last call failed; no secrets ever */
    int reconnected; /* the last send found the kept-alive connection dead */
} slsrt__rapi;

/* Parse "host:port" ("[v6]:port" too).  SLSRT_EINVAL with error set. */
int slsrt__rapi_init(slsrt__rapi *c, const char *endpoint);
void slsrt__rapi_close(slsrt__rapi *c);

/* Start a request: "METHOD /2018-06-01<path> HTTP/1.1" and the Host header. */
int slsrt__rapi_begin(slsrt__rapi *c, const char *method, const char *path);
/* The same under another API version: "/2020-01-01" for the Extensions API. */
int slsrt__rapi_begin_api(slsrt__rapi *c, const char *method, const char *version, const char *path);
int slsrt__rapi_header(slsrt__rapi *c, const char *name, const char *value);

/*
 * Send the request with its body and read the whole response into c->head,
 * c->body (1xx interim answers skipped; the connection closed after a
 * response that says Connection: close or is HTTP/1.0).  idempotent: the request may be sent again on a fresh connection
 * when the kept-alive one turns out dead before any reply byte arrives (only
 * /next is).  Returns SLSRT_OK, SLSRT_EIO (connection refused, reset, closed),
 * SLSRT_EPROTO (not HTTP), SLSRT_ETOOBIG (body over SLSRT__RAPI_MAX_BODY: the
 * head is valid, the body is not read and the connection is closed).
 */
int slsrt__rapi_send(slsrt__rapi *c, const void *body, size_t body_len, int idempotent);

/*
 * Streaming: send the request head with Transfer-Encoding: chunked now
 * (after the headers added with slsrt__rapi_header), then chunks, then the
 * end with trailers; slsrt__rapi_finish reads the response.  Never retried.
 */
int slsrt__rapi_send_head(slsrt__rapi *c);
int slsrt__rapi_send_chunk(slsrt__rapi *c, const void *data, size_t len);
/* The last chunk, then "Name: value" trailers (pairs; NULL-terminated array or NULL). */
int slsrt__rapi_end_chunks(slsrt__rapi *c, const char *const *trailers);
int slsrt__rapi_finish(slsrt__rapi *c);

#endif
