/*
 * runtime.c - the Runtime API loop: init, then /next, handler, /response or
 * /error, for as long as the sandbox lives.
 *
 * What each Runtime API answer means for the loop (see DESIGN.md):
 *   202 go on; 400 and 410 log and go on; 413 go on (Lambda has the error);
 *   403 and 500 exit, the sandbox is in a state we cannot serve from;
 *   connection refused exits, a dropped connection is retried on /next only.
 */
#include "runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* Consecutive failed /next calls tolerated before giving up. */
#define MAX_NEXT_FAILURES 3

enum step { STEP_GO_ON, STEP_EXIT };

slsrt_runtime *slsrt_runtime_new(void)
{
    slsrt_runtime *rt = calloc(1, sizeof *rt);
    if (!rt)
        return NULL;
    rt->inv.rt = rt;
    rt->api.fd = -1;
    rt->function_name = getenv("AWS_LAMBDA_FUNCTION_NAME");
    rt->function_version = getenv("AWS_LAMBDA_FUNCTION_VERSION");
    rt->log_group_name = getenv("AWS_LAMBDA_LOG_GROUP_NAME");
    rt->log_stream_name = getenv("AWS_LAMBDA_LOG_STREAM_NAME");
    rt->region = getenv("AWS_REGION");
    if (!rt->region)
        rt->region = getenv("AWS_DEFAULT_REGION");
    rt->initialization_type = getenv("AWS_LAMBDA_INITIALIZATION_TYPE");
    const char *mem = getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    rt->memory_mb = mem ? atoi(mem) : 0;
    const char *conc = getenv("AWS_LAMBDA_MAX_CONCURRENCY");
    rt->max_concurrency = conc && atoi(conc) > 1 ? atoi(conc) : 1;
    slsrt__log_configure();
    return rt;
}

void slsrt_runtime_free(slsrt_runtime *rt)
{
    if (!rt)
        return;
    slsrt__invocation_reset(&rt->inv);
    slsrt__response_reset(&rt->res);
    slsrt__buf_free(&rt->res.body);
    slsrt__rapi_close(&rt->api);
    slsrt__buf_free(&rt->api.in);
    slsrt__buf_free(&rt->api.out);
    if (rt->trace_env_set)
        slsrt__trace_env_clear(rt);
    free(rt->trace_env);
    free(rt->init_error_type);
    free(rt->init_error_message);
    free(rt->cold_start_ns);
    free(rt);
}

void slsrt_runtime_set_handler(slsrt_runtime *rt, slsrt_handler_fn handler) { rt->handler = handler; }
void slsrt_runtime_set_init(slsrt_runtime *rt, slsrt_init_fn init) { rt->init = init; }
void slsrt_runtime_set_user_data(slsrt_runtime *rt, void *user_data) { rt->user_data = user_data; }
void *slsrt_runtime_user_data(const slsrt_runtime *rt) { return rt->user_data; }
const char *slsrt_runtime_function_name(const slsrt_runtime *rt) { return rt->function_name; }
const char *slsrt_runtime_function_version(const slsrt_runtime *rt) { return rt->function_version; }
const char *slsrt_runtime_log_group_name(const slsrt_runtime *rt) { return rt->log_group_name; }
const char *slsrt_runtime_log_stream_name(const slsrt_runtime *rt) { return rt->log_stream_name; }
const char *slsrt_runtime_region(const slsrt_runtime *rt) { return rt->region; }
const char *slsrt_runtime_initialization_type(const slsrt_runtime *rt) { return rt->initialization_type; }
int slsrt_runtime_memory_mb(const slsrt_runtime *rt) { return rt->memory_mb; }

int slsrt_runtime_fail(slsrt_runtime *rt, const char *error_type, const char *fmt, ...)
{
    if (!rt)
        return SLSRT_EHANDLER;
    free(rt->init_error_type);
    free(rt->init_error_message);
    rt->init_error_type = slsrt__error_type_dup(error_type, "Function.InitError");
    va_list ap;
    va_start(ap, fmt);
    rt->init_error_message = fmt ? slsrt__vformat(fmt, ap) : NULL;
    va_end(ap);
    return SLSRT_EHANDLER;
}

/* "response for <id>" and the like, for log lines. */
static const char *post_name(slsrt_runtime *rt, const char *kind, char *buf, size_t n)
{
    if (!rt->inv.request_id[0])
        return kind;
    snprintf(buf, n, "%s for %s", kind, rt->inv.request_id);
    return buf;
}

/*
 * What a Runtime API status means after a post; logs every non-202.
 * `kind` names the post: "response", "error" or "init error".
 */
