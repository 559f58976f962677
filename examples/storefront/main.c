/*
 * storefront - an HTTP API with the production pieces on: CORS for the shop's
 * web origin, gzip for large answers, a middleware that times every answer,
 * JSON bodies checked into 400 problems, a feature flag (a discount for gold
 * customers) from AppConfig (or FLAGS_DOCUMENT), logs with the request's id
 * as correlation id and DEBUG lines kept back unless a request fails, and
 * SnapStart hooks.  Each answer says which Availability Zone served it.
 */
#include <slsrt/slsrt.h>
#include <stdio.h>
#include <stdlib.h>

static slsrt_router *router;
static slsrt_flags *flags;

static const char *const default_flags =
    "{\"gold_discount\": {\"default\": false, \"rules\": {\"gold customers\": {\"when_match\": true,"
    " \"conditions\": [{\"action\": \"EQUALS\", \"key\": \"tier\", \"value\": \"gold\"}]}}}}";

static slsrt_http_response *products(slsrt_invocation *inv, slsrt_http_request *req, void *arg)
{
    (void)arg;
    const char *tier = slsrt_http_header(req, "x-tier");
    json_t *who = json_pack("{s:s}", "tier", tier ? tier : "basic");
    int discount = slsrt_flags_enabled(flags, "gold_discount", who, 0);
    json_decref(who);
    slsrt_log_debug("pricing for tier %s, discount %d", tier ? tier : "basic", discount);
    json_t *list = json_array();
    for (int i = 1; i <= 40; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:f}", "sku", "tea", "name", "a fine loose-leaf tea",
                                              "price", discount ? 9.0 : 10.0));
    char az[64];
    if (slsrt_runtime_availability_zone_id(slsrt_invocation_runtime(inv), az, sizeof az) != SLSRT_OK)
        snprintf(az, sizeof az, "unknown");
    return slsrt_http_json(200, json_pack("{s:o, s:b, s:s}", "products", list, "discount", discount, "az", az));
}

static slsrt_http_response *order(slsrt_invocation *inv, slsrt_http_request *req, void *arg)
{
    (void)inv, (void)arg;
    slsrt_http_response *problem;
    json_t *o = slsrt_http_json_body(req, &problem);
    if (!o) {
        slsrt_log_warn("refused an order that is not JSON");
        return problem;
    }
    return slsrt_http_json(201, json_pack("{s:o}", "order", o));
}

static slsrt_http_response *timed(slsrt_invocation *inv, slsrt_http_request *req, slsrt_http_response *resp,
                                  void *arg)
{
    (void)req, (void)arg;
    char value[48];
    snprintf(value, sizeof value, "fn;dur=%lld", 30000LL - (long long)slsrt_invocation_remaining_ms(inv));
    slsrt_http_response_header(resp, "Server-Timing", value);
    return NULL;
}

static int before_snapshot(slsrt_runtime *rt, void *arg)
{
    (void)rt, (void)arg;
    slsrt_log_info("SnapStart: nothing to close before the snapshot");
    return 0;
}

static int after_restore(slsrt_runtime *rt, void *arg)
{
    (void)rt, (void)arg;
    slsrt_log_info("SnapStart: restored; credentials and connections are made afresh");
    return 0;
}

static int init(slsrt_runtime *rt)
{
    const char *app = getenv("APPCONFIG_APPLICATION");
    slsrt_flags_config fc = {.application = app, .environment = getenv("APPCONFIG_ENVIRONMENT"),
                             .profile = getenv("APPCONFIG_PROFILE")};
    if (!app)
        fc.document = getenv("FLAGS_DOCUMENT") ? getenv("FLAGS_DOCUMENT") : default_flags;
    flags = slsrt_flags_new(slsrt_runtime_aws(rt), &fc);

    static const char *const origins[] = {"https://shop.example.com", NULL};
    slsrt_cors cors = {.allow_origins = origins, .max_age = 3600};
    router = slsrt_router_new();
    slsrt_router_add(router, "GET", "/products", products, NULL);
    slsrt_router_add(router, "POST", "/orders", order, NULL);
    slsrt_router_use(router, NULL, timed, NULL);
    slsrt_router_cors(router, &cors);
    slsrt_router_compress(router, 1024);

    slsrt_log_buffering keep = {.at_or_below = SLSRT_LOG_DEBUG};
    slsrt_log_set_buffering(&keep);
    slsrt_log_set_correlation_pointer("/requestContext/requestId");
    slsrt_runtime_before_snapshot(rt, before_snapshot, NULL);
    slsrt_runtime_after_restore(rt, after_restore, NULL);
    return flags && router ? 0 : slsrt_runtime_fail(rt, "Function.InitFailed", "flags or router");
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    return slsrt_router_handle(router, inv, res);
}

SLSRT_MAIN_WITH_INIT(init, handler)
