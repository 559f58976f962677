/*
 * config.c - configuration from SSM Parameter Store and Secrets
 * Manager: values cached per client for a TTL, references in the
 * environment resolved before the init hook runs.
 */
#include "aws_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log/log.h"
#include "core/runtime_internal.h"

extern char **environ;

#define SSM_PREFIX "ssm:"
#define SECRET_PREFIX "secretsmanager:"

struct slsrt__cached {
    char *key; /* "ssm:<name>" or "secretsmanager:<id>" */
    char *value;
    long long fetched_at; /* monotonic seconds */
    struct slsrt__cached *next;
};

static long long now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec;
}

void slsrt_aws_value_free(char *value)
{
    if (!value)
        return;
    explicit_bzero(value, strlen(value));
    free(value);
}

static void free_entry(struct slsrt__cached *c)
{
    free(c->key);
    slsrt_aws_value_free(c->value);
    free(c);
}

void slsrt__aws_cache_free(slsrt__aws_shared *s)
{
    while (s->cache) {
        struct slsrt__cached *next = s->cache->next;
        free_entry(s->cache);
        s->cache = next;
    }
}

void slsrt_aws_set_cache_ttl(slsrt_aws *aws, int seconds)
{
    if (aws)
        aws->shared->cache_ttl_s = seconds > 0 ? seconds : 0;
}

/* A copy of the cached value when fresh; NULL otherwise (stale ones are dropped). */
static char *cache_get(slsrt__aws_shared *s, const char *key)
{
    char *copy = NULL;
    pthread_mutex_lock(&s->cache_lock);
    for (struct slsrt__cached **p = &s->cache; *p; p = &(*p)->next) {
        if (strcmp((*p)->key, key))
            continue;
        if (now_s() - (*p)->fetched_at < s->cache_ttl_s) {
            copy = strdup((*p)->value);
        } else {
            struct slsrt__cached *stale = *p;
            *p = stale->next;
            free_entry(stale);
        }
        break;
    }
    pthread_mutex_unlock(&s->cache_lock);
    return copy;
}

static void cache_put(slsrt__aws_shared *s, const char *key, const char *value)
{
    if (s->cache_ttl_s <= 0)
        return;
    struct slsrt__cached *c = calloc(1, sizeof *c);
    if (!c || !(c->key = strdup(key)) || !(c->value = strdup(value))) {
        if (c)
            free_entry(c);
        return;
    }
    c->fetched_at = now_s();
    pthread_mutex_lock(&s->cache_lock);
    c->next = s->cache;
    s->cache = c;
    pthread_mutex_unlock(&s->cache_lock);
}

/* One JSON call whose answer holds a string at result[field][sub] (sub may be NULL). */
static char *fetch(slsrt_aws *aws, const char *service, const char *target, json_t *input, const char *field,
                   const char *sub, slsrt_aws_error *error)
{
    slsrt_aws_response *res = slsrt_aws_json(aws, service, target, input);
    json_decref(input);
    char *value = NULL;
    if (slsrt_aws_response_ok(res)) {
        json_t *v = json_object_get(slsrt_aws_response_json(res), field);
        if (sub)
            v = json_object_get(v, sub);
        if (json_is_string(v))
            value = strdup(json_string_value(v));
        else
            slsrt__aws_error_set(error, res->status, "Slsrt.UnexpectedResponse", "%s answered without %s%s%s",
                                 target, field, sub ? "." : "", sub ? sub : "");
    } else {
        slsrt__aws_error_fill(error, res);
    }
    if (res && res->body.data)
        explicit_bzero(res->body.data, res->body.len); /* it held the value */
    slsrt_aws_response_free(res);
    return value;
}

char *slsrt_aws_parameter(slsrt_aws *aws, const char *name, slsrt_aws_error *error)
{
    if (!aws || !name || !*name) {
        slsrt__aws_error_set(error, 0, "Slsrt.InvalidRequest", "a parameter name is required");
        return NULL;
    }
    char *key = NULL;
    if (asprintf(&key, SSM_PREFIX "%s", name) < 0)
        return NULL;
    char *value = cache_get(aws->shared, key);
    if (!value) {
        value = fetch(aws, "ssm", "AmazonSSM.GetParameter", json_pack("{s:s, s:b}", "Name", name,
                      "WithDecryption", 1), "Parameter", "Value", error);
        if (value)
            cache_put(aws->shared, key, value);
    }
    free(key);
    return value;
}

