/*
 * http_reader.c - HTTP/1.1 response heads and chunked bodies.
 *
 * The Runtime API is a trusted peer on loopback, but a broken sandbox or a
 * fault-injecting emulator can send anything: every byte is checked and no
 * input can make the parser read or write outside the buffer it was given.
 */
#include "http_reader.h"

#include <stdint.h>
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

/*
 * Which name this is, by its length and then one comparison: a head of ten
 * headers is not compared ten times against every name the runtime knows.
 */
static slsrt__http_name_kind name_kind(const char *name, size_t len)
{
    static const struct {
        const char *lower;
        slsrt__http_name_kind kind;
    } by_len[36][2] = {
        [10] = {{"connection", SLSRT__H_CONNECTION}},
        [12] = {{"content-type", SLSRT__H_CONTENT_TYPE}},
        [14] = {{"content-length", SLSRT__H_CONTENT_LENGTH}},
        [17] = {{"transfer-encoding", SLSRT__H_TRANSFER_ENCODING}},
        [23] = {{"lambda-runtime-trace-id", SLSRT__H_TRACE_ID}},
        [26] = {{"lambda-runtime-deadline-ms", SLSRT__H_DEADLINE}},
        [28] = {{"lambda-runtime-aws-tenant-id", SLSRT__H_TENANT_ID},
                {"lambda-runtime-invocation-id", SLSRT__H_INVOCATION_ID}},
        [29] = {{"lambda-runtime-aws-request-id", SLSRT__H_REQUEST_ID},
                {"lambda-runtime-client-context", SLSRT__H_CLIENT_CONTEXT}},
        [31] = {{"lambda-runtime-cognito-identity", SLSRT__H_COGNITO_IDENTITY}},
        [35] = {{"lambda-runtime-invoked-function-arn", SLSRT__H_FUNCTION_ARN}},
    };
    if (len >= sizeof by_len / sizeof *by_len)
        return SLSRT__H_OTHER;
    /* Eight bytes at a time, each side with bit 5 set: for token characters
     * against lower-case letters, '-' and digits that is a case-insensitive
     * comparison and nothing looser (no other token character maps onto them). */
    const uint64_t fold = 0x2020202020202020ull;
    for (int c = 0; c < 2 && by_len[len][c].lower; c++) {
        const char *lower = by_len[len][c].lower;
        size_t i = 0;
        for (uint64_t a, b; i + 8 <= len; i += 8) {
            memcpy(&a, name + i, 8);
            memcpy(&b, lower + i, 8);
            if ((a | fold) != (b | fold))
                break;
        }
        while (i < len && (name[i] | 0x20) == lower[i])
            i++;
        if (i == len)
            return by_len[len][c].kind;
    }
    return SLSRT__H_OTHER;
}

