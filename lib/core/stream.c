/*
 * stream.c - streamed responses: a chunked POST to /response in streaming
 * mode, each write one chunk, the end (and a failure's trailers) when the
 * handler returns.
 */
#include <slsrt/stream.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/json_write.h"
#include "log/log.h"
#include "runtime_internal.h"

#define MAX_STREAM (200ull * 1024 * 1024)
#define HTTP_PRELUDE_TYPE "application/vnd.awslambda.http-integration-response"

struct slsrt_stream {
    slsrt__worker *w;
    uint64_t bytes;
    int broken;
    char *error_type, *error_message;
};

static slsrt_stream *start(slsrt_response *res, const char *content_type)
{
    if (!res || res->stream || (content_type && strpbrk(content_type, "\r\n")))
        return NULL;
    slsrt__worker *w = res->worker;
    slsrt_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->w = w;
    int rc = slsrt__post_begin(w, "/response");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_header(&w->api, "Lambda-Runtime-Function-Response-Mode", "streaming");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_header(&w->api, "Content-Type", content_type ? content_type : "application/octet-stream");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_header(&w->api, "Trailer",
                                "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_send_head(&w->api);
    if (rc != SLSRT_OK) {
        slsrt__log(SLSRT_LOG_ERROR, "cannot start streaming the response: %s", w->api.error);
        free(s);
        return NULL;
    }
    res->stream = s;
    res->has_body = 1;
    return s;
}

slsrt_stream *slsrt_response_stream(slsrt_response *res, const char *content_type)
{
    return start(res, content_type);
}

static int clean(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

slsrt_stream *slsrt_response_stream_http(slsrt_response *res, int status, const json_t *headers,
                                         const json_t *cookies)
{
    /* Refused before anything is sent: a header must never split a response. */
    const char *name;
    const json_t *value;
    size_t i;
    if ((headers && !json_is_object(headers)) || (cookies && !json_is_array(cookies)) || status < 100 ||
        status > 599)
        return NULL;
    json_object_foreach((json_t *)headers, name, value) {
        if (!clean(name) || !json_is_string(value) || !clean(json_string_value(value)) ||
            strlen(json_string_value(value)) != json_string_length(value))
            return NULL;
    }
    json_array_foreach(cookies, i, value) {
        if (!json_is_string(value) || !clean(json_string_value(value)) ||
            strlen(json_string_value(value)) != json_string_length(value))
            return NULL;
    }
    json_t *prelude = json_pack("{s:i, s:o, s:o}", "statusCode", status, "headers",
                                headers ? json_incref((json_t *)headers) : json_object(), "cookies",
                                cookies ? json_incref((json_t *)cookies) : json_array());
    slsrt__buf b = {0};
    int rc = prelude ? slsrt__json_write(&b, prelude) : SLSRT_ENOMEM;
    json_decref(prelude);
    slsrt_stream *s = rc == SLSRT_OK ? start(res, HTTP_PRELUDE_TYPE) : NULL;
    /* The prelude, then eight NUL bytes, then the body. */
    if (s && (slsrt__buf_append(&b, "\0\0\0\0\0\0\0\0", 8) || slsrt__rapi_send_chunk(&s->w->api, b.data, b.len))) {
        s->broken = 1;
        slsrt__log(SLSRT_LOG_ERROR, "the stream broke sending its HTTP prelude: %s", s->w->api.error);
    }
    slsrt__buf_free(&b);
    return s;
}

static void set_failure(slsrt_stream *s, const char *type, char *message)
{
    if (s->error_type) {
        free(message); /* the first failure is the one reported */
        return;
    }
    s->error_type = slsrt__error_type_dup(type, "Function.StreamError");
    s->error_message = message;
}

slsrt_status slsrt_stream_write(slsrt_stream *s, const void *data, size_t len)
{
    if (!s || (!data && len))
        return SLSRT_EINVAL;
    if (s->error_type)
        return SLSRT_ESTATE;
    if (s->broken)
        return SLSRT_EIO;
    if (len > MAX_STREAM - s->bytes) {
        char *msg = malloc(128);
        if (msg)
            snprintf(msg, 128, "Response payload size exceeded maximum allowed payload size (%llu bytes).",
                     (unsigned long long)MAX_STREAM);
        set_failure(s, "Function.ResponseSizeTooLarge", msg);
        return SLSRT_ETOOBIG;
    }
    if (slsrt__rapi_send_chunk(&s->w->api, data, len) != SLSRT_OK) {
        s->broken = 1;
        slsrt__log(SLSRT_LOG_ERROR, "the response stream broke after %llu bytes: %s", (unsigned long long)s->bytes,
                   s->w->api.error);
        return SLSRT_EIO;
    }
    s->bytes += len;
    return SLSRT_OK;
}

slsrt_status slsrt_stream_printf(slsrt_stream *s, const char *fmt, ...)
{
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return SLSRT_EINVAL;
    if ((size_t)n < sizeof small)
        return slsrt_stream_write(s, small, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big)
        return SLSRT_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    slsrt_status rc = slsrt_stream_write(s, big, (size_t)n);
    free(big);
    return rc;
}

uint64_t slsrt_stream_bytes(const slsrt_stream *s)
{
    return s ? s->bytes : 0;
}

int slsrt_stream_fail(slsrt_stream *s, const char *error_type, const char *fmt, ...)
{
    if (!s)
        return SLSRT_EHANDLER;
    va_list ap;
    va_start(ap, fmt);
    set_failure(s, error_type, fmt ? slsrt__vformat(fmt, ap) : NULL);
    va_end(ap);
    return SLSRT_EHANDLER;
}

enum step slsrt__stream_finish(slsrt__worker *w, int handler_rc)
{
    slsrt_response *res = &w->res;
    slsrt_stream *s = res->stream;
    if (handler_rc != 0 && !s->error_type) {
        if (res->error_type)
            set_failure(s, res->error_type, res->error_message ? strdup(res->error_message) : NULL);
        else if (w->inv.pending_error_type)
            set_failure(s, w->inv.pending_error_type, strdup(w->inv.pending_error_message));
        else
            set_failure(s, "Function.HandlerError", strdup("the handler failed while streaming"));
    }
    int rc = SLSRT_OK;
    if (s->broken) {
        rc = SLSRT_EIO;
    } else if (s->error_type) {
        slsrt__log(SLSRT_LOG_ERROR, "stream failed after %llu bytes with %s: %s", (unsigned long long)s->bytes,
                   s->error_type, s->error_message ? s->error_message : "");
        char *doc = slsrt__error_body(s->error_type, s->error_message);
        char *b64 = doc ? malloc(SLSRT__BASE64_SIZE(strlen(doc))) : NULL;
        if (b64)
            slsrt__base64_encode(doc, strlen(doc), b64);
        const char *trailers[] = {"Lambda-Runtime-Function-Error-Type", s->error_type,
                                  "Lambda-Runtime-Function-Error-Body", b64 ? b64 : "", NULL};
        rc = slsrt__rapi_end_chunks(&w->api, trailers);
        free(doc);
        free(b64);
    } else {
        rc = slsrt__rapi_end_chunks(&w->api, NULL);
    }
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_finish(&w->api);
    return slsrt__post_after(w, "streamed response", rc);
}

void slsrt__stream_free(slsrt_stream *s)
{
    if (!s)
        return;
    free(s->error_type);
    free(s->error_message);
    free(s);
}
