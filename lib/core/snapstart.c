/*
 * snapstart.c - SnapStart's two extra phases.  With
 * AWS_LAMBDA_INITIALIZATION_TYPE=snap-start, after the init hook the
 * runtime runs the before-snapshot hooks, asks /runtime/restore/next (Lambda
 * snapshots the process while that call waits and answers it in each
 * restored copy), then makes the copy its own: a new random seed, AWS
 * credentials and connections dropped, the environment's metadata
 * forgotten (the layers' restore hooks), and the user's after-restore hooks.
 */
#include "runtime_internal.h"
#include "hooks.h"

#include <stdio.h>
#include <string.h>

#include "log/log.h"
#include "util/random.h"

static slsrt_status add(struct slsrt__snap_hook *list, int *n, slsrt_snapstart_hook hook, void *arg)
{
    if (!hook || *n == SLSRT__MAX_SNAP_HOOKS)
        return SLSRT_EINVAL;
    list[(*n)++] = (struct slsrt__snap_hook){hook, arg};
    return SLSRT_OK;
}

slsrt_status slsrt_runtime_before_snapshot(slsrt_runtime *rt, slsrt_snapstart_hook hook, void *arg)
{
    return rt ? add(rt->before_snapshot, &rt->nbefore_snapshot, hook, arg) : SLSRT_EINVAL;
}

slsrt_status slsrt_runtime_after_restore(slsrt_runtime *rt, slsrt_snapstart_hook hook, void *arg)
{
    return rt ? add(rt->after_restore, &rt->nafter_restore, hook, arg) : SLSRT_EINVAL;
}

/* A failed restore: reported to /runtime/restore/error; the process then exits. */
static int restore_failed(slsrt__worker *w, const char *type, const char *message)
{
    slsrt__log(SLSRT_LOG_FATAL, "the restore failed (%s): %s", type, message);
    char body[600];
    int n = snprintf(body, sizeof body, "{\"errorType\":\"%s\",\"errorMessage\":\"%s\"}", type, message);
    if (slsrt__rapi_begin(&w->api, "POST", "/runtime/restore/error") == SLSRT_OK &&
        slsrt__rapi_header(&w->api, "Lambda-Runtime-Function-Error-Type", type) == SLSRT_OK)
        slsrt__rapi_send(&w->api, body, (size_t)n, 0);
    return 1;
}

int slsrt__snapstart(slsrt_runtime *rt)
{
    if (!rt->initialization_type || strcmp(rt->initialization_type, "snap-start"))
        return 0;
    slsrt__worker *w = &rt->workers[0];
    for (int i = 0; i < rt->nbefore_snapshot; i++)
        if (rt->before_snapshot[i].hook(rt, rt->before_snapshot[i].arg) != 0) {
            slsrt__post_error(w, rt->init_error_type ? rt->init_error_type : "Function.BeforeSnapshotError",
                              rt->init_error_message ? rt->init_error_message : "a before-snapshot hook failed");
            return 1;
        }
    /* The snapshot is taken while this waits; it returns in each restored copy. */
    int rc = slsrt__rapi_begin(&w->api, "GET", "/runtime/restore/next");
    if (rc == SLSRT_OK)
        rc = slsrt__rapi_send(&w->api, NULL, 0, 1);
    if (rc != SLSRT_OK || w->api.head.status != 200) {
        slsrt__log(SLSRT_LOG_FATAL, "/runtime/restore/next failed: %s",
                   rc != SLSRT_OK ? w->api.error : "an answer other than 200");
        return 1;
    }
    slsrt__random_reseed();
    slsrt__hooks_restore(rt);
    for (int i = 0; i < rt->nafter_restore; i++)
        if (rt->after_restore[i].hook(rt, rt->after_restore[i].arg) != 0)
            return restore_failed(w, rt->init_error_type ? rt->init_error_type : "Function.AfterRestoreError",
                                  rt->init_error_message ? rt->init_error_message : "an after-restore hook failed");
    return 0;
}
