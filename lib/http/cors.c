/*
 * cors.c - cross-origin requests for the router: preflights answered
 * without a route, and the Access-Control-* headers on the responses to an
 * allowed origin.  A disallowed origin gets none, so the browser refuses.
 */
#include <slsrt/http.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_internal.h"

struct slsrt__cors {
    char **origins; /* NULL-terminated */
    int any_origin;
    char *methods, *headers, *expose;
    int credentials, max_age;
};

void slsrt__cors_free(slsrt__cors *c)
{
    if (!c)
        return;
    for (char **o = c->origins; o && *o; o++)
        free(*o);
    free(c->origins);
    free(c->methods);
    free(c->headers);
    free(c->expose);
    free(c);
}

slsrt__cors *slsrt__cors_new(const slsrt_cors *config)
{
    if (!config || !config->allow_origins || !config->allow_origins[0])
        return NULL;
    slsrt__cors *c = calloc(1, sizeof *c);
    size_t n = 0;
    while (config->allow_origins[n])
        n++;
    int ok = c && (c->origins = calloc(n + 1, sizeof *c->origins));
    for (size_t i = 0; ok && i < n; i++) {
        ok = (c->origins[i] = strdup(config->allow_origins[i])) != NULL;
        c->any_origin |= ok && !strcmp(c->origins[i], "*");
    }
    if (ok) {
        c->methods = strdup(config->allow_methods ? config->allow_methods : "GET, POST, PUT, PATCH, DELETE, OPTIONS");
        c->headers = strdup(config->allow_headers ? config->allow_headers : "Authorization, Content-Type");
        c->expose = config->expose_headers ? strdup(config->expose_headers) : NULL;
        c->credentials = config->allow_credentials;
        c->max_age = config->max_age;
        ok = c->methods && c->headers && (!config->expose_headers || c->expose);
    }
    if (!ok) {
        slsrt__cors_free(c);
        return NULL;
    }
    return c;
}

/* The request's Origin when it is allowed, else NULL. */
static const char *allowed(const slsrt__cors *c, const slsrt_http_request *req)
{
    const char *origin = slsrt_http_header(req, "Origin");
    if (!origin || !*origin)
        return NULL;
    for (char **o = c->origins; *o; o++)
        if (!strcmp(*o, "*") || !strcasecmp(*o, origin))
            return origin;
    return NULL;
}

static void origin_headers(const slsrt__cors *c, const char *origin, slsrt_http_response *resp)
{
    /* "*" may not go with credentials: then the origin itself is named. */
    int star = c->any_origin && !c->credentials;
    slsrt_http_response_header(resp, "Access-Control-Allow-Origin", star ? "*" : origin);
    if (!star)
        slsrt_http_response_header(resp, "Vary", "Origin");
    if (c->credentials)
        slsrt_http_response_header(resp, "Access-Control-Allow-Credentials", "true");
}

slsrt_http_response *slsrt__cors_preflight(const slsrt__cors *c, const slsrt_http_request *req)
{
    if (!c || strcmp(req->method, "OPTIONS") || !slsrt_http_header(req, "Access-Control-Request-Method"))
        return NULL;
    slsrt_http_response *resp = slsrt_http_response_new(204);
    const char *origin = allowed(c, req);
    if (!resp || !origin)
        return resp; /* no CORS headers: the browser refuses the request */
    origin_headers(c, origin, resp);
    slsrt_http_response_header(resp, "Access-Control-Allow-Methods", c->methods);
    const char *asked = slsrt_http_header(req, "Access-Control-Request-Headers");
    const char *headers = !strcmp(c->headers, "*") ? asked : c->headers;
    if (headers && *headers)
        slsrt_http_response_header(resp, "Access-Control-Allow-Headers", headers);
    if (c->max_age > 0) {
        char age[24];
        snprintf(age, sizeof age, "%d", c->max_age);
        slsrt_http_response_header(resp, "Access-Control-Max-Age", age);
    }
    return resp;
}

void slsrt__cors_headers(const slsrt__cors *c, const slsrt_http_request *req, slsrt_http_response *resp)
{
    const char *origin = c ? allowed(c, req) : NULL;
    if (!origin || slsrt_http_response_get_header(resp, "Access-Control-Allow-Origin"))
        return;
    origin_headers(c, origin, resp);
    if (c->expose)
        slsrt_http_response_header(resp, "Access-Control-Expose-Headers", c->expose);
}
