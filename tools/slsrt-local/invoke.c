/*
 * invoke.c - one invocation from the caller's side: queue the event, start
 * the sandbox if it is not running, wait for the result, the timeout, or
 * the bootstrap's death, and turn each into what Lambda would answer.
 */
#include "emu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long a runtime that reported an init error has to exit by itself. */
#define INIT_ERROR_GRACE_US 1000000

void emu_init(struct emu *e, const struct options *opt)
{
    memset(e, 0, sizeof *e);
    pthread_mutex_init(&e->mu, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&e->cv, &attr);
    pthread_condattr_destroy(&attr);
    e->opt = opt;
    random_hex(e->metadata_token, 32);
}

/* Lambda's shutdown phase lasts 500 ms when only internal extensions are registered. */
#define SHUTDOWN_GRACE_MS 500

void emu_shutdown(struct emu *e)
{
    pthread_mutex_lock(&e->mu);
    if (e->opt->graceful_stop_ms)
        sandbox_terminate(e, e->opt->graceful_stop_ms);
    else if (e->extensions)
        sandbox_terminate(e, SHUTDOWN_GRACE_MS);
    sandbox_kill(e);
    pthread_mutex_unlock(&e->mu);
    rapi_stop(e);
    free(e->init_error);
    e->init_error = NULL;
}

void emu_note_idle_exit(struct emu *e)
{
    char how[96];
    sandbox_describe_exit(e->exit_status, how, sizeof how);
    emu_log("slsrt-local: the bootstrap exited between invocations (%s); the next invocation starts a new one", how);
    pthread_cond_broadcast(&e->cv); /* its long poll gives up */
}

void invocation_free(struct invocation *inv)
{
    free(inv->result);
    free(inv->content_type);
    inv->result = inv->content_type = NULL;
}

static void fail(struct invocation *inv, const char *type, char *doc)
{
    free(inv->result);
    inv->result = doc;
    inv->result_len = doc ? strlen(doc) : 0;
    inv->is_error = 1;
    snprintf(inv->error_type, sizeof inv->error_type, "%s", type);
    inv->state = INV_DONE;
    inv->end_us = now_us();
}

static void make_trace_id(const struct options *o, char *out, size_t n)
{
    char root[25], parent[17];
    random_hex(root, 24);
    random_hex(parent, 16);
    snprintf(out, n, "Root=1-%08llx-%s;Parent=%s;Sampled=%d", (unsigned long long)(now_ms() / 1000), root,
             parent, o->trace_sampled);
}

/* The sandbox died, or it was killed: what the caller is told. */
static void on_exit_or_init_error(struct emu *e, struct invocation *inv)
{
    if (e->init_error && inv->state == INV_QUEUED) {
        fail(inv, e->init_error_type, strdup(e->init_error));
        inv->init_ms = (double)(e->init_error_us - e->spawn_us) / 1000.0;
        inv->init_failed = 1;
        e->cold = 0;
        return;
    }
    char how[96];
    sandbox_describe_exit(e->exit_status, how, sizeof how);
    fail(inv, "Runtime.ExitError",
         error_doc("Runtime.ExitError", "RequestId: %s Error: Runtime exited with error: %s", inv->id, how));
}

static void on_timeout(struct emu *e, struct invocation *inv)
{
    const struct options *o = e->opt;
    int in_init = inv->state == INV_QUEUED && !e->init_done_us;
    sandbox_kill(e);
    if (in_init)
        fail(inv, "Runtime.InitTimeout",
             error_doc("Runtime.InitTimeout", "RequestId: %s Error: Init phase timed out after %.2f seconds",
                       inv->id, EMU_INIT_TIMEOUT_MS / 1000.0));
    else
        fail(inv, "Sandbox.Timedout",
             error_doc("Sandbox.Timedout", "RequestId: %s Error: Task timed out after %.2f seconds", inv->id,
                       o->timeout_s));
}

/* Lambda stops a function that uses more memory than its size. */
static int over_memory(struct emu *e)
{
    return e->enforce_memory && sandbox_rss_kb(e->pid) > (long)e->opt->memory_mb * 1024;
}

static void on_out_of_memory(struct emu *e, struct invocation *inv)
{
    long kb = sandbox_rss_kb(e->pid);
    sandbox_kill(e);
    inv->max_rss_kb = kb;
    emu_log("slsrt-local: the function used %ld MB of its %d MB: stopped, as Lambda stops it", kb / 1024,
            e->opt->memory_mb);
    fail(inv, "Runtime.OutOfMemory",
         error_doc("Runtime.OutOfMemory", "RequestId: %s Error: Runtime exited with error: signal: killed", inv->id));
}

