/*
 * traced - logs, metrics and X-Ray spans from a C function.
 *
 * Given {"orderId": "o-1", "items": [{"sku": "a", "price": 2.5, "qty": 2}]}
 * it logs the order with fields, prices it inside two nested spans (sent
 * to the X-Ray daemon when the trace is sampled), records OrderValue and
 * OrdersProcessed in the "slsrt/traced" namespace, and answers with the
 * total and the trace views: the header it received, its W3C traceparent,
 * and the header an outgoing call made inside the span would carry.
 */
#include <slsrt/slsrt.h>

#define NAMESPACE "slsrt/traced"

static int init(slsrt_runtime *rt)
{
    return slsrt_runtime_set_cold_start_metric(rt, NAMESPACE);
}

static double price(slsrt_invocation *inv, slsrt_span *parent, json_t *items)
{
    slsrt_span *span = slsrt_span_begin(inv, parent, "price");
    double total = 0;
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        total += json_number_value(json_object_get(item, "price")) *
                 (double)json_integer_value(json_object_get(item, "qty"));
    }
    slsrt_span_set_metadata(span, "total", json_real(total));
    slsrt_span_end(span);
    return total;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    if (!event)
        return SLSRT_EJSON;
    const char *order = json_string_value(json_object_get(event, "orderId"));
    json_t *items = json_object_get(event, "items");
    if (!order || !json_is_array(items))
        return slsrt_response_fail(res, "Function.InvalidOrder", "an order needs \"orderId\" and \"items\"");

    json_t *fields = json_pack("{s:s, s:i}", "orderId", order, "items", (int)json_array_size(items));
    slsrt_log_fields(SLSRT_LOG_INFO, fields, "processing order");
    json_decref(fields);
    slsrt_log_debug("items: %d", (int)json_array_size(items)); /* shown with AWS_LAMBDA_LOG_LEVEL=DEBUG */

    slsrt_span *span = slsrt_span_begin(inv, NULL, "process-order");
    slsrt_span_annotate_string(span, "orderId", order);
    double total = price(inv, span, items);
    slsrt_span_annotate_number(span, "total", total);

    /* What an outgoing call made here would send as X-Amzn-Trace-Id. */
    const slsrt_trace_header *trace = slsrt_invocation_trace(inv);
    char downstream[256] = "", traceparent[64] = "";
    slsrt_trace_header_child(trace, slsrt_span_id(span), downstream, sizeof downstream);
    slsrt_trace_header_traceparent(trace, traceparent, sizeof traceparent);
    slsrt_span_end(span);

    slsrt_metrics_set_namespace(inv, NAMESPACE);
    slsrt_metrics_add_dimension(inv, "service", "orders");
    slsrt_metric(inv, "OrderValue", total, "None");
    slsrt_metric(inv, "OrdersProcessed", 1, "Count");

    const char *received = slsrt_invocation_trace_id(inv);
    return slsrt_response_set_json(res, json_pack("{s:s, s:f, s:s?, s:s, s:s}", "orderId", order, "total", total,
                                                  "traceHeader", received, "traceparent", traceparent,
                                                  "downstreamHeader", downstream));
}

SLSRT_MAIN_WITH_INIT(init, handler)
