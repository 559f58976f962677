/*
 * request.c - one request type over the five HTTP sources.
 *
 * The decoding rules differ by source: API Gateway decodes query strings
 * and REST paths, ALB decodes nothing, payload 2.0 and Function URLs give
 * rawPath and rawQueryString as sent (with decoded maps that lose order and
 * repeats, so slsrt parses the raw string).  Strings come from the event
 * where they can; what slsrt decodes or lower-cases it owns.
 */
#include <slsrt/http.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "events/event_fields.h"
#include "http_internal.h"
#include "core/hooks.h"
#include "core/runtime_internal.h"
#include "util/url.h"

char *slsrt__http_own(slsrt_http_request *r, char *s)
{
    if (!s)
        return NULL;
    if (r->nowned == r->capowned) {
        size_t cap = r->capowned ? r->capowned * 2 : 16;
        char **p = realloc(r->owned, cap * sizeof *p);
        if (!p) {
            free(s);
            return NULL;
        }
        r->owned = p;
        r->capowned = cap;
    }
    return r->owned[r->nowned++] = s;
}

static char *own_copy(slsrt_http_request *r, const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return slsrt__http_own(r, c);
}

static char *own_decoded(slsrt_http_request *r, const char *s, size_t n, int plus)
{
    char *c = malloc(n + 1);
    size_t len = c ? slsrt__url_decode(s, n, c, plus) : 0;
    if (c && (len == (size_t)-1 || memchr(c, '\0', len))) {
        /* A bad escape, or %00 that would cut the value short: keep the
         * text as sent, and a decoded NUL makes the router answer 400. */
        r->encoded_nul |= len != (size_t)-1;
        memcpy(c, s, n), c[n] = '\0';
    }
    return slsrt__http_own(r, c);
}

int slsrt__pairs_add(slsrt__pairs *p, const char *name, const char *value)
{
    if (!name || !value)
        return SLSRT_ENOMEM;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct slsrt__pair *x = realloc(p->items, cap * sizeof *x);
        if (!x)
            return SLSRT_ENOMEM;
        p->items = x;
        p->cap = cap;
    }
    p->items[p->n].name = name;
    p->items[p->n].value = value;
    p->n++;
    return SLSRT_OK;
}

const char *slsrt__pairs_get(const slsrt__pairs *p, const char *name, int nocase)
{
    for (size_t i = 0; name && i < p->n; i++)
        if ((nocase ? strcasecmp : strcmp)(p->items[i].name, name) == 0)
            return p->items[i].value;
    return NULL;
}

static char *lower(slsrt_http_request *r, const char *name)
{
    char *c = own_copy(r, name, strlen(name));
    for (char *p = c; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return c;
}

/* headers / multiValueHeaders, and the same for query strings (decoding them for ALB). */
static int read_map(slsrt_http_request *r, slsrt__pairs *into, const json_t *single, const json_t *multi,
                    int names_lower, int decode)
{
    const char *key;
    const json_t *v;
    size_t i;
    const json_t *x;
    if (json_is_object(multi) && json_object_size(multi)) {
        json_object_foreach((json_t *)multi, key, v) {
            const char *name = names_lower ? lower(r, key) : decode ? own_decoded(r, key, strlen(key), 1) : key;
            json_array_foreach(v, i, x) {
                if (!json_is_string(x))
                    continue;
                const char *value = decode ? own_decoded(r, json_string_value(x), json_string_length(x), 1)
                                           : json_string_value(x);
                if (slsrt__pairs_add(into, name, value))
                    return SLSRT_ENOMEM;
            }
        }
        return SLSRT_OK;
    }
    json_object_foreach((json_t *)single, key, v) {
        if (!json_is_string(v))
            continue;
        const char *name = names_lower ? lower(r, key) : decode ? own_decoded(r, key, strlen(key), 1) : key;
        const char *value = decode ? own_decoded(r, json_string_value(v), json_string_length(v), 1)
                                   : json_string_value(v);
        if (slsrt__pairs_add(into, name, value))
            return SLSRT_ENOMEM;
    }
    return SLSRT_OK;
}

/* a=1&b=2&a=3, decoded, in order. */
static int read_raw_query(slsrt_http_request *r, const char *q)
{
    for (const char *p = q; p && *p;) {
        size_t n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);
        size_t klen = eq ? (size_t)(eq - p) : n;
        if (n && slsrt__pairs_add(&r->query, own_decoded(r, p, klen, 1),
                                  eq ? own_decoded(r, eq + 1, n - klen - 1, 1) : own_copy(r, "", 0)))
            return SLSRT_ENOMEM;
        p += n + (p[n] == '&');
    }
    return SLSRT_OK;
}

/* "a=1; b=2" from Cookie headers, each kept as "a=1". */
static int read_cookie_header(slsrt_http_request *r)
{
    for (size_t i = 0; i < r->headers.n; i++) {
        if (strcmp(r->headers.items[i].name, "cookie") != 0)
            continue;
        for (const char *p = r->headers.items[i].value; *p;) {
            while (*p == ' ' || *p == ';')
                p++;
            size_t n = strcspn(p, ";");
            while (n && p[n - 1] == ' ')
                n--;
            if (n && slsrt__pairs_add(&r->cookies, own_copy(r, p, n), ""))
                return SLSRT_ENOMEM;
            p += n;
        }
    }
    return SLSRT_OK;
}