/* One key of a JSON secret, as text (strings as they are, other JSON written). */
static char *secret_key(char *whole, const char *id, const char *k, slsrt_aws_error *error)
{
    json_t *doc = json_loads(whole, 0, NULL);
    json_t *v = json_object_get(doc, k);
    char *out = json_is_string(v) ? strdup(json_string_value(v))
                : v               ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)
                                  : NULL;
    if (!out)
        slsrt__aws_error_set(error, 200, "Slsrt.NoSuchKey", doc ? "the secret %s has no key \"%s\""
                                                                : "the secret %s is not JSON: cannot take \"%s\"",
                             id, k);
    json_decref(doc);
    slsrt_aws_value_free(whole);
    return out;
}

char *slsrt_aws_secret(slsrt_aws *aws, const char *secret_id, slsrt_aws_error *error)
{
    if (!aws || !secret_id || !*secret_id || *secret_id == '#') {
        slsrt__aws_error_set(error, 0, "Slsrt.InvalidRequest", "a secret id is required");
        return NULL;
    }
    const char *hash = strchr(secret_id, '#');
    char *id = hash ? strndup(secret_id, (size_t)(hash - secret_id)) : strdup(secret_id);
    char *key = NULL;
    if (!id || asprintf(&key, SECRET_PREFIX "%s", id) < 0) {
        free(id);
        return NULL;
    }
    char *value = cache_get(aws->shared, key);
    if (!value) {
        value = fetch(aws, "secretsmanager", "secretsmanager.GetSecretValue", json_pack("{s:s}", "SecretId", id),
                      "SecretString", NULL, error);
        if (value)
            cache_put(aws->shared, key, value);
    }
    if (value && hash)
        value = secret_key(value, id, hash + 1, error);
    free(key);
    free(id);
    return value;
}

char *slsrt_aws_config(slsrt_aws *aws, const char *reference, slsrt_aws_error *error)
{
    if (!reference) {
        slsrt__aws_error_set(error, 0, "Slsrt.InvalidRequest", "a reference is required");
        return NULL;
    }
    if (!strncmp(reference, SSM_PREFIX, strlen(SSM_PREFIX)))
        return slsrt_aws_parameter(aws, reference + strlen(SSM_PREFIX), error);
    if (!strncmp(reference, SECRET_PREFIX, strlen(SECRET_PREFIX)))
        return slsrt_aws_secret(aws, reference + strlen(SECRET_PREFIX), error);
    return strdup(reference);
}

static int is_reference(const char *v)
{
    return (!strncmp(v, SSM_PREFIX, strlen(SSM_PREFIX)) && v[strlen(SSM_PREFIX)]) ||
           (!strncmp(v, SECRET_PREFIX, strlen(SECRET_PREFIX)) && v[strlen(SECRET_PREFIX)]);
}

int slsrt__aws_resolve_env(slsrt_runtime *rt)
{
    const char *off = getenv("SLSRT_RESOLVE_ENV");
    if (off && !strcmp(off, "0"))
        return 0;
    /* Names first: setenv may move environ while we walk it. */
    size_t n = 0;
    char **names = NULL;
    for (char **e = environ; *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq || !is_reference(eq + 1))
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        if (!grown || !(grown[n] = strndup(*e, (size_t)(eq - *e)))) {
            names = grown ? grown : names;
            break;
        }
        names = grown;
        n++;
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rc) {
            const char *ref = getenv(names[i]);
            slsrt_aws_error err = {0};
            char *value = ref ? slsrt_aws_config(slsrt_runtime_aws(rt), ref, &err) : NULL;
            if (value && setenv(names[i], value, 1) == 0) {
                slsrt__log(SLSRT__LOG_INFO, "config: %s resolved from %.*s", names[i], (int)strcspn(ref, ":"), ref);
            } else {
                rc = slsrt_runtime_fail(rt, "Runtime.ConfigError", "%s=%s cannot be resolved: %s (%s)", names[i],
                                        ref ? ref : "", err.message[0] ? err.message : "out of memory",
                                        err.type[0] ? err.type : "Slsrt.NoMemory");
            }
            slsrt_aws_value_free(value);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}
