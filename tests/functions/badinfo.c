/* badinfo - a declaration that is not JSON: ./bootstrap --info must say so and exit 2. */
#include <slsrt/slsrt.h>

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    (void)inv;
    return slsrt_response_set_json(res, json_null());
}

SLSRT_MAIN_WITH_INFO("{not json", NULL, handler)
