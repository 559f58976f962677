/*
 * idempotency.c - at most once per key: the key from the data, the cache
 * in the process, and the lock / run / store-or-release sequence around the
 * caller's function.
 */
#include "idempotency_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/crypto.h"
#include "util/json_pointer.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_error(slsrt_idempotency_error *error, const char *type, const char *message)
{
    if (error) {
        snprintf(error->type, sizeof error->type, "%s", type);
        snprintf(error->message, sizeof error->message, "%s", message);
    }
}

/* ---- configuration ------------------------------------------------------- */

void slsrt_idempotency_free(slsrt_idempotency *idem)
{
    if (!idem)
        return;
    for (size_t i = 0; i < idem->cache_size; i++)
        json_decref(idem->cache[i].data);
    free(idem->cache);
    for (char **p = idem->key_pointers; p && *p; p++)
        free(*p);
    free(idem->key_pointers);
    free(idem->table);
    free(idem->prefix);
    free(idem->payload_pointer);
    pthread_mutex_destroy(&idem->mu);
    free(idem);
}

slsrt_idempotency *slsrt_idempotency_new(slsrt_aws *aws, const slsrt_idempotency_config *config)
{
    if (!aws || !config || !config->table || !*config->table)
        return NULL;
    slsrt_idempotency *idem = calloc(1, sizeof *idem);
    if (!idem)
        return NULL;
    pthread_mutex_init(&idem->mu, NULL);
    idem->aws = aws;
    const char *fn = getenv("AWS_LAMBDA_FUNCTION_NAME");
    idem->table = strdup(config->table);
    idem->prefix = strdup(config->key_prefix ? config->key_prefix : fn && *fn ? fn : "slsrt");
    idem->payload_pointer = config->payload_pointer ? strdup(config->payload_pointer) : NULL;
    idem->expires_after = config->expires_after > 0 ? config->expires_after : 3600;
    idem->key_required = config->key_required;
    idem->cache_size = config->cache_entries < 0 ? 0 : config->cache_entries ? (size_t)config->cache_entries : 256;
    idem->cache = idem->cache_size ? calloc(idem->cache_size, sizeof *idem->cache) : NULL;
    int ok = idem->table && idem->prefix && (!config->payload_pointer || idem->payload_pointer) &&
             (!idem->cache_size || idem->cache);
    if (ok && config->key_pointers) {
        size_t n = 0;
        while (config->key_pointers[n])
            n++;
        idem->key_pointers = calloc(n + 1, sizeof *idem->key_pointers);
        for (size_t i = 0; idem->key_pointers && i < n; i++)
            ok &= (idem->key_pointers[i] = strdup(config->key_pointers[i])) != NULL;
        ok &= idem->key_pointers != NULL;
    }
    if (!ok) {
        slsrt_idempotency_free(idem);
        return NULL;
    }
    return idem;
}

/* ---- keys ----------------------------------------------------------------- */

/* The SHA-256 (hex) of v's canonical JSON: compact, keys sorted. */
static int digest(const json_t *v, char hex[65])
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    unsigned char sum[SLSRT__SHA256_LEN];
    int rc = text ? slsrt__sha256(text, strlen(text), sum) : SLSRT_ENOMEM;
    free(text);
    if (rc == SLSRT_OK)
        slsrt__hex(sum, sizeof sum, hex);
    return rc;
}

/* What the key is made of (new reference), NULL when the data lacks it. */
static json_t *key_part(const slsrt_idempotency *idem, json_t *data)
{
    if (!idem->key_pointers)
        return json_incref(data);
    if (!idem->key_pointers[1]) {
        json_t *v = slsrt__json_pointer(data, idem->key_pointers[0]);
        return v && !json_is_null(v) ? json_incref(v) : NULL;
    }
    json_t *all = json_array();
    int any = 0;
    for (char **p = idem->key_pointers; *p; p++) {
        json_t *v = slsrt__json_pointer(data, *p);
        any |= v && !json_is_null(v);
        json_array_append(all, v ? v : json_null());
    }
    if (!any)
        json_decref(all), all = NULL;
    return all;
}

int slsrt_idempotency_key(const slsrt_idempotency *idem, json_t *data, char out[SLSRT__IDEM_KEY_MAX])
{
    if (!idem || !data)
        return SLSRT_EINVAL;
    json_t *part = key_part(idem, data);
    char hex[65];
    int rc = part ? digest(part, hex) : SLSRT_EINVAL;
    json_decref(part);
    if (rc == SLSRT_OK && snprintf(out, SLSRT__IDEM_KEY_MAX, "%s#%s", idem->prefix, hex) >= SLSRT__IDEM_KEY_MAX)
        rc = SLSRT_EINVAL;
    return rc;
}

/* ---- the cache -------------------------------------------------------------- */

/* The cache keeps copies of its own and hands out copies: a result one
 * worker mutates is never another's (Jansson values are not shared across
 * threads). */

/* A stored result still valid for key (a new copy), else NULL. */
static json_t *cache_get(slsrt_idempotency *idem, const char *key, const char *validation, int *mismatch)
{
    json_t *found = NULL;
    int64_t now = now_ms() / 1000;
    pthread_mutex_lock(&idem->mu);
    for (size_t i = 0; i < idem->cache_size; i++) {
        slsrt__idem_cached *c = &idem->cache[i];
        if (c->data && !strcmp(c->key, key) && c->expiration > now) {
            *mismatch = validation[0] && strcmp(c->validation, validation);
            found = json_deep_copy(c->data);
            c->used = ++idem->clock;
            break;
        }
    }
    pthread_mutex_unlock(&idem->mu);
    return found;
}