static enum step after_post(slsrt_runtime *rt, const char *kind, int rc)
{
    if (rc == SLSRT_OK && rt->api.head.status == 202)
        return STEP_GO_ON;
    char name[SLSRT__MAX_REQUEST_ID + 32];
    const char *what = post_name(rt, kind, name, sizeof name);
    if (rc == SLSRT_EIO && rt->api.fd < 0 && strstr(rt->api.error, "connect:")) {
        slsrt__log(SLSRT__LOG_FATAL, "cannot post the %s: %s; exiting", what, rt->api.error);
        return STEP_EXIT;
    }
    if (rc != SLSRT_OK) {
        slsrt__log(SLSRT__LOG_ERROR, "posting the %s failed, it may be lost: %s", what, rt->api.error);
        return STEP_GO_ON;
    }
    int status = rt->api.head.status;
    const char *body = rt->api.body ? rt->api.body : "";
    switch (status) {
    case 400:
        slsrt__log(SLSRT__LOG_ERROR, "Runtime API rejected the %s (400): %.200s", what, body);
        return STEP_GO_ON;
    case 410:
        slsrt__log(SLSRT__LOG_WARN, "the %s came after the invocation timed out (410)", what);
        return STEP_GO_ON;
    case 413:
        slsrt__log(SLSRT__LOG_ERROR, "the %s is over Lambda's payload limit (413)", what);
        return STEP_GO_ON;
    case 403:
        slsrt__log(SLSRT__LOG_FATAL, "Runtime API refused the %s as an invalid state transition (403): %.200s; exiting",
                   what, body);
        return STEP_EXIT;
    default:
        if (status >= 500) {
            slsrt__log(SLSRT__LOG_FATAL, "Runtime API failed on the %s (%d): %.200s; exiting", what, status, body);
            return STEP_EXIT;
        }
        slsrt__log(SLSRT__LOG_ERROR, "unexpected status %d for the %s: %.200s", status, what, body);
        return STEP_GO_ON;
    }
}

static int begin_post(slsrt_runtime *rt, const char *path_prefix, const char *suffix)
{
    char path[64 + SLSRT__MAX_REQUEST_ID];
    size_t n = strlen(path_prefix);
    memcpy(path, path_prefix, n);
    strcpy(path + n, rt->inv.request_id);
    strcat(path + n, suffix);
    int rc = slsrt__rapi_begin(&rt->api, "POST", path);
    if (rc == SLSRT_OK && rt->inv.invocation_id)
        rc = slsrt__rapi_header(&rt->api, "Lambda-Runtime-Invocation-Id", rt->inv.invocation_id);
    return rc;
}

/* Post an error document to `path` (init error when the id is empty). */
static enum step post_error(slsrt_runtime *rt, const char *type, const char *message)
{
    int init = rt->inv.request_id[0] == '\0';
    slsrt__log(SLSRT__LOG_ERROR, "%s %s: %s", init ? "init failed with" : "invocation failed with", type,
               message ? message : "");
    char *doc = slsrt__error_body(type, message);
    int rc = init ? slsrt__rapi_begin(&rt->api, "POST", "/runtime/init/error")
                  : begin_post(rt, "/runtime/invocation/", "/error");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_header(&rt->api, "Lambda-Runtime-Function-Error-Type", type);
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_header(&rt->api, "Content-Type", "application/json");
    if (rc == SLSRT_OK)
        rc = doc ? slsrt__rapi_send(&rt->api, doc, strlen(doc), 0) : SLSRT_ENOMEM;
    free(doc);
    return after_post(rt, init ? "init error" : "error", rc);
}