static int read_body(slsrt_http_request *r, const json_t *event)
{
    const json_t *body = json_object_get(event, "body");
    r->base64 = json_is_true(json_object_get(event, "isBase64Encoded"));
    if (!json_is_string(body)) {
        r->body = "";
        return SLSRT_OK;
    }
    if (!r->base64) {
        r->body = json_string_value(body);
        r->body_len = json_string_length(body);
        return SLSRT_OK;
    }
    size_t n = json_string_length(body), len;
    char *out = slsrt__http_own(r, malloc(n / 4 * 3 + 4));
    if (!out)
        return SLSRT_ENOMEM;
    if (slsrt_base64_decode(json_string_value(body), n, out, n / 4 * 3 + 3, &len) != SLSRT_OK) {
        r->bad_body = 1; /* keep the request: its caller deserves a 400, not a failed invocation */
        r->body = "";
        return SLSRT_OK;
    }
    out[len] = '\0';
    r->body = out;
    r->body_len = len;
    return SLSRT_OK;
}

static int parse(slsrt_http_request *r, const json_t *e)
{
    const json_t *ctx = slsrt__obj(e, "requestContext"), *http = slsrt__obj(ctx, "http");
    int v2 = r->source == SLSRT_SOURCE_APIGW_V2 || r->source == SLSRT_SOURCE_FUNCTION_URL;
    int alb = r->source == SLSRT_SOURCE_ALB;
    int rc;

    r->method = v2 ? slsrt__str(http, "method") : slsrt__str(e, "httpMethod");
    if (v2) {
        const char *raw = slsrt__str(e, "rawPath");
        r->raw_path = raw ? raw : "/";
        r->path = own_decoded(r, r->raw_path, strlen(r->raw_path), 0);
        if ((rc = read_raw_query(r, slsrt__str(e, "rawQueryString"))))
            return rc;
        if ((rc = read_map(r, &r->headers, json_object_get(e, "headers"), NULL, 1, 0)))
            return rc;
        size_t i;
        const json_t *c;
        json_array_foreach(json_object_get(e, "cookies"), i, c) {
            if (json_is_string(c) && slsrt__pairs_add(&r->cookies, json_string_value(c), ""))
                return SLSRT_ENOMEM;
        }
        r->source_ip = slsrt__str(http, "sourceIp");
    } else {
        const char *path = slsrt__str(e, "path");
        r->raw_path = path ? path : "/";
        /* ALB sends the path as requested; API Gateway REST has decoded it already. */
        r->path = alb ? own_decoded(r, r->raw_path, strlen(r->raw_path), 0) : r->raw_path;
        if ((rc = read_map(r, &r->query, json_object_get(e, "queryStringParameters"),
                           json_object_get(e, "multiValueQueryStringParameters"), 0, alb)))
            return rc;
        if ((rc = read_map(r, &r->headers, json_object_get(e, "headers"), json_object_get(e, "multiValueHeaders"), 1,
                           0)))
            return rc;
        if ((rc = read_cookie_header(r)))
            return rc;
        r->source_ip = slsrt__str2(ctx, "identity", "sourceIp");
        r->alb_multi = alb && json_object_size(json_object_get(e, "multiValueHeaders")) > 0;
    }
    if (!r->method)
        r->method = "";
    if (!r->path)
        return SLSRT_ENOMEM;
    if (!r->source_ip && alb) { /* the first of X-Forwarded-For */
        const char *xff = slsrt__pairs_get(&r->headers, "x-forwarded-for", 0);
        r->source_ip = xff ? own_copy(r, xff, strcspn(xff, ", ")) : NULL;
    }
    r->user_agent = slsrt__pairs_get(&r->headers, "user-agent", 0);
    if (!r->user_agent)
        r->user_agent = v2 ? slsrt__str(http, "userAgent") : slsrt__str2(ctx, "identity", "userAgent");
    r->request_id = slsrt__str(ctx, "requestId");
    r->authorizer = slsrt__obj(ctx, "authorizer");
    r->connection_id = slsrt__str(ctx, "connectionId");
    r->route_key = slsrt__str(ctx, "routeKey");
    r->ws_event = slsrt__str(ctx, "eventType");
    if ((rc = read_map(r, &r->params, json_object_get(e, "pathParameters"), NULL, 0, 0)))
        return rc;
    r->stage_vars = slsrt__obj(e, "stageVariables");
    return read_body(r, e);
}

slsrt_http_request *slsrt_http_request_parse(const json_t *event, slsrt_status *status)
{
    slsrt_status dummy;
    if (!status)
        status = &dummy;
    slsrt_event_source source = slsrt_event_detect(event);
    if (source < SLSRT_SOURCE_APIGW_V1 || source > SLSRT_SOURCE_WEBSOCKET) {
        *status = SLSRT_EINVAL;
        return NULL;
    }
    slsrt_http_request *r = calloc(1, sizeof *r);
    if (!r) {
        *status = SLSRT_ENOMEM;
        return NULL;
    }
    r->event = event;
    r->source = source;
    *status = parse(r, event);
    if (*status != SLSRT_OK) {
        slsrt_http_request_free(r);
        return NULL;
    }
    return r;
}

