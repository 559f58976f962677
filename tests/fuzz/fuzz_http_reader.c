/*
 * fuzz_http_reader.c - the Runtime API response reader, differentially:
 * the input read whole and the same input fed in pieces (sizes drawn from
 * the input's first byte as a seed) must give the same head, the same
 * decoded body and the same verdict.  The head is then read as the client
 * reads it, with the chunked body when it says so.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_reader.h"
#include <slsrt/common.h>

struct result {
    int head_rc, body_rc;
    slsrt__http_head head;
    char *buf; /* the reader's buffer: head, then the decoded body */
    size_t body_len;
};

/* Feed data[0..size) in pieces of at most `piece` bytes (all at once when 0). */
static void read_all(const uint8_t *data, size_t size, unsigned seed, size_t piece, struct result *r)
{
    memset(r, 0, sizeof *r);
    r->buf = malloc(size + 1);
    size_t have = 0, seen = 0;
    while (r->head_rc == 0 && have < size) {
        size_t n = piece ? 1 + (seed = seed * 1103515245u + 12345u) % piece : size;
        if (n > size - have)
            n = size - have;
        memcpy(r->buf + have, data + have, n);
        have += n;
        r->head_rc = slsrt__http_parse_head(r->buf, have, seen, &r->head);
        seen = have;
    }
    if (r->head_rc != 1)
        return;
    if (r->head.head_len > have)
        abort();
    for (size_t i = 0; i < r->head.nheaders; i++) {
        const slsrt__http_header *h = &r->head.headers[i];
        if (h->name + h->name_len >= r->head.head_len || h->value + h->value_len >= r->head.head_len ||
            strlen(slsrt__http_name(r->buf, h)) != h->name_len || strlen(slsrt__http_value(r->buf, h)) != h->value_len)
            abort();
    }
    /* Everything after the head as a chunked body, whatever the head said. */
    slsrt__http_chunked st = {0};
    size_t start = r->head.head_len, len = have - start, max = data[0] * 64u;
    for (;;) {
        r->body_rc = slsrt__http_dechunk(&st, r->buf + start, &len, max);
        if (r->body_rc != 0 || have == size)
            break;
        size_t n = piece ? 1 + (seed = seed * 1103515245u + 12345u) % piece : size - have;
        if (n > size - have)
            n = size - have;
        memcpy(r->buf + start + len, data + have, n);
        len += n;
        have += n;
    }
    /* What follows the decoded bytes is the input's tail, as received. */
    size_t rest = len - st.out;
    if (st.out > max || start + len > size || memcmp(r->buf + start + st.out, data + have - rest, rest) != 0)
        abort();
    r->body_len = st.out;
}

static void same(const struct result *a, const struct result *b)
{
    if (a->head_rc != b->head_rc)
        abort();
    if (a->head_rc != 1)
        return;
    const slsrt__http_head *x = &a->head, *y = &b->head;
    if (x->status != y->status || x->close != y->close || x->chunked != y->chunked ||
        x->content_length != y->content_length || x->head_len != y->head_len || x->nheaders != y->nheaders ||
        memcmp(x->headers, y->headers, x->nheaders * sizeof x->headers[0]) != 0 ||
        memcmp(a->buf, b->buf, x->head_len) != 0)
        abort();
    /* A body that ended or failed did so at the same point; one still
     * waiting for bytes has decoded the same prefix. */
    if (a->body_rc != b->body_rc || a->body_len != b->body_len ||
        memcmp(a->buf + x->head_len, b->buf + y->head_len, a->body_len) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned seed = data[0] | (unsigned)data[1] << 8;
    struct result whole, pieces, bytes;
    read_all(data, size, seed, 0, &whole);
    read_all(data, size, seed, 1 + data[1] % 16, &pieces);
    read_all(data, size, seed, 1, &bytes);
    same(&whole, &pieces);
    same(&whole, &bytes);
    free(whole.buf);
    free(pieces.buf);
    free(bytes.buf);
    return 0;
}
