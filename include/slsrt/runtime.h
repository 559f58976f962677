/*
 * slsrt/runtime.h - the Lambda Runtime API loop.
 *
 * A function is a handler called once per invocation:
 *
 *     static int handler(slsrt_invocation *inv, slsrt_response *res)
 *     {
 *         json_t *event = slsrt_invocation_event_json(inv);
 *         if (!event)
 *             return SLSRT_EJSON;          // reported as Runtime.InvalidEventJSON
 *         return slsrt_response_set_json(res, json_pack("{s:O}", "echo", event));
 *     }
 *     SLSRT_MAIN(handler)
 *
 * The handler returns 0 for success (the response is posted to the Runtime
 * API) or any other value for failure (an error is posted to /error: the one
 * set with slsrt_response_fail(), else the pending event-parse error, else a
 * generic Function.HandlerError).
 *
 * Ownership words used below:
 *   borrowed - owned by slsrt, valid until the handler returns;
 *   new      - the caller owns it and frees it as stated;
 *   steals   - slsrt takes the caller's reference, even when the call fails.
 * Every string is NUL-terminated UTF-8 unless stated.
 */
#ifndef SLSRT_RUNTIME_H
#define SLSRT_RUNTIME_H

#include <jansson.h>
#include <stdarg.h>
#include <slsrt/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct slsrt_runtime slsrt_runtime;
typedef struct slsrt_invocation slsrt_invocation;
typedef struct slsrt_response slsrt_response;

/* Called once per invocation.  0 = success, anything else = failure. */
typedef int (*slsrt_handler_fn)(slsrt_invocation *inv, slsrt_response *res);

/*
 * Called once before the first invocation (Lambda's init phase, 10 s).
 * Open connections and read configuration here; keep state with
 * slsrt_runtime_set_user_data().  Return 0, or fail with slsrt_runtime_fail():
 * the error goes to /runtime/init/error and the process exits, as Lambda
 * requires.
 */
typedef int (*slsrt_init_fn)(slsrt_runtime *rt);

/* ---- The runtime ------------------------------------------------------ */

/*
 * New runtime configured from the Lambda environment.  It does not connect
 * until slsrt_runtime_run().  Returns NULL only when out of memory.
 * Free with slsrt_runtime_free().
 */
SLSRT_API slsrt_runtime *slsrt_runtime_new(void);
SLSRT_API void slsrt_runtime_free(slsrt_runtime *rt);

SLSRT_API void slsrt_runtime_set_handler(slsrt_runtime *rt, slsrt_handler_fn handler);
SLSRT_API void slsrt_runtime_set_init(slsrt_runtime *rt, slsrt_init_fn init);

/* Opaque pointer for the author's state; slsrt never dereferences it. */
SLSRT_API void slsrt_runtime_set_user_data(slsrt_runtime *rt, void *user_data);
SLSRT_API void *slsrt_runtime_user_data(const slsrt_runtime *rt);

/*
 * From the init hook: record why init failed and return SLSRT_EHANDLER, so
 * that `return slsrt_runtime_fail(rt, "Function.ConfigMissing", "...")` works.
 * error_type is sent as errorType and as Lambda-Runtime-Function-Error-Type;
 * NULL means "Function.InitError".
 */
SLSRT_API int slsrt_runtime_fail(slsrt_runtime *rt, const char *error_type,
                                 const char *fmt, ...) SLSRT_PRINTF(3, 4);

/*
 * Run the init hook, then serve invocations until the Runtime API says the
 * sandbox is broken.  Returns the process exit status to use (it returns at
 * all only on a fatal Runtime API condition, a failed init, or a missing
 * AWS_LAMBDA_RUNTIME_API).
 */
SLSRT_API int slsrt_runtime_run(slsrt_runtime *rt);

/*
 * The function's configuration, read once from the environment Lambda sets.
 * Borrowed from rt; NULL when the variable is unset.
 */
SLSRT_API const char *slsrt_runtime_function_name(const slsrt_runtime *rt);
SLSRT_API const char *slsrt_runtime_function_version(const slsrt_runtime *rt);
SLSRT_API const char *slsrt_runtime_log_group_name(const slsrt_runtime *rt);
SLSRT_API const char *slsrt_runtime_log_stream_name(const slsrt_runtime *rt);
SLSRT_API const char *slsrt_runtime_region(const slsrt_runtime *rt);
/* "on-demand", "provisioned-concurrency", "snap-start", ... */
SLSRT_API const char *slsrt_runtime_initialization_type(const slsrt_runtime *rt);

