/* log.h - the runtime's own log lines (private). */
#ifndef SLSRT_LOG_H
#define SLSRT_LOG_H

#include <slsrt/common.h>

enum slsrt__log_level {
    SLSRT__LOG_TRACE,
    SLSRT__LOG_DEBUG,
    SLSRT__LOG_INFO,
    SLSRT__LOG_WARN,
    SLSRT__LOG_ERROR,
    SLSRT__LOG_FATAL
};

/* Reads AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL; call again to re-read. */
void slsrt__log_configure(void);
/* The request id stamped on this thread's lines (borrowed; NULL for none). */
void slsrt__log_set_request_id(const char *request_id);
/*
 * One line on stderr, written with a single write(2): Lambda's text layout,
 * or one JSON object when AWS_LAMBDA_LOG_FORMAT=JSON.  Never pass secrets.
 */
void slsrt__log(enum slsrt__log_level level, const char *fmt, ...) SLSRT_PRINTF(2, 3);

#endif
