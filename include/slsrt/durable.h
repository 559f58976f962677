/*
 * slsrt/durable.h - durable functions: a workflow in one Lambda function,
 * its steps checkpointed, suspended while it waits, replayed on the next
 * invocation from the checkpoints.
 *
 *     static int charge(slsrt_durable_attempt *step, void *arg, json_t **result)
 *     {
 *         *result = json_pack("{s:s}", "charge", "ch_123");   // the side effect, once
 *         return SLSRT_OK;
 *     }
 *
 *     static int workflow(slsrt_durable *ctx, json_t *event, json_t **result)
 *     {
 *         json_t *receipt;
 *         SLSRT_DURABLE_TRY(slsrt_durable_step(ctx, "charge", charge, NULL, NULL, &receipt));
 *         SLSRT_DURABLE_TRY(slsrt_durable_wait(ctx, "cool-off", 3600));
 *         *result = receipt;
 *         return SLSRT_OK;
 *     }
 *
 *     SLSRT_DURABLE_MAIN(workflow)
 *
 * Every operation returns SLSRT_OK with its result, SLSRT_ESUSPENDED when
 * the execution must stop here and resume later (a wait, a pending retry, a
 * callback not yet completed: pass it up, SLSRT_DURABLE_TRY does), or
 * SLSRT_EDURABLE when the operation failed for good (its error in
 * slsrt_durable_error_type/_message; returned up, the execution FAILS).
 *
 * The rules (the README's durable section says more):
 * - Determinism: on every invocation the handler runs from the top and must
 *   call the same operations in the same order; each completed one returns
 *   its checkpointed result without running again.  An operation that
 *   differs from the history at its place (another type or name) stops the
 *   execution with Durable.NonDeterministic.
 * - Side effects, clocks and random numbers belong inside steps.
 * - Results are JSON.  A step's result or error is at most 256 KiB, a
 *   chained invoke's input at most 1 MiB.
 *
 * Ownership: json_t results are new references (json_decref them); the
 * event and inputs passed in are borrowed.  Strings returned are borrowed
 * until the handler returns.  Calls made on one context come from the
 * thread running its handler.
 */
#ifndef SLSRT_DURABLE_H
#define SLSRT_DURABLE_H

#include <jansson.h>

#include <slsrt/common.h>
#include <slsrt/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A durable context: the execution's root, or a child context. */
typedef struct slsrt_durable slsrt_durable;
/* What a step's body sees: the attempt running. */
typedef struct slsrt_durable_attempt slsrt_durable_attempt;

/*
 * The handler: event is the execution's input (borrowed).  Return SLSRT_OK
 * with *result set (a new reference; NULL means JSON null), or pass up what
 * an operation returned.  Any other error FAILS the execution with the
 * error last recorded (slsrt_durable_fail) or Durable.HandlerFailed.
 */
typedef int (*slsrt_durable_handler)(slsrt_durable *ctx, json_t *event, json_t **result);

/*
 * Serve one invocation of a durable function: read the execution's state
 * from the invocation input (paging through GetDurableExecutionState when
 * it is large), run handler, checkpoint what is left and answer SUCCEEDED,
 * FAILED or PENDING.  A handler for slsrt_runtime_run / SLSRT_MAIN.
 */
SLSRT_API int slsrt_durable_run(slsrt_invocation *inv, slsrt_response *res, slsrt_durable_handler handler);

#define SLSRT_DURABLE_MAIN(handler)                                                                          \
    static int slsrt_durable_main_(slsrt_invocation *slsrt_inv_, slsrt_response *slsrt_res_)                 \
    {                                                                                                        \
        return slsrt_durable_run(slsrt_inv_, slsrt_res_, handler);                                           \
    }                                                                                                        \
    SLSRT_MAIN(slsrt_durable_main_)

/* Return whatever the call returned unless it is SLSRT_OK: a suspension or a failure goes up. */
#define SLSRT_DURABLE_TRY(call)                                                                              \
    do {                                                                                                     \
        int slsrt_try_rc_ = (call);                                                                          \
        if (slsrt_try_rc_ != SLSRT_OK)                                                                       \
            return slsrt_try_rc_;                                                                            \
    } while (0)

/* ---- the context ---------------------------------------------------------- */

