/*
 * compress.c - gzip for the router's responses: only when the client
 * accepts it, the body is large enough to gain, and it is not compressed
 * already (an encoded body, images, audio, video, archives).
 */
#include <slsrt/http.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "http_internal.h"

/* Accept-Encoding names gzip with a weight above zero. */
static int accepts_gzip(const char *accept)
{
    for (const char *p = accept; p && *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",;");
        size_t word = len;
        while (word && (p[word - 1] == ' ' || p[word - 1] == '\t'))
            word--;
        int gzip = (word == 4 && !strncasecmp(p, "gzip", 4)) || (word == 1 && *p == '*');
        const char *end = p + strcspn(p, ",");
        const char *q = memchr(p, ';', (size_t)(end - p));
        double weight = 1;
        if (q && (q = strstr(q, "q=")) && q < end)
            weight = strtod(q + 2, NULL);
        if (gzip && weight > 0)
            return 1;
        p = end;
    }
    return 0;
}

static int compressible(const char *type)
{
    static const char *const already[] = {"image/", "audio/", "video/", "application/zip", "application/gzip",
                                          "application/x-gzip", "application/octet-stream"};
    for (size_t i = 0; type && i < sizeof already / sizeof *already; i++)
        if (!strncasecmp(type, already[i], strlen(already[i])))
            return !strcasecmp(type, "image/svg+xml");
    return 1;
}

void slsrt__http_compress(const slsrt_http_request *req, slsrt_http_response *resp, size_t min_bytes)
{
    if (!resp || resp->body.len < (min_bytes ? min_bytes : 1024) || resp->status == 204 || resp->status == 304 ||
        slsrt_http_response_get_header(resp, "Content-Encoding") || !compressible(resp->content_type) ||
        !accepts_gzip(slsrt_http_header(req, "Accept-Encoding")))
        return;
    z_stream z = {0};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16 /* gzip */, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return;
    uLong bound = deflateBound(&z, (uLong)resp->body.len);
    slsrt__buf out = {0};
    if (slsrt__buf_reserve(&out, bound)) {
        deflateEnd(&z);
        return;
    }
    z.next_in = (Bytef *)resp->body.data;
    z.avail_in = (uInt)resp->body.len;
    z.next_out = (Bytef *)out.data;
    z.avail_out = (uInt)bound;
    int rc = deflate(&z, Z_FINISH);
    size_t n = bound - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || n >= resp->body.len) { /* no gain: sent as it is */
        slsrt__buf_free(&out);
        return;
    }
    out.len = n;
    slsrt__buf_free(&resp->body);
    resp->body = out;
    resp->binary = 1; /* API Gateway, ALB and Function URLs take binary bodies base64 */
    slsrt_http_response_header(resp, "Content-Encoding", "gzip");
    slsrt_http_response_header(resp, "Vary", "Accept-Encoding");
}
