/*
 * http_reader.h - parse an HTTP/1.1 response head and a chunked body from
 * bytes received so far (private; pure functions, no I/O, fuzzed).
 *
 * Both readers accept their input in any number of pieces and give the same
 * result as for the whole.  Nothing they return points into the buffer:
 * header names and values are offsets, so the caller may grow (realloc) the
 * buffer at any time and still find them.
 */
#ifndef SLSRT_HTTP_READER_H
#define SLSRT_HTTP_READER_H

#include <stddef.h>

#define SLSRT__HTTP_MAX_HEADERS 64
#define SLSRT__HTTP_MAX_HEAD (256 * 1024)
/* A chunk-size line with its extensions, and all trailers together. */
#define SLSRT__HTTP_MAX_CHUNK_LINE 1024
#define SLSRT__HTTP_MAX_TRAILERS (64 * 1024)

/* The header names the runtime acts on, recognised once while parsing. */
typedef enum slsrt__http_name_kind {
    SLSRT__H_OTHER = 0,
    SLSRT__H_CONTENT_LENGTH,
    SLSRT__H_TRANSFER_ENCODING,
    SLSRT__H_CONNECTION,
    SLSRT__H_CONTENT_TYPE,
    SLSRT__H_REQUEST_ID,       /* Lambda-Runtime-Aws-Request-Id */
    SLSRT__H_DEADLINE,         /* Lambda-Runtime-Deadline-Ms */
    SLSRT__H_FUNCTION_ARN,     /* Lambda-Runtime-Invoked-Function-Arn */
    SLSRT__H_TRACE_ID,         /* Lambda-Runtime-Trace-Id */
    SLSRT__H_CLIENT_CONTEXT,   /* Lambda-Runtime-Client-Context */
    SLSRT__H_COGNITO_IDENTITY, /* Lambda-Runtime-Cognito-Identity */
    SLSRT__H_TENANT_ID,        /* Lambda-Runtime-Aws-Tenant-Id */
    SLSRT__H_INVOCATION_ID,    /* Lambda-Runtime-Invocation-Id */
} slsrt__http_name_kind;

typedef struct slsrt__http_header {
    size_t name, name_len;   /* offsets into the buffer; NUL-terminated there */
    size_t value, value_len; /* trimmed */
    slsrt__http_name_kind kind;
} slsrt__http_header;

typedef struct slsrt__http_head {
    int status;
    int close;               /* the server closes the connection after this response */
    int chunked;
    long long content_length; /* -1 when absent */
    size_t head_len;         /* bytes up to and including the blank line */
    size_t nheaders;
    slsrt__http_header headers[SLSRT__HTTP_MAX_HEADERS];
} slsrt__http_head;

/*
 * Parse the head at buf[0..len).  `seen` is how many of those bytes an
 * earlier call for the same response already looked at (0 at first), so a
 * head arriving a byte at a time is scanned once.  Returns 1 when complete
 * (out filled; names and values NUL-terminated in place), 0 when more bytes
 * are needed (buf untouched), SLSRT_EPROTO when the bytes cannot be a valid
 * head or the head is over SLSRT__HTTP_MAX_HEAD.
 */
int slsrt__http_parse_head(char *buf, size_t len, size_t seen, slsrt__http_head *out);

/* A header's name and value, given the buffer the head was parsed from. */
static inline const char *slsrt__http_name(const char *buf, const slsrt__http_header *h) { return buf + h->name; }
static inline const char *slsrt__http_value(const char *buf, const slsrt__http_header *h) { return buf + h->value; }

/* 1 when s is a non-empty RFC 9110 token (a method or a header name). */
int slsrt__http_is_token(const char *s);

/* Case-insensitive lookup; NULL when absent. */
const char *slsrt__http_find(const slsrt__http_head *h, const char *buf, const char *name);

/* Where a chunked body's decoder stands between calls; zero it to start. */
typedef struct slsrt__http_chunked {
    size_t out;      /* decoded bytes, at the start of the body's buffer */
    size_t left;     /* data bytes still due in the current chunk */
    size_t trailers; /* trailer bytes seen */
    int state;
} slsrt__http_chunked;

/*
 * Decode the chunked body in buf[0..*len) in place, resuming where st left
 * off: buf[0..st->out) is already decoded, buf[st->out..*len) holds bytes
 * not yet decoded (the earlier remainder, then what arrived since).  On
 * return the decoded bytes are buf[0..st->out) and the remainder follows
 * them at buf[st->out..*len) (the caller appends new bytes after it), so
 * the buffer never holds more than the decoded body and one read.
 * Returns 1 when the last chunk and the trailers were seen (the remainder is
 * then what followed the body), 0 when more bytes are needed, SLSRT_EPROTO
 * on malformed framing or over-long size lines and trailers, SLSRT_ETOOBIG
 * when the decoded body would exceed max.
 */
int slsrt__http_dechunk(slsrt__http_chunked *st, char *buf, size_t *len, size_t max);

#endif
