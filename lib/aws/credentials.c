/*
 * credentials.c - the credentials a function signs with.
 *
 * From the environment Lambda sets, or from the container credentials
 * endpoint (SnapStart restores, ECS-like platforms), refreshed ahead of
 * their expiry.  One thread of a client refreshes, outside the lock; the
 * others go on signing with the current credentials while those are
 * valid, and otherwise wait no longer than their caller has.  A failed
 * fetch backs off (1 s, doubling to a minute).  The container endpoint over
 * plain http must be this host or the ECS/EKS agent: the authorization
 * token is sent to nothing else.  The credentials live in a page that core
 * dumps leave out, and every copy handed out is wiped after signing.
 */
#include "aws_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>

#include "log/log.h"

/* Refetch this long before Expiration: no request is signed with
 * credentials about to lapse in flight. */
#define REFRESH_AHEAD_S 300
#define FETCH_TIMEOUT_MS 5000
#define BACKOFF_FIRST_MS 1000
#define BACKOFF_MAX_MS 60000

enum source { NONE, FROM_ENV, FROM_CONTAINER };

struct slsrt__creds_store {
    pthread_mutex_t lock;    /* guards all below; never held across a fetch */
    pthread_cond_t changed;  /* a refresh ended */
    int refreshing;          /* a thread is fetching */
    long long retry_at_ms;   /* after a failed fetch: not before this */
    long backoff_ms;
    char last_error[256];
    struct secret_page {
        slsrt__creds creds;
        long long expires_at; /* epoch seconds; 0: does not expire */
        enum source source;
    } *page;
};

slsrt__creds_store *slsrt__creds_store_new(void)
{
    slsrt__creds_store *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    void *p = mmap(NULL, sizeof *st->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        free(st);
        return NULL;
    }
    madvise(p, sizeof *st->page, MADV_DONTDUMP);
    st->page = p;
    pthread_mutex_init(&st->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&st->changed, &attr);
    pthread_condattr_destroy(&attr);
    return st;
}

void slsrt__creds_store_free(slsrt__creds_store *st)
{
    if (!st)
        return;
    explicit_bzero(st->page, sizeof *st->page);
    munmap(st->page, sizeof *st->page);
    pthread_mutex_destroy(&st->lock);
    pthread_cond_destroy(&st->changed);
    free(st);
}

void slsrt__creds_wipe(slsrt__creds *c) { explicit_bzero(c, sizeof *c); }

static int copy_field(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= size)
        return -1;
    memcpy(dst, src ? src : "", n + 1);
    return 0;
}

static int from_env(struct secret_page *p)
{
    const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
    if (!ak || !*ak || !sk || !*sk)
        return -1;
    if (copy_field(p->creds.access_key, sizeof p->creds.access_key, ak) ||
        copy_field(p->creds.secret_key, sizeof p->creds.secret_key, sk) ||
        copy_field(p->creds.token, sizeof p->creds.token, getenv("AWS_SESSION_TOKEN")))
        return -1;
    p->expires_at = 0;
    p->source = FROM_ENV;
    return 0;
}

/* "2026-11-21T10:00:00Z" (fractions and a zone other than Z are not sent). */
static long long parse_time(const char *s)
{
    struct tm tm = {0};
    if (!s || sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                     &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long long)timegm(&tm);
}

static char *read_token_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    fclose(f);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

/*
 * Plain http only to where the SDKs allow it: loopback, and the ECS
 * (169.254.170.2) and EKS (169.254.170.23, fd00:ec2::23) agents.
 */
