/*
 * send.c - a signed request, sent with libcurl: signed afresh for each
 * attempt, retried with jittered backoff (or as Retry-After says) while
 * the invocation has time, and recorded as an X-Ray subsegment.
 *
 * What is retried: throttling, 429 and 5xx, expired credentials (refetched
 * first), and connections that fail or break — a response cut short
 * mid-body included.  An attempt the deadline cuts short is
 * Slsrt.DeadlineExceeded, and not retried.
 */
#include "aws_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <slsrt/xray.h>

#include "curl_api.h"
#include "core/runtime_internal.h"
#include "log/log.h"
#include "util/random.h"

#define ATTEMPT_TIMEOUT_MS 30000
#define CONNECT_TIMEOUT_MS 3000
#define BACKOFF_BASE_MS 100
#define BACKOFF_CAP_MS 20000
/* Left of the deadline for the handler to answer after the last attempt. */
#define DEADLINE_MARGIN_MS 100

/* ---- one exchange with curl ----------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    slsrt_aws_response *res = arg;
    size_t len = size * n;
    if (res->body.len + len > res->max_body) {
        res->too_large = 1;
        return 0; /* aborts the transfer */
    }
    if (slsrt__buf_append(&res->body, data, len))
        return 0;
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
    if (!res->max_body)
        res->max_body = s ? s->max_response : SLSRT__AWS_MAX_RESPONSE;
    res->too_large = 0;
    curl->easy_setopt(h, SLSRT__CURLOPT_URL, url);
    curl->easy_setopt(h, SLSRT__CURLOPT_PATH_AS_IS, 1L); /* the path as signed: no dot segments resolved */
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
    /* A body goes with any method that has one (a GET to OpenSearch's _search). */
    if (!strcmp(method, "GET") && !body_len) {
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
    if (code == SLSRT__CURLE_WRITE_ERROR && res->too_large) {
        slsrt__aws_response_fail(res, "Slsrt.ResponseTooLarge",
                                 "the response is over %zu bytes, this client's cap (slsrt_aws_set_max_response)",
                                 res->max_body);
        return -1;
    }
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
           code == SLSRT__CURLE_RECV_ERROR || code == SLSRT__CURLE_PARTIAL_FILE;
}