static void wait_until(struct emu *e, int64_t deadline_us)
{
    int64_t us = deadline_us - now_us();
    if (us > 20000)
        us = 20000; /* wake up to notice a dead bootstrap */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += (long)(us > 0 ? us : 0) * 1000;
    ts.tv_sec += ts.tv_nsec / 1000000000;
    ts.tv_nsec %= 1000000000;
    pthread_cond_timedwait(&e->cv, &e->mu, &ts);
}

static void unlink_inflight(struct emu *e, struct invocation *inv)
{
    for (struct invocation **p = &e->inflight; *p; p = &(*p)->next)
        if (*p == inv) {
            *p = inv->next;
            return;
        }
}

static void append_inflight(struct emu *e, struct invocation *inv)
{
    struct invocation **p = &e->inflight;
    while (*p)
        p = &(*p)->next;
    *p = inv;
}

/* No sandbox any more (it died or was killed): what becomes of inv. */
static void after_sandbox(struct emu *e, struct invocation *inv, int *respawned)
{
    /* A runtime that served and then exited between invocations: as Lambda
     * does, a queued invocation gets a new sandbox. */
    if (inv->state == INV_QUEUED && e->served && !e->init_error && !(*respawned)++ && sandbox_spawn(e) == 0)
        return;
    on_exit_or_init_error(e, inv);
}

void emu_invoke(struct emu *e, struct invocation *inv, const char *event, size_t len, int stream_fd)
{
    const struct options *o = e->opt;
    memset(inv, 0, sizeof *inv);
    inv->stream_fd = stream_fd;
    make_uuid(inv->id);
    if (o->send_invocation_id)
        make_uuid(inv->invocation_id);
    make_trace_id(o, inv->trace_id, sizeof inv->trace_id);
    inv->event = event;
    inv->event_len = len;
    inv->start_us = now_us();
    report_start(e, inv);
    if (len > EMU_MAX_PAYLOAD) {
        fail(inv, "RequestEntityTooLargeException",
             error_doc("RequestEntityTooLargeException",
                       "Request must be smaller than %u bytes for the InvokeFunction operation", EMU_MAX_PAYLOAD));
        return;
    }

    pthread_mutex_lock(&e->mu);
    while (e->paused) /* watch is rebuilding the function: this waits for the new one */
        pthread_cond_wait(&e->cv, &e->mu);
    /* A bootstrap that died while idle is replaced, as Lambda re-initialises. */
    if (e->pid && sandbox_reap(e))
        emu_note_idle_exit(e);
    if (!e->pid && sandbox_spawn(e) != 0) {
        fail(inv, "Runtime.ExitError", error_doc("Runtime.ExitError", "cannot start the bootstrap: %s", strerror(errno)));
        pthread_mutex_unlock(&e->mu);
        return;
    }
    inv->state = INV_QUEUED;
    append_inflight(e, inv);
    pthread_cond_broadcast(&e->cv);
    int64_t queued_us = now_us();
    int respawned = 0;

    while (inv->state != INV_DONE) {
        if (!e->pid) {
            after_sandbox(e, inv, &respawned);
            continue;
        }
        if (inv->state == INV_RUNNING && inv->generation != e->generation) {
            on_exit_or_init_error(e, inv); /* its sandbox died and another started */
            continue;
        }
        int64_t limit_us = inv->state == INV_RUNNING ? inv->start_us + (int64_t)(o->timeout_s * 1e6)
                           : e->init_done_us         ? queued_us + (int64_t)(o->timeout_s * 1e6)
                                                     : e->spawn_us + EMU_INIT_TIMEOUT_MS * 1000LL;
        /* After an init error the runtime exits; Lambda resets the sandbox if not. */
        if (e->init_error && inv->state == INV_QUEUED && now_us() - e->init_error_us > INIT_ERROR_GRACE_US)
            sandbox_kill(e);
        else if (sandbox_reap(e))
            continue;
        else if (now_us() >= limit_us)
            on_timeout(e, inv);
        else if (inv->state == INV_RUNNING && over_memory(e))
            on_out_of_memory(e, inv);
        else
            wait_until(e, limit_us);
    }
    if (e->cold && e->init_done_us) {
        inv->init_ms = (double)(e->init_done_us - e->spawn_us) / 1000.0;
        e->cold = 0;
    }
    if (e->pid)
        inv->max_rss_kb = sandbox_max_rss_kb(e->pid);
    unlink_inflight(e, inv);
    snprintf(e->done_ids[e->done_next++ % 16], sizeof e->done_ids[0], "%s", inv->id);
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
}