SLSRT_API slsrt_invocation *slsrt_durable_invocation(const slsrt_durable *ctx);
SLSRT_API const char *slsrt_durable_execution_arn(const slsrt_durable *ctx);
/* 1 while the handler is re-running operations the history already holds. */
SLSRT_API int slsrt_durable_replaying(const slsrt_durable *ctx);
/* The error of the operation that last failed in this context: borrowed, NULL when none. */
SLSRT_API const char *slsrt_durable_error_type(const slsrt_durable *ctx);
SLSRT_API const char *slsrt_durable_error_message(const slsrt_durable *ctx);
/* Record an error for the execution (or this child context) and return SLSRT_EDURABLE. */
SLSRT_API int slsrt_durable_fail(slsrt_durable *ctx, const char *type, const char *message);

/* ---- steps ---------------------------------------------------------------- */

enum slsrt_durable_retry_kind {
    SLSRT_RETRY_DEFAULT = 0,  /* exponential: 3 attempts, 5 s then x2, full jitter, at most 300 s */
    SLSRT_RETRY_NONE,         /* one attempt */
    SLSRT_RETRY_EXPONENTIAL,  /* initial_delay * backoff_rate^(attempt-1), capped at max_delay, jittered */
    SLSRT_RETRY_LINEAR,       /* initial_delay + increment * (attempt-1), capped at max_delay */
    SLSRT_RETRY_CUSTOM        /* custom() decides */
};
enum slsrt_durable_jitter { SLSRT_JITTER_FULL = 0, SLSRT_JITTER_NONE, SLSRT_JITTER_HALF };
enum slsrt_durable_semantics {
    SLSRT_AT_LEAST_ONCE_PER_RETRY = 0, /* a crash mid-attempt runs the attempt again */
    SLSRT_AT_MOST_ONCE_PER_RETRY       /* the start is checkpointed first; a crash mid-attempt fails it */
};

/*
 * When to try again.  Zero-initialise and set what differs from the
 * defaults; a field left 0 takes its default.  custom returns the seconds to
 * wait before attempt `attempt + 1`, or a negative number to give up.
 */
typedef struct slsrt_durable_retry {
    int kind;           /* enum slsrt_durable_retry_kind */
    int max_attempts;   /* including the first (default 3) */
    double initial_delay; /* seconds (default 5) */
    double max_delay;     /* seconds (default 300) */
    double backoff_rate;  /* exponential (default 2) */
    double increment;     /* linear (default: initial_delay) */
    int jitter;           /* enum slsrt_durable_jitter */
    double (*custom)(int attempt, const char *error_type, const char *error_message, void *arg);
    void *custom_arg;
    void *reserved[4];
} slsrt_durable_retry;

typedef struct slsrt_durable_step_options {
    slsrt_durable_retry retry;
    int semantics; /* enum slsrt_durable_semantics */
    void *reserved[4];
} slsrt_durable_step_options;

/*
 * A step's body: do the work, set *result (a new reference, or leave NULL
 * for JSON null) and return SLSRT_OK; or fail (slsrt_durable_step_fail, or
 * any error) and the retry strategy decides.
 */
typedef int (*slsrt_durable_step_fn)(slsrt_durable_attempt *step, void *arg, json_t **result);

/*
 * Run fn once (as the retry strategy allows) and checkpoint its result;
 * on replay return the checkpointed result without running fn.  name may be
 * NULL; options NULL for the defaults; result may be NULL.  A retry waits
 * suspended (SLSRT_ESUSPENDED); retries exhausted give SLSRT_EDURABLE.
 */
SLSRT_API int slsrt_durable_step(slsrt_durable *ctx, const char *name, slsrt_durable_step_fn fn, void *arg,
                                 const slsrt_durable_step_options *options, json_t **result);
/* The attempt running, from 1. */
SLSRT_API int slsrt_durable_attempt_number(const slsrt_durable_attempt *step);
SLSRT_API slsrt_invocation *slsrt_durable_attempt_invocation(const slsrt_durable_attempt *step);
/* Record why this attempt failed; returns SLSRT_EDURABLE for the body to return. */
SLSRT_API int slsrt_durable_attempt_fail(slsrt_durable_attempt *step, const char *type, const char *message);

/* ---- waits, callbacks, chained invokes ------------------------------------ */

/* Suspend for `seconds` (1 to one year); returns SLSRT_OK once they passed. */
SLSRT_API int slsrt_durable_wait(slsrt_durable *ctx, const char *name, int64_t seconds);

