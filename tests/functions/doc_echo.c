/*
 * doc_echo - answers with its event read in place (slsrt/doc.h): no Jansson
 * tree, the answer written from the document.  A compact event comes back
 * byte for byte.
 */
#include <slsrt/slsrt.h>

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    slsrt_status status;
    const slsrt_doc *doc = slsrt_invocation_doc(inv, &status);
    if (!doc)
        return status; /* not JSON: the runtime reports Runtime.InvalidEventJSON */
    return slsrt_response_set_doc(res, doc, slsrt_doc_root(doc));
}

SLSRT_MAIN(handler)
