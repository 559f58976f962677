/*
 * credentials.c - the credentials a function signs with.
 *
 * From the environment Lambda sets, or from the container credentials
 * endpoint (SnapStart restores, ECS-like platforms), refreshed ahead of
 * their expiry.  One store per client; its lock makes a refresh happen once
 * while other threads wait for it.  The credentials live in a page that
 * core dumps leave out, and every copy handed out is wiped after signing.
 */
#include "aws_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "log/log.h"

/* Refetch this long before Expiration: no request is signed with
 * credentials about to lapse in flight. */
#define REFRESH_AHEAD_S 300
#define FETCH_TIMEOUT_MS 5000

enum source { NONE, FROM_ENV, FROM_CONTAINER };

struct slsrt__creds_store {
    pthread_mutex_t lock;
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
    return st;
}

void slsrt__creds_store_free(slsrt__creds_store *st)
{
    if (!st)
        return;
    explicit_bzero(st->page, sizeof *st->page);
    munmap(st->page, sizeof *st->page);
    pthread_mutex_destroy(&st->lock);
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

static int from_container(struct secret_page *p, char *msg, size_t msg_size)
{
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    if ((!full || !*full) && (!rel || !*rel))
        return -1;
    char url[1024];
    if (full && *full)
        snprintf(url, sizeof url, "%s", full);
    else
        snprintf(url, sizeof url, "http://169.254.170.2%s", rel);

    const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    char *token = file && *file ? read_token_file(file) : NULL;
    const char *auth = token ? token : getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    slsrt_aws_response *res = slsrt__aws_response_new();
    int rc = -1;
    if (!res) {
        snprintf(msg, msg_size, "out of memory fetching credentials");
    } else if (slsrt__aws_http_get(NULL, url, auth, FETCH_TIMEOUT_MS, res) || res->status != 200) {
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

int slsrt__creds_get(slsrt__creds_store *st, slsrt__creds *out, const char **type, char *msg, size_t msg_size)
{
    long long now = (long long)time(NULL);
    msg[0] = '\0';
    pthread_mutex_lock(&st->lock);
    struct secret_page *p = st->page;
    if (due(p, now)) {
        struct secret_page fresh = {0};
        char why[256] = "";
        if (from_env(&fresh) == 0 || from_container(&fresh, why, sizeof why) == 0) {
            *p = fresh;
        } else if (usable(p, now)) {
            slsrt__log(SLSRT__LOG_WARN, "aws: refreshing credentials failed (%s); using the current ones until "
                                        "they expire", why);
        } else {
            *type = "Slsrt.NoCredentials";
            if (why[0])
                snprintf(msg, msg_size, "no AWS credentials: %s", why);
            else
                snprintf(msg, msg_size, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                                        "AWS_CONTAINER_CREDENTIALS_FULL_URI");
        }
        explicit_bzero(&fresh, sizeof fresh);
    }
    int rc = -1;
    if (usable(p, now)) {
        *out = p->creds;
        rc = 0;
    } else if (!msg[0]) {
        *type = "Slsrt.NoCredentials";
        snprintf(msg, msg_size, "the AWS credentials expired and could not be refreshed");
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

void slsrt__creds_expired(slsrt__creds_store *st, const char *access_key)
{
    pthread_mutex_lock(&st->lock);
    if (st->page->source == FROM_CONTAINER && !strcmp(st->page->creds.access_key, access_key))
        st->page->expires_at = 1; /* due, and no longer usable */
    pthread_mutex_unlock(&st->lock);
}
