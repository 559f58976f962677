/*
 * shutdown.c - graceful shutdown.
 *
 * Lambda sends SIGTERM to a runtime only when an extension is registered,
 * so opting in registers an internal extension (no events) during init.
 * SIGTERM is blocked in every thread (from before the init hook) and taken
 * by sigwait() on a thread of its own, where the author's hook runs like any code (it may flush and
 * close connections), then the process exits.  A second thread keeps the
 * extension's /event/next call open, as Lambda requires before init ends.
 */
#include "runtime_internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "log/log.h"

#define EXTENSION_NAME "slsrt-graceful-shutdown"

struct shutdown {
    slsrt_runtime *rt;
    slsrt__rapi api;
    char id[128];
};

static void *wait_for_sigterm(void *arg)
{
    struct shutdown *s = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    int sig;
    while (sigwait(&set, &sig) != 0)
        ;
    slsrt__log(SLSRT_LOG_INFO, "SIGTERM: running the shutdown hook");
    s->rt->shutdown(s->rt);
    slsrt__log(SLSRT_LOG_INFO, "shutdown hook done; exiting");
    exit(0);
}

/* The extension's long poll: with no events it returns only if Lambda ends it. */
static void *extension_next(void *arg)
{
    struct shutdown *s = arg;
    for (;;) {
        if (slsrt__rapi_begin_api(&s->api, "GET", "/2020-01-01", "/extension/event/next") ||
            slsrt__rapi_header(&s->api, "Lambda-Extension-Identifier", s->id) ||
            slsrt__rapi_send(&s->api, NULL, 0, 1) != SLSRT_OK || s->api.head.status != 200)
            return NULL; /* the API is going away: SIGTERM follows */
    }
}

int slsrt__shutdown_register(slsrt_runtime *rt, const char *endpoint)
{
    struct shutdown *s = calloc(1, sizeof *s);
    if (!s || slsrt__rapi_init(&s->api, endpoint)) {
        free(s);
        return SLSRT_ENOMEM;
    }
    s->rt = rt;
    static const char body[] = "{\"events\":[]}";
    int rc = slsrt__rapi_begin_api(&s->api, "POST", "/2020-01-01", "/extension/register");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_header(&s->api, "Lambda-Extension-Name", EXTENSION_NAME);
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_send(&s->api, body, sizeof body - 1, 0);
    const char *id = rc == SLSRT_OK && s->api.head.status == 200
                         ? slsrt__http_find(&s->api.head, s->api.in.data, "Lambda-Extension-Identifier")
                         : NULL;
    if (!id || strlen(id) >= sizeof s->id) {
        slsrt__log(SLSRT_LOG_ERROR, "could not register the shutdown extension (%s); SIGTERM will not come",
                   rc == SLSRT_OK ? "no identifier" : s->api.error);
        slsrt__rapi_close(&s->api);
        free(s);
        return SLSRT_EPROTO;
    }
    strcpy(s->id, id);

    /* SIGTERM is already blocked in every thread (slsrt_runtime_run). */
    pthread_t t;
    if (pthread_create(&t, NULL, wait_for_sigterm, s) != 0 || pthread_create(&t, NULL, extension_next, s) != 0)
        return SLSRT_ENOMEM;
    return SLSRT_OK;
}
