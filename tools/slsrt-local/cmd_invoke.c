/*
 * cmd_invoke.c - `slsrt-local invoke --event FILE... -- ./bootstrap`:
 * each event in turn; every payload (or error document) on its own line of
 * stdout, the function's logs and Lambda's report lines on stderr.
 */
#include "emu.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *read_event_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *data = malloc(cap);
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n < cap)
            continue;
        char *bigger = realloc(data, cap * 2);
        if (!bigger)
            free(data);
        data = bigger;
        cap *= 2;
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return data;
}

/* --concurrency N: the events run N at a time; results print in event order. */
struct parallel {
    struct emu *e;
    char **events;
    size_t *lens, n, next;
    struct invocation *results;
    pthread_mutex_t mu;
};

static void *invoker(void *arg)
{
    struct parallel *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n)
            return NULL;
        emu_invoke(p->e, &p->results[i], p->events[i], p->lens[i], STDOUT_FILENO);
        report_end(p->e, &p->results[i]);
    }
}

/* 1 when any invocation failed (the init's failure fails them all), else 0. */
static int invoke_parallel(struct emu *e, char **events, size_t *lens, size_t n)
{
    int failed = 0;
    struct parallel p = {.e = e, .events = events, .lens = lens, .n = n, .results = calloc(n, sizeof *p.results)};
    pthread_mutex_init(&p.mu, NULL);
    int nthreads = e->opt->concurrency;
    pthread_t threads[64];
    for (int t = 0; t < nthreads; t++)
        pthread_create(&threads[t], NULL, invoker, &p);
    for (int t = 0; t < nthreads; t++)
        pthread_join(threads[t], NULL);
    for (size_t i = 0; i < n; i++) {
        fwrite(p.results[i].result ? p.results[i].result : "", 1, p.results[i].result_len, stdout);
        fputc('\n', stdout);
        failed |= p.results[i].is_error;
        invocation_free(&p.results[i]);
    }
    fflush(stdout);
    free(p.results);
    pthread_mutex_destroy(&p.mu);
    return failed;
}

/* --rss-every N: the bootstrap's resident memory now, for soak tests. */
static void sample_rss(struct emu *e, unsigned long done)
{
    if (!e->opt->rss_every || done % (unsigned long)e->opt->rss_every)
        return;
    pthread_mutex_lock(&e->mu);
    long kb = e->pid ? sandbox_rss_kb(e->pid) : 0;
    pthread_mutex_unlock(&e->mu);
    emu_log("slsrt-local: rss %ld kB after %lu invocations", kb, done);
}

int cmd_invoke(struct emu *e, const char *const *events, size_t nevents, int repeat)
{
    unsigned long done = 0;
    if (e->opt->concurrency > 1) {
        size_t n = nevents * (size_t)repeat;
        char **data = calloc(n, sizeof *data);
        size_t *lens = calloc(n, sizeof *lens);
        for (size_t i = 0; i < nevents; i++) {
            if (!(data[i] = read_event_file(events[i], &lens[i]))) {
                emu_log("slsrt-local: cannot read event %s", events[i]);
                return 2;
            }
            for (int r = 1; r < repeat; r++) {
                data[i + nevents * (size_t)r] = data[i];
                lens[i + nevents * (size_t)r] = lens[i];
            }
        }
        int rc = invoke_parallel(e, data, lens, n);
        for (size_t i = 0; i < nevents; i++)
            free(data[i]);
        free(data);
        free(lens);
        return rc;
    }
    int failed = 0;
    for (size_t i = 0; i < nevents; i++) {
        size_t len;
        char *event = read_event_file(events[i], &len);
        if (!event) {
            emu_log("slsrt-local: cannot read event %s", events[i]);
            return 2;
        }
        for (int r = 0; r < repeat; r++) {
            struct invocation inv;
            emu_invoke(e, &inv, event, len, STDOUT_FILENO);
            report_end(e, &inv);
            /* A streamed response is on stdout already; its failure goes to the log. */
            if (!inv.streaming)
                fwrite(inv.result ? inv.result : "", 1, inv.result_len, stdout);
            else if (inv.is_error)
                emu_log("slsrt-local: the stream of %s ended with %.*s", inv.id, (int)inv.result_len, inv.result);
            fputc('\n', stdout);
            fflush(stdout);
            failed |= inv.is_error;
            invocation_free(&inv);
            sample_rss(e, ++done);
        }
        free(event);
    }
    return failed;
}