static void cache_put(slsrt_idempotency *idem, const char *key, const char *validation, int64_t expiration, json_t *data)
{
    if (!idem->cache_size)
        return;
    pthread_mutex_lock(&idem->mu);
    slsrt__idem_cached *slot = &idem->cache[0];
    for (size_t i = 0; i < idem->cache_size; i++) { /* the same key, a free slot, or the least recently used */
        slsrt__idem_cached *c = &idem->cache[i];
        if ((c->data && !strcmp(c->key, key)) || !c->data) {
            slot = c;
            break;
        }
        if (c->used < slot->used)
            slot = c;
    }
    json_decref(slot->data);
    snprintf(slot->key, sizeof slot->key, "%s", key);
    snprintf(slot->validation, sizeof slot->validation, "%s", validation);
    slot->expiration = expiration;
    slot->data = json_deep_copy(data);
    slot->used = ++idem->clock;
    pthread_mutex_unlock(&idem->mu);
}

/* ---- at most once ---------------------------------------------------------- */

static int mismatch(slsrt_idempotency_error *error)
{
    set_error(error, "Idempotency.PayloadMismatch",
              "this idempotency key was used with a different payload; a repeat must carry the same one");
    return SLSRT_EINVAL;
}

/* answer_from: the record expired after the condition was checked: take the key again. */
#define TAKE_AGAIN 1

/* A record that was there: its stored result, or why there is none. */
static int answer_from(slsrt__idem_record *held, const char *validation, int64_t now, json_t **result,
                       slsrt_idempotency_error *error)
{
    if (validation[0] && held->validation[0] && strcmp(held->validation, validation))
        return mismatch(error);
    if (!strcmp(held->status, "COMPLETED") && held->expiration > now / 1000) {
        *result = held->data ? json_incref(held->data) : json_null();
        return SLSRT_OK;
    }
    if (!strcmp(held->status, "INPROGRESS") && held->in_progress_expiration >= now) {
        set_error(error, "Idempotency.AlreadyInProgress",
                  "another invocation is running with this idempotency key; try again later");
        return SLSRT_ESTATE;
    }
    return TAKE_AGAIN;
}

int slsrt_idempotent(slsrt_idempotency *idem, slsrt_invocation *inv, json_t *data, slsrt_idempotent_fn fn, void *arg,
                     json_t **result, slsrt_idempotency_error *error)
{
    set_error(error, "", "");
    if (result)
        *result = NULL;
    if (!idem || !data || !fn || !result)
        return SLSRT_EINVAL;
    char key[SLSRT__IDEM_KEY_MAX], validation[65] = "";
    if (slsrt_idempotency_key(idem, data, key) != SLSRT_OK) {
        if (!idem->key_required) /* no key: nothing to guard with */
            return fn(data, arg, result);
        set_error(error, "Idempotency.KeyMissing", "the data holds no value at the idempotency key's pointers");
        return SLSRT_EINVAL;
    }
    json_t *payload = idem->payload_pointer ? slsrt__json_pointer(data, idem->payload_pointer) : NULL;
    if (payload && digest(payload, validation) != SLSRT_OK)
        return SLSRT_ENOMEM;
    int bad = 0;
    json_t *cached = cache_get(idem, key, validation, &bad);
    if (cached) {
        if (bad) {
            json_decref(cached);
            return mismatch(error);
        }
        *result = cached;
        return SLSRT_OK;
    }
    /* Take the key (twice at most: a record that expired between the
     * condition and the read is taken again). */
    for (int tries = 0;; tries++) {
        int64_t now = now_ms();
        int64_t left = inv ? slsrt_invocation_remaining_ms(inv) : 0;
        int64_t until = now + (left > 0 && left < (int64_t)idem->expires_after * 1000 ? left : (int64_t)idem->expires_after * 1000);
        slsrt__idem_record held = {0};
        int rc = slsrt__idem_lock(idem, key, validation, now, until, &held, error);
        if (rc == SLSRT_OK)
            break;
        if (rc != SLSRT_ESTATE)
            return rc;
        rc = answer_from(&held, validation, now, result, error);
        if (rc == SLSRT_OK)
            cache_put(idem, key, held.validation, held.expiration, *result);
        slsrt__idem_record_clear(&held);
        if (rc != TAKE_AGAIN)
            return rc;
        if (tries) {
            set_error(error, "Idempotency.AlreadyInProgress", "the idempotency record changed while it was read");
            return SLSRT_ESTATE;
        }
    }
    json_t *value = NULL;
    int rc = fn(data, arg, &value);
    if (rc != SLSRT_OK) {
        json_decref(value);
        slsrt_idempotency_error ignored;
        slsrt__idem_release(idem, key, &ignored); /* a retry may run it; a lock left behind expires anyway */
        return rc;
    }
    if (!value)
        value = json_null();
    char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
    int64_t expiration = now_ms() / 1000 + idem->expires_after;
    rc = text ? slsrt__idem_complete(idem, key, validation, text, expiration, error) : SLSRT_ENOMEM;
    free(text);
    if (rc == SLSRT_OK)
        cache_put(idem, key, validation, expiration, value);
    /* The work is done either way: its result goes back; a store that failed
     * leaves the lock to expire, and the error says so. */
    *result = value;
    return SLSRT_OK;
}
