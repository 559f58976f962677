/*
 * durable.h - slsrt-local's durable execution service: executions, their
 * operations and history, the timers that wake them, the driver that
 * invokes the function until each one ends, and the HTTP API (the data
 * plane the SDKs call, the control plane the AWS CLI and SDKs call).
 */
#ifndef SLSRT_LOCAL_DURABLE_H
#define SLSRT_LOCAL_DURABLE_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "emu.h"

struct dexec {
    struct dexec *next;
    char arn[600], name[128], id[40];
    char *input;        /* the execution's input, JSON text */
    char status[16];    /* RUNNING SUCCEEDED FAILED TIMED_OUT STOPPED */
    json_t *ops;        /* Operation objects as the API shows them, in start order */
    json_t *meta;       /* Id -> what only the service knows (deadlines in ms) */
    json_t *events;     /* the history */
    json_t *result;     /* the result text (string) or the error object */
    char token[40];     /* the checkpoint token that is valid now */
    char last_client_token[80];
    json_t *last_answer; /* to a repeated ClientToken */
    int64_t start_ms, end_ms;
    int wake;            /* something completed: invoke again */
    int running;         /* a driver thread serves it */
    int invocation_errors;
    char parent_arn[600], parent_op[72]; /* a chained invoke's: whom to tell */
};

struct durable {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct emu *e;
    char function_arn[400];
    double time_scale; /* waits and retry delays divided by this */
    const char *state_file;
    struct dexec *list;
    unsigned drivers; /* threads running */
    int stopping;
};

/* durable_store.c (all with d->mu held unless said otherwise) */
int durable_init(struct durable *d, struct emu *e, double time_scale, const char *state_file);
void durable_free(struct durable *d);
/* A new execution (RUNNING, its EXECUTION operation started); NULL when the name is taken. */
struct dexec *durable_create(struct durable *d, const char *name, const char *input, size_t len);
struct dexec *durable_find(struct durable *d, const char *arn);
/* The execution and operation holding a callback id. */
struct dexec *durable_find_callback(struct durable *d, const char *callback_id, json_t **op);
/* Apply a CheckpointDurableExecution request: the answer (new) or an error document in *status. */
json_t *durable_checkpoint(struct durable *d, struct dexec *x, json_t *request, int *status);
/* Complete an operation from outside (a callback, a chained invoke's end). */
void durable_complete(struct durable *d, struct dexec *x, json_t *op, const char *status, json_t *result,
                      json_t *error);
/* Settle the execution: SUCCEEDED with result text, or FAILED/STOPPED/TIMED_OUT with an error object. */
void durable_finish(struct durable *d, struct dexec *x, const char *status, json_t *result_or_error);
/* Timers due by now: waits done, retries ready, callbacks timed out.  1 when one fired. */
int durable_timers(struct durable *d, struct dexec *x, int64_t now);
/* The earliest timer of x in ms since the epoch, 0 when none. */
int64_t durable_next_timer(const struct dexec *x);
void durable_event(struct dexec *x, const char *type, const json_t *op, const char *details_key, json_t *details);
/* The execution as GetDurableExecution shows it (new). */
json_t *durable_describe(const struct durable *d, const struct dexec *x, int summary);
void durable_save(struct durable *d);
int64_t durable_now(void);
double durable_seconds(int64_t ms); /* API timestamps: epoch seconds */

/* durable_run.c */
/* Start a driver thread for x (d->mu held). */
void durable_drive(struct durable *d, struct dexec *x);
/* Wait (d->mu held) until x is no longer RUNNING; 0, or -1 when stopping. */
int durable_wait_end(struct durable *d, struct dexec *x);
void durable_stop_all(struct durable *d);

/* durable_api.c: the routes under /2025-12-01/ and the durable Invoke; 1 when it answered. */
struct MHD_Connection;
int durable_route(struct durable *d, struct MHD_Connection *c, const char *method, const char *url,
                  const char *body, size_t len, int *handled);

#endif
