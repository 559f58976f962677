/*
 * http-echo - answers every HTTP request (API Gateway REST and HTTP APIs,
 * ALB, Function URLs, WebSocket) with what slsrt parsed of it:
 * {"source", "method", "path", "rawPath", "query": {name: [values]},
 *  "pathParameters", "headers": {lower-case name: [values]}, "cookies",
 *  "body" (text, or base64 when binary), "isBase64Encoded", "sourceIp"}.
 * /users/{id} is a route, to show a captured path parameter; GET /boom
 * fails, to show the 500 the router answers.
 */
#include <slsrt/slsrt.h>

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* name -> [values], in the order sent. */
static json_t *multi(size_t n, const char *(*name)(const slsrt_http_request *, size_t),
                     const char *(*value)(const slsrt_http_request *, size_t), const slsrt_http_request *req)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *list = json_object_get(o, name(req, i));
        if (!list)
            json_object_set_new(o, name(req, i), list = json_array());
        json_array_append_new(list, json_string(value(req, i)));
    }
    return o;
}

static slsrt_http_response *echo(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)user_data;
    json_t *params = json_object(), *cookies = json_array();
    const json_t *source_params = json_object_get(slsrt_http_event(req), "pathParameters");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)source_params, key, v) json_object_set(params, key, v);
    if (slsrt_http_path_param(req, "id"))
        json_object_set_new(params, "id", json_string(slsrt_http_path_param(req, "id")));
    for (size_t i = 0; i < slsrt_http_cookie_count(req); i++)
        json_array_append_new(cookies, json_string(slsrt_http_cookie(req, i)));
    size_t len;
    const char *body = slsrt_http_body(req, &len);
    int binary = slsrt_http_body_was_base64(req);
    json_t *body_json;
    if (binary) { /* hand binary back as the source sent it */
        body_json = json_incref(json_object_get(slsrt_http_event(req), "body"));
    } else {
        body_json = json_stringn(body, len);
    }
    json_t *view = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o?, s:b, s:o}", "source",
                             slsrt_event_source_name(slsrt_http_source(req)), "method", slsrt_http_method(req), "path",
                             slsrt_http_path(req), "rawPath", slsrt_http_raw_path(req), "query",
                             multi(slsrt_http_query_count(req), slsrt_http_query_name, slsrt_http_query_value, req),
                             "pathParameters", params, "headers",
                             multi(slsrt_http_header_count(req), slsrt_http_header_name, slsrt_http_header_value, req),
                             "cookies", cookies, "body", body_json ? body_json : json_null(), "isBase64Encoded",
                             binary, "sourceIp", text_or_null(slsrt_http_source_ip(req)));
    return slsrt_http_json(200, view);
}

static slsrt_http_response *boom(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)req, (void)user_data;
    return NULL; /* the router answers 500 and logs it */
}

static int init(slsrt_runtime *rt)
{
    slsrt_router *router = slsrt_router_new();
    if (!router || slsrt_router_add(router, "*", "/users/{id}", echo, NULL) ||
        slsrt_router_add(router, "GET", "/boom", boom, NULL) || slsrt_router_fallback(router, echo, NULL))
        return slsrt_runtime_fail(rt, "Function.InitError", "cannot build the router");
    slsrt_runtime_set_user_data(rt, router);
    return 0;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    return slsrt_router_handle(slsrt_invocation_user_data(inv), inv, res);
}

SLSRT_MAIN_WITH_INIT(init, handler)
