/*
 * deadline.c - the deadline hook: one watchdog thread sleeps until the
 * earliest "deadline minus margin" among the workers' running invocations
 * and runs the author's hook for each that is still in its handler then.
 * A worker ending its invocation waits for a hook still running on it, so
 * the hook never sees an invocation that is being reset.
 */
#include "runtime_internal.h"

#include "log/log.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

struct slsrt__watchdog {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int stop;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static slsrt__worker *earliest(slsrt_runtime *rt)
{
    slsrt__worker *next = NULL;
    for (int i = 0; i < rt->nworkers; i++) {
        slsrt__worker *w = &rt->workers[i];
        if (w->hook_at_ms && (!next || w->hook_at_ms < next->hook_at_ms))
            next = w;
    }
    return next;
}

static void *watch(void *arg)
{
    slsrt_runtime *rt = arg;
    struct slsrt__watchdog *wd = rt->watchdog;
    pthread_mutex_lock(&wd->mu);
    while (!wd->stop) {
        slsrt__worker *w = earliest(rt);
        if (!w) {
            pthread_cond_wait(&wd->cv, &wd->mu);
            continue;
        }
        if (now_ms() < w->hook_at_ms) {
            struct timespec until = {(time_t)(w->hook_at_ms / 1000), (long)(w->hook_at_ms % 1000) * 1000000};
            pthread_cond_timedwait(&wd->cv, &wd->mu, &until);
            continue;
        }
        w->hook_at_ms = 0;
        w->hook_running = 1;
        pthread_mutex_unlock(&wd->mu);
        slsrt__log_set_context(w->inv.request_id, w->inv.trace_root); /* its lines name the invocation */
        rt->deadline_hook(&w->inv);
        slsrt__log_set_context(NULL, NULL);
        pthread_mutex_lock(&wd->mu);
        w->hook_running = 0;
        pthread_cond_broadcast(&wd->cv);
    }
    pthread_mutex_unlock(&wd->mu);
    return NULL;
}

int slsrt__watchdog_start(slsrt_runtime *rt)
{
    struct slsrt__watchdog *wd = calloc(1, sizeof *wd);
    if (!wd)
        return SLSRT_ENOMEM;
    pthread_mutex_init(&wd->mu, NULL);
    pthread_cond_init(&wd->cv, NULL);
    rt->watchdog = wd;
    if (pthread_create(&wd->thread, NULL, watch, rt) != 0) {
        rt->watchdog = NULL;
        free(wd);
        return SLSRT_ENOMEM;
    }
    return SLSRT_OK;
}

void slsrt__watchdog_arm(slsrt__worker *w)
{
    struct slsrt__watchdog *wd = w->rt->watchdog;
    if (!wd || w->inv.deadline_ms <= 0)
        return;
    pthread_mutex_lock(&wd->mu);
    w->hook_at_ms = w->inv.deadline_ms - w->rt->deadline_margin_ms;
    pthread_cond_broadcast(&wd->cv);
    pthread_mutex_unlock(&wd->mu);
}

void slsrt__watchdog_disarm(slsrt__worker *w)
{
    struct slsrt__watchdog *wd = w->rt->watchdog;
    if (!wd)
        return;
    pthread_mutex_lock(&wd->mu);
    w->hook_at_ms = 0;
    while (w->hook_running)
        pthread_cond_wait(&wd->cv, &wd->mu);
    pthread_mutex_unlock(&wd->mu);
}

void slsrt__watchdog_free(slsrt_runtime *rt)
{
    struct slsrt__watchdog *wd = rt->watchdog;
    if (!wd)
        return;
    pthread_mutex_lock(&wd->mu);
    wd->stop = 1;
    pthread_cond_broadcast(&wd->cv);
    pthread_mutex_unlock(&wd->mu);
    pthread_join(wd->thread, NULL);
    pthread_mutex_destroy(&wd->mu);
    pthread_cond_destroy(&wd->cv);
    free(wd);
    rt->watchdog = NULL;
}
