/*
 * send.c - a signed request, sent with libcurl: the target resolved to
 * a URL, the headers signed, the call retried with jittered backoff while
 * the invocation has time, and recorded as an X-Ray subsegment.
 */
#include "aws_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <slsrt/xray.h>

#include "curl_api.h"
#include "core/http_reader.h"
#include "log/log.h"
#include "util/random.h"
#include "core/runtime_internal.h"
#include "sigv4.h"
#include "util/url.h"

#define ATTEMPT_TIMEOUT_MS 30000
#define CONNECT_TIMEOUT_MS 3000
#define BACKOFF_BASE_MS 100
#define BACKOFF_CAP_MS 20000
/* Left of the deadline for the handler to answer after the last attempt. */
#define DEADLINE_MARGIN_MS 100
#define MAX_BODY (64u * 1024 * 1024)

struct slsrt_aws_request {
    char *method, *service, *target;
    slsrt__kv *headers; /* owned strings */
    size_t nheaders;
    char *body;
    size_t body_len;
    int unsigned_payload;
};

/* ---- building a request ---------------------------------------------------- */

slsrt_aws_request *slsrt_aws_request_new(const char *method, const char *service, const char *target)
{
    if (!slsrt__http_is_token(method) || !slsrt__http_is_token(service) || !target ||
        (target[0] != '/' && !strstr(target, "://")) || strpbrk(target, "\r\n #"))
        return NULL;
    slsrt_aws_request *req = calloc(1, sizeof *req);
    if (!req || !(req->method = strdup(method)) || !(req->service = strdup(service)) ||
        !(req->target = strdup(target))) {
        slsrt_aws_request_free(req);
        return NULL;
    }
    return req;
}

void slsrt_aws_request_free(slsrt_aws_request *req)
{
    if (!req)
        return;
    for (size_t i = 0; i < req->nheaders; i++) {
        free((char *)req->headers[i].name);
        free((char *)req->headers[i].value);
    }
    free(req->headers);
    free(req->body);
    free(req->method);
    free(req->service);
    free(req->target);
    free(req);
}

slsrt_status slsrt_aws_request_header(slsrt_aws_request *req, const char *name, const char *value)
{
    if (!req || !slsrt__http_is_token(name) || !value || strpbrk(value, "\r\n"))
        return SLSRT_EINVAL;
    slsrt__kv *h = realloc(req->headers, (req->nheaders + 1) * sizeof *h);
    if (!h)
        return SLSRT_ENOMEM;
    req->headers = h;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return SLSRT_ENOMEM;
    }
    h[req->nheaders++] = (slsrt__kv){n, v};
    return SLSRT_OK;
}

slsrt_status slsrt_aws_request_body(slsrt_aws_request *req, const void *data, size_t len)
{
    if (!req || (!data && len))
        return SLSRT_EINVAL;
    char *copy = malloc(len + 1);
    if (!copy)
        return SLSRT_ENOMEM;
    if (len)
        memcpy(copy, data, len);
    copy[len] = '\0';
    free(req->body);
    req->body = copy;
    req->body_len = len;
    return SLSRT_OK;
}

void slsrt_aws_request_unsigned_payload(slsrt_aws_request *req)
{
    if (req)
        req->unsigned_payload = 1;
}

static const char *find_header(const slsrt__kv *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(h[i].name, name))
            return h[i].value;
    return NULL;
}

/* ---- the target as a URL ---------------------------------------------------- */

typedef struct target {
    char *base;  /* "https://host[:port]" */
    char *host;  /* "host[:port]": the Host header */
    char *path;  /* as sent */
    char *query_text; /* decoded pairs point into it */
    slsrt__kv *query;
    size_t nquery;
} target;

static void target_free(target *t)
{
    free(t->base);
    free(t->host);
    free(t->path);
    free(t->query_text);
    free(t->query);
}

static int split_query(target *t, const char *q)
{
    if (!(t->query_text = strdup(q)) || !(t->query = calloc(strlen(q) / 2 + 2, sizeof *t->query)))
        return SLSRT_ENOMEM;
    for (char *save = NULL, *part = strtok_r(t->query_text, "&", &save); part; part = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(part, '=');
        if (eq)
            *eq++ = '\0';
        if (slsrt__url_decode(part, strlen(part), part, 0) == (size_t)-1 ||
            (eq && slsrt__url_decode(eq, strlen(eq), eq, 0) == (size_t)-1))
            return SLSRT_EINVAL;
        t->query[t->nquery++] = (slsrt__kv){part, eq ? eq : ""};
    }
    return SLSRT_OK;
}

