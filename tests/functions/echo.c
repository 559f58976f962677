/*
 * echo - answers with what the runtime handed it, so that a test can check
 * every byte: "<request id> <invocation id> <trace id length> <client
 * context length> <remaining ms sign> <_X_AMZN_TRACE_ID length>\n" followed
 * by the event as received, or for an event over 4 MiB (whose echo would be
 * over Lambda's 6 MB) "fnv1a:<its 64-bit FNV-1a in hex>".
 */
#include <slsrt/slsrt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    size_t len;
    const char *event = slsrt_invocation_event(inv, &len);
    const char *trace = slsrt_invocation_trace_id(inv), *cc = slsrt_invocation_client_context_raw(inv);
    const char *inv_id = slsrt_invocation_invocation_id(inv), *env = getenv("_X_AMZN_TRACE_ID");
    long long left = (long long)slsrt_invocation_remaining_ms(inv);
    char head[512];
    int n = snprintf(head, sizeof head, "%s %s %zu %zu %s %zu\n", slsrt_invocation_request_id(inv),
                     inv_id ? inv_id : "-", trace ? strlen(trace) : 0, cc ? strlen(cc) : 0,
                     left > 0 ? "+" : "-", env ? strlen(env) : 0);
    char digest[40];
    if (len > 4u * 1024 * 1024) {
        unsigned long long h = 14695981039346656037ull;
        for (size_t i = 0; i < len; i++)
            h = (h ^ (unsigned char)event[i]) * 1099511628211ull;
        len = (size_t)snprintf(digest, sizeof digest, "fnv1a:%016llx", h);
        event = digest;
    }
    char *out = malloc((size_t)n + len + 1);
    if (!out)
        return SLSRT_ENOMEM;
    memcpy(out, head, (size_t)n);
    memcpy(out + n, event, len);
    int rc = slsrt_response_set_body(res, out, (size_t)n + len, "application/octet-stream");
    free(out);
    return rc;
}

SLSRT_MAIN(handler)