/* Strip the '\r' before '\n' and surrounding spaces/tabs; NUL-terminate. */
static char *trim(char *start, char *nl, size_t *len)
{
    char *e = nl;
    if (e > start && e[-1] == '\r')
        e--;
    while (start < e && (*start == ' ' || *start == '\t'))
        start++;
    while (e > start && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *e = '\0';
    *len = (size_t)(e - start);
    return start;
}

static int parse_status_line(const char *p, const char *nl, slsrt__http_head *out)
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
    out->status = s;
    out->close = p[7] == '0'; /* HTTP/1.0 closes unless it says keep-alive */
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

/* 1 when the comma-separated list holds `token` (any case). */
static int list_has(const char *list, const char *token)
{
    size_t n = strlen(token);
    for (const char *p = list; *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        size_t word = len;
        while (word && (p[word - 1] == ' ' || p[word - 1] == '\t'))
            word--;
        if (word == n && strncasecmp(p, token, n) == 0)
            return 1;
        p += len;
    }
    return 0;
}

static int note_header(slsrt__http_head *out, const char *buf, const slsrt__http_header *h)
{
    const char *value = buf + h->value;
    if (h->kind == SLSRT__H_CONTENT_LENGTH) {
        long long n;
        if (parse_length(value, &n) || (out->content_length >= 0 && out->content_length != n))
            return SLSRT_EPROTO;
        out->content_length = n;
    } else if (h->kind == SLSRT__H_TRANSFER_ENCODING) {
        if (strcasecmp(value, "chunked") != 0)
            return SLSRT_EPROTO; /* no other coding is ever sent by the API */
        out->chunked = 1;
    } else if (h->kind == SLSRT__H_CONNECTION) {
        if (list_has(value, "close"))
            out->close = 1;
        else if (list_has(value, "keep-alive"))
            out->close = 0;
    }
    return SLSRT_OK;
}

/*
 * The offset just past the blank line that ends the head, or 0.  Starts a
 * little before `seen`, where a line end may have been cut in two.
 */
static size_t head_end(const char *buf, size_t len, size_t seen)
{
    size_t from = seen > 2 ? seen - 2 : 0;
    for (const char *nl; from < len && (nl = memchr(buf + from, '\n', len - from)); from = (size_t)(nl - buf) + 1) {
        size_t i = (size_t)(nl - buf);
        if (i + 1 < len && buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

static int parse_header_line(char *buf, char *p, char *nl, slsrt__http_head *out)
{
    /* The name is token characters up to the colon (a line folded onto the
     * previous one starts with a space: refused).  A name the runtime knows
     * is made of them already; only other names are checked byte by byte. */
    char *colon = memchr(p, ':', (size_t)(nl - p));
    if (!colon || colon == p)
        return SLSRT_EPROTO;
    slsrt__http_name_kind kind = name_kind(p, (size_t)(colon - p));
    for (const char *c = p; kind == SLSRT__H_OTHER && c < colon; c++)
        if (!tchar[(unsigned char)*c])
            return SLSRT_EPROTO;
    /* A value holds no NUL and no CR but the one ending the line. */
    const char *cr = memchr(colon + 1, '\r', (size_t)(nl - colon - 1));
    if ((cr && cr + 1 != nl) || memchr(colon + 1, '\0', (size_t)(nl - colon - 1)))
        return SLSRT_EPROTO;
    if (out->nheaders == SLSRT__HTTP_MAX_HEADERS)
        return SLSRT_EPROTO;
    *colon = '\0';
    slsrt__http_header *h = &out->headers[out->nheaders++];
    char *value = trim(colon + 1, nl, &h->value_len);
    h->name = (size_t)(p - buf);
    h->name_len = (size_t)(colon - p);
    h->value = (size_t)(value - buf);
    h->kind = kind;
    return h->kind == SLSRT__H_OTHER || h->kind > SLSRT__H_CONNECTION ? SLSRT_OK : note_header(out, buf, h);
}

int slsrt__http_parse_head(char *buf, size_t len, size_t seen, slsrt__http_head *out)
{
    /* Nothing is written into buf until the whole head is there. */
    size_t end = head_end(buf, len, seen);
    if (!end)
        return len >= SLSRT__HTTP_MAX_HEAD ? SLSRT_EPROTO : 0;
    if (end > SLSRT__HTTP_MAX_HEAD)
        return SLSRT_EPROTO;

    memset(out, 0, offsetof(slsrt__http_head, headers));
    out->content_length = -1;
    char *nl = memchr(buf, '\n', end);
    if (parse_status_line(buf, nl, out))
        return SLSRT_EPROTO;
    for (char *p = nl + 1;; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(buf + end - p));
        if (nl == p || (nl == p + 1 && *p == '\r'))
            break; /* the blank line: head_end found it, so it is there */
        if (parse_header_line(buf, p, nl, out))
            return SLSRT_EPROTO;
    }
    if (out->chunked && out->content_length >= 0)
        return SLSRT_EPROTO; /* ambiguous framing */
    out->head_len = end;
    return 1;
}

const char *slsrt__http_find(const slsrt__http_head *h, const char *buf, const char *name)
{
    for (size_t i = 0; i < h->nheaders; i++)
        if (strcasecmp(buf + h->headers[i].name, name) == 0)
            return buf + h->headers[i].value;
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

enum { CH_SIZE, CH_DATA, CH_DATA_END, CH_TRAILERS, CH_DONE };

/* The chunk-size line at p (up to its '\n' at nl): hex digits, then ';' extensions or the line end. */
static int chunk_size(const char *p, const char *nl, size_t *size)
{
    size_t n = 0;
    const char *q = p;
    for (int v; q < nl && (v = hexval(*q)) >= 0; q++) {
        if (n > (SIZE_MAX >> 8))
            return SLSRT_EPROTO;
        n = n * 16 + (size_t)v;
    }
    if (q == p || (q < nl && *q != '\r' && *q != ';') || (*q == '\r' && q + 1 != nl))
        return SLSRT_EPROTO;
    *size = n;
    return SLSRT_OK;
}

/*
 * One step of the decoder at buf[*pos..len), writing data to buf[st->out..].
 * Returns 1 when it moved on, 0 when it needs more bytes, or an error.
 */
static int dechunk_step(slsrt__http_chunked *st, char *buf, size_t *pos, size_t len, size_t max)
{
    char *p = buf + *pos;
    size_t avail = len - *pos;
    if (st->state == CH_DATA) {
        size_t n = avail < st->left ? avail : st->left;
        if (n == 0)
            return 0;
        memmove(buf + st->out, p, n);
        st->out += n;
        st->left -= n;
        *pos += n;
        if (st->left == 0)
            st->state = CH_DATA_END;
        return 1;
    }
    if (st->state == CH_DATA_END) {
        size_t crlf = avail && *p == '\r' ? 2 : 1;
        if (avail < crlf)
            return 0;
        if (p[crlf - 1] != '\n')
            return SLSRT_EPROTO;
        *pos += crlf;
        st->state = CH_SIZE;
        return 1;
    }
    /* A size line or a trailer line: whole lines only, each bounded. */
    size_t limit = st->state == CH_SIZE ? SLSRT__HTTP_MAX_CHUNK_LINE : SLSRT__HTTP_MAX_TRAILERS - st->trailers;
    char *nl = memchr(p, '\n', avail < limit ? avail : limit);
    if (!nl)
        return avail >= limit ? SLSRT_EPROTO : 0;
    size_t line = (size_t)(nl - p) + 1;
    *pos += line;
    if (st->state == CH_TRAILERS) {
        st->trailers += line;
        if (line == 1 || (line == 2 && *p == '\r'))
            st->state = CH_DONE;
        return 1;
    }
    size_t size;
    if (chunk_size(p, nl, &size))
        return SLSRT_EPROTO;
    if (size > max - st->out)
        return SLSRT_ETOOBIG;
    st->left = size;
    st->state = size ? CH_DATA : CH_TRAILERS;
    return 1;
}

int slsrt__http_dechunk(slsrt__http_chunked *st, char *buf, size_t *len, size_t max)
{
    size_t pos = st->out;
    int rc = 0;
    while (st->state != CH_DONE && (rc = dechunk_step(st, buf, &pos, *len, max)) == 1)
        ;
    if (st->state != CH_DONE && rc < 0)
        return rc;
    /* Move what is left to follow the decoded bytes. */
    memmove(buf + st->out, buf + pos, *len - pos);
    *len = st->out + (*len - pos);
    return st->state == CH_DONE;
}