typedef struct slsrt_durable_callback_options {
    int64_t timeout;           /* seconds until the callback times out (0: none) */
    int64_t heartbeat_timeout; /* seconds allowed between heartbeats (0: none) */
    void *reserved[4];
} slsrt_durable_callback_options;

/*
 * Start a callback: *callback_id (borrowed) is what an outside party
 * completes it with (SendDurableExecutionCallbackSuccess/Failure).  Then
 * slsrt_durable_callback_result: SLSRT_OK with its result, SLSRT_ESUSPENDED
 * until it completes, SLSRT_EDURABLE when it failed or timed out.
 */
SLSRT_API int slsrt_durable_create_callback(slsrt_durable *ctx, const char *name,
                                            const slsrt_durable_callback_options *options, const char **callback_id);
SLSRT_API int slsrt_durable_callback_result(slsrt_durable *ctx, const char *callback_id, json_t **result);

/* Hands the callback id to whoever completes it (runs as a step). */
typedef int (*slsrt_durable_submitter)(slsrt_durable_attempt *step, const char *callback_id, void *arg);
/*
 * A child context that creates a callback, runs submit with its id as a
 * step, and waits for the result.
 */
SLSRT_API int slsrt_durable_wait_for_callback(slsrt_durable *ctx, const char *name, slsrt_durable_submitter submit,
                                              void *arg, const slsrt_durable_callback_options *options,
                                              json_t **result);

/* Invoke another function (name, ARN or alias ARN) with input (borrowed) and wait for its result. */
SLSRT_API int slsrt_durable_invoke(slsrt_durable *ctx, const char *name, const char *function_name, json_t *input,
                                   json_t **result);

/* ---- composition ------------------------------------------------------------ */

/* A child context's body: operations on child are checkpointed under it. */
typedef int (*slsrt_durable_child_fn)(slsrt_durable *child, void *arg, json_t **result);
/* Run fn in a child context; its result is checkpointed as one operation. */
SLSRT_API int slsrt_durable_run_in_child_context(slsrt_durable *ctx, const char *name, slsrt_durable_child_fn fn,
                                                 void *arg, json_t **result);

/*
 * Poll until a condition holds: check gets the state (borrowed; the initial
 * one first), sets *next (a new reference: the state for the next check, or
 * the result) and *done.  Between checks the execution waits suspended, the
 * delays taken from wait (NULL: exponential from 5 s, 60 attempts).
 */
typedef int (*slsrt_durable_check_fn)(slsrt_durable_attempt *step, json_t *state, void *arg, json_t **next, int *done);
SLSRT_API int slsrt_durable_wait_for_condition(slsrt_durable *ctx, const char *name, slsrt_durable_check_fn check,
                                               void *arg, json_t *initial_state, const slsrt_durable_retry *wait,
                                               json_t **result);

/* When a map or parallel stops: 0 fields mean "run everything". */
typedef struct slsrt_durable_completion {
    int min_successful;     /* stop once this many succeeded (0: never for successes) */
    int max_failures;       /* stop once this many failed (0: never for a count; 1: at the first) */
    double max_failure_pct; /* stop once more than this percentage of all failed (0: not used) */
    void *reserved[4];
} slsrt_durable_completion;

typedef int (*slsrt_durable_map_fn)(slsrt_durable *child, json_t *item, size_t index, void *arg, json_t **result);
typedef struct slsrt_durable_branch {
    const char *name;
    slsrt_durable_child_fn fn;
    void *arg;
} slsrt_durable_branch;

/*
 * Run fn for each item of the array items (borrowed), each in its own child
 * context, one after the other; parallel does the same for branches.  The
 * result: {"all":[{"index","status":"SUCCEEDED","result"} or
 * {"index","status":"FAILED","error":{ErrorType,ErrorMessage}} or
 * {"index","status":"NOT_STARTED"}], "successCount", "failureCount",
 * "completionReason": "ALL_COMPLETED" | "MIN_SUCCESSFUL_REACHED" |
 * "FAILURE_TOLERANCE_EXCEEDED"}.  Failures of items do not fail the call.
 */
SLSRT_API int slsrt_durable_map(slsrt_durable *ctx, const char *name, json_t *items, slsrt_durable_map_fn fn,
                                void *arg, const slsrt_durable_completion *completion, json_t **result);
SLSRT_API int slsrt_durable_parallel(slsrt_durable *ctx, const char *name, const slsrt_durable_branch *branches,
                                     size_t n, const slsrt_durable_completion *completion, json_t **result);

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_DURABLE_H */
