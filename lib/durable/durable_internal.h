/* durable_internal.h - one durable execution's state inside an invocation (private). */
#ifndef SLSRT_DURABLE_INTERNAL_H
#define SLSRT_DURABLE_INTERNAL_H

#include <slsrt/aws.h>
#include <slsrt/durable.h>

#define SLSRT__DURABLE_ID_LEN 16          /* hex of the first 8 bytes of md5 */
#define SLSRT__DURABLE_MAX_PAYLOAD (256 * 1024) /* a step's or a context's result or error */
#define SLSRT__DURABLE_MAX_INPUT (1024 * 1024)  /* a chained invoke's input */
#define SLSRT__DURABLE_MAX_BATCH (750 * 1000)   /* one checkpoint request's updates */

/* What the invocation shares between its contexts. */
typedef struct slsrt__durable_exec {
    slsrt_invocation *inv;
    slsrt_aws *aws;
    char *arn, *token;
    json_t *ops;      /* Id -> Operation, as the service last sent it */
    json_t *updates;  /* not yet checkpointed */
    unsigned pending; /* operations this invocation left waiting on the service */
    int nondeterministic; /* terminal: the history and the code disagree */
    int checkpoint_failed; /* terminal for the invocation: the service retries it */
    char checkpoint_error[512];
} slsrt__durable_exec;

struct slsrt_durable {
    slsrt__durable_exec *x;
    char position[192];  /* this context's positional id ("" at the root, "3", "3-2") */
    char parent_id[SLSRT__DURABLE_ID_LEN + 1]; /* its CONTEXT operation ("" at the root) */
    unsigned counter;    /* operations started in it */
    int replaying;
    char *error_type, *error_message;
    json_t *callback_ids; /* keeps the ids handed out alive */
};

struct slsrt_durable_attempt {
    slsrt_durable *ctx;
    int attempt;
    char *error_type, *error_message;
};

/* exec.c */
void slsrt__durable_ctx_init(slsrt_durable *ctx, slsrt__durable_exec *x, const char *position, const char *parent_id);
void slsrt__durable_ctx_clear(slsrt_durable *ctx);
/* Record an error on ctx (copied; message may be NULL). */
void slsrt__durable_set_error(slsrt_durable *ctx, const char *type, const char *message);
/* {"ErrorType","ErrorMessage"} of the error recorded on ctx (new). */
json_t *slsrt__durable_error_object(const char *type, const char *message);

/*
 * The next operation of ctx: its hashed id (and positional one), and what
 * the history holds for it (borrowed, NULL when new).  SLSRT_EDURABLE when
 * the history holds another kind of operation there: non-determinism,
 * terminal for the execution.
 */
int slsrt__durable_next(slsrt_durable *ctx, const char *type, const char *subtype, const char *name,
                        char id[SLSRT__DURABLE_ID_LEN + 1], char *position, size_t position_size, json_t **op);
const char *slsrt__durable_status(const json_t *op);
/* An operation's Details object member (e.g. "StepDetails", "Result"), borrowed. */
json_t *slsrt__durable_detail(const json_t *op, const char *details, const char *field);
/* A checkpointed payload string as JSON (new): parsed, or a string when it is not JSON, null when absent. */
json_t *slsrt__durable_payload(const json_t *text);
/* Hand value (a new reference; NULL is JSON null) to *result, or drop it when result is NULL.  SLSRT_OK. */
int slsrt__durable_give(json_t *value, json_t **result);
/* The result an operation's details recorded ("StepDetails", ...), handed to *result. */
int slsrt__durable_recorded(const json_t *op, const char *details, json_t **result);
/* Record on ctx the error held in an operation's details (or the fallback). */
void slsrt__durable_take_error(slsrt_durable *ctx, const json_t *op, const char *details, const char *fallback_type,
                               const char *fallback_message);
/* ctx leaves an operation waiting: returns SLSRT_ESUSPENDED. */
int slsrt__durable_suspend(slsrt_durable *ctx);

/* checkpoint.c */
/* A new update for operation id of ctx: {"Id","ParentId","Name","Type","SubType","Action"}. */
json_t *slsrt__durable_update(const slsrt_durable *ctx, const char *id, const char *type, const char *subtype,
                              const char *name, const char *action);
/* Queue an update (stolen); with flush, checkpoint everything queued now.  0, or SLSRT_EIO (recorded). */
int slsrt__durable_checkpoint(slsrt__durable_exec *x, json_t *update, int flush);
int slsrt__durable_flush(slsrt__durable_exec *x);
/* Page through GetDurableExecutionState from marker into x->ops. */
int slsrt__durable_fetch_state(slsrt__durable_exec *x, const char *marker);
/* The JSON text of v (null for NULL), new; its length in *len. */
char *slsrt__durable_dump(const json_t *v, size_t *len);

/* step.c */
/* Seconds before attempt + 1 under strategy r, or -1: no more attempts. */
double slsrt__durable_retry_delay(const slsrt_durable_retry *r, int attempt, const char *type, const char *message,
                                  int for_condition);

/* child.c */
int slsrt__durable_child(slsrt_durable *ctx, const char *name, const char *subtype, slsrt_durable_child_fn fn,
                         void *arg, json_t **result);

#endif
