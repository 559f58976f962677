/* idempotency_internal.h - the idempotency records and their DynamoDB store (private). */
#ifndef SLSRT_IDEMPOTENCY_INTERNAL_H
#define SLSRT_IDEMPOTENCY_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include <slsrt/idempotency.h>

#define SLSRT__IDEM_KEY_MAX 200

typedef struct slsrt__idem_record {
    char status[16];       /* INPROGRESS or COMPLETED */
    int64_t expiration;    /* epoch seconds */
    int64_t in_progress_expiration; /* epoch milliseconds */
    char validation[65];   /* the payload's hash, "" when not checked */
    json_t *data;          /* the stored result (COMPLETED) */
} slsrt__idem_record;

typedef struct slsrt__idem_cached {
    char key[SLSRT__IDEM_KEY_MAX];
    char validation[65];
    int64_t expiration;
    json_t *data;
    uint64_t used; /* for least-recently-used eviction */
} slsrt__idem_cached;

struct slsrt_idempotency {
    slsrt_aws *aws;
    char *table, *prefix, *payload_pointer;
    char **key_pointers; /* NULL-terminated copy, or NULL */
    int expires_after, key_required;
    pthread_mutex_t mu;  /* the cache */
    slsrt__idem_cached *cache;
    size_t cache_size;
    uint64_t clock;
};

/* store.c: 0 when taken; SLSRT_ESTATE with *held filled when a record exists
 * that may not be replaced; SLSRT_EIO with error filled. */
int slsrt__idem_lock(slsrt_idempotency *idem, const char *key, const char *validation, int64_t now_ms,
                     int64_t lock_until_ms, slsrt__idem_record *held, slsrt_idempotency_error *error);
int slsrt__idem_complete(slsrt_idempotency *idem, const char *key, const char *validation, const char *data,
                         int64_t expiration, slsrt_idempotency_error *error);
int slsrt__idem_release(slsrt_idempotency *idem, const char *key, slsrt_idempotency_error *error);
void slsrt__idem_record_clear(slsrt__idem_record *r);

#endif