/*
 * SnapStart (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start): after the init hook
 * the runtime runs the before-snapshot hooks, waits in
 * /runtime/restore/next while Lambda snapshots the process, then, in each
 * restored copy, draws new random seeds, drops the AWS credentials and
 * connections it held, forgets the environment's metadata, and runs the
 * after-restore hooks (reconnect to databases, refresh what is time- or
 * machine-bound).  A hook returns 0, or fails: before the snapshot it fails
 * the init, after the restore it is reported to /runtime/restore/error and
 * the process exits (slsrt_runtime_fail sets the error either way).  Up to 8
 * of each, run in the order added.  Add them from the init hook.
 */
typedef int (*slsrt_snapstart_hook)(slsrt_runtime *rt, void *arg);
SLSRT_API slsrt_status slsrt_runtime_before_snapshot(slsrt_runtime *rt, slsrt_snapstart_hook hook, void *arg);
SLSRT_API slsrt_status slsrt_runtime_after_restore(slsrt_runtime *rt, slsrt_snapstart_hook hook, void *arg);

/*
 * The Availability Zone ID this execution environment runs in ("use1-az1"),
 * from Lambda's metadata endpoint (AWS_LAMBDA_METADATA_API with
 * AWS_LAMBDA_METADATA_TOKEN), copied into out.  Read once, then cached until
 * a SnapStart restore.  SLSRT_ENOTFOUND outside Lambda (no endpoint),
 * SLSRT_EIO when it does not answer, SLSRT_ETOOBIG when out is too small.
 */
SLSRT_API slsrt_status slsrt_runtime_availability_zone_id(slsrt_runtime *rt, char *out, size_t size);
/* AWS_LAMBDA_FUNCTION_MEMORY_SIZE in MB; 0 when unset or not a number. */
SLSRT_API int slsrt_runtime_memory_mb(const slsrt_runtime *rt);

/*
 * Graceful shutdown (opt in, before slsrt_runtime_run or from the init
 * hook): slsrt registers an internal extension during init, so that Lambda sends SIGTERM before it
 * shuts the sandbox down.  fn then runs on a thread of its own, where it may
 * flush buffers and close connections, and the process exits 0.  Lambda
 * allows about 500 ms; what is not done by then is cut off by SIGKILL.
 * Returns SLSRT_OK, or SLSRT_EINVAL for a NULL rt.
 */
typedef void (*slsrt_shutdown_fn)(slsrt_runtime *rt);
SLSRT_API slsrt_status slsrt_runtime_set_shutdown(slsrt_runtime *rt, slsrt_shutdown_fn fn);

/*
 * (Before slsrt_runtime_run or from the init hook.)
 * Run fn shortly before an invocation's deadline, margin_ms ahead, if its
 * handler is still running then: to log what was in flight before Lambda
 * stops the function.  fn runs on a watchdog thread while the handler goes
 * on: read the invocation (its ids, remaining time) and log, nothing more.
 * Returns SLSRT_OK, or SLSRT_EINVAL (NULL rt, margin_ms < 1).
 */
typedef void (*slsrt_deadline_fn)(slsrt_invocation *inv);
SLSRT_API slsrt_status slsrt_runtime_set_deadline_hook(slsrt_runtime *rt, slsrt_deadline_fn fn, int margin_ms);

/*
 * The whole program in one call: new runtime, set init (may be NULL) and
 * handler, run, free; returns the exit status for main().
 */
SLSRT_API int slsrt_main(int argc, char **argv, slsrt_init_fn init, slsrt_handler_fn handler);

/*
 * slsrt_main with a declaration of what the function needs, as JSON (a
 * string literal is best), answered by `./bootstrap --info` without touching
 * the Runtime API, and read by the CDK construct and by
 * `--info --format terraform` (a resource suggestion):
 *
 *     {"name": "orders", "memory": 256, "timeout": 10, "architecture": "arm64",
 *      "eventSources": ["sqs"], "environment": ["TABLE_NAME"],
 *      "permissions": [{"actions": ["dynamodb:GetItem"], "resources": ["*"]}]}
 *
 * slsrt adds "slsrt": {"builtAgainst": <header version>, "runtime": <library
 * version>}.  Every bootstrap answers --info; without a declaration it says
 * only that.  Exits 2 when the declaration is not a JSON object.
 */
SLSRT_API int slsrt_main_info(int argc, char **argv, slsrt_init_fn init, slsrt_handler_fn handler,
                              const char *info_json, const char *built_against);

#define SLSRT_MAIN(handler) \
    int main(int argc, char **argv) { return slsrt_main_info(argc, argv, NULL, (handler), NULL, SLSRT_VERSION_STRING); }
