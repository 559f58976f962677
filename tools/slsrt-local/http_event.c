/*
 * http_event.c - a plain HTTP request as the event an HTTP source sends:
 * API Gateway HTTP API (payload 2.0), REST API (1.0), ALB, Function URL.
 * Each source's own rules: API Gateway decodes the REST path and query
 * values, payload 2.0 keeps rawPath and rawQueryString as sent, ALB
 * decodes nothing; bodies that are not UTF-8 text go base64.
 */
#include "emu.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LOCAL_REGION "us-east-1"

static const char *const source_names[] = {"apigw-v2", "apigw-v1", "alb", "function-url"};

int http_source_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(name, source_names[i]))
            return i;
    return -1;
}

const char *http_source_name(enum http_source s) { return source_names[s]; }

char *http_decoded(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            *o++ = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

static int utf8_text(const char *p, size_t n)
{
    json_t *probe = json_stringn(p, n); /* Jansson checks UTF-8 */
    int ok = probe && !memchr(p, '\0', n);
    json_decref(probe);
    return ok;
}

static void set_body(json_t *ev, const char *body, size_t len)
{
    if (!len) {
        json_object_set_new(ev, "body", json_null());
        json_object_set_new(ev, "isBase64Encoded", json_false());
        return;
    }
    if (utf8_text(body, len)) {
        json_object_set_new(ev, "body", json_stringn(body, len));
        json_object_set_new(ev, "isBase64Encoded", json_false());
        return;
    }
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *b64 = malloc((len + 2) / 3 * 4 + 1), *o = b64;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned char)body[i] << 16 | (i + 1 < len ? (unsigned char)body[i + 1] << 8 : 0) |
                     (i + 2 < len ? (unsigned char)body[i + 2] : 0);
        *o++ = tbl[v >> 18 & 63];
        *o++ = tbl[v >> 12 & 63];
        *o++ = i + 1 < len ? tbl[v >> 6 & 63] : '=';
        *o++ = i + 2 < len ? tbl[v & 63] : '=';
    }
    *o = '\0';
    json_object_set_new(ev, "body", json_string(b64));
    json_object_set_new(ev, "isBase64Encoded", json_true());
    free(b64);
}

/* Query pairs: name -> [values] (decoded or as sent), in order. */
static json_t *query_values(const char *query, int decode)
{
    json_t *q = json_object();
    char *copy = strdup(query ? query : ""), *save = NULL;
    for (char *part = strtok_r(copy, "&", &save); part; part = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(part, '=');
        size_t nlen = eq ? (size_t)(eq - part) : strlen(part);
        char *name = decode ? http_decoded(part, nlen) : strndup(part, nlen);
        char *value = eq ? (decode ? http_decoded(eq + 1, strlen(eq + 1)) : strdup(eq + 1)) : strdup("");
        json_t *list = json_object_get(q, name);
        if (!list)
            json_object_set_new(q, name, list = json_array());
        json_array_append_new(list, json_string(value));
        free(name);
        free(value);
    }
    free(copy);
    return q;
}

/* {name: last value} or {name: "v1,v2"} from {name: [values]}. */
static json_t *single_values(json_t *multi, int join)
{
    if (!json_object_size(multi))
        return json_null();
    json_t *out = json_object(), *list;
    const char *name;
    json_object_foreach(multi, name, list) {
        if (!join) {
            json_object_set(out, name, json_array_get(list, json_array_size(list) - 1));
            continue;
        }
        size_t i, cap = 1;
        json_t *v;
        json_array_foreach(list, i, v) cap += strlen(json_string_value(v)) + 1;
        char *s = calloc(1, cap);
        json_array_foreach(list, i, v) {
            if (i)
                strcat(s, ",");
            strcat(s, json_string_value(v));
        }
        json_object_set_new(out, name, json_string(s));
        free(s);
    }
    return out;
}

static void context_time(json_t *ctx, const char *key_time, const char *key_epoch)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char text[64];
    strftime(text, sizeof text, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    json_object_set_new(ctx, key_time, json_string(text));
    json_object_set_new(ctx, key_epoch, json_integer((json_int_t)now_ms()));
}

