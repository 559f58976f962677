/*
 * order-total - a large order read in place (slsrt/doc.h): the items'
 * amounts summed without a Jansson tree of the event (a 5 MB order would
 * be a 65 MB tree), the total logged, and the items answered as they came.
 */
#include <slsrt/slsrt.h>

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    slsrt_status status;
    const slsrt_doc *doc = slsrt_invocation_doc(inv, &status); /* until the handler returns */
    if (!doc)
        return status; /* not JSON: Runtime.InvalidEventJSON */
    slsrt_doc_node order = slsrt_doc_get(doc, slsrt_doc_root(doc), "order");
    slsrt_doc_node items = slsrt_doc_get(doc, order, "items");
    if (slsrt_doc_type_of(doc, items) != SLSRT_DOC_ARRAY)
        return slsrt_response_fail(res, "Order.NoItems", "the event has no order.items array");
    double total = 0, amount;
    for (slsrt_doc_node item = slsrt_doc_first(doc, items); item; item = slsrt_doc_next(doc, item))
        if (slsrt_doc_real(doc, slsrt_doc_get(doc, item, "amount"), &amount) == SLSRT_OK)
            total += amount;
    const char *id = slsrt_doc_string(doc, slsrt_doc_get(doc, order, "id"), NULL);
    slsrt_log_info("order %s: %zu items, %.2f", id ? id : "(no id)", slsrt_doc_count(doc, items), total);
    return slsrt_response_set_doc(res, doc, items); /* the items, as they came */
}

SLSRT_MAIN(handler)
