/*
 * post.c - posting to the Runtime API for an invocation or the init: the
 * request line and ids, error documents, and what each answer means.
 *
 * What each answer means for the loop (see DESIGN.md):
 *   202 go on; 400 and 410 log and go on; 413 go on (Lambda has the error);
 *   403 and 500 exit, the sandbox is in a state we cannot serve from;
 *   connection refused exits.
 */
#include "runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/log.h"

/* "response for <id>" and the like, for log lines. */
static const char *post_name(slsrt__worker *w, const char *kind, char *buf, size_t n)
{
    if (!w->inv.request_id[0])
        return kind;
    snprintf(buf, n, "%s for %s", kind, w->inv.request_id);
    return buf;
}

/*
 * What a Runtime API status means after a post; logs every non-202.
 * `kind` names the post: "response", "error" or "init error".
 */
enum step slsrt__post_after(slsrt__worker *w, const char *kind, int rc)
{
    if (rc == SLSRT_OK && w->api.head.status == 202)
        return STEP_GO_ON;
    char name[SLSRT__MAX_REQUEST_ID + 32];
    const char *what = post_name(w, kind, name, sizeof name);
    if (rc == SLSRT_EIO && w->api.fd < 0 && strstr(w->api.error, "connect:")) {
        slsrt__log(SLSRT__LOG_FATAL, "cannot post the %s: %s; exiting", what, w->api.error);
        return STEP_EXIT;
    }
    if (rc != SLSRT_OK) {
        slsrt__log(SLSRT__LOG_ERROR, "posting the %s failed, it may be lost: %s", what, w->api.error);
        return STEP_GO_ON;
    }
    int status = w->api.head.status;
    const char *body = w->api.body ? w->api.body : "";
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

int slsrt__post_begin(slsrt__worker *w, const char *suffix)
{
    static const char path_prefix[] = "/runtime/invocation/";
    char path[64 + SLSRT__MAX_REQUEST_ID];
    size_t n = sizeof path_prefix - 1;
    memcpy(path, path_prefix, n);
    strcpy(path + n, w->inv.request_id);
    strcat(path + n, suffix);
    int rc = slsrt__rapi_begin(&w->api, "POST", path);
    if (rc == SLSRT_OK && w->inv.invocation_id)
        rc = slsrt__rapi_header(&w->api, "Lambda-Runtime-Invocation-Id", w->inv.invocation_id);
    return rc;
}

/* Post an error document to `path` (init error when the id is empty). */
enum step slsrt__post_error(slsrt__worker *w, const char *type, const char *message)
{
    int init = w->inv.request_id[0] == '\0';
    slsrt__log(SLSRT__LOG_ERROR, "%s %s: %s", init ? "init failed with" : "invocation failed with", type,
               message ? message : "");
    char *doc = slsrt__error_body(type, message);
    int rc = init ? slsrt__rapi_begin(&w->api, "POST", "/runtime/init/error")
                  : slsrt__post_begin(w, "/error");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_header(&w->api, "Lambda-Runtime-Function-Error-Type", type);
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_header(&w->api, "Content-Type", "application/json");
    if (rc == SLSRT_OK)
        rc = doc ? slsrt__rapi_send(&w->api, doc, strlen(doc), 0) : SLSRT_ENOMEM;
    free(doc);
    return slsrt__post_after(w, init ? "init error" : "error", rc);
}
