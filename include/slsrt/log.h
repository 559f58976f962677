/*
 * slsrt/log.h - structured logs for functions.
 *
 * Each call writes one line on stderr.  With AWS_LAMBDA_LOG_FORMAT=JSON the
 * line is one JSON object: timestamp (RFC 3339, milliseconds, UTC), level,
 * requestId, message, traceId (the X-Ray root) and the fields you add;
 * otherwise a tab-separated line with the same facts.  Lines below
 * AWS_LAMBDA_LOG_LEVEL (default INFO) are dropped.  Newlines, quotes and
 * invalid UTF-8 in a message never break the line.  A line without fields
 * allocates nothing.  Never log secrets: slsrt does not know what they are.
 *
 * The functions may be called from any thread; the request and trace ids
 * are those of the invocation the calling thread is serving.
 */
#ifndef SLSRT_LOG_H
#define SLSRT_LOG_H

#include <jansson.h>
#include <stdarg.h>
#include <slsrt/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum slsrt_log_level {
    SLSRT_LOG_TRACE,
    SLSRT_LOG_DEBUG,
    SLSRT_LOG_INFO,
    SLSRT_LOG_WARN,
    SLSRT_LOG_ERROR,
    SLSRT_LOG_FATAL
} slsrt_log_level;

/* printf-style message; lines longer than 4 KiB are cut at a character boundary. */
SLSRT_API void slsrt_log(slsrt_log_level level, const char *fmt, ...) SLSRT_PRINTF(2, 3);
SLSRT_API void slsrt_vlog(slsrt_log_level level, const char *fmt, va_list ap) SLSRT_PRINTF(2, 0);
/*
 * The same with fields: the members of `fields` (a JSON object, borrowed;
 * NULL allowed) are added to the line, as JSON members or as key=value in
 * text.  Fields named like the standard keys are skipped.
 */
SLSRT_API void slsrt_log_fields(slsrt_log_level level, const json_t *fields, const char *fmt, ...)
    SLSRT_PRINTF(3, 4);
/* 1 when a line at this level would be written (to skip costly arguments). */
SLSRT_API int slsrt_log_enabled(slsrt_log_level level);

/* ---- Per invocation: buffering, sampling, a correlation id -------------------
 * Set these in the init hook; each invocation (each worker under
 * AWS_LAMBDA_MAX_CONCURRENCY) then has its own buffer, sampling draw and
 * correlation id. */

/*
 * Log buffering: lines at or below a level are kept back instead of written
 * (even those below AWS_LAMBDA_LOG_LEVEL), and written when the invocation
 * fails, when an ERROR or FATAL line is logged, or on slsrt_log_flush_buffer;
 * a successful invocation drops them.  Zero-initialise.
 */
typedef struct slsrt_log_buffering {
    slsrt_log_level at_or_below; /* (default DEBUG: TRACE and DEBUG lines) */
    size_t max_bytes;            /* kept per invocation, the oldest dropped first (default 20480) */
    int no_flush_on_error;       /* 1: an ERROR line does not write the buffer first */
    void *reserved[4];
} slsrt_log_buffering;
/* NULL turns buffering off. */
SLSRT_API void slsrt_log_set_buffering(const slsrt_log_buffering *buffering);
/* Write the lines this invocation kept back, now. */
SLSRT_API void slsrt_log_flush_buffer(void);
/*
 * The share of invocations (0 to 1) logged at DEBUG whatever
 * AWS_LAMBDA_LOG_LEVEL says, to see a sample of them in detail.  Also read
 * from SLSRT_LOG_SAMPLE_RATE (or POWERTOOLS_LOGGER_SAMPLE_RATE) at start.
 */
SLSRT_API void slsrt_log_set_sample_rate(double rate);
/*
 * A correlation id on every line of an invocation ("correlationId"), taken
 * from its event by a JSON pointer ("/requestContext/requestId",
 * "/headers/x-correlation-id", "/Records/0/messageId"); NULL turns it off.
 * pointer is copied.  slsrt_log_set_correlation_id sets this invocation's by
 * hand (copied; NULL clears it).
 */
SLSRT_API void slsrt_log_set_correlation_pointer(const char *pointer);
SLSRT_API void slsrt_log_set_correlation_id(const char *id);

#define slsrt_log_trace(...) slsrt_log(SLSRT_LOG_TRACE, __VA_ARGS__)
#define slsrt_log_debug(...) slsrt_log(SLSRT_LOG_DEBUG, __VA_ARGS__)
#define slsrt_log_info(...) slsrt_log(SLSRT_LOG_INFO, __VA_ARGS__)
#define slsrt_log_warn(...) slsrt_log(SLSRT_LOG_WARN, __VA_ARGS__)
#define slsrt_log_error(...) slsrt_log(SLSRT_LOG_ERROR, __VA_ARGS__)
#define slsrt_log_fatal(...) slsrt_log(SLSRT_LOG_FATAL, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_LOG_H */
