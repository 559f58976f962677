/*
 * request.c - an AWS request: built by the caller, then signed — the
 * headers it must carry, for slsrt's own sending (send.c) or for an HTTP
 * client of the caller's (slsrt_aws_sign_headers) — or presigned as a URL.
 *
 * Whatever the route, the URL and the headers handed out are the ones
 * signed: the path and query from target.c, every header value as given
 * (an empty one too).
 */
#include "aws_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/http_reader.h"

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

const char *slsrt__aws_find_header(const slsrt__kv *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(h[i].name, name))
            return h[i].value;
    return NULL;
}

/* ---- signing ---------------------------------------------------------------- */

static int add(slsrt__aws_headers *out, const char *name, const char *value)
{
    slsrt__kv *h = realloc(out->h, (out->n + 1) * sizeof *h);
    if (!h)
        return -1;
    out->h = h;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return -1;
    }
    h[out->n++] = (slsrt__kv){n, v};
    return 0;
}

void slsrt__aws_headers_free(slsrt__aws_headers *hs)
{
    for (size_t i = 0; i < hs->n; i++) {
        explicit_bzero((char *)hs->h[i].value, strlen(hs->h[i].value)); /* Authorization, the token */
        free((char *)hs->h[i].name);
        free((char *)hs->h[i].value);
    }
    free(hs->h);
    hs->h = NULL;
    hs->n = 0;
}

const char *slsrt__aws_sign(const slsrt_aws *aws, const slsrt_aws_request *req, const slsrt__aws_target *t,
                            const slsrt__creds *creds, slsrt__aws_headers *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    if (!aws->shared->region) {
        snprintf(why, why_size, "no region: set AWS_REGION");
        return "Slsrt.NoRegion";
    }
    char stamp[17];
    slsrt__amz_date((long long)time(NULL), stamp);
    slsrt__sigv4_req r = {
        .method = req->method, .host = t->host, .path = t->path, .query = t->query, .nquery = t->nquery,
        .headers = req->headers, .nheaders = req->nheaders, .body = req->body, .body_len = req->body_len,
        .region = aws->shared->region, .service = req->service, .access_key = creds->access_key,
        .secret_key = creds->secret_key, .token = creds->token[0] ? creds->token : NULL, .timestamp = stamp,
        .s3 = slsrt__aws_s3_family(req->service), .unsigned_payload = req->unsigned_payload,
    };
    slsrt__sigv4_out o;
    const char *reason = NULL;
    int rc = slsrt__sigv4_sign(&r, &o, &reason);
    if (rc) {
        snprintf(why, why_size, "cannot sign: %s", reason ? reason : "out of memory");
        return rc == SLSRT_ENOTFOUND ? "Slsrt.Unavailable" : "Slsrt.InvalidRequest";
    }
    int bad = 0;
    for (size_t i = 0; i < req->nheaders; i++)
        bad |= add(out, req->headers[i].name, req->headers[i].value);
    if (!slsrt__aws_find_header(req->headers, req->nheaders, "host"))
        bad |= add(out, "Host", t->host);
    bad |= add(out, "X-Amz-Date", o.amz_date);
    if (o.add_token)
        bad |= add(out, "X-Amz-Security-Token", creds->token);
    if (o.add_content_sha256)
        bad |= add(out, "X-Amz-Content-Sha256", o.payload_hash);
    bad |= add(out, "Authorization", o.authorization.data);
    slsrt__sigv4_out_free(&o);
    if (bad) {
        slsrt__aws_headers_free(out);
        snprintf(why, why_size, "out of memory signing the request");
        return "Slsrt.NoMemory";
    }
    return NULL;
}

/* ---- signed for a client of the caller's own ---------------------------------- */

struct slsrt_aws_signed {
    char *url;
    slsrt__aws_headers headers;
};

slsrt_aws_signed *slsrt_aws_sign_headers(slsrt_aws *aws, const slsrt_aws_request *req, slsrt_aws_error *error)
{
    if (!aws || !req) {
        slsrt__aws_error_set(error, 0, "Slsrt.InvalidRequest", "no client or no request");
        return NULL;
    }
    slsrt_aws_signed *s = calloc(1, sizeof *s);
    slsrt__aws_target t;
    char why[320];
    const char *type = s ? slsrt__aws_target_resolve(aws, req->service, req->target, &t, why, sizeof why)
                         : (snprintf(why, sizeof why, "out of memory"), "Slsrt.NoMemory");
    slsrt__creds creds;
    if (s && !type && !slsrt__creds_get(aws->shared->creds, &creds, &type, why, sizeof why, -1)) {
        type = slsrt__aws_sign(aws, req, &t, &creds, &s->headers, why, sizeof why);
        slsrt__creds_wipe(&creds);
        if (!type && !(s->url = slsrt__aws_target_url(&t, NULL))) {
            type = "Slsrt.NoMemory";
            snprintf(why, sizeof why, "out of memory");
        }
    }
    if (s)
        slsrt__aws_target_free(&t);
    if (!type)
        return s;
    slsrt__aws_error_set(error, 0, type, "%s", why);
    slsrt_aws_signed_free(s);
    return NULL;
}

const char *slsrt_aws_signed_url(const slsrt_aws_signed *s) { return s ? s->url : NULL; }
size_t slsrt_aws_signed_header_count(const slsrt_aws_signed *s) { return s ? s->headers.n : 0; }

const char *slsrt_aws_signed_header_name(const slsrt_aws_signed *s, size_t i)
{
    return s && i < s->headers.n ? s->headers.h[i].name : NULL;
}

const char *slsrt_aws_signed_header_value(const slsrt_aws_signed *s, size_t i)
{
    return s && i < s->headers.n ? s->headers.h[i].value : NULL;
}

void slsrt_aws_signed_free(slsrt_aws_signed *s)
{
    if (!s)
        return;
    slsrt__aws_headers_free(&s->headers);
    free(s->url);
    free(s);
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
    slsrt__aws_target t;
    char why[320];
    const char *type = slsrt__aws_target_resolve(aws, service, target_spec, &t, why, sizeof why);
    slsrt__creds creds;
    if (!type && !aws->shared->region) {
        type = "Slsrt.NoRegion";
        snprintf(why, sizeof why, "no region: set AWS_REGION");
    }
    if (!type && slsrt__creds_get(aws->shared->creds, &creds, &type, why, sizeof why, -1))
        memset(&creds, 0, sizeof creds);
    char *url = NULL;
    if (!type) {
        char stamp[17];
        slsrt__amz_date((long long)time(NULL), stamp);
        slsrt__sigv4_req r = {
            .method = method, .host = t.host, .path = t.path, .query = t.query, .nquery = t.nquery,
            .region = aws->shared->region, .service = service, .access_key = creds.access_key,
            .secret_key = creds.secret_key, .token = creds.token[0] ? creds.token : NULL, .timestamp = stamp,
            .presign_expires = expires_s, .s3 = slsrt__aws_s3_family(service),
        };
        slsrt__sigv4_out o;
        const char *reason = NULL;
        if (slsrt__sigv4_sign(&r, &o, &reason) == 0) {
            url = slsrt__aws_target_url(&t, o.query.data);
            slsrt__sigv4_out_free(&o);
        } else {
            type = "Slsrt.InvalidRequest";
            snprintf(why, sizeof why, "cannot sign: %s", reason ? reason : "out of memory");
        }
        slsrt__creds_wipe(&creds);
    }
    if (type)
        slsrt__aws_error_set(error, 0, type, "%s", why);
    slsrt__aws_target_free(&t);
    slsrt_aws_request_free(req);
    return url;
}
