/*
 * response.c - one response builder, written in the shape the
 * invoking source expects.  Header names and values with CR, LF or NUL are
 * refused when added, so none can ever split a response.
 */
#include <slsrt/http.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/base64.h"
#include "http_internal.h"
#include "util/json_write.h"


int slsrt_http_response_status(const slsrt_http_response *r) { return r ? r->status : 0; }

const char *slsrt_http_response_get_header(const slsrt_http_response *r, const char *name)
{
    return r && name ? slsrt__pairs_get(&r->headers, name, 1) : NULL;
}

slsrt_http_response *slsrt_http_response_new(int status)
{
    if (status < 100 || status > 599)
        return NULL;
    slsrt_http_response *r = calloc(1, sizeof *r);
    if (r)
        r->status = status;
    return r;
}

static void free_pairs(slsrt__pairs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free((char *)p->items[i].name);
        free((char *)p->items[i].value);
    }
    free(p->items);
}

void slsrt_http_response_free(slsrt_http_response *r)
{
    if (!r)
        return;
    free_pairs(&r->headers);
    free_pairs(&r->cookies);
    slsrt__buf_free(&r->body);
    free(r->content_type);
    free(r);
}

static int is_token(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!(((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') || (*s >= '0' && *s <= '9') || strchr("!#$%&'*+-.^_`|~", *s)))
            return 0;
    return 1;
}

static int clean_value(const char *v)
{
    return v && !strpbrk(v, "\r\n");
}

static slsrt_status add(slsrt__pairs *p, const char *name, const char *value)
{
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v || slsrt__pairs_add(p, n, v)) {
        free(n), free(v);
        return SLSRT_ENOMEM;
    }
    return SLSRT_OK;
}

slsrt_status slsrt_http_response_header(slsrt_http_response *r, const char *name, const char *value)
{
    if (!r || !is_token(name) || !clean_value(value))
        return SLSRT_EINVAL;
    return add(&r->headers, name, value);
}

slsrt_status slsrt_http_response_cookie(slsrt_http_response *r, const char *cookie)
{
    if (!r || !clean_value(cookie) || !*cookie)
        return SLSRT_EINVAL;
    return add(&r->cookies, cookie, "");
}

static int textual(const char *type)
{
    static const char *const text[] = {"text/", "application/json", "application/javascript", "application/xml",
                                       "application/x-www-form-urlencoded", "+json", "+xml", "image/svg+xml"};
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (strstr(type, text[i]))
            return 1;
    return 0;
}

slsrt_status slsrt_http_response_body(slsrt_http_response *r, const void *data, size_t len, const char *content_type)
{
    if (!r || (!data && len) || (content_type && !clean_value(content_type)))
        return SLSRT_EINVAL;
    char *type = strdup(content_type ? content_type : "text/plain; charset=utf-8");
    if (!type)
        return SLSRT_ENOMEM;
    slsrt__buf_clear(&r->body);
    if (slsrt__buf_append(&r->body, data, len)) {
        free(type);
        return SLSRT_ENOMEM;
    }
    free(r->content_type);
    r->content_type = type;
    r->binary = !textual(type);
    return SLSRT_OK;
}

slsrt_status slsrt_http_response_json(slsrt_http_response *r, json_t *value)
{
    if (!value)
        return SLSRT_ENOMEM;
    if (!r) {
        json_decref(value);
        return SLSRT_EINVAL;
    }
    slsrt__buf b = {0};
    int rc = slsrt__json_write(&b, value);
    json_decref(value);
    if (rc == SLSRT_OK)
        rc = slsrt_http_response_body(r, b.data ? b.data : "", b.len, "application/json");
    slsrt__buf_free(&b);
    return rc;
}

slsrt_http_response *slsrt_http_json(int status, json_t *value)
{
    slsrt_http_response *r = slsrt_http_response_new(status);
    if (!r || slsrt_http_response_json(r, value) != SLSRT_OK) {
        if (!r)
            json_decref(value);
        slsrt_http_response_free(r);
        return NULL;
    }
    return r;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
    }
}

/* {"name": "v1,v2"}: payload 2.0 and single-value sources join repeats. */
static json_t *joined(const slsrt__pairs *h, const char *content_type, const char *skip)
{
    json_t *o = json_object();
    if (content_type)
        json_object_set_new(o, "Content-Type", json_string(content_type));
    for (size_t i = 0; i < h->n; i++) {
        if (skip && strcasecmp(h->items[i].name, skip) == 0)
            continue;
        const char *prev = json_string_value(json_object_get(o, h->items[i].name));
        if (prev) {
            size_t n = strlen(prev) + strlen(h->items[i].value) + 2;
            char *both = malloc(n);
            snprintf(both, n, "%s,%s", prev, h->items[i].value);
            json_object_set_new(o, h->items[i].name, json_string(both));
            free(both);
        } else {
            json_object_set_new(o, h->items[i].name, json_string(h->items[i].value));
        }
    }
    return o;
}

/* {"name": ["v1", "v2"]}, with Set-Cookie for each cookie. */
static json_t *multi(const slsrt__pairs *h, const slsrt__pairs *cookies, const char *content_type)
{
    json_t *o = json_object();
    if (content_type)
        json_object_set_new(o, "Content-Type", json_pack("[s]", content_type));
    for (size_t i = 0; i < h->n; i++) {
        json_t *list = json_object_get(o, h->items[i].name);
        if (!list)
            json_object_set_new(o, h->items[i].name, list = json_array());
        json_array_append_new(list, json_string(h->items[i].value));
    }
    for (size_t i = 0; i < cookies->n; i++) {
        json_t *list = json_object_get(o, "Set-Cookie");
        if (!list)
            json_object_set_new(o, "Set-Cookie", list = json_array());
        json_array_append_new(list, json_string(cookies->items[i].name));
    }
    return o;
}

static json_t *body_json(const slsrt_http_response *r)
{
    if (!r->binary)
        return json_stringn(r->body.data ? r->body.data : "", r->body.len);
    char *b64 = malloc(SLSRT__BASE64_SIZE(r->body.len));
    if (!b64)
        return NULL;
    slsrt__base64_encode(r->body.data ? r->body.data : "", r->body.len, b64);
    json_t *s = json_string(b64);
    free(b64);
    return s;
}

int slsrt_http_respond(slsrt_response *res, const slsrt_http_request *req, slsrt_http_response *r)
{
    if (!res || !req || !r) {
        slsrt_http_response_free(r);
        return SLSRT_EINVAL;
    }
    json_t *body = body_json(r);
    json_t *out = json_pack("{s:i, s:o?, s:b}", "statusCode", r->status, "body", body, "isBase64Encoded", r->binary);
    switch (req->source) {
    case SLSRT_SOURCE_APIGW_V2:
    case SLSRT_SOURCE_FUNCTION_URL: {
        json_t *cookies = json_array();
        for (size_t i = 0; i < r->cookies.n; i++)
            json_array_append_new(cookies, json_string(r->cookies.items[i].name));
        json_object_set_new(out, "headers", joined(&r->headers, r->content_type, NULL));
        json_object_set_new(out, "cookies", cookies);
        break;
    }
    case SLSRT_SOURCE_ALB: {
        char description[64];
        snprintf(description, sizeof description, "%d %s", r->status, reason(r->status));
        json_object_set_new(out, "statusDescription", json_string(description));
        if (req->alb_multi) {
            json_object_set_new(out, "multiValueHeaders", multi(&r->headers, &r->cookies, r->content_type));
        } else { /* one Set-Cookie fits in single-value headers: the last wins */
            json_t *h = joined(&r->headers, r->content_type, NULL);
            if (r->cookies.n)
                json_object_set_new(h, "Set-Cookie", json_string(r->cookies.items[r->cookies.n - 1].name));
            json_object_set_new(out, "headers", h);
        }
        break;
    }
    case SLSRT_SOURCE_WEBSOCKET:
        break; /* API Gateway passes statusCode and body on, nothing else */
    default:
        json_object_set_new(out, "multiValueHeaders", multi(&r->headers, &r->cookies, r->content_type));
        break;
    }
    slsrt_http_response_free(r);
    return slsrt_response_set_json(res, out);
}
