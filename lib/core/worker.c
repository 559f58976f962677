/*
 * worker.c - one worker's loop: /next, the handler, /response or /error.
 *
 * A dropped connection is retried on /next only; what the answers to a
 * post mean is in post.c.
 * With AWS_LAMBDA_MAX_CONCURRENCY above 1 several workers run this loop at
 * once, each with its own connection, invocation and response.
 */
#include "runtime_internal.h"
#include "hooks.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log/log.h"
#include "util/json_pointer.h"

/* Consecutive failed /next calls tolerated before giving up. */
#define MAX_NEXT_FAILURES 3
/* After an event this large, freed memory is returned to the system. */
#define LARGE_EVENT (1024 * 1024)

static enum step post_result(slsrt__worker *w, int handler_rc)
{
    slsrt_invocation *inv = &w->inv;
    slsrt_response *res = &w->res;
    if (handler_rc != 0 || slsrt__response_failed(res)) {
        if (res->error_type)
            return slsrt__post_error(w, res->error_type, res->error_message);
        if (inv->pending_error_type)
            return slsrt__post_error(w, inv->pending_error_type, inv->pending_error_message);
        char msg[96];
        snprintf(msg, sizeof msg, "the handler returned %d (%s)", handler_rc, slsrt_strerror(handler_rc));
        return slsrt__post_error(w, "Function.HandlerError", msg);
    }
    if (slsrt__response_finish(res))
        return slsrt__post_error(w, "Runtime.SerializationError", "the response could not be serialized");
    if (res->body.len > SLSRT__MAX_RESPONSE) {
        char msg[128];
        snprintf(msg, sizeof msg,
                 "Response payload size (%zu bytes) exceeded maximum allowed payload size (%u bytes).",
                 res->body.len, SLSRT__MAX_RESPONSE);
        return slsrt__post_error(w, "Function.ResponseSizeTooLarge", msg);
    }
    int rc = slsrt__post_begin(w, "/response");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_header(&w->api, "Content-Type",
                                res->content_type ? res->content_type : "application/json");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_send(&w->api, res->body.data, res->body.len, 0);
    return slsrt__post_after(w, "response", rc);
}

/* The log's correlation id from the event, when a pointer is set (the event is parsed then). */
static void correlate(slsrt_invocation *inv)
{
    const char *pointer = slsrt__log_correlation_pointer();
    if (!pointer)
        return;
    json_t *v = slsrt__json_pointer(slsrt_invocation_event_json(inv), pointer);
    char number[32];
    if (json_is_integer(v))
        snprintf(number, sizeof number, "%lld", (long long)json_integer_value(v));
    slsrt_log_set_correlation_id(json_is_string(v) ? json_string_value(v) : json_is_integer(v) ? number : NULL);
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/*
 * Wait for the next invocation and fill w->inv.  STEP_GO_ON with an empty
 * request id means "nothing to serve, ask again".
 */
static enum step next_invocation(slsrt__worker *w, int *failures)
{
    int was_large = w->inv.event_len > LARGE_EVENT;
    slsrt__invocation_reset(&w->inv);
    if (was_large) /* give the pages of its buffers and parsed tree back to the system */
        malloc_trim(0);
    int rc = slsrt__rapi_begin(&w->api, "GET", "/runtime/invocation/next");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_send(&w->api, NULL, 0, 1);
    if (rc == SLSRT_EIO && strstr(w->api.error, "connect:")) {
        slsrt__log(SLSRT__LOG_FATAL, "cannot reach the Runtime API: %s; exiting", w->api.error);
        return STEP_EXIT;
    }
    if (w->api.reconnected)
        slsrt__log(SLSRT__LOG_WARN, "the Runtime API dropped the connection of /next; asked again on a new one");
    int status = rc == SLSRT_OK || rc == SLSRT_ETOOBIG ? w->api.head.status : 0;
    if (status == 200 && slsrt__invocation_from_head(&w->inv, &w->api.head, w->api.in.data) == SLSRT_OK) {
        *failures = 0;
        if (rc == SLSRT_ETOOBIG)
            slsrt__invocation_set_error(&w->inv, "Runtime.EventTooLarge",
                                        "the event is larger than the runtime accepts (32 MiB)");
        w->inv.event = rc == SLSRT_OK ? w->api.body : "";
        w->inv.event_len = rc == SLSRT_OK ? w->api.body_len : 0;
        return STEP_GO_ON;
    }
    if (status == 403 || status >= 500) {
        slsrt__log(SLSRT__LOG_FATAL, "Runtime API answered /next with %d: %.200s; exiting", status,
                   w->api.body ? w->api.body : "");
        return STEP_EXIT;
    }
    if (status == 200)
        slsrt__log(SLSRT__LOG_ERROR, "/next answered without a valid Lambda-Runtime-Aws-Request-Id");
    else if (status)
        slsrt__log(SLSRT__LOG_ERROR, "Runtime API answered /next with %d: %.200s", status,
                   w->api.body ? w->api.body : "");
    else
        slsrt__log(SLSRT__LOG_ERROR, "/next failed: %s", w->api.error);
    if (++*failures >= MAX_NEXT_FAILURES) {
        slsrt__log(SLSRT__LOG_FATAL, "/next failed %d times in a row; exiting", *failures);
        return STEP_EXIT;
    }
    pause_ms(50L * *failures);
    return STEP_GO_ON;
}

int slsrt__worker_serve(slsrt__worker *w)
{
    slsrt_runtime *rt = w->rt;
    int failures = 0;
    for (;;) {
        if (next_invocation(w, &failures) == STEP_EXIT)
            return 1;
        slsrt_invocation *inv = &w->inv;
        if (!inv->request_id[0])
            continue;
        if (rt->max_concurrency == 1)
            slsrt__trace_env_update(rt, inv->trace_id);
        slsrt__log_set_context(inv->request_id, inv->trace_root);
        slsrt__response_reset(&w->res);
        slsrt__crash_arm_invocation(&w->crash, inv->request_id, inv->invocation_id);
        slsrt__watchdog_arm(w);
        /* An event too large never reaches the handler; a correlation id is
         * read just before it (an event that is not JSON only leaves the
         * parse error the handler would meet itself). */
        int rc = inv->pending_error_type ? SLSRT_ETOOBIG : (correlate(inv), rt->handler(inv, &w->res));
        slsrt__watchdog_disarm(w);
        slsrt__crash_disarm(&w->crash);
        slsrt__hooks_invocation_done(inv, __atomic_fetch_add(&rt->served, 1, __ATOMIC_RELAXED) == 0);
        int failed = rc != 0 || slsrt__response_failed(&w->res);
        enum step step = w->res.stream ? slsrt__stream_finish(w, rc) : post_result(w, rc);
        slsrt__log_end_invocation(failed);
        slsrt__log_set_context(NULL, NULL);
        if (step == STEP_EXIT)
            return 1;
        if (rt->exit_after_post) {
            slsrt__log(SLSRT_LOG_FATAL, "exiting after a crash was caught; Lambda starts a new sandbox");
            return 1;
        }
    }
}
