/*
 * slsrt/idempotency.h - run a handler, or each record of a batch, at most
 * once per key, with the first run's result stored in DynamoDB and given
 * to every repeat.
 *
 *     static slsrt_idempotency *idem;  // made in the init hook
 *
 *     static int charge(json_t *payment, void *arg, json_t **result)
 *     {
 *         *result = json_pack("{s:s}", "charge", "ch_1");   // once per payment_id
 *         return SLSRT_OK;
 *     }
 *
 *     // in the handler, for each message:
 *     json_t *receipt;
 *     slsrt_idempotency_error err;
 *     int rc = slsrt_idempotent(idem, inv, payment, charge, NULL, &receipt, &err);
 *
 * How it works (the table's attribute names are Powertools for AWS
 * Lambda's, so one table serves both): the key is the SHA-256 of the chosen
 * part of the data (canonical JSON: keys sorted), prefixed; a conditional
 * PutItem takes an in-progress lock that expires with the invocation's
 * remaining time; the result is stored with the record's expiry; a repeat
 * reads it without running the function; a failure deletes the lock so a
 * retry may run.  A cache in the process answers repeats it has seen.
 *
 * The table: partition key "id" (string); turn on TTL on "expiration".
 * The role needs dynamodb:PutItem, GetItem, DeleteItem on it.
 *
 * Thread-safe: one slsrt_idempotency serves every worker.
 */
#ifndef SLSRT_IDEMPOTENCY_H
#define SLSRT_IDEMPOTENCY_H

#include <jansson.h>

#include <slsrt/aws.h>
#include <slsrt/common.h>
#include <slsrt/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct slsrt_idempotency slsrt_idempotency;

typedef struct slsrt_idempotency_config {
    const char *table;             /* required */
    /* JSON pointers (RFC 6901) into the data that make the key; NULL-terminated.
     * NULL: the whole data.  One pointer keys on its value, several on the
     * array of their values. */
    const char *const *key_pointers;
    /* A pointer to the part of the data a repeat must carry unchanged (""
     * for all of it): a reused key with a different payload is refused
     * (Idempotency.PayloadMismatch).  NULL: not checked. */
    const char *payload_pointer;
    int expires_after;    /* seconds a result is kept (default 3600) */
    int key_required;     /* 1: data without the key fails (Idempotency.KeyMissing); 0: runs unguarded */
    int cache_entries;    /* results kept in the process (default 256; -1: none) */
    const char *key_prefix; /* default: AWS_LAMBDA_FUNCTION_NAME, else "slsrt" */
    void *reserved[4];
} slsrt_idempotency_config;

/* Why slsrt_idempotent did not give a result. */
typedef struct slsrt_idempotency_error {
    char type[128];    /* Idempotency.AlreadyInProgress, .PayloadMismatch, .KeyMissing, .PersistenceError; "" otherwise */
    char message[384];
} slsrt_idempotency_error;

/*
 * New (slsrt_idempotency_free), using aws (borrowed: the runtime's client,
 * slsrt_runtime_aws, lives long enough).  The config's strings are copied.
 * NULL when config->table is missing or out of memory.
 */
SLSRT_API slsrt_idempotency *slsrt_idempotency_new(slsrt_aws *aws, const slsrt_idempotency_config *config);
SLSRT_API void slsrt_idempotency_free(slsrt_idempotency *idem);

/* The work to do at most once: data borrowed; *result a new reference (NULL: JSON null). */
typedef int (*slsrt_idempotent_fn)(json_t *data, void *arg, json_t **result);

/*
 * Run fn(data) unless it already ran for data's key: SLSRT_OK with *result
 * (a new reference), fresh or stored.  inv (may be NULL) bounds the lock by
 * its remaining time.  Otherwise, with error filled (may be NULL):
 *   SLSRT_ESTATE   Idempotency.AlreadyInProgress: another run holds the key
 *   SLSRT_EINVAL   Idempotency.PayloadMismatch or Idempotency.KeyMissing
 *   SLSRT_EIO      Idempotency.PersistenceError: DynamoDB failed (fn did not run)
 *   fn's status    fn failed: nothing is stored, a later call runs it again
 * SLSRT_OK with error->type Idempotency.PersistenceError: fn ran, but its
 * result could not be stored (the lock expires; a repeat after that runs it).
 */
SLSRT_API int slsrt_idempotent(slsrt_idempotency *idem, slsrt_invocation *inv, json_t *data, slsrt_idempotent_fn fn,
                               void *arg, json_t **result, slsrt_idempotency_error *error);

/* The key data gets ("<prefix>#<sha256 hex>"), into out; 0, or SLSRT_EINVAL when the key is missing. */
SLSRT_API int slsrt_idempotency_key(const slsrt_idempotency *idem, json_t *data, char out[200]);

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_IDEMPOTENCY_H */
