/* runtime_internal.h - the runtime's structures, shared by its files (private). */
#ifndef SLSRT_RUNTIME_INTERNAL_H
#define SLSRT_RUNTIME_INTERNAL_H

#include <pthread.h>

#include <slsrt/runtime.h>
#include <slsrt/xray.h>

#include "util/buf.h"
#include "crash.h"
#include "rapi_client.h"

/* Lambda's buffered response limit: 6 MiB + 100 bytes. */
#define SLSRT__MAX_RESPONSE (6u * 1024 * 1024 + 100)
/* Request ids are UUIDs; anything longer is not from Lambda. */
#define SLSRT__MAX_REQUEST_ID 128

typedef struct slsrt__worker slsrt__worker;

struct slsrt_invocation {
    slsrt_runtime *rt;
    slsrt__worker *worker;
    char request_id[SLSRT__MAX_REQUEST_ID];
    int64_t deadline_ms;
    /* The X-Ray root, copied: log lines outlive the receive buffer. */
    char trace_root[40];
    /* Header values, borrowed from the client's receive buffer (which the
     * post of the result reuses: never read them after that). */
    const char *function_arn, *trace_id, *tenant_id, *invocation_id, *content_type;
    const char *client_context_raw, *cognito_identity_raw;
    const char *event;
    size_t event_len;
    /* Parsed on demand, freed by slsrt__invocation_reset(). */
    json_t *event_json, *client_context, *cognito_identity;
    int event_parsed;
    struct slsrt_doc *doc; /* the event read in place (doc.c), on demand */
    /* A failure found by the runtime (bad JSON, oversized event). */
    char *pending_error_type, *pending_error_message;
    /* The layers' state in this invocation, made on first use and freed by
     * their invocation_reset hooks (hooks.h); the core never reads them. */
    slsrt_trace_header *trace;
    int trace_parsed;
    struct slsrt__metrics *metrics;
    slsrt_span *open_spans;
    struct slsrt_http_request *http; /* the event as an HTTP request */
};

/* A document's token index, for readers inside slsrt (doc.c). */
const struct slsrt__json_index *slsrt__doc_index(const struct slsrt_doc *doc);

struct slsrt_response {
    slsrt__worker *worker;
    slsrt__buf body;
    json_t *json;
    char *content_type; /* NULL: application/json */
    int has_body;
    char *error_type, *error_message;
    struct slsrt_stream *stream; /* when the handler streams its response */
};

#define SLSRT__MAX_SNAP_HOOKS 8
struct slsrt__snap_hook {
    slsrt_snapstart_hook hook;
    void *arg;
};

struct slsrt_runtime {
    slsrt_handler_fn handler;
    slsrt_init_fn init;
    void *user_data;
    /* Configuration, borrowed from the environment. */
    const char *function_name, *function_version, *log_group_name, *log_stream_name;
    const char *region, *initialization_type;
    int memory_mb;
    int max_concurrency;
    char *init_error_type, *init_error_message;
    char *cold_start_ns; /* metrics: the ColdStart metric's namespace */
    unsigned long served;
    int exit_after_post; /* the process state is suspect: answer, then exit */
    slsrt_shutdown_fn shutdown;
    slsrt_deadline_fn deadline_hook;
    int deadline_margin_ms;
    struct slsrt__watchdog *watchdog;
    /* _X_AMZN_TRACE_ID lives in this buffer ("_X_AMZN_TRACE_ID=..."), put into environ. */
    char *trace_env;
    size_t trace_env_cap;
    int trace_env_set;
    slsrt__worker *workers; /* max_concurrency of them; workers[0] runs on the main thread */
    struct slsrt_aws *aws;  /* created on first use (aws/client.c) */
    /* SnapStart (snapstart.c) and the environment's metadata (metadata.c). */
    struct slsrt__snap_hook before_snapshot[SLSRT__MAX_SNAP_HOOKS], after_restore[SLSRT__MAX_SNAP_HOOKS];
    int nbefore_snapshot, nafter_restore;
    pthread_mutex_t metadata_lock;
    char az_id[64];
    int nworkers;
};

/* One loop serving invocations, with its own connection to the Runtime API. */
struct slsrt__worker {
    slsrt_runtime *rt;
    slsrt__rapi api;
    slsrt__crash crash;
    int64_t hook_at_ms; /* when the deadline hook is due; 0: not armed (watchdog lock) */
    int hook_running;
    slsrt_invocation inv;
    slsrt_response res;
    struct slsrt_aws *aws; /* the AWS client bound to this worker's invocation (aws/client.c) */
    pthread_t thread;
};

/* worker.c */
enum step { STEP_GO_ON, STEP_EXIT };
int slsrt__worker_serve(slsrt__worker *w);

/* post.c */
/* Post an error for the worker's invocation, or an init error when it has none. */
enum step slsrt__post_error(slsrt__worker *w, const char *type, const char *message);
/* Start "POST /runtime/invocation/<id><suffix>" with the invocation id header. */
int slsrt__post_begin(slsrt__worker *w, const char *suffix);
/* What the Runtime API's answer to a post means; `kind` names it in logs. */
enum step slsrt__post_after(slsrt__worker *w, const char *kind, int rc);

/* shutdown.c: register the extension and start the SIGTERM thread. */
int slsrt__shutdown_register(slsrt_runtime *rt, const char *endpoint);

/* deadline.c: the watchdog that runs the deadline hook. */
int slsrt__watchdog_start(slsrt_runtime *rt);
void slsrt__watchdog_arm(slsrt__worker *w);
void slsrt__watchdog_disarm(slsrt__worker *w);
void slsrt__watchdog_free(slsrt_runtime *rt);

/* stream.c */
enum step slsrt__stream_finish(slsrt__worker *w, int handler_rc);
void slsrt__stream_free(struct slsrt_stream *s);

/* invocation.c */
/*
 * Fill inv from a /next answer's head, parsed from buf (the pointers it
 * keeps point into buf).  SLSRT_EPROTO without a usable request id; a bad
 * deadline leaves a pending Runtime.InvalidDeadline error.
 */
int slsrt__invocation_from_head(slsrt_invocation *inv, const slsrt__http_head *head, const char *buf);
void slsrt__invocation_reset(slsrt_invocation *inv);
void slsrt__invocation_set_error(slsrt_invocation *inv, const char *type, const char *message);

/* response.c */
void slsrt__response_reset(slsrt_response *res);
int slsrt__response_failed(const slsrt_response *res);
/* Serialize a JSON payload into res->body; SLSRT_ENOMEM on failure. */
int slsrt__response_finish(slsrt_response *res);

/* error_body.c */
/* {"errorMessage","errorType","stackTrace":[]} as new text (free()), or NULL. */
char *slsrt__error_body(const char *type, const char *message);
/* A copy of a printf message, capped so an error always fits Lambda's limits. */
char *slsrt__vformat(const char *fmt, va_list ap);
/* A copy of an error type safe for an HTTP header (CR, LF, controls become '_'). */
char *slsrt__error_type_dup(const char *type, const char *fallback);

/* trace_env.c */
void slsrt__trace_env_update(slsrt_runtime *rt, const char *trace_id);
void slsrt__trace_env_clear(slsrt_runtime *rt);

/* snapstart.c: 0, or 1 when the process must exit (reported). */
int slsrt__snapstart(slsrt_runtime *rt);

#endif
