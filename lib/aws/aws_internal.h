/* aws_internal.h - the AWS client's structures, shared by its files (private). */
#ifndef SLSRT_AWS_INTERNAL_H
#define SLSRT_AWS_INTERNAL_H

#include <pthread.h>

#include <slsrt/aws.h>

#include "sigv4.h"
#include "util/buf.h"

/* Credentials as signing uses them: a copy on the caller's stack, wiped
 * with slsrt__creds_wipe as soon as the signature is made. */
typedef struct slsrt__creds {
    char access_key[128];
    char secret_key[128];
    char token[3072];
} slsrt__creds;

typedef struct slsrt__creds_store slsrt__creds_store;

/* What every client bound to one runtime shares. */
/* The default cap on a response body (slsrt_aws_set_max_response). */
#define SLSRT__AWS_MAX_RESPONSE (64u * 1024 * 1024)

typedef struct slsrt__aws_shared {
    char *region;
    int max_attempts;
    size_t max_response;
    int cache_ttl_s;
    slsrt__creds_store *creds;
    pthread_mutex_t pool_lock; /* guards pool */
    void **pool;               /* idle CURL handles: open connections for reuse */
    size_t npool, cap_pool;
    pthread_mutex_t cache_lock; /* guards cache */
    struct slsrt__cached *cache;
} slsrt__aws_shared;

struct slsrt_aws {
    slsrt__aws_shared *shared;
    slsrt_invocation *inv; /* bound: deadline and trace; NULL otherwise */
    int owned;             /* from slsrt_aws_new: free the shared part too */
};

struct slsrt_aws_response {
    int status;
    int attempts;
    slsrt__buf headers; /* "name: value\0" entries */
    slsrt__buf body;
    json_t *json;
    int json_parsed;
    char *error_type, *error_message;
    size_t max_body; /* the cap for this exchange */
    int too_large;   /* the body went over it */
};

/* client.c */
slsrt__aws_shared *slsrt__aws_shared_new(void);
void slsrt__aws_shared_free(slsrt__aws_shared *s);
/* Milliseconds left to the bound invocation's deadline; -1 when unbound. */
long long slsrt__aws_remaining_ms(const slsrt_aws *aws);
/* "https://host[:port]" for a service, honouring AWS_ENDPOINT_URL[_<SERVICE>]. New. */
char *slsrt__aws_endpoint(const slsrt_aws *aws, const char *service);

/* config.c */
void slsrt__aws_cache_free(slsrt__aws_shared *s);
/* Replace "ssm:" and "secretsmanager:" references in the environment; 0 or
 * SLSRT_EHANDLER with the init error recorded. */
int slsrt__aws_resolve_env(slsrt_runtime *rt);

/* request.c */
struct slsrt__aws_target;
struct slsrt_aws_request {
    char *method, *service, *target;
    slsrt__kv *headers; /* owned strings */
    size_t nheaders;
    char *body;
    size_t body_len;
    int unsigned_payload;
};
/* Owned name/value pairs; freeing wipes the values (they hold secrets). */
typedef struct slsrt__aws_headers {
    slsrt__kv *h;
    size_t n;
} slsrt__aws_headers;
/*
 * The headers a request to t must carry, signed now with creds: the
 * caller's, Host when missing, X-Amz-Date, the token, the payload hash,
 * Authorization.  NULL, or an error type with the reason in why.
 */
const char *slsrt__aws_sign(const slsrt_aws *aws, const slsrt_aws_request *req, const struct slsrt__aws_target *t,
                            const slsrt__creds *creds, slsrt__aws_headers *out, char *why, size_t why_size);
void slsrt__aws_headers_free(slsrt__aws_headers *hs);
/* The first value of a header (case-insensitive name), or NULL. */
const char *slsrt__aws_find_header(const slsrt__kv *h, size_t n, const char *name);

/* target.c */
typedef struct slsrt__aws_target {
    char *base;       /* "scheme://host[:port]" */
    char *host;       /* "host[:port]": the Host header */
    char *path;       /* what is signed and sent (see target.c) */
    char *query_text; /* the decoded pairs point into it */
    slsrt__kv *query;
    size_t nquery;
} slsrt__aws_target;
/* S3 and the services that sign like it. */
int slsrt__aws_s3_family(const char *service);
/* Resolve spec (a path or a URL) for service; NULL, or an error type with
 * the reason in why.  Free t with slsrt__aws_target_free either way. */
const char *slsrt__aws_target_resolve(const slsrt_aws *aws, const char *service, const char *spec,
                                      slsrt__aws_target *t, char *why, size_t why_size);
/* base + path + the query (given encoded, or t's pairs in their canonical
 * encoding when NULL).  New, or NULL. */
char *slsrt__aws_target_url(const slsrt__aws_target *t, const char *query);
void slsrt__aws_target_free(slsrt__aws_target *t);

/* credentials.c */
slsrt__creds_store *slsrt__creds_store_new(void);
void slsrt__creds_store_free(slsrt__creds_store *st);
/*
 * Current credentials into *out (refreshed first when near expiry).  0, or
 * an error type ("Slsrt.NoCredentials") with a message that never quotes a
 * credential.
 */
int slsrt__creds_get(slsrt__creds_store *st, slsrt__creds *out, const char **type, char *msg, size_t msg_size,
                     long wait_ms);
/* A service said the credentials with this access key expired: refetch. */
void slsrt__creds_expired(slsrt__creds_store *st, const char *access_key);
/* Drop the credentials held (a SnapStart restore): the next signature fetches them again. */
void slsrt__creds_forget(slsrt__creds_store *st);
void slsrt__creds_wipe(slsrt__creds *c);

/* response.c */
slsrt_aws_response *slsrt__aws_response_new(void);
/* Record slsrt's own failure (a printf message). */
void slsrt__aws_response_fail(slsrt_aws_response *res, const char *type, const char *fmt, ...)
    SLSRT_PRINTF(3, 4);
/* After an answer: the error type and message from an error status's body. */
void slsrt__aws_response_parse_error(slsrt_aws_response *res);
/* Reset for another attempt (keeps the buffers' memory). */
void slsrt__aws_response_clear(slsrt_aws_response *res);
/* Redact from the error type and message what would show a credential:
 * creds' own values, and whatever follows Credential=, Signature=,
 * X-Amz-Security-Token= and the like (an echo of the request). */
void slsrt__aws_response_scrub(slsrt_aws_response *res, const slsrt__creds *creds);
void slsrt__aws_error_fill(slsrt_aws_error *err, const slsrt_aws_response *res);
void slsrt__aws_error_set(slsrt_aws_error *err, int status, const char *type, const char *fmt, ...)
    SLSRT_PRINTF(4, 5);

/* send.c: one HTTP exchange with curl, unsigned (the credentials endpoint). */
int slsrt__aws_http_get(slsrt__aws_shared *s, const char *url, const char *authorization, long timeout_ms,
                        slsrt_aws_response *res);

#endif
