/*
 * webapi - the router's production features together: CORS (one allowed
 * origin, credentials, a max age), gzip over 256 bytes, middleware (an
 * authentication check on /private, a Server-Timing header on every
 * answer), and the JSON body helper's 400 problem.
 */
#include <slsrt/slsrt.h>
#include <stdio.h>
#include <string.h>

static slsrt_http_response *big(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)req, (void)user_data;
    json_t *items = json_array();
    for (int i = 0; i < 200; i++)
        json_array_append_new(items, json_pack("{s:i, s:s}", "id", i, "name", "a repetitive item name"));
    return slsrt_http_json(200, json_pack("{s:o}", "items", items));
}

static slsrt_http_response *create(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)user_data;
    slsrt_http_response *problem;
    json_t *item = slsrt_http_json_body(req, &problem);
    if (!item)
        return problem;
    return slsrt_http_json(201, json_pack("{s:o}", "created", item));
}

static slsrt_http_response *me(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)req, (void)user_data;
    return slsrt_http_json(200, json_pack("{s:s}", "user", "ada"));
}

/* Middleware: no Authorization on /private, no entry. */
static slsrt_http_response *authenticate(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)user_data;
    if (strncmp(slsrt_http_path(req), "/private", 8) || slsrt_http_header(req, "Authorization"))
        return NULL;
    slsrt_http_response *r = slsrt_http_problem(401, "Unauthorized", "an Authorization header is required");
    slsrt_http_response_header(r, "WWW-Authenticate", "Bearer");
    return r;
}

/* Middleware: every answer says how long the function took. */
static slsrt_http_response *timing(slsrt_invocation *inv, slsrt_http_request *req, slsrt_http_response *resp,
                                   void *user_data)
{
    (void)req, (void)user_data;
    char value[64];
    snprintf(value, sizeof value, "fn;desc=\"%d\"", slsrt_http_response_status(resp));
    (void)inv;
    slsrt_http_response_header(resp, "Server-Timing", value);
    return NULL;
}

static slsrt_router *router;

static int init(slsrt_runtime *rt)
{
    (void)rt;
    static const char *const origins[] = {"https://app.example.com", NULL};
    slsrt_cors cors = {.allow_origins = origins, .allow_credentials = 1, .max_age = 600, .expose_headers = "Server-Timing"};
    router = slsrt_router_new();
    slsrt_router_add(router, "GET", "/big", big, NULL);
    slsrt_router_add(router, "POST", "/items", create, NULL);
    slsrt_router_add(router, "GET", "/private/me", me, NULL);
    slsrt_router_use(router, authenticate, timing, NULL);
    slsrt_router_cors(router, &cors);
    slsrt_router_compress(router, 256);
    return 0;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    return slsrt_router_handle(router, inv, res);
}

SLSRT_MAIN_WITH_INIT(init, handler)
