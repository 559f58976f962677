/*
 * durable_run.c - one thread per running execution: invoke the function
 * with the execution's state, read SUCCEEDED / FAILED / PENDING, and while
 * it is pending sleep until a timer is due or something completes (a
 * callback, a chained invoke), then invoke it again.
 */
#include "durable.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Operations sent with the invocation; the rest the SDK pages through
 * GetDurableExecutionState (small, so that paging is exercised). */
#define INITIAL_PAGE 100
/* Invocation errors in a row before the execution fails (Lambda retries them). */
#define MAX_INVOCATION_ERRORS 3

struct drive {
    struct durable *d;
    struct dexec *x;
};

static char *invocation_input(struct dexec *x)
{
    json_t *ops = json_array();
    for (size_t i = 0; i < json_array_size(x->ops) && i < INITIAL_PAGE; i++)
        json_array_append(ops, json_array_get(x->ops, i));
    json_t *state = json_pack("{s:o}", "Operations", ops);
    if (json_array_size(x->ops) > INITIAL_PAGE)
        json_object_set_new(state, "NextMarker", json_string("100"));
    json_t *in = json_pack("{s:s, s:s, s:o}", "DurableExecutionArn", x->arn, "CheckpointToken", x->token,
                           "InitialExecutionState", state);
    char *text = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    return text;
}

/* What the function answered; 1 when the execution goes on (PENDING). */
static int settle(struct durable *d, struct dexec *x, struct invocation *inv)
{
    if (inv->is_error) {
        emu_log("slsrt-local: durable execution %s: invocation failed (%s)%s", x->name, inv->error_type,
                ++x->invocation_errors < MAX_INVOCATION_ERRORS ? ", invoking it again" : "");
        if (x->invocation_errors < MAX_INVOCATION_ERRORS)
            return 1;
        json_t *doc = json_loadb(inv->result ? inv->result : "", inv->result_len, 0, NULL);
        durable_finish(d, x, "FAILED",
                       json_pack("{s:s, s:s}", "ErrorType", inv->error_type, "ErrorMessage",
                                 json_string_value(json_object_get(doc, "errorMessage")) ? json_string_value(json_object_get(doc, "errorMessage")) : ""));
        json_decref(doc);
        return 0;
    }
    x->invocation_errors = 0;
    json_t *out = json_loadb(inv->result ? inv->result : "", inv->result_len, 0, NULL);
    const char *status = json_string_value(json_object_get(out, "Status"));
    int goes_on = 0;
    if (status && !strcmp(status, "SUCCEEDED")) {
        json_t *result = json_object_get(out, "Result");
        durable_finish(d, x, "SUCCEEDED", json_is_string(result) ? json_incref(result) : json_string("null"));
    } else if (status && !strcmp(status, "FAILED")) {
        json_t *error = json_object_get(out, "Error");
        durable_finish(d, x, "FAILED", error ? json_incref(error) : json_pack("{s:s}", "ErrorType", "Unknown"));
    } else if (status && !strcmp(status, "PENDING")) {
        goes_on = 1;
    } else {
        durable_finish(d, x, "FAILED",
                       json_pack("{s:s, s:s}", "ErrorType", "Durable.InvalidOutput", "ErrorMessage",
                                 "the function's answer has no Status of SUCCEEDED, FAILED or PENDING"));
    }
    json_decref(out);
    return goes_on;
}

static void sleep_until(struct durable *d, int64_t when_ms)
{
    struct timespec ts;
    int64_t ms = when_ms ? when_ms : durable_now() + 1000;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000;
    pthread_cond_timedwait(&d->cv, &d->mu, &ts);
}

static void *drive(void *arg)
{
    struct drive *dr = arg;
    struct durable *d = dr->d;
    struct dexec *x = dr->x;
    free(dr);
    pthread_mutex_lock(&d->mu);
    while (!d->stopping && !strcmp(x->status, "RUNNING")) {
        x->wake = 0;
        char *input = invocation_input(x);
        pthread_mutex_unlock(&d->mu);
        struct invocation inv;
        emu_invoke(d->e, &inv, input ? input : "{}", input ? strlen(input) : 2, -1);
        report_end(d->e, &inv);
        pthread_mutex_lock(&d->mu);
        int goes_on = settle(d, x, &inv);
        invocation_free(&inv);
        free(input);
        if (!goes_on)
            break;
        if (x->invocation_errors) {
            sleep_until(d, durable_now() + 200);
            continue;
        }
        /* Pending: until a timer fires or an operation completes from outside. */
        while (!d->stopping && !strcmp(x->status, "RUNNING") && !x->wake) {
            if (durable_timers(d, x, durable_now()))
                break;
            sleep_until(d, durable_next_timer(x));
        }
    }
    x->running = 0;
    d->drivers--;
    pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

void durable_drive(struct durable *d, struct dexec *x)
{
    if (x->running || strcmp(x->status, "RUNNING"))
        return;
    struct drive *dr = malloc(sizeof *dr);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (dr) {
        dr->d = d, dr->x = x;
        x->running = 1;
        d->drivers++;
        if (pthread_create(&t, &attr, drive, dr) != 0) {
            x->running = 0;
            d->drivers--;
            free(dr);
        }
    }
    pthread_attr_destroy(&attr);
}

int durable_wait_end(struct durable *d, struct dexec *x)
{
    while (!d->stopping && !strcmp(x->status, "RUNNING"))
        pthread_cond_wait(&d->cv, &d->mu);
    return d->stopping ? -1 : 0;
}

void durable_stop_all(struct durable *d)
{
    pthread_mutex_lock(&d->mu);
    d->stopping = 1;
    pthread_cond_broadcast(&d->cv);
    while (d->drivers) {
        /* A driver inside an invocation returns once emu_shutdown ends it. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        if (pthread_cond_timedwait(&d->cv, &d->mu, &ts) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&d->mu);
}
