/*
 * route_fn.c - a routed HTTP function with ROUTES routes (built with 1 and
 * with 100), so that make bench can show what the number of routes costs
 * per request: the same request, the same route, more neighbours.
 */
#include <slsrt/slsrt.h>
#include <stdio.h>

#ifndef ROUTES
#define ROUTES 1
#endif

static slsrt_http_response *ok(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)user_data;
    return slsrt_http_json(200, json_pack("{s:s}", "id", slsrt_http_path_param(req, "id")));
}

static int init(slsrt_runtime *rt)
{
    slsrt_router *r = slsrt_router_new();
    char path[64];
    for (int i = 0; i < ROUTES; i++) { /* the one the request takes is the last added */
        snprintf(path, sizeof path, "/service%d/items/{id}", ROUTES - 1 - i);
        slsrt_router_add(r, "GET", path, ok, NULL);
    }
    slsrt_runtime_set_user_data(rt, r);
    return 0;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    return slsrt_router_handle(slsrt_invocation_user_data(inv), inv, res);
}

SLSRT_MAIN_WITH_INIT(init, handler)
