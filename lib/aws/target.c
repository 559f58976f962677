/*
 * target.c - where a request goes: the URL resolved from the target and
 * the service's endpoint, and the path in the bytes that are both signed
 * and sent.
 *
 * libcurl is told to send the path as it is (CURLOPT_PATH_AS_IS), so the
 * path computed here is the one on the wire.  Two rules, as the services
 * canonicalize what they receive:
 *   S3 and its family decode the path and encode it again strictly, keeping
 *   dot segments (they are part of the key): so does slsrt, so any spelling
 *   of a key ("year=2024", "%c3%a9", raw UTF-8, a stray '%') reaches S3 as
 *   the key it names.
 *   Every other service resolves "." and ".." and encodes the path it got
 *   once more: slsrt sends it with dot segments resolved and with every byte
 *   a URL path cannot hold raw percent-encoded (upper-case hex).
 */
#include "aws_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "util/url.h"

int slsrt__aws_s3_family(const char *service)
{
    static const char *const family[] = {"s3", "s3-object-lambda", "s3-outposts", "s3express"};
    for (size_t i = 0; i < sizeof family / sizeof *family; i++)
        if (!strcmp(service, family[i]))
            return 1;
    return 0;
}

static int hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hex_value(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* RFC 3986 pchar less pct-encoded: what a path may hold raw. */
static int path_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-._~!$&'()*+,;=:@/", c);
}

/* S3: decode what is validly percent-encoded, then encode strictly. */
static int s3_path(slsrt__buf *out, const char *path, size_t len)
{
    char *raw = malloc(len + 1);
    if (!raw)
        return SLSRT_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (path[i] == '%' && i + 2 < len && hex_digit(path[i + 1]) && hex_digit(path[i + 2])) {
            raw[n++] = (char)(hex_value(path[i + 1]) << 4 | hex_value(path[i + 2]));
            i += 2;
        } else {
            raw[n++] = path[i];
        }
    }
    int rc = slsrt__uri_encode(out, raw, n, 1);
    free(raw);
    return rc;
}

/* Other services: dot segments resolved (RFC 3986 5.2.4), bytes a path
 * cannot hold raw encoded, valid escapes kept as they are. */
static int service_path(slsrt__buf *out, const char *path, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t *seg_start = malloc((len / 2 + 2) * sizeof *seg_start);
    if (!seg_start)
        return SLSRT_ENOMEM;
    size_t nseg = 0, base = out->len;
    int rc = 0;
    for (size_t i = 0; i < len && !rc;) {
        size_t j = i + 1;
        while (j < len && path[j] != '/')
            j++;
        /* path[i] is '/'; the segment is path[i+1 .. j) */
        size_t seg = j - i - 1;
        const char *s = path + i + 1;
        if (seg == 1 && s[0] == '.') {
            if (j == len)
                rc |= slsrt__buf_append(out, "/", 1);
        } else if (seg == 2 && s[0] == '.' && s[1] == '.') {
            if (nseg)
                out->len = seg_start[--nseg];
            if (j == len)
                rc |= slsrt__buf_append(out, "/", 1);
        } else {
            seg_start[nseg++] = out->len;
            rc |= slsrt__buf_append(out, "/", 1);
            for (size_t k = 0; k < seg && !rc; k++) {
                unsigned char c = (unsigned char)s[k];
                if (path_char(c) || (c == '%' && k + 2 < seg && hex_digit(s[k + 1]) && hex_digit(s[k + 2])))
                    rc |= slsrt__buf_append(out, (const char *)&c, 1);
                else
                    rc |= slsrt__buf_append(out, (char[]){'%', hex[c >> 4], hex[c & 15]}, 3);
            }
        }
        i = j;
    }
    if (!rc && out->len == base)
        rc |= slsrt__buf_append(out, "/", 1);
    if (out->data)
        out->data[out->len] = '\0';
    free(seg_start);
    return rc ? SLSRT_ENOMEM : SLSRT_OK;
}