static int trusted_endpoint(const char *url)
{
    if (!strncmp(url, "https://", 8))
        return 1;
    if (strncmp(url, "http://", 7))
        return 0;
    const char *host = url + 7;
    size_t n = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/?#");
    static const char *const allowed[] = {"localhost", "[::1]", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"};
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
        if (strlen(allowed[i]) == n && !strncasecmp(host, allowed[i], n))
            return 1;
    unsigned a, b, c, d;
    char end;
    /* 127.0.0.0/8, written as four numbers */
    return n < 16 && sscanf(host, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &end) >= 4 && a == 127 && b < 256 &&
           c < 256 && d < 256 && (host[n] == '\0' || host[n] == ':' || host[n] == '/');
}

static int from_container(struct secret_page *p, long timeout_ms, char *msg, size_t msg_size)
{
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    if ((!full || !*full) && (!rel || !*rel))
        return -1;
    char url[1024];
    if (rel && *rel)
        snprintf(url, sizeof url, "http://169.254.170.2%s", rel);
    else
        snprintf(url, sizeof url, "%s", full);
    if (!trusted_endpoint(url)) {
        snprintf(msg, msg_size, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to this host or the "
                                "ECS/EKS agent (169.254.170.2, 169.254.170.23): not sending the token elsewhere");
        return -1;
    }

    const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    char *token = file && *file ? read_token_file(file) : NULL;
    const char *auth = token ? token : getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    slsrt_aws_response *res = slsrt__aws_response_new();
    int rc = -1;
    if (!res) {
        snprintf(msg, msg_size, "out of memory fetching credentials");
    } else if (slsrt__aws_http_get(NULL, url, auth, timeout_ms, res) || res->status != 200) {
        if (res->status)
            snprintf(msg, msg_size, "the container credentials endpoint answered %d", res->status);
        else
            snprintf(msg, msg_size, "the container credentials endpoint did not answer (%s)",
                     res->error_message ? res->error_message : "no response");
    } else {
        json_t *j = slsrt_aws_response_json(res);
        const char *ak = json_string_value(json_object_get(j, "AccessKeyId"));
        const char *sk = json_string_value(json_object_get(j, "SecretAccessKey"));
        const char *tk = json_string_value(json_object_get(j, "Token"));
        long long exp = parse_time(json_string_value(json_object_get(j, "Expiration")));
        if (!ak || !sk || exp < 0 || copy_field(p->creds.access_key, sizeof p->creds.access_key, ak) ||
            copy_field(p->creds.secret_key, sizeof p->creds.secret_key, sk) ||
            copy_field(p->creds.token, sizeof p->creds.token, tk)) {
            snprintf(msg, msg_size,
                     "the container credentials endpoint sent no AccessKeyId, SecretAccessKey and Expiration");
            explicit_bzero(&p->creds, sizeof p->creds);
        } else {
            p->expires_at = exp;
            p->source = FROM_CONTAINER;
            rc = 0;
        }
    }
    if (res) {
        explicit_bzero(res->body.data ? res->body.data : (char *)"", res->body.len);
        slsrt_aws_response_free(res);
    }
    if (token) {
        explicit_bzero(token, strlen(token));
        free(token);
    }
    return rc;
}

static int usable(const struct secret_page *p, long long now)
{
    return p->source != NONE && (!p->expires_at || now < p->expires_at);
}

static int due(const struct secret_page *p, long long now)
{
    return p->source == NONE || (p->expires_at && now >= p->expires_at - REFRESH_AHEAD_S);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fetch with the lock released; the result goes into the page under it. */
static void refresh(slsrt__creds_store *st, long timeout_ms)
{
    st->refreshing = 1;
    pthread_mutex_unlock(&st->lock);
    struct secret_page fresh = {0};
    char why[256] = "";
    int ok = from_env(&fresh) == 0 || from_container(&fresh, timeout_ms, why, sizeof why) == 0;
    pthread_mutex_lock(&st->lock);
    st->refreshing = 0;
    if (ok) {
        *st->page = fresh;
        st->backoff_ms = 0;
        st->retry_at_ms = 0;
        st->last_error[0] = '\0';
    } else if (why[0]) { /* a fetch failed: back off before the next */
        st->backoff_ms = st->backoff_ms ? st->backoff_ms * 2 : BACKOFF_FIRST_MS;
        if (st->backoff_ms > BACKOFF_MAX_MS)
            st->backoff_ms = BACKOFF_MAX_MS;
        st->retry_at_ms = now_ms() + st->backoff_ms;
        snprintf(st->last_error, sizeof st->last_error, "%s", why);
        if (usable(st->page, (long long)time(NULL)))
            slsrt__log(SLSRT__LOG_WARN, "aws: refreshing credentials failed (%s); using the current ones until "
                                        "they expire, next try in %ld s", why, st->backoff_ms / 1000);
    } else { /* nothing configured: nothing to wait for */
        st->last_error[0] = '\0';
    }
    explicit_bzero(&fresh, sizeof fresh);
    pthread_cond_broadcast(&st->changed);
}

int slsrt__creds_get(slsrt__creds_store *st, slsrt__creds *out, const char **type, char *msg, size_t msg_size,
                     long wait_ms)
{
    if (wait_ms < 0 || wait_ms > FETCH_TIMEOUT_MS)
        wait_ms = FETCH_TIMEOUT_MS;
    long long give_up = now_ms() + wait_ms;
    msg[0] = '\0';
    int rc = -1, fetched = 0;
    pthread_mutex_lock(&st->lock);
    for (;;) {
        long long now = (long long)time(NULL), ms = now_ms();
        struct secret_page *p = st->page;
        /* Usable and not due, or due but someone (this call included) is on it. */
        if (!due(p, now) || ((fetched || st->refreshing || ms < st->retry_at_ms) && usable(p, now))) {
            *out = p->creds;
            rc = 0;
            break;
        }
        if (st->refreshing) { /* nothing usable yet: wait for the fetch, as long as the caller may */
            struct timespec until = {(time_t)(give_up / 1000), (long)(give_up % 1000) * 1000000L};
            if (ms >= give_up || pthread_cond_timedwait(&st->changed, &st->lock, &until) == ETIMEDOUT) {
                *type = "Slsrt.NoCredentials";
                snprintf(msg, msg_size, "no AWS credentials within %ld ms: the container endpoint has not answered",
                         wait_ms);
                break;
            }
            continue;
        }
        /* Backing off after a failed fetch, out of time, or tried already. */
        if (ms < st->retry_at_ms || ms >= give_up || fetched) {
            *type = "Slsrt.NoCredentials";
            if (st->last_error[0])
                snprintf(msg, msg_size, "no AWS credentials: %s", st->last_error);
            else if (p->source != NONE)
                snprintf(msg, msg_size, "the AWS credentials expired and could not be refreshed");
            else
                snprintf(msg, msg_size, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                                        "AWS_CONTAINER_CREDENTIALS_FULL_URI");
            break;
        }
        refresh(st, (long)(give_up - ms));
        fetched = 1;
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

void slsrt__creds_forget(slsrt__creds_store *st)
{
    pthread_mutex_lock(&st->lock);
    explicit_bzero(st->page, sizeof *st->page); /* source NONE: read afresh on the next signature */
    st->retry_at_ms = 0;
    st->backoff_ms = 0;
    pthread_mutex_unlock(&st->lock);
}

void slsrt__creds_expired(slsrt__creds_store *st, const char *access_key)
{
    pthread_mutex_lock(&st->lock);
    if (st->page->source == FROM_CONTAINER && !strcmp(st->page->creds.access_key, access_key))
        st->page->expires_at = 1; /* due, and no longer usable */
    pthread_mutex_unlock(&st->lock);
}