char *http_event(const struct http_request *r, const struct route_match *m)
{
    const char *host = "localhost", *agent = "";
    for (size_t i = 0; i < r->nheaders; i++) {
        if (!strcasecmp(r->headers[i].name, "host"))
            host = r->headers[i].value;
        if (!strcasecmp(r->headers[i].name, "user-agent"))
            agent = r->headers[i].value;
    }
    char request_id[40];
    make_uuid(request_id);
    /* Headers as a map of lists, names lower-cased (v1: as sent). */
    json_t *multi = json_object(), *cookies = json_array();
    for (size_t i = 0; i < r->nheaders; i++) {
        char name[256];
        snprintf(name, sizeof name, "%s", r->headers[i].name);
        if (r->source != HTTP_APIGW_V1)
            for (char *p = name; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        if (!strcasecmp(name, "cookie") && (r->source == HTTP_APIGW_V2 || r->source == HTTP_FUNCTION_URL)) {
            char *copy = strdup(r->headers[i].value), *save = NULL;
            for (char *c = strtok_r(copy, ";", &save); c; c = strtok_r(NULL, ";", &save))
                json_array_append_new(cookies, json_string(c + strspn(c, " ")));
            free(copy);
            continue;
        }
        json_t *list = json_object_get(multi, name);
        if (!list)
            json_object_set_new(multi, name, list = json_array());
        json_array_append_new(list, json_string(r->headers[i].value));
    }
    json_t *ev = json_object(), *ctx = json_object();
    if (r->source == HTTP_APIGW_V2 || r->source == HTTP_FUNCTION_URL) {
        int furl = r->source == HTTP_FUNCTION_URL;
        char *path = http_decoded(r->path, strlen(r->path));
        json_object_set_new(ev, "version", json_string("2.0"));
        json_object_set_new(ev, "routeKey", json_string(furl ? "$default" : m->route_key));
        json_object_set_new(ev, "rawPath", json_string(r->path));
        json_object_set_new(ev, "rawQueryString", json_string(r->query ? r->query : ""));
        if (json_array_size(cookies))
            json_object_set(ev, "cookies", cookies);
        json_object_set_new(ev, "headers", single_values(multi, 1));
        json_t *q = query_values(r->query, 1);
        if (json_object_size(q))
            json_object_set_new(ev, "queryStringParameters", single_values(q, 1));
        json_decref(q);
        if (!furl && strcmp(m->route_key, "$default") && json_object_size(m->params))
            json_object_set(ev, "pathParameters", m->params);
        json_object_set_new(ctx, "accountId", json_string(furl ? "anonymous" : "123456789012"));
        json_object_set_new(ctx, "apiId", json_string("local"));
        /* A Function URL is known by its domain name. */
        json_object_set_new(ctx, "domainName",
                            json_string(furl ? "local.lambda-url." LOCAL_REGION ".on.aws" : host));
        json_object_set_new(ctx, "domainPrefix", json_string("local"));
        json_object_set_new(ctx, "http", json_pack("{s:s, s:s, s:s, s:s, s:s}", "method", r->method, "path", path,
                                                   "protocol", "HTTP/1.1", "sourceIp", "127.0.0.1", "userAgent", agent));
        json_object_set_new(ctx, "requestId", json_string(request_id));
        json_object_set_new(ctx, "routeKey", json_string(furl ? "$default" : m->route_key));
        json_object_set_new(ctx, "stage", json_string("$default"));
        context_time(ctx, "time", "timeEpoch");
        free(path);
    } else if (r->source == HTTP_APIGW_V1) {
        char *path = http_decoded(r->path, strlen(r->path));
        json_t *q = query_values(r->query, 1);
        json_object_set_new(ev, "resource", json_string(m->resource));
        json_object_set_new(ev, "path", json_string(path));
        json_object_set_new(ev, "httpMethod", json_string(r->method));
        json_object_set_new(ev, "headers", single_values(multi, 0));
        json_object_set(ev, "multiValueHeaders", json_object_size(multi) ? multi : json_null());
        json_object_set_new(ev, "queryStringParameters", single_values(q, 0));
        json_object_set_new(ev, "multiValueQueryStringParameters", json_object_size(q) ? json_incref(q) : json_null());
        json_object_set(ev, "pathParameters", json_object_size(m->params) ? m->params : json_null());
        json_object_set_new(ev, "stageVariables", json_null());
        json_object_set_new(ctx, "accountId", json_string("123456789012"));
        json_object_set_new(ctx, "apiId", json_string("local"));
        json_object_set_new(ctx, "domainName", json_string(host));
        json_object_set_new(ctx, "httpMethod", json_string(r->method));
        json_object_set_new(ctx, "identity", json_pack("{s:s, s:s}", "sourceIp", "127.0.0.1", "userAgent", agent));
        json_object_set_new(ctx, "path", json_string(path));
        json_object_set_new(ctx, "protocol", json_string("HTTP/1.1"));
        json_object_set_new(ctx, "requestId", json_string(request_id));
        json_object_set_new(ctx, "resourcePath", json_string(m->resource));
        json_object_set_new(ctx, "stage", json_string("local"));
        context_time(ctx, "requestTime", "requestTimeEpoch");
        json_decref(q);
        free(path);
    } else { /* ALB: nothing decoded, one value per name */
        json_t *q = query_values(r->query, 0);
        json_object_set_new(ctx, "elb", json_pack("{s:s}", "targetGroupArn",
                                                  "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/local/0"));
        json_object_set_new(ev, "httpMethod", json_string(r->method));
        json_object_set_new(ev, "path", json_string(r->path));
        json_t *single = single_values(q, 0);
        json_object_set_new(ev, "queryStringParameters", json_is_null(single) ? json_object() : single);
        json_t *headers = single_values(multi, 0);
        json_object_set_new(ev, "headers", json_is_null(headers) ? json_object() : headers);
        json_decref(q);
    }
    json_object_set_new(ev, "requestContext", ctx);
    set_body(ev, r->body, r->body_len);
    char *text = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(ev);
    json_decref(multi);
    json_decref(cookies);
    return text;
}
