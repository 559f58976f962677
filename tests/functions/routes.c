/*
 * routes - a router with no fallback, for the router's own rules: literal
 * over parameter over greedy, 404 and 405 with Allow, a before hook that
 * guards /admin, cookies and headers in every response shape, binary bodies,
 * and a header value with CR/LF that must be refused.
 */
#include <slsrt/slsrt.h>
#include <string.h>

static slsrt_http_response *named(slsrt_invocation *inv, slsrt_http_request *req, void *route)
{
    (void)inv;
    json_t *params = json_object();
    const char *keys[] = {"id", "path", "user"};
    for (size_t i = 0; i < 3; i++)
        if (slsrt_http_path_param(req, keys[i]))
            json_object_set_new(params, keys[i], json_string(slsrt_http_path_param(req, keys[i])));
    slsrt_http_response *resp = slsrt_http_json(200, json_pack("{s:s, s:o}", "route", (const char *)route, "params", params));
    slsrt_http_response_header(resp, "X-Route", route);
    slsrt_http_response_header(resp, "X-Multi", "1");
    slsrt_http_response_header(resp, "X-Multi", "2");
    slsrt_http_response_cookie(resp, "a=1; Secure");
    slsrt_http_response_cookie(resp, "b=2; HttpOnly");
    return resp;
}

static slsrt_http_response *binary(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)req, (void)user_data;
    slsrt_http_response *resp = slsrt_http_response_new(200);
    slsrt_http_response_body(resp, "\x00\x01\x02\xff", 4, "image/png");
    return resp;
}

static slsrt_http_response *injection(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)req, (void)user_data;
    slsrt_http_response *resp = slsrt_http_response_new(200);
    int bad_value = slsrt_http_response_header(resp, "X-Evil", "a\r\nSet-Cookie: stolen=1");
    int bad_name = slsrt_http_response_header(resp, "X Evil", "a");
    int bad_cookie = slsrt_http_response_cookie(resp, "c=1\r\nX: y");
    slsrt_http_response_json(resp, json_pack("{s:i, s:i, s:i}", "value", bad_value, "name", bad_name, "cookie", bad_cookie));
    return resp;
}

static slsrt_http_response *guard(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)user_data;
    if (strncmp(slsrt_http_path(req), "/admin", 6) != 0)
        return NULL;
    const char *key = slsrt_http_header(req, "X-Api-Key");
    if (key && strcmp(key, "letmein") == 0)
        return NULL;
    return slsrt_http_json(401, json_pack("{s:s}", "error", "no key"));
}

static int init(slsrt_runtime *rt)
{
    slsrt_router *r = slsrt_router_new();
    int rc = slsrt_router_add(r, "GET", "/posts", named, "list") | slsrt_router_add(r, "POST", "/posts", named, "create") |
             slsrt_router_add(r, "GET", "/posts/{id}", named, "get") |
             slsrt_router_add(r, "DELETE", "/posts/{id}", named, "delete") |
             slsrt_router_add(r, "GET", "/posts/latest", named, "latest") |
             slsrt_router_add(r, "GET", "/files/{path+}", named, "files") |
             slsrt_router_add(r, "GET", "/admin/{user}", named, "admin") |
             slsrt_router_add(r, "GET", "/binary", binary, NULL) |
             slsrt_router_add(r, "GET", "/injection", injection, NULL) | slsrt_router_before(r, guard, NULL);
    /* what the router must refuse */
    rc |= !slsrt_router_add(r, "GET", "/posts", named, "twice") | !slsrt_router_add(r, "GET", "/a/{x+}/b", named, "x") |
          !slsrt_router_add(r, "GET", "/posts/{other}", named, "x") | !slsrt_router_add(r, "GET", "no-slash", named, "x");
    if (rc)
        return slsrt_runtime_fail(rt, "Function.InitError", "the router took or refused the wrong routes");
    slsrt_runtime_set_user_data(rt, r);
    return 0;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    return slsrt_router_handle(slsrt_invocation_user_data(inv), inv, res);
}

SLSRT_MAIN_WITH_INIT(init, handler)
