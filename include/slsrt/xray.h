/*
 * slsrt/xray.h - X-Ray trace headers and subsegments.
 *
 * Lambda hands each invocation a trace header
 * ("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1").
 * slsrt parses it, shows it as a W3C traceparent, derives the header for
 * outgoing calls, and sends the spans you open to the X-Ray daemon as
 * subsegments when the trace is sampled and AWS_XRAY_DAEMON_ADDRESS is set.
 * Sending uses non-blocking UDP: it never blocks or fails an invocation.
 */
#ifndef SLSRT_XRAY_H
#define SLSRT_XRAY_H

#include <jansson.h>
#include <slsrt/common.h>
#include <slsrt/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Trace headers ----------------------------------------------------- */

typedef struct slsrt_trace_header slsrt_trace_header;

typedef enum slsrt_sampled {
    SLSRT_SAMPLED_ABSENT = 0,  /* no Sampled key */
    SLSRT_SAMPLED_NO,          /* Sampled=0 */
    SLSRT_SAMPLED_YES,         /* Sampled=1 */
    SLSRT_SAMPLED_REQUESTED    /* Sampled=? : the receiver decides */
} slsrt_sampled;

/*
 * Parse a header.  Keys are matched without regard to case, spaces around
 * keys, values and ';' are ignored, unknown keys are kept.  Root, when
 * present, must be 1-<8 hex>-<24 hex>; Parent 16 hex; Sampled 0, 1 or ?.
 * Returns a new header (free with slsrt_trace_header_free), or NULL with
 * *status (may be NULL) set to SLSRT_EINVAL or SLSRT_ENOMEM.
 */
SLSRT_API slsrt_trace_header *slsrt_trace_header_parse(const char *text, slsrt_status *status);
SLSRT_API void slsrt_trace_header_free(slsrt_trace_header *h);

/* Borrowed from h; NULL when absent.  Keys keep their canonical case. */
SLSRT_API const char *slsrt_trace_header_root(const slsrt_trace_header *h);
SLSRT_API const char *slsrt_trace_header_parent(const slsrt_trace_header *h);
SLSRT_API slsrt_sampled slsrt_trace_header_sampled(const slsrt_trace_header *h);
SLSRT_API const char *slsrt_trace_header_lineage(const slsrt_trace_header *h);
SLSRT_API const char *slsrt_trace_header_self(const slsrt_trace_header *h);
/* Any key, known or not, matched without regard to case. */
SLSRT_API const char *slsrt_trace_header_get(const slsrt_trace_header *h, const char *key);

/*
 * The canonical text: Root, Parent, Sampled, Lineage, Self, then unknown
 * keys in their order, "Key=value" joined by ';'.  Writes a NUL-terminated
 * string to buf; SLSRT_ETOOBIG when size is too small.
 */
SLSRT_API slsrt_status slsrt_trace_header_format(const slsrt_trace_header *h, char *buf, size_t size);
/*
 * The W3C Trace Context view: "00-<root without the version and dashes>-
 * <parent>-<01 sampled | 00>".  SLSRT_EINVAL without Root or Parent.
 * 56 bytes are always enough.
 */
SLSRT_API slsrt_status slsrt_trace_header_traceparent(const slsrt_trace_header *h, char *buf, size_t size);
/*
 * The header for an outgoing call made under this trace: the same Root and
 * sampling decision, Parent = parent_id (16 hex, e.g. a span id) or a new
 * random id when parent_id is NULL.  Lineage is carried.  Never signed.
 */
SLSRT_API slsrt_status slsrt_trace_header_child(const slsrt_trace_header *h, const char *parent_id, char *buf,
                                                size_t size);

/*
 * The invocation's header, parsed on first use (borrowed, valid until the
 * handler returns); NULL when Lambda sent none or it was malformed (logged).
 */
SLSRT_API const slsrt_trace_header *slsrt_invocation_trace(slsrt_invocation *inv);

/* ---- Spans (subsegments) ----------------------------------------------- */

typedef struct slsrt_span slsrt_span;

/*
 * Open a span under `parent` (NULL: directly under the function's segment).
 * Returns NULL without a trace context (what AWS_XRAY_CONTEXT_MISSING says
 * then: LOG_ERROR, the default, logs it; IGNORE_ERROR stays silent;
 * RUNTIME_ERROR logs at ERROR level too, as a C function cannot throw) or
 * when out of memory.  Every span function accepts NULL and does nothing,
 * so code need not check.  A span still open when the handler returns is
 * ended then.
 */
SLSRT_API slsrt_span *slsrt_span_begin(slsrt_invocation *inv, slsrt_span *parent, const char *name);
/* The span's 16-hex id (borrowed), to use as the Parent of an outgoing call. */
SLSRT_API const char *slsrt_span_id(const slsrt_span *span);

/* Annotations are indexed by X-Ray: keys of letters, digits and '_' only. */
SLSRT_API slsrt_status slsrt_span_annotate_string(slsrt_span *span, const char *key, const char *value);
SLSRT_API slsrt_status slsrt_span_annotate_number(slsrt_span *span, const char *key, double value);
SLSRT_API slsrt_status slsrt_span_annotate_bool(slsrt_span *span, const char *key, int value);
/* Metadata under the "default" namespace; steals value. */
SLSRT_API slsrt_status slsrt_span_set_metadata(slsrt_span *span, const char *key, json_t *value);
/* Mark the span failed: an error (client side, 4xx) or a fault (server side, 5xx). */
SLSRT_API void slsrt_span_set_error(slsrt_span *span);
SLSRT_API void slsrt_span_set_fault(slsrt_span *span);
/*
 * A call to an AWS service: namespace "aws" with the operation, region and
 * request id (each may be NULL).
 */
SLSRT_API void slsrt_span_set_aws(slsrt_span *span, const char *operation, const char *region,
                                  const char *request_id);
/* The HTTP status of a remote call; 429 marks throttle, 4xx error, 5xx fault. */
SLSRT_API void slsrt_span_set_http_status(slsrt_span *span, int status);
/*
 * Close the span and send it (when the trace is sampled and a daemon is
 * configured).  Frees the span, and any of its children still open.
 */
SLSRT_API void slsrt_span_end(slsrt_span *span);

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_XRAY_H */