/* 0, or an error type for res. */
static const char *resolve_target(const slsrt_aws *aws, const char *service, const char *spec, target *t,
                                  char *why, size_t why_size)
{
    memset(t, 0, sizeof *t);
    char *endpoint = NULL;
    const char *url = spec;
    if (spec[0] == '/') {
        if (!(endpoint = slsrt__aws_endpoint(aws, service))) {
            snprintf(why, why_size, "no region: set AWS_REGION, or give a whole URL");
            return "Slsrt.NoRegion";
        }
        url = endpoint;
    }
    const char *scheme_end = strstr(url, "://");
    if (!scheme_end || (strncmp(url, "https://", 8) && strncmp(url, "http://", 7))) {
        snprintf(why, why_size, "%s is not an http or https URL",
                 spec[0] == '/' ? "the service endpoint" : "the target");
        free(endpoint);
        return "Slsrt.InvalidRequest";
    }
    const char *host = scheme_end + 3;
    size_t host_len = strcspn(host, "/?");
    const char *rest = spec[0] == '/' ? spec : host + host_len;
    size_t path_len = strcspn(rest, "?");
    int rc = host_len ? SLSRT_OK : SLSRT_EINVAL;
    if (!rc && (!(t->base = strndup(url, (size_t)(host + host_len - url))) ||
                !(t->host = strndup(host, host_len)) ||
                !(t->path = path_len ? strndup(rest, path_len) : strdup("/"))))
        rc = SLSRT_ENOMEM;
    if (!rc)
        rc = split_query(t, rest[path_len] == '?' ? rest + path_len + 1 : "");
    free(endpoint);
    if (!rc)
        return NULL;
    snprintf(why, why_size, "%s", rc == SLSRT_ENOMEM ? "out of memory" : "the target is not a valid URL");
    return rc == SLSRT_ENOMEM ? "Slsrt.NoMemory" : "Slsrt.InvalidRequest";
}

/* ---- one exchange with curl ----------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    slsrt_aws_response *res = arg;
    size_t len = size * n;
    if (res->body.len + len > MAX_BODY || slsrt__buf_append(&res->body, data, len))
        return 0; /* aborts the transfer */
    return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    slsrt_aws_response *res = arg;
    size_t len = size * n;
    if (len >= 5 && !memcmp(data, "HTTP/", 5)) { /* a new response (after 100 Continue) */
        slsrt__buf_clear(&res->headers);
        return len;
    }
    size_t keep = len;
    while (keep && (data[keep - 1] == '\n' || data[keep - 1] == '\r'))
        keep--;
    if (keep && memchr(data, ':', keep) &&
        (slsrt__buf_append(&res->headers, data, keep) || slsrt__buf_append(&res->headers, "", 1)))
        return 0;
    return len;
}

static void *take_handle(slsrt__aws_shared *s, const slsrt__curl *curl)
{
    void *h = NULL;
    if (s) {
        pthread_mutex_lock(&s->pool_lock);
        if (s->npool)
            h = s->pool[--s->npool];
        pthread_mutex_unlock(&s->pool_lock);
    }
    if (h)
        curl->easy_reset(h); /* keeps its open connections */
    return h ? h : curl->easy_init();
}

static void give_back(slsrt__aws_shared *s, const slsrt__curl *curl, void *h)
{
    if (s) {
        pthread_mutex_lock(&s->pool_lock);
        if (s->npool == s->cap_pool) {
            size_t cap = s->cap_pool ? s->cap_pool * 2 : 4;
            void **p = realloc(s->pool, cap * sizeof *p);
            if (p) {
                s->pool = p;
                s->cap_pool = cap;
            }
        }
        if (s->npool < s->cap_pool) {
            s->pool[s->npool++] = h;
            h = NULL;
        }
        pthread_mutex_unlock(&s->pool_lock);
    }
    if (h)
        curl->easy_cleanup(h);
}

static void free_list(const slsrt__curl *curl, struct slsrt__curl_slist *list)
{
    for (struct slsrt__curl_slist *l = list; l; l = l->next)
        explicit_bzero(l->data, strlen(l->data)); /* Authorization, the token */
    curl->slist_free_all(list);
}

