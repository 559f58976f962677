/*
 * @NAME@ - an HTTP function (API Gateway, ALB or a Function URL) on slsrt.
 * GET /hello/{name} answers {"message": "Hello, <name>!"}.
 */
#include <slsrt/slsrt.h>

static slsrt_http_response *hello(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)user_data;
    return slsrt_http_json(200, json_pack("{s:s++}", "message", "Hello, ", slsrt_http_path_param(req, "name"), "!"));
}

static int init(slsrt_runtime *rt)
{
    slsrt_router *router = slsrt_router_new();
    if (!router || slsrt_router_add(router, "GET", "/hello/{name}", hello, NULL) != SLSRT_OK)
        return slsrt_runtime_fail(rt, "Function.InitError", "cannot build the router");
    slsrt_runtime_set_user_data(rt, router);
    return 0;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    return slsrt_router_handle(slsrt_invocation_user_data(inv), inv, res);
}

SLSRT_MAIN_WITH_INFO("{\"name\": \"@NAME@\", \"memory\": 256, \"timeout\": 10, \"architecture\": \"arm64\","
                     " \"eventSources\": [\"apigw-v2\"], \"environment\": [], \"permissions\": []}",
                     init, handler)
