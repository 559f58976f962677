/* aws_internal.h - the AWS client's structures, shared by its files (private). */
#ifndef SLSRT_AWS_INTERNAL_H
#define SLSRT_AWS_INTERNAL_H

#include <pthread.h>

#include <slsrt/aws.h>

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
typedef struct slsrt__aws_shared {
    char *region;
    int max_attempts;
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

/* credentials.c */
slsrt__creds_store *slsrt__creds_store_new(void);
void slsrt__creds_store_free(slsrt__creds_store *st);
/*
 * Current credentials into *out (refreshed first when near expiry).  0, or
 * an error type ("Slsrt.NoCredentials") with a message that never quotes a
 * credential.
 */
int slsrt__creds_get(slsrt__creds_store *st, slsrt__creds *out, const char **type, char *msg, size_t msg_size);
/* A service said the credentials with this access key expired: refetch. */
void slsrt__creds_expired(slsrt__creds_store *st, const char *access_key);
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
void slsrt__aws_error_fill(slsrt_aws_error *err, const slsrt_aws_response *res);
void slsrt__aws_error_set(slsrt_aws_error *err, int status, const char *type, const char *fmt, ...)
    SLSRT_PRINTF(4, 5);

/* send.c: one HTTP exchange with curl, unsigned (the credentials endpoint). */
int slsrt__aws_http_get(slsrt__aws_shared *s, const char *url, const char *authorization, long timeout_ms,
                        slsrt_aws_response *res);

#endif
