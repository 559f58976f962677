/* echo_doc_fn - answers the event it got, read in place (slsrt/doc.h): the
 * JSON echo benchmark without a Jansson tree (parse, then write). */
#include <slsrt/slsrt.h>

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    slsrt_status status;
    const slsrt_doc *doc = slsrt_invocation_doc(inv, &status);
    return doc ? slsrt_response_set_doc(res, doc, slsrt_doc_root(doc)) : status;
}

SLSRT_MAIN(handler)
