/*
 * http_reader.c - HTTP/1.1 response heads and chunked bodies.
 *
 * The Runtime API is a trusted peer on loopback, but a broken sandbox or a
 * fault-injecting emulator can send anything: every byte is checked and no
 * input can make the parser read or write outside the buffer it was given.
 */
#include "http_reader.h"

#include <string.h>
#include <strings.h>

#include <slsrt/common.h>

/* RFC 9110 token characters, for header names. */
static const unsigned char tchar[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1, ['-'] = 1,
    ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1, ['~'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,
    ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

int slsrt__http_is_token(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!tchar[(unsigned char)*s])
            return 0;
    return 1;
}

int slsrt__http_name_is(const slsrt__http_header *h, const char *lower, size_t len)
{
    if (h->name_len != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((h->name[i] | 0x20) != lower[i]) /* names are tokens: ASCII only */
            return 0;
    return 1;
}

/* The end of the line starting at p (pointing at its '\n'), or NULL. */
static char *line_end(char *p, char *end)
{
    return memchr(p, '\n', (size_t)(end - p));
}

/* Strip the '\r' before '\n' and surrounding spaces/tabs; NUL-terminate. */
static char *trim(char *start, char *nl)
{
    char *e = nl;
    if (e > start && e[-1] == '\r')
        e--;
    while (start < e && (*start == ' ' || *start == '\t'))
        start++;
    while (e > start && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *e = '\0';
    return start;
}

static int parse_status_line(char *p, char *nl, int *status)
{
    /* "HTTP/1.x SSS[ reason]" */
    if (nl - p < 12 || memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') || p[8] != ' ')
        return SLSRT_EPROTO;
    int s = 0;
    for (int i = 9; i < 12; i++) {
        if (p[i] < '0' || p[i] > '9')
            return SLSRT_EPROTO;
        s = s * 10 + (p[i] - '0');
    }
    if (s < 100 || (p[12] != ' ' && p[12] != '\r' && p[12] != '\n'))
        return SLSRT_EPROTO;
    *status = s;
    return SLSRT_OK;
}

static int parse_length(const char *v, long long *out)
{
    long long n = 0;
    if (!*v)
        return SLSRT_EPROTO;
    for (; *v; v++) {
        if (*v < '0' || *v > '9' || n > (1LL << 50))
            return SLSRT_EPROTO;
        n = n * 10 + (*v - '0');
    }
    *out = n;
    return SLSRT_OK;
}

static int note_framing(slsrt__http_head *out, const slsrt__http_header *h)
{
    if (slsrt__http_name_is(h, "content-length", 14)) {
        long long n;
        if (parse_length(h->value, &n) || (out->content_length >= 0 && out->content_length != n))
            return SLSRT_EPROTO;
        out->content_length = n;
    } else if (slsrt__http_name_is(h, "transfer-encoding", 17)) {
        if (strcasecmp(h->value, "chunked") != 0)
            return SLSRT_EPROTO; /* no other coding is ever sent by the API */
        out->chunked = 1;
    }
    return SLSRT_OK;
}

int slsrt__http_parse_head(char *buf, size_t len, slsrt__http_head *out)
{
    char *end = buf + (len > SLSRT__HTTP_MAX_HEAD ? SLSRT__HTTP_MAX_HEAD : len);
    char *nl = line_end(buf, end);
    if (!nl)
        return len >= SLSRT__HTTP_MAX_HEAD ? SLSRT_EPROTO : 0;

    memset(out, 0, offsetof(slsrt__http_head, headers));
    out->content_length = -1;
    if (parse_status_line(buf, nl, &out->status))
        return SLSRT_EPROTO;

    for (char *p = nl + 1;; p = nl + 1) {
        nl = line_end(p, end);
        if (!nl)
            return len >= SLSRT__HTTP_MAX_HEAD ? SLSRT_EPROTO : 0;
        if (nl == p || (nl == p + 1 && *p == '\r')) {
            if (out->chunked && out->content_length >= 0)
                return SLSRT_EPROTO; /* ambiguous framing */
            out->head_len = (size_t)(nl + 1 - buf);
            return 1;
        }
        char *colon = memchr(p, ':', (size_t)(nl - p));
        if (!colon || colon == p)
            return SLSRT_EPROTO; /* also refuses obsolete line folding */
        for (const unsigned char *c = (const unsigned char *)p; c < (const unsigned char *)colon; c++)
            if (!tchar[*c])
                return SLSRT_EPROTO;
        /* A value holds no NUL and no CR but the one ending the line. */
        const char *cr = memchr(colon + 1, '\r', (size_t)(nl - colon - 1));
        if ((cr && cr + 1 != nl) || memchr(colon + 1, '\0', (size_t)(nl - colon - 1)))
            return SLSRT_EPROTO;
        if (out->nheaders == SLSRT__HTTP_MAX_HEADERS)
            return SLSRT_EPROTO;
        *colon = '\0';
        slsrt__http_header *h = &out->headers[out->nheaders++];
        h->name = p;
        h->name_len = (size_t)(colon - p);
        h->value = trim(colon + 1, nl);
        if (note_framing(out, h))
            return SLSRT_EPROTO;
    }
}

const char *slsrt__http_find(const slsrt__http_head *h, const char *name)
{
    for (size_t i = 0; i < h->nheaders; i++)
        if (strcasecmp(h->headers[i].name, name) == 0)
            return h->headers[i].value;
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * First pass only validates and measures, so that an incomplete body leaves
 * buf untouched and the caller can simply retry with more bytes.
 */
static int scan_chunks(char *buf, size_t len, size_t max, int copy, size_t *body_len, size_t *used)
{
    size_t pos = 0, out = 0;
    for (;;) {
        size_t size = 0, line_start = pos;
        int digits = 0;
        while (pos < len && hexval(buf[pos]) >= 0) {
            if (size > (SIZE_MAX >> 8))
                return SLSRT_EPROTO;
            size = size * 16 + (size_t)hexval(buf[pos++]);
            digits++;
        }
        char *nl = pos < len ? memchr(buf + pos, '\n', len - pos) : NULL;
        if (!nl)
            return len - line_start > 1024 ? SLSRT_EPROTO : 0; /* a size line is short */
        if (!digits || (pos < len && buf[pos] != '\r' && buf[pos] != ';' && buf + pos != nl))
            return SLSRT_EPROTO;
        pos = (size_t)(nl - buf) + 1;
        if (size == 0)
            break;
        if (size > max - out)
            return SLSRT_ETOOBIG;
        if (len - pos < size + 2)
            return 0;
        if (copy)
            memmove(buf + out, buf + pos, size);
        out += size;
        pos += size;
        if (buf[pos] == '\r')
            pos++;
        if (buf[pos] != '\n')
            return SLSRT_EPROTO;
        pos++;
    }
    /* Trailers until an empty line. */
    for (;;) {
        char *nl = pos < len ? memchr(buf + pos, '\n', len - pos) : NULL;
        if (!nl)
            return 0;
        size_t line = (size_t)(nl - (buf + pos));
        pos = (size_t)(nl - buf) + 1;
        if (line == 0 || (line == 1 && nl[-1] == '\r'))
            break;
    }
    *body_len = out;
    *used = pos;
    return 1;
}

int slsrt__http_dechunk(char *buf, size_t len, size_t max, size_t *body_len, size_t *used)
{
    int rc = scan_chunks(buf, len, max, 0, body_len, used);
    if (rc == 1)
        scan_chunks(buf, len, max, 1, body_len, used);
    return rc;
}