static char *wire_path(const char *service, const char *prefix, size_t prefix_len, const char *path,
                           size_t path_len)
{
    /* The endpoint's own path comes first ("http://host/prefix"). */
    char *joined = malloc(prefix_len + path_len + 2);
    if (!joined)
        return NULL;
    size_t n = 0;
    if (prefix_len && prefix[0] != '/')
        joined[n++] = '/';
    memcpy(joined + n, prefix, prefix_len);
    n += prefix_len;
    if (!path_len || path[0] != '/')
        joined[n++] = '/';
    memcpy(joined + n, path, path_len);
    n += path_len;
    joined[n] = '\0';
    slsrt__buf out = {0};
    int rc = slsrt__aws_s3_family(service) ? s3_path(&out, joined, n) : service_path(&out, joined, n);
    free(joined);
    if (rc) {
        slsrt__buf_free(&out);
        return NULL;
    }
    return out.data;
}

void slsrt__aws_target_free(slsrt__aws_target *t)
{
    free(t->base);
    free(t->host);
    free(t->path);
    free(t->query_text);
    free(t->query);
}

static int split_query(slsrt__aws_target *t, const char *q)
{
    if (!(t->query_text = strdup(q)) || !(t->query = calloc(strlen(q) / 2 + 2, sizeof *t->query)))
        return SLSRT_ENOMEM;
    for (char *save = NULL, *part = strtok_r(t->query_text, "&", &save); part; part = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(part, '=');
        if (eq)
            *eq++ = '\0';
        if (slsrt__url_decode(part, strlen(part), part, 0) == (size_t)-1 ||
            (eq && slsrt__url_decode(eq, strlen(eq), eq, 0) == (size_t)-1))
            return SLSRT_EINVAL;
        t->query[t->nquery++] = (slsrt__kv){part, eq ? eq : ""};
    }
    return SLSRT_OK;
}

const char *slsrt__aws_target_resolve(const slsrt_aws *aws, const char *service, const char *spec,
                                      slsrt__aws_target *t, char *why, size_t why_size)
{
    memset(t, 0, sizeof *t);
    char *endpoint = NULL;
    const char *url = spec;
    if (spec[0] == '/') {
        if (!(endpoint = slsrt__aws_endpoint(aws, service))) {
            snprintf(why, why_size, "no region: set AWS_REGION, or give a whole URL");
            return "Slsrt.NoRegion";
        }
        url = endpoint;
    }
    const char *scheme_end = strstr(url, "://");
    if (!scheme_end || (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) ||
        (endpoint && strpbrk(url, "?#"))) {
        snprintf(why, why_size, "%s is not an http or https URL", spec[0] == '/' ? "the service endpoint" : "the target");
        free(endpoint);
        return "Slsrt.InvalidRequest";
    }
    const char *host = scheme_end + 3;
    size_t host_len = strcspn(host, "/?");
    /* With an endpoint, its path is a prefix of the target's. */
    const char *prefix = endpoint ? host + host_len : "";
    const char *rest = endpoint ? spec : host + host_len;
    size_t path_len = strcspn(rest, "?");
    int rc = host_len ? SLSRT_OK : SLSRT_EINVAL;
    if (!rc && (!(t->base = strndup(url, (size_t)(host + host_len - url))) ||
                !(t->host = strndup(host, host_len)) ||
                !(t->path = wire_path(service, prefix, strlen(prefix), rest, path_len))))
        rc = SLSRT_ENOMEM;
    if (!rc)
        rc = split_query(t, rest[path_len] == '?' ? rest + path_len + 1 : "");
    free(endpoint);
    if (!rc)
        return NULL;
    snprintf(why, why_size, "%s", rc == SLSRT_ENOMEM ? "out of memory" : "the target is not a valid URL");
    return rc == SLSRT_ENOMEM ? "Slsrt.NoMemory" : "Slsrt.InvalidRequest";
}

char *slsrt__aws_target_url(const slsrt__aws_target *t, const char *query)
{
    slsrt__buf q = {0};
    int rc = 0;
    if (query) {
        rc |= slsrt__buf_append(&q, "?", 1) || slsrt__buf_append_str(&q, query);
    } else {
        for (size_t i = 0; i < t->nquery; i++) {
            rc |= slsrt__buf_append(&q, i ? "&" : "?", 1);
            rc |= slsrt__uri_encode(&q, t->query[i].name, strlen(t->query[i].name), 0);
            rc |= slsrt__buf_append(&q, "=", 1);
            rc |= slsrt__uri_encode(&q, t->query[i].value, strlen(t->query[i].value), 0);
        }
    }
    char *url = NULL;
    if (rc || asprintf(&url, "%s%s%s", t->base, t->path, q.data ? q.data : "") < 0)
        url = NULL;
    slsrt__buf_free(&q);
    return url;
}
