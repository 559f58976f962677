/* fuzz_trace_header.c - X-Ray trace headers: parse, and every view of what parses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <slsrt/xray.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    slsrt_status st;
    slsrt_trace_header *h = slsrt_trace_header_parse(text, &st);
    if (h) {
        char buf[8192], again[8192], view[64];
        slsrt_trace_header_root(h), slsrt_trace_header_parent(h), slsrt_trace_header_sampled(h);
        slsrt_trace_header_lineage(h), slsrt_trace_header_self(h), slsrt_trace_header_get(h, "x");
        slsrt_trace_header_traceparent(h, view, sizeof view);
        slsrt_trace_header_child(h, NULL, buf, sizeof buf);
        /* What formats must parse again to the same text. */
        if (slsrt_trace_header_format(h, buf, sizeof buf) == SLSRT_OK) {
            slsrt_trace_header *h2 = slsrt_trace_header_parse(buf, NULL);
            if (!h2 || slsrt_trace_header_format(h2, again, sizeof again) != SLSRT_OK || strcmp(buf, again) != 0)
                abort();
            slsrt_trace_header_free(h2);
        }
        slsrt_trace_header_free(h);
    } else if (st != SLSRT_EINVAL && st != SLSRT_ENOMEM) {
        abort();
    }
    free(text);
    return 0;
}
