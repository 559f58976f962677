/* sigv4.h - AWS Signature Version 4: canonical request, string to sign,
 * signature, Authorization header or presigned query (private). */
#ifndef SLSRT_SIGV4_H
#define SLSRT_SIGV4_H

#include <stddef.h>

#include "util/buf.h"

typedef struct slsrt__kv {
    const char *name, *value;
} slsrt__kv;

typedef struct slsrt__sigv4_req {
    const char *method;
    const char *host;          /* used when headers hold no Host */
    const char *path;          /* as sent (percent-encoded); "" is "/" */
    const slsrt__kv *query;    /* decoded names and values, any order, repeats allowed */
    size_t nquery;
    const slsrt__kv *headers;  /* as sent; repeats are joined with ',' in order */
    size_t nheaders;
    const void *body;
    size_t body_len;
    const char *region, *service;
    const char *access_key, *secret_key, *token; /* token may be NULL */
    const char *timestamp;     /* "YYYYMMDDTHHMMSSZ" */
    long presign_expires;      /* > 0: sign the query (a presigned URL), 1..604800 s */
    int s3;                    /* S3's rules: path used as sent, x-amz-content-sha256 signed */
    int unsigned_payload;      /* payload hash "UNSIGNED-PAYLOAD" (streamed uploads) */
    int content_sha256_header; /* add and sign x-amz-content-sha256 (implied by s3) */
    int omit_token;            /* add the token after signing, unsigned (a few services want this) */
    int no_normalize;          /* encode the path without resolving "." and ".." (S3 does neither) */
} slsrt__sigv4_req;

typedef struct slsrt__sigv4_out {
    slsrt__buf canonical_request;
    slsrt__buf string_to_sign;
    char signature[65];
    char amz_date[17];
    char payload_hash[65];
    /* Header mode: the value of Authorization.  Presign: the whole query
     * string to send, X-Amz-Signature included (no leading '?'). */
    slsrt__buf authorization;
    slsrt__buf query;
    /* Header mode: what the request must carry besides Authorization. */
    int add_content_sha256; /* x-amz-content-sha256: payload_hash */
    int add_token;          /* x-amz-security-token: the token */
} slsrt__sigv4_out;

/*
 * Sign.  0; SLSRT_EINVAL with a static reason in *why for bad input (never
 * quoting a credential); SLSRT_ENOTFOUND when libcrypto is missing;
 * SLSRT_ENOMEM.  out is zeroed first; release it with slsrt__sigv4_out_free.
 */
int slsrt__sigv4_sign(const slsrt__sigv4_req *r, slsrt__sigv4_out *out, const char **why);
/* Wipes the buffers (they hold a signature) and frees them. */
void slsrt__sigv4_out_free(slsrt__sigv4_out *out);

/* RFC 3986 encoding: everything but A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash). */
int slsrt__uri_encode(slsrt__buf *b, const char *s, size_t len, int keep_slash);
/* "YYYYMMDDTHHMMSSZ" for t (UTC) into out[17]. */
void slsrt__amz_date(long long t, char out[17]);

#endif