static enum step post_result(slsrt_runtime *rt, int handler_rc)
{
    slsrt_invocation *inv = &rt->inv;
    slsrt_response *res = &rt->res;
    if (handler_rc != 0 || slsrt__response_failed(res)) {
        if (res->error_type)
            return post_error(rt, res->error_type, res->error_message);
        if (inv->pending_error_type)
            return post_error(rt, inv->pending_error_type, inv->pending_error_message);
        char msg[96];
        snprintf(msg, sizeof msg, "the handler returned %d (%s)", handler_rc, slsrt_strerror(handler_rc));
        return post_error(rt, "Function.HandlerError", msg);
    }
    if (slsrt__response_finish(res))
        return post_error(rt, "Runtime.SerializationError", "the response could not be serialized");
    if (res->body.len > SLSRT__MAX_RESPONSE) {
        char msg[128];
        snprintf(msg, sizeof msg,
                 "Response payload size (%zu bytes) exceeded maximum allowed payload size (%u bytes).",
                 res->body.len, SLSRT__MAX_RESPONSE);
        return post_error(rt, "Function.ResponseSizeTooLarge", msg);
    }
    int rc = begin_post(rt, "/runtime/invocation/", "/response");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_header(&rt->api, "Content-Type",
                                res->content_type ? res->content_type : "application/json");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_send(&rt->api, res->body.data, res->body.len, 0);
    return after_post(rt, "response", rc);
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/*
 * Wait for the next invocation and fill rt->inv.  STEP_GO_ON with an empty
 * request id means "nothing to serve, ask again".
 */
static enum step next_invocation(slsrt_runtime *rt, int *failures)
{
    slsrt__invocation_reset(&rt->inv);
    int rc = slsrt__rapi_begin(&rt->api, "GET", "/runtime/invocation/next");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_send(&rt->api, NULL, 0, 1);
    if (rc == SLSRT_EIO && strstr(rt->api.error, "connect:")) {
        slsrt__log(SLSRT__LOG_FATAL, "cannot reach the Runtime API: %s; exiting", rt->api.error);
        return STEP_EXIT;
    }
    if (rt->api.reconnected)
        slsrt__log(SLSRT__LOG_WARN, "the Runtime API dropped the connection of /next; asked again on a new one");
    int status = rc == SLSRT_OK || rc == SLSRT_ETOOBIG ? rt->api.head.status : 0;
    if (status == 200 && slsrt__invocation_from_head(&rt->inv, &rt->api.head) == SLSRT_OK) {
        *failures = 0;
        if (rc == SLSRT_ETOOBIG)
            slsrt__invocation_set_error(&rt->inv, "Runtime.EventTooLarge",
                                        "the event is larger than the runtime accepts (32 MiB)");
        rt->inv.event = rc == SLSRT_OK ? rt->api.body : "";
        rt->inv.event_len = rc == SLSRT_OK ? rt->api.body_len : 0;
        return STEP_GO_ON;
    }
    if (status == 403 || status >= 500) {
        slsrt__log(SLSRT__LOG_FATAL, "Runtime API answered /next with %d: %.200s; exiting", status,
                   rt->api.body ? rt->api.body : "");
        return STEP_EXIT;
    }
    if (status == 200)
        slsrt__log(SLSRT__LOG_ERROR, "/next answered without a valid Lambda-Runtime-Aws-Request-Id");
    else if (status)
        slsrt__log(SLSRT__LOG_ERROR, "Runtime API answered /next with %d: %.200s", status,
                   rt->api.body ? rt->api.body : "");
    else
        slsrt__log(SLSRT__LOG_ERROR, "/next failed: %s", rt->api.error);
    if (++*failures >= MAX_NEXT_FAILURES) {
        slsrt__log(SLSRT__LOG_FATAL, "/next failed %d times in a row; exiting", *failures);
        return STEP_EXIT;
    }
    pause_ms(50L * *failures);
    return STEP_GO_ON;
}

static int run_init(slsrt_runtime *rt)
{
    if (!rt->init || rt->init(rt) == 0)
        return 0;
    post_error(rt, rt->init_error_type ? rt->init_error_type : "Function.InitError",
               rt->init_error_message ? rt->init_error_message : "the init hook failed");
    return 1;
}

int slsrt_runtime_run(slsrt_runtime *rt)
{
    if (!rt || !rt->handler) {
        slsrt__log(SLSRT__LOG_FATAL, "no handler was set");
        return 1;
    }
    if (slsrt__rapi_init(&rt->api, getenv("AWS_LAMBDA_RUNTIME_API"))) {
        slsrt__log(SLSRT__LOG_FATAL, "%s; a Lambda function runs under Lambda or slsrt-local",
                   rt->api.error);
        return 1;
    }
    if (run_init(rt))
        return 1;

    int failures = 0;
    for (;;) {
        if (next_invocation(rt, &failures) == STEP_EXIT)
            return 1;
        slsrt_invocation *inv = &rt->inv;
        if (!inv->request_id[0])
            continue;
        if (rt->max_concurrency == 1)
            slsrt__trace_env_update(rt, inv->trace_id);
        slsrt__log_set_context(inv->request_id, inv->trace_id);
        slsrt__response_reset(&rt->res);
        int rc = inv->pending_error_type ? SLSRT_ETOOBIG : rt->handler(inv, &rt->res);
        slsrt__spans_end_all(inv);
        slsrt__metrics_flush(inv, rt->served++ == 0);
        enum step step = post_result(rt, rc);
        slsrt__log_set_context(NULL, NULL);
        if (step == STEP_EXIT)
            return 1;
        if (rt->exit_after_post) {
            slsrt__log(SLSRT_LOG_FATAL, "exiting after a crash was caught; Lambda starts a new sandbox");
            return 1;
        }
    }
}

int slsrt_main(int argc, char **argv, slsrt_init_fn init, slsrt_handler_fn handler)
{
    (void)argc;
    (void)argv;
    slsrt_runtime *rt = slsrt_runtime_new();
    if (!rt)
        return 1;
    slsrt_runtime_set_init(rt, init);
    slsrt_runtime_set_handler(rt, handler);
    int status = slsrt_runtime_run(rt);
    slsrt_runtime_free(rt);
    return status;
}