static int retryable(const slsrt_aws_response *res, int curl_code)
{
    if (res->error_type && !strcmp(res->error_type, "Slsrt.DeadlineExceeded"))
        return 0;
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

/* Retry-After in seconds (429 and 503 send it), as ms; -1 when absent. */
static long retry_after_ms(const slsrt_aws_response *res)
{
    const char *v = res->status == 429 || res->status == 503 ? slsrt_aws_response_header(res, "Retry-After") : NULL;
    if (!v || *v < '0' || *v > '9' || v[strspn(v, "0123456789")] != '\0' || strlen(v) > 6)
        return -1;
    return atol(v) * 1000;
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
    const char *target = slsrt__aws_find_header(req->headers, req->nheaders, "x-amz-target");
    const char *dot = target ? strrchr(target, '.') : NULL;
    return dot ? dot + 1 : req->method;
}

/* ---- one attempt ----------------------------------------------------------------- */

/* "Name: value"; "Name;" for an empty value, which curl would otherwise drop
 * although it was signed. */
static int append_header(const slsrt__curl *curl, struct slsrt__curl_slist **list, const char *name, const char *value)
{
    char *line = NULL;
    int empty = value[strspn(value, " \t")] == '\0';
    if ((empty ? asprintf(&line, "%s;", name) : asprintf(&line, "%s: %s", name, value)) < 0)
        return -1;
    struct slsrt__curl_slist *l = curl->slist_append(*list, line);
    explicit_bzero(line, strlen(line));
    free(line);
    if (!l)
        return -1;
    *list = l;
    return 0;
}

/* The signed headers as curl's list, with what goes unsigned: the trace
 * header, User-Agent, and none of curl's own Expect or form Content-Type. */
static struct slsrt__curl_slist *curl_headers(const slsrt__curl *curl, const slsrt__aws_headers *hs,
                                              const slsrt_aws_request *req, const char *trace_header)
{
    struct slsrt__curl_slist *list = NULL;
    int bad = 0;
    for (size_t i = 0; i < hs->n; i++)
        bad |= append_header(curl, &list, hs->h[i].name, hs->h[i].value);
    if (trace_header)
        bad |= append_header(curl, &list, "X-Amzn-Trace-Id", trace_header);
    if (!slsrt__aws_find_header(req->headers, req->nheaders, "user-agent"))
        bad |= append_header(curl, &list, "User-Agent", "slsrt/" SLSRT_VERSION_STRING);
    bad |= !(list = curl->slist_append(list, "Expect:"));
    if (!slsrt__aws_find_header(req->headers, req->nheaders, "content-type"))
        bad |= !(list = curl->slist_append(list, "Content-Type:"));
    if (bad) {
        free_list(curl, list);
        return NULL;
    }
    return list;
}

/*
 * Sign with the current credentials and send once; res gets the answer and
 * the error it names, scrubbed of anything the credentials would show.
 * Returns curl's code (-1 when nothing was sent).
 */
static int attempt_once(slsrt_aws *aws, const slsrt_aws_request *req, const slsrt__aws_target *t, const char *url,
                        const char *trace_header, long timeout, slsrt_aws_response *res)
{
    const char *why = NULL, *type = NULL;
    const slsrt__curl *curl = slsrt__curl_load(&why);
    if (!curl) {
        slsrt__aws_response_fail(res, "Slsrt.Unavailable", "%s", why);
        return -1;
    }
    slsrt__creds creds;
    char msg[320];
    if (slsrt__creds_get(aws->shared->creds, &creds, &type, msg, sizeof msg, timeout)) {
        slsrt__aws_response_fail(res, type, "%s", msg);
        return -1;
    }
    slsrt__aws_headers hs;
    struct slsrt__curl_slist *list = NULL;
    int code = -1;
    if ((type = slsrt__aws_sign(aws, req, t, &creds, &hs, msg, sizeof msg))) {
        slsrt__aws_response_fail(res, type, "%s", msg);
    } else if (!(list = curl_headers(curl, &hs, req, trace_header))) {
        slsrt__aws_response_fail(res, "Slsrt.NoMemory", "out of memory building the request");
    } else if (exchange(aws->shared, req->method, url, list, req->body, req->body_len, timeout, res, &code) == 0) {
        slsrt__aws_response_parse_error(res);
        if (expired_token(res->error_type))
            slsrt__creds_expired(aws->shared->creds, creds.access_key);
    }
    slsrt__aws_response_scrub(res, &creds);
    if (list)
        free_list(curl, list);
    slsrt__aws_headers_free(&hs);
    slsrt__creds_wipe(&creds);
    return code;
}

/* ---- the call -------------------------------------------------------------------- */

slsrt_aws_response *slsrt_aws_send(slsrt_aws *aws, const slsrt_aws_request *req)
{
    slsrt_aws_response *res = slsrt__aws_response_new();
    if (!res)
        return NULL;
    if (!aws || !req) {
        slsrt__aws_response_fail(res, "Slsrt.InvalidRequest", "no client or no request");
        return res;
    }
    slsrt__aws_target t;
    char why[160];
    const char *bad = slsrt__aws_target_resolve(aws, req->service, req->target, &t, why, sizeof why);
    if (bad) {
        slsrt__aws_response_fail(res, bad, "%s", why);
        slsrt__aws_target_free(&t);
        return res;
    }
    char *url = slsrt__aws_target_url(&t, NULL);

    const slsrt_trace_header *trace = aws->inv ? slsrt_invocation_trace(aws->inv) : NULL;
    slsrt_span *span = trace ? slsrt_span_begin(aws->inv, NULL, display_name(req->service)) : NULL;
    char trace_header[256];
    int traced = trace && slsrt_trace_header_child(trace, slsrt_span_id(span), trace_header,
                                                   sizeof trace_header) == SLSRT_OK;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    for (int attempt = 1; url; attempt++) {
        slsrt__aws_response_clear(res);
        res->attempts = attempt;
        long long left = slsrt__aws_remaining_ms(aws);
        long timeout = ATTEMPT_TIMEOUT_MS;
        int cut_by_deadline = 0;
        if (left >= 0) {
            if (left <= 2 * DEADLINE_MARGIN_MS) {
                slsrt__aws_response_fail(res, "Slsrt.DeadlineExceeded",
                                         "the invocation has %lld ms left: not calling %s", left, req->service);
                break;
            }
            if (left - DEADLINE_MARGIN_MS < timeout) {
                timeout = (long)(left - DEADLINE_MARGIN_MS);
                cut_by_deadline = 1;
            }
        }
        int code = attempt_once(aws, req, &t, url, traced ? trace_header : NULL, timeout, res);
        if (code == SLSRT__CURLE_OPERATION_TIMEDOUT && cut_by_deadline)
            slsrt__aws_response_fail(res, "Slsrt.DeadlineExceeded",
                                     "the invocation's deadline cut the call to %s short after %ld ms", req->service,
                                     timeout);
        if (attempt >= aws->shared->max_attempts || !retryable(res, code))
            break;
        long delay = backoff_ms(attempt), asked = retry_after_ms(res);
        if (asked > delay)
            delay = asked;
        left = slsrt__aws_remaining_ms(aws);
        if ((left >= 0 && delay + 3 * DEADLINE_MARGIN_MS > left) || (left < 0 && delay > BACKOFF_CAP_MS)) {
            slsrt__log(SLSRT__LOG_WARN, "aws: %s %s failed (%s); no time left to retry%s", req->service,
                       operation(req), res->error_type, asked >= 0 ? " as Retry-After asks" : "");
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
    slsrt__aws_target_free(&t);
    return res;
}