/* One HTTP exchange; res gets the status, headers and body, or an error. */
static int exchange(slsrt__aws_shared *s, const char *method, const char *url, struct slsrt__curl_slist *headers,
                    const char *body, size_t body_len, long timeout_ms, slsrt_aws_response *res, int *curl_code)
{
    const char *why = NULL;
    const slsrt__curl *curl = slsrt__curl_load(&why);
    *curl_code = -1;
    if (!curl) {
        slsrt__aws_response_fail(res, "Slsrt.Unavailable", "%s", why);
        return -1;
    }
    void *h = take_handle(s, curl);
    if (!h) {
        slsrt__aws_response_fail(res, "Slsrt.NoMemory", "curl_easy_init failed");
        return -1;
    }
    char err[256] = "";
    curl->easy_setopt(h, SLSRT__CURLOPT_URL, url);
    curl->easy_setopt(h, SLSRT__CURLOPT_PROTOCOLS_STR, "http,https");
    curl->easy_setopt(h, SLSRT__CURLOPT_NOSIGNAL, 1L);
    curl->easy_setopt(h, SLSRT__CURLOPT_TCP_KEEPALIVE, 1L);
    curl->easy_setopt(h, SLSRT__CURLOPT_TIMEOUT_MS, timeout_ms);
    curl->easy_setopt(h, SLSRT__CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms
                                                                                           : CONNECT_TIMEOUT_MS);
    curl->easy_setopt(h, SLSRT__CURLOPT_ERRORBUFFER, err);
    const char *ca = slsrt__ca_bundle();
    if (ca)
        curl->easy_setopt(h, SLSRT__CURLOPT_CAINFO, ca);
    curl->easy_setopt(h, SLSRT__CURLOPT_HTTPHEADER, headers);
    curl->easy_setopt(h, SLSRT__CURLOPT_WRITEFUNCTION, on_body);
    curl->easy_setopt(h, SLSRT__CURLOPT_WRITEDATA, res);
    curl->easy_setopt(h, SLSRT__CURLOPT_HEADERFUNCTION, on_header);
    curl->easy_setopt(h, SLSRT__CURLOPT_HEADERDATA, res);
    if (!strcmp(method, "GET")) {
        curl->easy_setopt(h, SLSRT__CURLOPT_HTTPGET, 1L);
    } else if (!strcmp(method, "HEAD")) {
        curl->easy_setopt(h, SLSRT__CURLOPT_NOBODY, 1L);
    } else {
        if (strcmp(method, "POST"))
            curl->easy_setopt(h, SLSRT__CURLOPT_CUSTOMREQUEST, method);
        if (body_len || !strcmp(method, "POST")) {
            curl->easy_setopt(h, SLSRT__CURLOPT_POSTFIELDS, body ? body : "");
            curl->easy_setopt(h, SLSRT__CURLOPT_POSTFIELDSIZE_LARGE, (long long)body_len);
        }
    }
    int code = curl->easy_perform(h);
    *curl_code = code;
    long status = 0;
    if (code == SLSRT__CURLE_OK)
        curl->easy_getinfo(h, SLSRT__CURLINFO_RESPONSE_CODE, &status);
    curl->easy_setopt(h, SLSRT__CURLOPT_ERRORBUFFER, NULL);
    give_back(s, curl, h);
    if (code != SLSRT__CURLE_OK) {
        slsrt__aws_response_fail(res, "Slsrt.Network", "%s", err[0] ? err : curl->easy_strerror(code));
        return -1;
    }
    res->status = (int)status;
    return 0;
}

int slsrt__aws_http_get(slsrt__aws_shared *s, const char *url, const char *authorization, long timeout_ms,
                        slsrt_aws_response *res)
{
    const slsrt__curl *curl = slsrt__curl_load(NULL);
    struct slsrt__curl_slist *headers = NULL;
    char *auth = NULL;
    if (curl && authorization && *authorization) {
        if (asprintf(&auth, "Authorization: %s", authorization) < 0)
            return -1;
        headers = curl->slist_append(NULL, auth);
        explicit_bzero(auth, strlen(auth));
        free(auth);
    }
    int code;
    int rc = exchange(s, "GET", url, headers, NULL, 0, timeout_ms, res, &code);
    if (curl && headers)
        free_list(curl, headers);
    return rc;
}

/* ---- signing ---------------------------------------------------------------- */

static int append_header(const slsrt__curl *curl, struct slsrt__curl_slist **list, const char *name, const char *value)
{
    char *line = NULL;
    if (asprintf(&line, "%s: %s", name, value) < 0)
        return -1;
    struct slsrt__curl_slist *l = curl->slist_append(*list, line);
    explicit_bzero(line, strlen(line));
    free(line);
    if (!l)
        return -1;
    *list = l;
    return 0;
}

