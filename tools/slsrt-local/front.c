/*
 * front.c - invocations for HTTP clients (serve, start-api): each runs on
 * its own thread, so that the connection's thread can answer as soon as
 * the function starts streaming; the stream's bytes come through a pipe
 * and go on to the client as they arrive.
 */
#include "emu.h"

#include <fcntl.h>
#include <signal.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *run_job(void *arg)
{
    struct job *j = arg;
    sem_wait(j->slots);
    emu_invoke(j->e, &j->inv, j->event, j->len, j->pipe[1]);
    sem_post(j->slots);
    close(j->pipe[1]); /* the end of a stream */
    pthread_mutex_lock(&j->e->mu);
    j->done = 1;
    pthread_cond_broadcast(&j->e->cv);
    pthread_mutex_unlock(&j->e->mu);
    return NULL;
}

struct job *job_start(struct emu *e, sem_t *slots, const char *event, size_t len)
{
    struct job *j = calloc(1, sizeof *j);
    if (!j || pipe2(j->pipe, O_CLOEXEC) != 0) {
        free(j);
        return NULL;
    }
    j->e = e;
    j->slots = slots;
    j->event = event;
    j->len = len;
    pthread_create(&j->thread, NULL, run_job, j);
    pthread_mutex_lock(&e->mu);
    while (!j->done && !j->inv.streaming)
        pthread_cond_wait(&e->cv, &e->mu);
    pthread_mutex_unlock(&e->mu);
    if (!j->inv.streaming)
        pthread_join(j->thread, NULL);
    return j;
}

void job_free(void *cls)
{
    struct job *j = cls;
    if (j->inv.streaming)
        pthread_join(j->thread, NULL);
    report_end(j->e, &j->inv);
    if (j->inv.streaming && j->inv.is_error)
        emu_log("slsrt-local: the stream of %s ended with %.*s", j->inv.id, (int)j->inv.result_len, j->inv.result);
    close(j->pipe[0]);
    invocation_free(&j->inv);
    free(j);
}

int body_add(struct body *b, const char *data, size_t n)
{
    b->total += n;
    if (b->total > EMU_MAX_PAYLOAD)
        return 0; /* refused whole once complete */
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->data, cap);
        if (!p)
            return -1;
        b->data = p, b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    return 0;
}

ssize_t job_read_stream(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct job *j = cls;
    (void)pos;
    ssize_t n = read(j->pipe[0], buf, max);
    return n > 0 ? n : n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
}

void emu_wait_for_stop(struct emu *e, void (*tick)(void *), void *arg)
{
    /* Signals are blocked in every thread (main.c); wait for one here. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    /* Between signals, notice a bootstrap that died while idle, so that no
     * zombie stays and its long poll lets go. */
    struct timespec every = {0, 200 * 1000000L};
    while (sigtimedwait(&set, NULL, &every) < 0) {
        pthread_mutex_lock(&e->mu);
        if (e->pid && !e->inflight && sandbox_reap(e))
            emu_note_idle_exit(e);
        pthread_mutex_unlock(&e->mu);
        if (tick)
            tick(arg);
    }
    emu_log("slsrt-local: stopping");
}
