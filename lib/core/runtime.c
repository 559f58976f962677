/*
 * runtime.c - the runtime: configuration, the init phase, and the workers
 * that serve invocations (worker.c) for as long as the sandbox lives.
 */
#include "runtime_internal.h"
#include "hooks.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log/log.h"
#include "util/json_alloc.h"

static void free_workers(slsrt_runtime *rt)
{
    for (int i = 0; i < rt->nworkers; i++) {
        slsrt__worker *w = &rt->workers[i];
        slsrt__invocation_reset(&w->inv);
        slsrt__response_reset(&w->res);
        slsrt__buf_free(&w->res.body);
        slsrt__rapi_close(&w->api);
        slsrt__crash_release(&w->crash);
        slsrt__buf_free(&w->api.in);
        slsrt__buf_free(&w->api.out);
    }
    free(rt->workers);
    rt->workers = NULL;
    rt->nworkers = 0;
}

slsrt_runtime *slsrt_runtime_new(void)
{
    slsrt_runtime *rt = calloc(1, sizeof *rt);
    if (!rt)
        return NULL;
    pthread_mutex_init(&rt->metadata_lock, NULL);
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
    slsrt__watchdog_free(rt);
    slsrt__hooks_runtime_free(rt);
    free_workers(rt);
    if (rt->trace_env_set)
        slsrt__trace_env_clear(rt);
    free(rt->trace_env);
    free(rt->init_error_type);
    free(rt->init_error_message);
    pthread_mutex_destroy(&rt->metadata_lock);
    free(rt);
    slsrt__json_alloc_release();
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

slsrt_status slsrt_runtime_set_shutdown(slsrt_runtime *rt, slsrt_shutdown_fn fn)
{
    if (!rt)
        return SLSRT_EINVAL;
    rt->shutdown = fn;
    return SLSRT_OK;
}

slsrt_status slsrt_runtime_set_deadline_hook(slsrt_runtime *rt, slsrt_deadline_fn fn, int margin_ms)
{
    if (!rt || margin_ms < 1)
        return SLSRT_EINVAL;
    rt->deadline_hook = fn;
    rt->deadline_margin_ms = margin_ms;
    return SLSRT_OK;
}

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

static int run_init(slsrt_runtime *rt)
{
    slsrt__crash *crash = &rt->workers[0].crash;
    slsrt__crash_arm_init(crash);
    int rc = slsrt__hooks_init(rt);
    if (rc == 0 && rt->init)
        rc = rt->init(rt);
    slsrt__crash_disarm(crash);
    if (rc == 0)
        return 0;
    slsrt__post_error(&rt->workers[0], rt->init_error_type ? rt->init_error_type : "Function.InitError",
                             rt->init_error_message ? rt->init_error_message : "the init hook failed");
    return 1;
}

/* Workers, each with its own connection to the Runtime API. */
static int make_workers(slsrt_runtime *rt)
{
    free_workers(rt); /* from an earlier run that failed */
    rt->workers = calloc((size_t)rt->max_concurrency, sizeof *rt->workers);
    if (!rt->workers)
        return SLSRT_ENOMEM;
    rt->nworkers = rt->max_concurrency;
    for (int i = 0; i < rt->nworkers; i++) {
        slsrt__worker *w = &rt->workers[i];
        w->rt = rt;
        w->inv.rt = rt;
        w->inv.worker = w;
        w->res.worker = w;
        if (slsrt__rapi_init(&w->api, getenv("AWS_LAMBDA_RUNTIME_API")))
            return SLSRT_EINVAL;
    }
    return SLSRT_OK;
}

static void *serve_thread(void *arg)
{
    slsrt__worker *w = arg;
    slsrt__crash_thread(&w->crash, &w->api);
    if (slsrt__worker_serve(w) != 0)
        exit(1); /* the sandbox is broken for every worker */
    return NULL;
}

int slsrt_runtime_run(slsrt_runtime *rt)
{
    if (!rt || !rt->handler) {
        slsrt__log(SLSRT__LOG_FATAL, "no handler was set");
        return 1;
    }
    int rc = make_workers(rt);
    if (rc != SLSRT_OK) {
        slsrt__log(SLSRT__LOG_FATAL, "%s; a Lambda function runs under Lambda or slsrt-local",
                   rc == SLSRT_ENOMEM ? "out of memory" : rt->workers[0].api.error);
        return 1;
    }
    slsrt__crash_install();
    slsrt__crash_thread(&rt->workers[0].crash, &rt->workers[0].api);
    /* SIGTERM stays blocked for every thread made from here on (the init
     * hook's too), so that a shutdown hook, if any, receives it; without one
     * the main thread takes it back and dies of it as usual. */
    sigset_t term, old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, &old);
    if (run_init(rt) || slsrt__snapstart(rt))
        return 1;
    if (!rt->shutdown || slsrt__shutdown_register(rt, getenv("AWS_LAMBDA_RUNTIME_API")) != SLSRT_OK)
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rt->deadline_hook && !rt->watchdog && slsrt__watchdog_start(rt) != SLSRT_OK)
        slsrt__log(SLSRT_LOG_ERROR, "cannot start the deadline watchdog; the deadline hook will not run");
    if (rt->nworkers > 1)
        slsrt__log(SLSRT_LOG_INFO, "serving %d invocations at once", rt->nworkers);
    for (int i = 1; i < rt->nworkers; i++) {
        if (pthread_create(&rt->workers[i].thread, NULL, serve_thread, &rt->workers[i]) != 0) {
            slsrt__log(SLSRT_LOG_FATAL, "cannot start worker %d of %d", i + 1, rt->nworkers);
            return 1;
        }
    }
    return slsrt__worker_serve(&rt->workers[0]);
}

int slsrt_main(int argc, char **argv, slsrt_init_fn init, slsrt_handler_fn handler)
{
    if (argc >= 2 && strcmp(argv[1], "--info") == 0) /* a bootstrap built before --info existed */
        return slsrt_main_info(argc, argv, init, handler, NULL, NULL);
    slsrt_runtime *rt = slsrt_runtime_new();
    if (!rt)
        return 1;
    slsrt_runtime_set_init(rt, init);
    slsrt_runtime_set_handler(rt, handler);
    int status = slsrt_runtime_run(rt);
    slsrt_runtime_free(rt);
    return status;
}
