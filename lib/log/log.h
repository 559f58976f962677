/* log.h - the runtime's own log lines, and the per-thread log context (private). */
#ifndef SLSRT_LOG_INTERNAL_H
#define SLSRT_LOG_INTERNAL_H

#include <slsrt/log.h>

#define SLSRT__LOG_TRACE SLSRT_LOG_TRACE
#define SLSRT__LOG_DEBUG SLSRT_LOG_DEBUG
#define SLSRT__LOG_INFO SLSRT_LOG_INFO
#define SLSRT__LOG_WARN SLSRT_LOG_WARN
#define SLSRT__LOG_ERROR SLSRT_LOG_ERROR
#define SLSRT__LOG_FATAL SLSRT_LOG_FATAL

/* Reads AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL; call again to re-read. */
void slsrt__log_configure(void);
/*
 * The invocation this thread serves: its request id and X-Ray trace root
 * (both borrowed and owned by the invocation, not by a receive buffer;
 * NULL or "" for none).
 */
void slsrt__log_set_context(const char *request_id, const char *trace_root);
/* The invocation ended: write what it kept back when it failed, drop it
 * otherwise, and forget its correlation id. */
void slsrt__log_end_invocation(int failed);
/* The correlation pointer set, or NULL (the core reads the event with it). */
const char *slsrt__log_correlation_pointer(void);
/* A line from the runtime itself (logger "slsrt").  Never pass secrets. */
void slsrt__log(slsrt_log_level level, const char *fmt, ...) SLSRT_PRINTF(2, 3);

#endif
