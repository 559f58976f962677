/*
 * client.c - the client: what it shares (region, credentials, open
 * connections, the configuration cache), its binding to a runtime or an
 * invocation, and where each service's endpoint is.
 */
#include "aws_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curl_api.h"
#include "core/hooks.h"
#include "core/runtime_internal.h"

#define DEFAULT_ATTEMPTS 3
#define DEFAULT_CACHE_TTL_S 300

slsrt__aws_shared *slsrt__aws_shared_new(void)
{
    slsrt__aws_shared *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    const char *region = getenv("AWS_REGION");
    if (!region || !*region)
        region = getenv("AWS_DEFAULT_REGION");
    s->region = region && *region ? strdup(region) : NULL;
    const char *attempts = getenv("AWS_MAX_ATTEMPTS");
    s->max_attempts = attempts && atoi(attempts) > 0 ? atoi(attempts) : DEFAULT_ATTEMPTS;
    if (s->max_attempts > 10)
        s->max_attempts = 10;
    s->cache_ttl_s = DEFAULT_CACHE_TTL_S;
    s->max_response = SLSRT__AWS_MAX_RESPONSE;
    s->creds = slsrt__creds_store_new();
    pthread_mutex_init(&s->pool_lock, NULL);
    pthread_mutex_init(&s->cache_lock, NULL);
    if (!s->creds || (region && *region && !s->region)) {
        slsrt__aws_shared_free(s);
        return NULL;
    }
    return s;
}

void slsrt__aws_shared_free(slsrt__aws_shared *s)
{
    if (!s)
        return;
    const slsrt__curl *curl = s->npool ? slsrt__curl_load(NULL) : NULL;
    for (size_t i = 0; curl && i < s->npool; i++)
        curl->easy_cleanup(s->pool[i]);
    free(s->pool);
    slsrt__aws_cache_free(s);
    slsrt__creds_store_free(s->creds);
    pthread_mutex_destroy(&s->pool_lock);
    pthread_mutex_destroy(&s->cache_lock);
    free(s->region);
    free(s);
}

slsrt_aws *slsrt_aws_new(void)
{
    slsrt_aws *aws = calloc(1, sizeof *aws);
    if (!aws || !(aws->shared = slsrt__aws_shared_new())) {
        free(aws);
        return NULL;
    }
    aws->owned = 1;
    return aws;
}

void slsrt_aws_free(slsrt_aws *aws)
{
    if (!aws || !aws->owned)
        return;
    slsrt__aws_shared_free(aws->shared);
    free(aws);
}

/* Created on first use: a function that never calls AWS never pays for it. */
static pthread_mutex_t lazy_lock = PTHREAD_MUTEX_INITIALIZER;

slsrt_aws *slsrt_runtime_aws(slsrt_runtime *rt)
{
    if (!rt)
        return NULL;
    pthread_mutex_lock(&lazy_lock);
    if (!rt->aws && (rt->aws = calloc(1, sizeof *rt->aws)) && !(rt->aws->shared = slsrt__aws_shared_new())) {
        free(rt->aws);
        rt->aws = NULL;
    }
    pthread_mutex_unlock(&lazy_lock);
    return rt->aws;
}

slsrt_aws *slsrt_invocation_aws(slsrt_invocation *inv)
{
    if (!inv)
        return NULL;
    slsrt_aws *shared = slsrt_runtime_aws(inv->rt);
    if (!shared)
        return NULL;
    slsrt__worker *w = inv->worker;
    if (!w->aws && !(w->aws = calloc(1, sizeof *w->aws)))
        return NULL;
    w->aws->shared = shared->shared;
    w->aws->inv = inv;
    return w->aws;
}

static void free_runtime_clients(slsrt_runtime *rt)
{
    for (int i = 0; i < rt->nworkers; i++) {
        free(rt->workers[i].aws);
        rt->workers[i].aws = NULL;
    }
    if (rt->aws)
        slsrt__aws_shared_free(rt->aws->shared);
    free(rt->aws);
    rt->aws = NULL;
}

/* After a SnapStart restore: credentials fetched before the snapshot and
 * connections opened then are not to be used again. */
static void restored(slsrt_runtime *rt)
{
    if (!rt->aws)
        return;
    slsrt__aws_shared *s = rt->aws->shared;
    slsrt__creds_forget(s->creds);
    pthread_mutex_lock(&s->pool_lock);
    const slsrt__curl *curl = s->npool ? slsrt__curl_load(NULL) : NULL;
    for (size_t i = 0; curl && i < s->npool; i++)
        curl->easy_cleanup(s->pool[i]);
    s->npool = 0;
    pthread_mutex_unlock(&s->pool_lock);
}

/* References to SSM and Secrets Manager in the environment are resolved
 * before the user's init; the clients go with the runtime. */
static const slsrt__hooks aws_hooks = {
    .init = slsrt__aws_resolve_env, .runtime_free = free_runtime_clients, .restore = restored};
SLSRT__REGISTER_HOOKS(aws_hooks)

const char *slsrt_aws_region(const slsrt_aws *aws) { return aws ? aws->shared->region : NULL; }

long long slsrt__aws_remaining_ms(const slsrt_aws *aws)
{
    return aws->inv ? (long long)slsrt_invocation_remaining_ms(aws->inv) : -1;
}

/* The suffix AWS_ENDPOINT_URL_<SERVICE> uses: the service id, upper case,
 * spaces as '_'.  Where the id differs from the signing name, a table. */
static void env_suffix(const char *service, char *out, size_t size)
{
    static const struct { const char *signing, *id; } ids[] = {
        {"secretsmanager", "SECRETS_MANAGER"}, {"events", "EVENTBRIDGE"}, {"states", "SFN"},
        {"monitoring", "CLOUDWATCH"}, {"logs", "CLOUDWATCH_LOGS"}, {"execute-api", "API_GATEWAY"},
        {"kms", "KMS"}, {"sts", "STS"},
    };
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        if (!strcmp(service, ids[i].signing)) {
            snprintf(out, size, "%s", ids[i].id);
            return;
        }
    size_t i = 0;
    for (; service[i] && i + 1 < size; i++)
        out[i] = service[i] == '-' ? '_' : (char)toupper((unsigned char)service[i]);
    out[i] = '\0';
}

char *slsrt__aws_endpoint(const slsrt_aws *aws, const char *service)
{
    char name[96] = "AWS_ENDPOINT_URL_";
    env_suffix(service, name + strlen(name), sizeof name - strlen(name));
    const char *url = getenv(name);
    if (!url || !*url)
        url = getenv("AWS_ENDPOINT_URL");
    char *out = NULL;
    if (url && *url) {
        size_t n = strlen(url);
        while (n && url[n - 1] == '/')
            n--;
        return strndup(url, n);
    }
    const char *region = aws->shared->region;
    if (!region)
        return NULL;
    /* China's regions live under their own domain. */
    const char *domain = strncmp(region, "cn-", 3) ? "amazonaws.com" : "amazonaws.com.cn";
    if (asprintf(&out, "https://%s.%s.%s", service, region, domain) < 0)
        return NULL;
    return out;
}

void slsrt_aws_set_max_response(slsrt_aws *aws, size_t bytes)
{
    if (aws)
        aws->shared->max_response = bytes ? bytes : SLSRT__AWS_MAX_RESPONSE;
}
