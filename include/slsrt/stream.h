/*
 * slsrt/stream.h - response streaming.
 *
 * A handler may send its response in pieces as it produces them instead of
 * all at once: the time to first byte drops and the response may grow to
 * 200 MB (Lambda's streaming limit; 2 MB/s after the first 6 MB).  Nothing
 * is buffered: each write leaves as one chunk.  The function's invoke mode
 * must be RESPONSE_STREAM (Function URLs, InvokeWithResponseStream, API
 * Gateway with streaming).
 *
 *     slsrt_stream *s = slsrt_response_stream(res, "text/plain");
 *     slsrt_stream_printf(s, "line %d\n", i);        // as many as needed
 *     return 0;                                       // the stream ends here
 *
 * A failure after the first byte cannot change the status any more: it
 * ends the stream with Lambda's error trailers (error type and the base64
 * error document), which the caller sees as a failed invocation.  Return
 * non-zero from the handler, or call slsrt_stream_fail() for a chosen type.
 */
#ifndef SLSRT_STREAM_H
#define SLSRT_STREAM_H

#include <jansson.h>
#include <slsrt/common.h>
#include <slsrt/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct slsrt_stream slsrt_stream;

/*
 * Start streaming (content_type NULL: "application/octet-stream").  Returns
 * the stream, borrowed until the handler returns, or NULL when the response
 * cannot start (the Runtime API is unreachable, or a stream was already
 * started); slsrt_response_set_* must not be used afterwards.
 */
SLSRT_API slsrt_stream *slsrt_response_stream(slsrt_response *res, const char *content_type);
/*
 * An HTTP response streamed through a Function URL or API Gateway: status,
 * headers (a JSON object of strings, borrowed; NULL for none) and cookies
 * (a JSON array of strings, borrowed; NULL for none) go first as Lambda's
 * prelude, then the body is written as with any stream.  NULL when a header
 * name or value or a cookie holds CR, LF or NUL (they are refused, never
 * sent) or as slsrt_response_stream says.
 */
SLSRT_API slsrt_stream *slsrt_response_stream_http(slsrt_response *res, int status, const json_t *headers,
                                                   const json_t *cookies);
/*
 * Send bytes now.  SLSRT_OK; SLSRT_ETOOBIG past 200 MB (the stream then
 * ends failed with Function.ResponseSizeTooLarge); SLSRT_EIO when the
 * connection broke (later writes fail too); SLSRT_ESTATE after a failure.
 */
SLSRT_API slsrt_status slsrt_stream_write(slsrt_stream *stream, const void *data, size_t len);
SLSRT_API slsrt_status slsrt_stream_printf(slsrt_stream *stream, const char *fmt, ...) SLSRT_PRINTF(2, 3);
/* The bytes sent so far. */
SLSRT_API uint64_t slsrt_stream_bytes(const slsrt_stream *stream);
/*
 * End the stream as failed (error_type NULL: "Function.StreamError"): the
 * error trailers are sent when the handler returns.  Returns SLSRT_EHANDLER
 * so that `return slsrt_stream_fail(...)` reads naturally.
 */
SLSRT_API int slsrt_stream_fail(slsrt_stream *stream, const char *error_type, const char *fmt, ...)
    SLSRT_PRINTF(3, 4);

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_STREAM_H */