#define SLSRT_MAIN_WITH_INIT(init, handler) \
    int main(int argc, char **argv) { return slsrt_main_info(argc, argv, (init), (handler), NULL, SLSRT_VERSION_STRING); }
#define SLSRT_MAIN_WITH_INFO(info_json, init, handler) \
    int main(int argc, char **argv) \
    { return slsrt_main_info(argc, argv, (init), (handler), (info_json), SLSRT_VERSION_STRING); }

/* ---- The invocation (all borrowed, valid until the handler returns) ---- */

SLSRT_API slsrt_runtime *slsrt_invocation_runtime(const slsrt_invocation *inv);
/* Same as slsrt_runtime_user_data(slsrt_invocation_runtime(inv)). */
SLSRT_API void *slsrt_invocation_user_data(const slsrt_invocation *inv);

/* Lambda-Runtime-Aws-Request-Id; never NULL. */
SLSRT_API const char *slsrt_invocation_request_id(const slsrt_invocation *inv);
/* Lambda-Runtime-Deadline-Ms: epoch milliseconds; 0 when absent. */
SLSRT_API int64_t slsrt_invocation_deadline_ms(const slsrt_invocation *inv);
/* Milliseconds left until the deadline, at the time of the call; may be < 0. */
SLSRT_API int64_t slsrt_invocation_remaining_ms(const slsrt_invocation *inv);
/* The following return NULL when Lambda did not send the header. */
SLSRT_API const char *slsrt_invocation_function_arn(const slsrt_invocation *inv);
SLSRT_API const char *slsrt_invocation_trace_id(const slsrt_invocation *inv);
SLSRT_API const char *slsrt_invocation_tenant_id(const slsrt_invocation *inv);
SLSRT_API const char *slsrt_invocation_invocation_id(const slsrt_invocation *inv);
SLSRT_API const char *slsrt_invocation_content_type(const slsrt_invocation *inv);
/* The raw JSON text of Lambda-Runtime-Client-Context / -Cognito-Identity. */
SLSRT_API const char *slsrt_invocation_client_context_raw(const slsrt_invocation *inv);
SLSRT_API const char *slsrt_invocation_cognito_identity_raw(const slsrt_invocation *inv);
/* The same, parsed on first call; NULL when absent or not valid JSON. */
SLSRT_API json_t *slsrt_invocation_client_context(slsrt_invocation *inv);
SLSRT_API json_t *slsrt_invocation_cognito_identity(slsrt_invocation *inv);

/*
 * The event payload as bytes; *len receives its length (len may be NULL).
 * The bytes are followed by a NUL that is not counted.
 */
SLSRT_API const char *slsrt_invocation_event(const slsrt_invocation *inv, size_t *len);
/*
 * The event parsed as JSON, once (later calls return the same value).
 * NULL when the payload is not valid JSON: the parse error is kept, and a
 * handler that then returns non-zero without calling slsrt_response_fail()
 * has it reported as Runtime.InvalidEventJSON with the line and column.
 */
SLSRT_API json_t *slsrt_invocation_event_json(slsrt_invocation *inv);

/* ---- The response ------------------------------------------------------ */

/*
 * The payload, copied.  content_type NULL means "application/json".
 * Returns SLSRT_OK, SLSRT_EINVAL (data NULL with len > 0, or a content type
 * holding CR, LF or NUL) or SLSRT_ENOMEM.  A payload above Lambda's limit
 * (6 MiB + 100 B) is caught when it is posted and reported as
 * Function.ResponseSizeTooLarge instead.
 */
SLSRT_API int slsrt_response_set_body(slsrt_response *res, const void *data, size_t len,
                                      const char *content_type);
/*
 * A JSON payload (steals value; NULL is allowed and returns SLSRT_ENOMEM so
 * that `slsrt_response_set_json(res, json_pack(...))` reports a failed pack).
 * Serialized compactly when the response is posted.
 */
SLSRT_API int slsrt_response_set_json(slsrt_response *res, json_t *value);
/*
 * Mark the invocation failed with an error type ("Function.NotFound"; NULL
 * means "Function.HandlerError") and a printf-style message.  Returns
 * SLSRT_EHANDLER so a handler can `return slsrt_response_fail(...)`.
 */
SLSRT_API int slsrt_response_fail(slsrt_response *res, const char *error_type,
                                  const char *fmt, ...) SLSRT_PRINTF(3, 4);
SLSRT_API int slsrt_response_vfail(slsrt_response *res, const char *error_type,
                                   const char *fmt, va_list ap) SLSRT_PRINTF(3, 0);

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_RUNTIME_H */