/* The headers to send, signed now with the current credentials. */
static struct slsrt__curl_slist *signed_headers(slsrt_aws *aws, const slsrt_aws_request *req, const target *t,
                                         const char *trace_header, char *access_key, slsrt_aws_response *res)
{
    const char *why = NULL;
    const slsrt__curl *curl = slsrt__curl_load(&why);
    if (!curl) {
        slsrt__aws_response_fail(res, "Slsrt.Unavailable", "%s", why);
        return NULL;
    }
    if (!aws->shared->region) {
        slsrt__aws_response_fail(res, "Slsrt.NoRegion", "no region: set AWS_REGION");
        return NULL;
    }
    slsrt__creds creds;
    const char *type = NULL;
    char msg[320];
    if (slsrt__creds_get(aws->shared->creds, &creds, &type, msg, sizeof msg)) {
        slsrt__aws_response_fail(res, type, "%s", msg);
        return NULL;
    }
    snprintf(access_key, 128, "%s", creds.access_key);
    char stamp[17];
    slsrt__amz_date((long long)time(NULL), stamp);
    slsrt__sigv4_req r = {
        .method = req->method, .host = t->host, .path = t->path, .query = t->query, .nquery = t->nquery,
        .headers = req->headers, .nheaders = req->nheaders, .body = req->body, .body_len = req->body_len,
        .region = aws->shared->region, .service = req->service, .access_key = creds.access_key,
        .secret_key = creds.secret_key, .token = creds.token[0] ? creds.token : NULL, .timestamp = stamp,
        .s3 = !strcmp(req->service, "s3"), .unsigned_payload = req->unsigned_payload,
    };
    slsrt__sigv4_out o;
    int rc = slsrt__sigv4_sign(&r, &o, &why);
    struct slsrt__curl_slist *list = NULL;
    if (rc) {
        slsrt__aws_response_fail(res, rc == SLSRT_ENOTFOUND ? "Slsrt.Unavailable" : "Slsrt.InvalidRequest",
                                 "cannot sign: %s", why ? why : "out of memory");
    } else {
        int bad = 0;
        for (size_t i = 0; i < req->nheaders; i++)
            bad |= append_header(curl, &list, req->headers[i].name, req->headers[i].value);
        if (!find_header(req->headers, req->nheaders, "host"))
            bad |= append_header(curl, &list, "Host", t->host);
        bad |= append_header(curl, &list, "X-Amz-Date", o.amz_date);
        if (o.add_token)
            bad |= append_header(curl, &list, "X-Amz-Security-Token", creds.token);
        if (o.add_content_sha256)
            bad |= append_header(curl, &list, "X-Amz-Content-Sha256", o.payload_hash);
        bad |= append_header(curl, &list, "Authorization", o.authorization.data);
        if (trace_header)
            bad |= append_header(curl, &list, "X-Amzn-Trace-Id", trace_header);
        if (!find_header(req->headers, req->nheaders, "user-agent"))
            bad |= append_header(curl, &list, "User-Agent", "slsrt/" SLSRT_VERSION_STRING);
        /* No "Expect: 100-continue" round trip; no form content type curl
         * would add to a bodied request on its own. */
        bad |= !(list = curl->slist_append(list, "Expect:"));
        if (!find_header(req->headers, req->nheaders, "content-type"))
            bad |= !(list = curl->slist_append(list, "Content-Type:"));
        if (bad) {
            free_list(curl, list);
            list = NULL;
            slsrt__aws_response_fail(res, "Slsrt.NoMemory", "out of memory building the request");
        }
        slsrt__sigv4_out_free(&o);
    }
    slsrt__creds_wipe(&creds);
    return list;
}

/* ---- retries ------------------------------------------------------------------ */

static int throttling(const char *type)
{
    static const char *const codes[] = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "EC2ThrottledException",
    };
    for (size_t i = 0; type && i < sizeof codes / sizeof *codes; i++)
        if (!strcmp(type, codes[i]))
            return 1;
    return 0;
}

static int expired_token(const char *type)
{
    return type && (!strcmp(type, "ExpiredToken") || !strcmp(type, "ExpiredTokenException") ||
                    !strcmp(type, "RequestExpired"));
}

