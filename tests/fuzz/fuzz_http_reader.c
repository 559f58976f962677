/* fuzz_http_reader.c - the Runtime API response reader: heads and chunked bodies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_reader.h"
#include <slsrt/common.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    slsrt__http_head head;
    int rc = slsrt__http_parse_head(buf, size, &head);
    if (rc == 1) {
        if (head.head_len > size)
            abort();
        for (size_t i = 0; i < head.nheaders; i++)
            if (!head.headers[i].name || !head.headers[i].value || strlen(head.headers[i].name) != head.headers[i].name_len)
                abort();
        slsrt__http_find(&head, "content-length");
        size_t body_len, used;
        char *body = buf + head.head_len;
        size_t avail = size - head.head_len;
        if (slsrt__http_dechunk(body, avail, avail, &body_len, &used) == 1 && (body_len > avail || used > avail))
            abort();
    }
    /* The body decoder on its own, with a limit taken from the input. */
    memcpy(buf, data, size);
    size_t body_len, used;
    size_t max = size ? data[0] * 4u : 0;
    if (slsrt__http_dechunk(buf, size, max, &body_len, &used) == 1 && (body_len > max || used > size))
        abort();
    free(buf);
    return 0;
}