void slsrt_http_request_free(slsrt_http_request *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nowned; i++)
        free(r->owned[i]);
    free(r->owned);
    free(r->query.items);
    free(r->headers.items);
    free(r->cookies.items);
    free(r->params.items);
    free(r->route_params.items);
    free(r);
}

slsrt_http_request *slsrt_invocation_http(slsrt_invocation *inv, slsrt_status *status)
{
    slsrt_status dummy;
    if (!status)
        status = &dummy;
    if (!inv)
        return *status = SLSRT_EINVAL, NULL;
    if (!inv->http) {
        json_t *event = slsrt_invocation_event_json(inv);
        if (!event)
            return *status = SLSRT_EJSON, NULL;
        inv->http = slsrt_http_request_parse(event, status);
        return inv->http;
    }
    *status = SLSRT_OK;
    return inv->http;
}

static void free_invocation_request(slsrt_invocation *inv)
{
    slsrt_http_request_free(inv->http);
}

static const slsrt__hooks http_hooks = {.invocation_reset = free_invocation_request};
SLSRT__REGISTER_HOOKS(http_hooks)

slsrt_event_source slsrt_http_source(const slsrt_http_request *r) { return r->source; }
const char *slsrt_http_method(const slsrt_http_request *r) { return r->method; }
const char *slsrt_http_path(const slsrt_http_request *r) { return r->path; }
const char *slsrt_http_raw_path(const slsrt_http_request *r) { return r->raw_path; }
size_t slsrt_http_query_count(const slsrt_http_request *r) { return r->query.n; }
const char *slsrt_http_query_name(const slsrt_http_request *r, size_t i) { return i < r->query.n ? r->query.items[i].name : NULL; }
const char *slsrt_http_query_value(const slsrt_http_request *r, size_t i) { return i < r->query.n ? r->query.items[i].value : NULL; }
const char *slsrt_http_query(const slsrt_http_request *r, const char *name) { return slsrt__pairs_get(&r->query, name, 0); }
size_t slsrt_http_header_count(const slsrt_http_request *r) { return r->headers.n; }
const char *slsrt_http_header_name(const slsrt_http_request *r, size_t i) { return i < r->headers.n ? r->headers.items[i].name : NULL; }
const char *slsrt_http_header_value(const slsrt_http_request *r, size_t i) { return i < r->headers.n ? r->headers.items[i].value : NULL; }
const char *slsrt_http_header(const slsrt_http_request *r, const char *name) { return slsrt__pairs_get(&r->headers, name, 1); }
size_t slsrt_http_cookie_count(const slsrt_http_request *r) { return r->cookies.n; }
const char *slsrt_http_cookie(const slsrt_http_request *r, size_t i) { return i < r->cookies.n ? r->cookies.items[i].name : NULL; }
const char *slsrt_http_stage_variable(const slsrt_http_request *r, const char *name) { return slsrt__str(r->stage_vars, name); }
int slsrt_http_body_was_base64(const slsrt_http_request *r) { return r->base64; }
const char *slsrt_http_source_ip(const slsrt_http_request *r) { return r->source_ip; }
const char *slsrt_http_user_agent(const slsrt_http_request *r) { return r->user_agent; }
const char *slsrt_http_request_id(const slsrt_http_request *r) { return r->request_id; }
const json_t *slsrt_http_authorizer(const slsrt_http_request *r) { return r->authorizer; }
const char *slsrt_http_connection_id(const slsrt_http_request *r) { return r->connection_id; }
const char *slsrt_http_route_key(const slsrt_http_request *r) { return r->route_key; }
const char *slsrt_http_websocket_event(const slsrt_http_request *r) { return r->ws_event; }
const json_t *slsrt_http_event(const slsrt_http_request *r) { return r->event; }

const char *slsrt_http_path_param(const slsrt_http_request *r, const char *name)
{
    const char *v = slsrt__pairs_get(&r->params, name, 0);
    return v ? v : slsrt__pairs_get(&r->route_params, name, 0);
}

const char *slsrt_http_cookie_value(const slsrt_http_request *r, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    for (size_t i = 0; n && i < r->cookies.n; i++) {
        const char *c = r->cookies.items[i].name;
        if (strncmp(c, name, n) == 0 && c[n] == '=')
            return c + n + 1;
    }
    return NULL;
}

const char *slsrt_http_body(const slsrt_http_request *r, size_t *len)
{
    if (len)
        *len = r->body_len;
    return r->body;
}

const json_t *slsrt_http_jwt_claims(const slsrt_http_request *r)
{
    const json_t *claims = slsrt__obj(slsrt__obj(r->authorizer, "jwt"), "claims");
    return claims ? claims : slsrt__obj(r->authorizer, "claims");
}
