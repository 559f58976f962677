/*
 * request.c - one request type over the five HTTP sources.
 *
 * The decoding rules differ by source: API Gateway decodes query strings
 * and REST paths, ALB decodes nothing, payload 2.0 and Function URLs give
 * rawPath and rawQueryString as sent (with decoded maps that lose order and
 * repeats, so slsrt parses the raw string).  The event is read from its
 * token index (util/json_index.h), not from a jansson tree: strings come
 * from the index's arena where they can; what slsrt decodes or lower-cases
 * it owns.  The tree is built only when asked for.
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

/* The event's members, as the tree's json_object_get and json_string_value
 * would find them (0 / NULL for none). */
static uint32_t get(const slsrt_http_request *r, uint32_t o, const char *key)
{
    return slsrt__json_index_get(r->x, o, key);
}

static const char *str(const slsrt_http_request *r, uint32_t o, const char *key)
{
    return slsrt__json_index_string(r->x, get(r, o, key), NULL);
}

static uint32_t kind(const slsrt_http_request *r, uint32_t t) { return slsrt__json_kind(r->x, t); }

static uint32_t obj(const slsrt_http_request *r, uint32_t o, const char *key)
{
    uint32_t t = get(r, o, key);
    return kind(r, t) == SLSRT__JSON_OBJECT ? t : 0;
}

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
static int read_map(slsrt_http_request *r, slsrt__pairs *into, uint32_t single, uint32_t multi, int names_lower,
                    int decode)
{
    int multi_used = kind(r, multi) == SLSRT__JSON_OBJECT && r->x->tok[multi].n;
    uint32_t map = multi_used ? multi : single;
    size_t count;
    uint32_t(*members)[2] = slsrt__json_index_members(r->x, map, &count);
    if (!members && kind(r, map) == SLSRT__JSON_OBJECT && r->x->tok[map].n)
        return SLSRT_ENOMEM;
    int rc = SLSRT_OK;
    for (size_t m = 0; m < count && rc == SLSRT_OK; m++) {
        size_t klen;
        const char *key = slsrt__json_index_string(r->x, members[m][0], &klen);
        const char *name = names_lower ? lower(r, key) : decode ? own_decoded(r, key, klen, 1) : key;
        /* A value (single), or an array of them (multi); only strings count. */
        uint32_t v = members[m][1], e = multi_used ? v + 1 : v, n = 1;
        if (multi_used)
            n = kind(r, v) == SLSRT__JSON_ARRAY ? r->x->tok[v].n : 0;
        for (uint32_t i = 0; i < n && rc == SLSRT_OK; i++, e = r->x->tok[e].next) {
            size_t vlen;
            const char *value = slsrt__json_index_string(r->x, e, &vlen);
            if (value && slsrt__pairs_add(into, name, decode ? own_decoded(r, value, vlen, 1) : value))
                rc = SLSRT_ENOMEM;
        }
    }
    free(members);
    return rc;
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

static int read_body(slsrt_http_request *r)
{
    size_t n, len;
    const char *body = slsrt__json_index_string(r->x, get(r, 1, "body"), &n);
    r->base64 = kind(r, get(r, 1, "isBase64Encoded")) == SLSRT__JSON_TRUE;
    if (!body) {
        r->body = "";
        return SLSRT_OK;
    }
    if (!r->base64) {
        r->body = body;
        r->body_len = n;
        return SLSRT_OK;
    }
    char *out = slsrt__http_own(r, malloc(n / 4 * 3 + 4));
    if (!out)
        return SLSRT_ENOMEM;
    if (slsrt_base64_decode(body, n, out, n / 4 * 3 + 3, &len) != SLSRT_OK) {
        r->bad_body = 1; /* keep the request: its caller deserves a 400, not a failed invocation */
        r->body = "";
        return SLSRT_OK;
    }
    out[len] = '\0';
    r->body = out;
    r->body_len = len;
    return SLSRT_OK;
}

static int parse(slsrt_http_request *r)
{
    uint32_t ctx = obj(r, 1, "requestContext"), http = obj(r, ctx, "http");
    int v2 = r->source == SLSRT_SOURCE_APIGW_V2 || r->source == SLSRT_SOURCE_FUNCTION_URL;
    int alb = r->source == SLSRT_SOURCE_ALB;
    int rc;

    r->method = v2 ? str(r, http, "method") : str(r, 1, "httpMethod");
    if (v2) {
        const char *raw = str(r, 1, "rawPath");
        r->raw_path = raw ? raw : "/";
        r->path = own_decoded(r, r->raw_path, strlen(r->raw_path), 0);
        if ((rc = read_raw_query(r, str(r, 1, "rawQueryString"))))
            return rc;
        if ((rc = read_map(r, &r->headers, get(r, 1, "headers"), 0, 1, 0)))
            return rc;
        uint32_t cookies = get(r, 1, "cookies"), c = cookies + 1;
        uint32_t ncookies = kind(r, cookies) == SLSRT__JSON_ARRAY ? r->x->tok[cookies].n : 0;
        for (uint32_t i = 0; i < ncookies; i++, c = r->x->tok[c].next) {
            const char *cookie = slsrt__json_index_string(r->x, c, NULL);
            if (cookie && slsrt__pairs_add(&r->cookies, cookie, ""))
                return SLSRT_ENOMEM;
        }
        r->source_ip = str(r, http, "sourceIp");
    } else {
        const char *path = str(r, 1, "path");
        r->raw_path = path ? path : "/";
        /* ALB sends the path as requested; API Gateway REST has decoded it already. */
        r->path = alb ? own_decoded(r, r->raw_path, strlen(r->raw_path), 0) : r->raw_path;
        if ((rc = read_map(r, &r->query, get(r, 1, "queryStringParameters"),
                           get(r, 1, "multiValueQueryStringParameters"), 0, alb)))
            return rc;
        if ((rc = read_map(r, &r->headers, get(r, 1, "headers"), get(r, 1, "multiValueHeaders"), 1, 0)))
            return rc;
        if ((rc = read_cookie_header(r)))
            return rc;
        r->source_ip = str(r, get(r, ctx, "identity"), "sourceIp");
        uint32_t multi = get(r, 1, "multiValueHeaders");
        r->alb_multi = alb && kind(r, multi) == SLSRT__JSON_OBJECT && r->x->tok[multi].n > 0;
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
        r->user_agent = v2 ? str(r, http, "userAgent") : str(r, get(r, ctx, "identity"), "userAgent");
    r->request_id = str(r, ctx, "requestId");
    r->authorizer_token = obj(r, ctx, "authorizer");
    r->connection_id = str(r, ctx, "connectionId");
    r->route_key = str(r, ctx, "routeKey");
    r->ws_event = str(r, ctx, "eventType");
    if ((rc = read_map(r, &r->params, get(r, 1, "pathParameters"), 0, 0, 0)))
        return rc;
    r->stage_vars = obj(r, 1, "stageVariables");
    return read_body(r);
}

/* A request over doc (the invocation's), or over text (then its own). */
static slsrt_http_request *request(const slsrt_doc *doc, const char *text, size_t len, slsrt_status *status)
{
    slsrt_http_request *r = calloc(1, sizeof *r);
    if (!r)
        return *status = SLSRT_ENOMEM, NULL;
    if (!doc && !(doc = r->own = slsrt_doc_parse(text, len, status))) {
        free(r);
        return NULL;
    }
    r->doc = doc;
    r->x = slsrt__doc_index(doc);
    r->source = slsrt_doc_event_source(doc);
    *status = r->source < SLSRT_SOURCE_APIGW_V1 || r->source > SLSRT_SOURCE_WEBSOCKET ? SLSRT_EINVAL : parse(r);
    if (*status != SLSRT_OK) {
        slsrt_http_request_free(r);
        return NULL;
    }
    return r;
}

slsrt_http_request *slsrt__http_request_from_text(const char *text, size_t len, slsrt_status *status)
{
    return request(NULL, text, len, status);
}

slsrt_http_request *slsrt_http_request_parse(const json_t *event, slsrt_status *status)
{
    slsrt_status dummy;
    if (!status)
        status = &dummy;
    if (!json_is_object(event))
        return *status = SLSRT_EINVAL, NULL;
    /* One reader for both ways in: the tree as text, indexed. */
    char *text = json_dumps(event, JSON_COMPACT);
    if (!text)
        return *status = SLSRT_ENOMEM, NULL;
    slsrt_http_request *r = request(NULL, text, strlen(text), status);
    free(text); /* the index keeps its own copy */
    if (r)
        r->event = event;
    return r;
}

void slsrt_http_request_free(slsrt_http_request *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nowned; i++)
        free(r->owned[i]);
    free(r->owned);
    json_decref(r->authorizer);
    slsrt_doc_free(r->own);
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
    if (inv->http)
        return *status = SLSRT_OK, inv->http;
    const slsrt_doc *doc = slsrt_invocation_doc(inv, status); /* one document of the event for both */
    inv->http = doc ? request(doc, NULL, 0, status) : NULL;
    if (inv->http)
        inv->http->inv = inv;
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
const char *slsrt_http_stage_variable(const slsrt_http_request *r, const char *name) { return str(r, r->stage_vars, name); }
int slsrt_http_body_was_base64(const slsrt_http_request *r) { return r->base64; }
const char *slsrt_http_source_ip(const slsrt_http_request *r) { return r->source_ip; }
const char *slsrt_http_user_agent(const slsrt_http_request *r) { return r->user_agent; }
const char *slsrt_http_request_id(const slsrt_http_request *r) { return r->request_id; }

const char *slsrt_http_connection_id(const slsrt_http_request *r) { return r->connection_id; }
const char *slsrt_http_route_key(const slsrt_http_request *r) { return r->route_key; }
const char *slsrt_http_websocket_event(const slsrt_http_request *r) { return r->ws_event; }

/* The tree and the authorizer's object are built on first use: the request
 * is the caller's alone (one invocation's), so the const can be set aside. */
const json_t *slsrt_http_event(const slsrt_http_request *r)
{
    if (!r->event && r->inv)
        ((slsrt_http_request *)r)->event = slsrt_invocation_event_json(r->inv);
    return r->event;
}

const json_t *slsrt_http_authorizer(const slsrt_http_request *r)
{
    if (!r->authorizer && r->authorizer_token)
        ((slsrt_http_request *)r)->authorizer = slsrt__json_index_value(r->x, r->authorizer_token);
    return r->authorizer;
}

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
    const json_t *authorizer = slsrt_http_authorizer(r);
    const json_t *claims = slsrt__obj(slsrt__obj(authorizer, "jwt"), "claims");
    return claims ? claims : slsrt__obj(authorizer, "claims");
}
