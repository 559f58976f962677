/*
 * http_reader.h - parse an HTTP/1.1 response head and a chunked body from
 * bytes received so far (private; pure functions, no I/O, fuzzed).
 */
#ifndef SLSRT_HTTP_READER_H
#define SLSRT_HTTP_READER_H

#include <stddef.h>

#define SLSRT__HTTP_MAX_HEADERS 64
#define SLSRT__HTTP_MAX_HEAD (256 * 1024)

typedef struct slsrt__http_header {
    const char *name;  /* NUL-terminated in place; points into the buffer */
    const char *value; /* trimmed, NUL-terminated in place */
    size_t name_len;
} slsrt__http_header;

typedef struct slsrt__http_head {
    int status;
    size_t head_len;         /* bytes up to and including the blank line */
    long long content_length; /* -1 when absent */
    int chunked;
    size_t nheaders;
    slsrt__http_header headers[SLSRT__HTTP_MAX_HEADERS];
} slsrt__http_head;

/*
 * Parse the head at buf[0..len).  Returns 1 when complete (out filled,
 * names and values NUL-terminated inside buf), 0 when more bytes are needed,
 * SLSRT_EPROTO when the bytes cannot be a valid head (or it is over
 * SLSRT__HTTP_MAX_HEAD).
 */
int slsrt__http_parse_head(char *buf, size_t len, slsrt__http_head *out);

/* 1 when s is a non-empty RFC 9110 token (a method or a header name). */
int slsrt__http_is_token(const char *s);

/* Case-insensitive comparison of a header name with a lower-case literal. */
int slsrt__http_name_is(const slsrt__http_header *h, const char *lower, size_t len);

/* Case-insensitive lookup; NULL when absent. */
const char *slsrt__http_find(const slsrt__http_head *h, const char *name);

/*
 * Decode a chunked body in place.  buf[0..len) holds the bytes after the
 * head.  Returns 1 when the last chunk and trailers were seen: *body_len is
 * the decoded length (data now at buf[0..*body_len)) and *used the bytes
 * consumed.  Returns 0 when more bytes are needed (buf is then untouched),
 * SLSRT_EPROTO on malformed framing, SLSRT_ETOOBIG when the decoded body
 * would exceed max.
 */
int slsrt__http_dechunk(char *buf, size_t len, size_t max, size_t *body_len, size_t *used);

#endif