static int transient_network(int code)
{
    return code == SLSRT__CURLE_COULDNT_CONNECT || code == SLSRT__CURLE_OPERATION_TIMEDOUT ||
           code == SLSRT__CURLE_GOT_NOTHING || code == SLSRT__CURLE_SEND_ERROR ||
           code == SLSRT__CURLE_RECV_ERROR;
}

static int retryable(const slsrt_aws_response *res, int curl_code)
{
    if (!res->status)
        return transient_network(curl_code);
    return res->status == 429 || res->status == 500 || res->status == 502 || res->status == 503 ||
           res->status == 504 || throttling(res->error_type) || expired_token(res->error_type);
}

/* Full jitter: uniform in [0, min(cap, base * 2^attempt)). */
static long backoff_ms(int attempt)
{
    long ceiling = BACKOFF_BASE_MS << (attempt < 16 ? attempt : 16);
    if (ceiling > BACKOFF_CAP_MS)
        ceiling = BACKOFF_CAP_MS;
    return (long)(slsrt__random() % (uint64_t)ceiling);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* ---- X-Ray -------------------------------------------------------------------- */

static const char *display_name(const char *service)
{
    static const struct { const char *signing, *name; } names[] = {
        {"dynamodb", "DynamoDB"}, {"ssm", "SSM"}, {"secretsmanager", "SecretsManager"}, {"s3", "S3"},
        {"sqs", "SQS"}, {"sns", "SNS"}, {"events", "EventBridge"}, {"kinesis", "Kinesis"}, {"lambda", "Lambda"},
        {"states", "SFN"}, {"sts", "STS"}, {"kms", "KMS"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(service, names[i].signing))
            return names[i].name;
    return service;
}

static const char *operation(const slsrt_aws_request *req)
{
    const char *target = find_header(req->headers, req->nheaders, "x-amz-target");
    const char *dot = target ? strrchr(target, '.') : NULL;
    return dot ? dot + 1 : req->method;
}

/* ---- the call -------------------------------------------------------------------- */

/* The URL to send to: the query in the encoding that was signed.  New, or NULL. */
static char *send_url(const target *t)
{
    slsrt__buf q = {0};
    int rc = 0;
    for (size_t i = 0; i < t->nquery; i++) {
        rc |= slsrt__buf_append(&q, i ? "&" : "?", 1);
        rc |= slsrt__uri_encode(&q, t->query[i].name, strlen(t->query[i].name), 0);
        rc |= slsrt__buf_append(&q, "=", 1);
        rc |= slsrt__uri_encode(&q, t->query[i].value, strlen(t->query[i].value), 0);
    }
    char *url = NULL;
    if (rc || asprintf(&url, "%s%s%s", t->base, t->path, q.data ? q.data : "") < 0)
        url = NULL;
    slsrt__buf_free(&q);
    return url;
}

slsrt_aws_response *slsrt_aws_send(slsrt_aws *aws, const slsrt_aws_request *req)
{
    slsrt_aws_response *res = slsrt__aws_response_new();
    if (!res)
        return NULL;
    if (!aws || !req) {
        slsrt__aws_response_fail(res, "Slsrt.InvalidRequest", "no client or no request");
        return res;
    }
    target t;
    char why[160];
    const char *bad = resolve_target(aws, req->service, req->target, &t, why, sizeof why);
    if (bad) {
        slsrt__aws_response_fail(res, bad, "%s", why);
        target_free(&t);
        return res;
    }
    char *url = send_url(&t);

    const slsrt_trace_header *trace = aws->inv ? slsrt_invocation_trace(aws->inv) : NULL;
    slsrt_span *span = trace ? slsrt_span_begin(aws->inv, NULL, display_name(req->service)) : NULL;
    char trace_header[256];
    int traced = trace && slsrt_trace_header_child(trace, slsrt_span_id(span), trace_header,
                                                   sizeof trace_header) == SLSRT_OK;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    const slsrt__curl *curl = slsrt__curl_load(NULL);
    for (int attempt = 1; url; attempt++) {
        slsrt__aws_response_clear(res);
        res->attempts = attempt;
        long long left = slsrt__aws_remaining_ms(aws);
        long timeout = ATTEMPT_TIMEOUT_MS;
        if (left >= 0) {
            if (left <= 2 * DEADLINE_MARGIN_MS) {
                slsrt__aws_response_fail(res, "Slsrt.DeadlineExceeded",
                                         "the invocation has %lld ms left: not calling %s", left, req->service);
                break;
            }
            if (left - DEADLINE_MARGIN_MS < timeout)
                timeout = (long)(left - DEADLINE_MARGIN_MS);
        }
        char access_key[128] = "";
        struct slsrt__curl_slist *headers = signed_headers(aws, req, &t, traced ? trace_header : NULL, access_key, res);
        if (!headers)
            break;
        int code;
        int rc = exchange(aws->shared, req->method, url, headers, req->body, req->body_len, timeout, res, &code);
        free_list(curl, headers);
        if (rc == 0)
            slsrt__aws_response_parse_error(res);
        if (res->status && expired_token(res->error_type))
            slsrt__creds_expired(aws->shared->creds, access_key);
        if (attempt >= aws->shared->max_attempts || !retryable(res, code))
            break;
        long delay = backoff_ms(attempt);
        left = slsrt__aws_remaining_ms(aws);
        if (left >= 0 && delay + 3 * DEADLINE_MARGIN_MS > left) {
            slsrt__log(SLSRT__LOG_WARN, "aws: %s %s failed (%s); no time left to retry", req->service,
                       operation(req), res->error_type);
            break;
        }
        slsrt__log(SLSRT__LOG_WARN, "aws: %s %s failed (%s, HTTP %d); retrying in %ld ms (attempt %d of %d)",
                   req->service, operation(req), res->error_type, res->status, delay, attempt + 1,
                   aws->shared->max_attempts);
        sleep_ms(delay);
    }
    if (!url)
        slsrt__aws_response_fail(res, "Slsrt.NoMemory", "out of memory");

    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
    slsrt__log(SLSRT__LOG_DEBUG, "aws: %s %s -> %d%s%s in %ld ms, %d attempt(s)", req->service, operation(req),
               res->status, res->error_type ? " " : "", res->error_type ? res->error_type : "", ms, res->attempts);
    if (span) {
        slsrt_span_set_aws(span, operation(req), aws->shared->region, slsrt_aws_response_request_id(res));
        if (res->status)
            slsrt_span_set_http_status(span, res->status);
        else
            slsrt_span_set_fault(span);
        slsrt_span_end(span);
    }
    free(url);
    target_free(&t);
    return res;
}

/* ---- presigned URLs ------------------------------------------------------------- */

char *slsrt_aws_presign(slsrt_aws *aws, const char *method, const char *service, const char *target_spec,
                        long expires_s, slsrt_aws_error *error)
{
    slsrt_aws_request *req = slsrt_aws_request_new(method, service, target_spec);
    if (!aws || !req || expires_s < 1 || expires_s > 604800) {
        slsrt__aws_error_set(error, 0, "Slsrt.InvalidRequest", "%s",
                             !req ? "a method, a service and a target path or URL are required"
                                  : "expires_s must be 1 to 604800 seconds");
        slsrt_aws_request_free(req);
        return NULL;
    }
    target t;
    char why[320];
    const char *type = resolve_target(aws, service, target_spec, &t, why, sizeof why);
    slsrt__creds creds;
    if (!type && !aws->shared->region) {
        type = "Slsrt.NoRegion";
        snprintf(why, sizeof why, "no region: set AWS_REGION");
    }
    if (!type && slsrt__creds_get(aws->shared->creds, &creds, &type, why, sizeof why))
        memset(&creds, 0, sizeof creds);
    char *url = NULL;
    if (!type) {
        char stamp[17];
        slsrt__amz_date((long long)time(NULL), stamp);
        slsrt__sigv4_req r = {
            .method = method, .host = t.host, .path = t.path, .query = t.query, .nquery = t.nquery,
            .region = aws->shared->region, .service = service, .access_key = creds.access_key,
            .secret_key = creds.secret_key, .token = creds.token[0] ? creds.token : NULL, .timestamp = stamp,
            .presign_expires = expires_s, .s3 = !strcmp(service, "s3"),
        };
        slsrt__sigv4_out o;
        const char *reason = NULL;
        if (slsrt__sigv4_sign(&r, &o, &reason) == 0) {
            if (asprintf(&url, "%s%s?%s", t.base, t.path, o.query.data) < 0)
                url = NULL;
            slsrt__sigv4_out_free(&o);
        } else {
            type = "Slsrt.InvalidRequest";
            snprintf(why, sizeof why, "cannot sign: %s", reason ? reason : "out of memory");
        }
        slsrt__creds_wipe(&creds);
    }
    if (type)
        slsrt__aws_error_set(error, 0, type, "%s", why);
    target_free(&t);
    slsrt_aws_request_free(req);
    return url;
}
