/*
 * test_durable.c - durable functions end to end: tests/functions/durable
 * (its workflow chosen by the event) run by slsrt-local's durable execution
 * service, through `invoke --durable` and `serve --durable` and its HTTP
 * API, the way a user runs them.  Each step body logs when it really runs,
 * so replays are seen not to run completed steps again.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static const char *fn(void) { return build_path("tests/functions/durable/bootstrap"); }

static char log_file[256], id_file[256];

static void fresh_files(void)
{
    snprintf(log_file, sizeof log_file, "%s", temp_file(""));
    snprintf(id_file, sizeof id_file, "%s", temp_file(""));
    unlink(id_file);
}

/* How many times the step bodies named `what` ran. */
static int ran(const char *what)
{
    FILE *f = fopen(log_file, "r");
    char line[256];
    int n = 0;
    while (f && fgets(line, sizeof line, f))
        n += !strncmp(line, what, strlen(what)) && line[strlen(what)] == '\n';
    if (f)
        fclose(f);
    return n;
}

/* `invoke --durable` of one event {"scenario": scenario, "log": ..., extra}; the answer line as JSON. */
static json_t *run_durable(const char *scenario, const char *extra, int want_status)
{
    char event[1024];
    snprintf(event, sizeof event, "{\"scenario\":\"%s\",\"log\":\"%s\"%s%s}", scenario, log_file, extra ? "," : "",
             extra ? extra : "");
    struct run r;
    const char *args[] = {"invoke", "--durable", "--time-scale", "50", "--quiet", "--timeout", "30", "--event",
                          temp_file(event), "--", fn(), NULL};
    run_local(args, 120, &r);
    ck_assert_msg(r.status == want_status, "%s: exit %d, wanted %d\n%s", scenario, r.status, want_status, r.err);
    json_t *v = json_loads(r.out, JSON_DECODE_ANY, NULL);
    ck_assert_msg(v != NULL, "%s: no answer: %s\n%s", scenario, r.out, r.err);
    run_free(&r);
    return v;
}

static void assert_error(json_t *v, const char *type)
{
    const char *got = json_string_value(json_object_get(v, "ErrorType"));
    ck_assert_msg(got && !strcmp(got, type), "wanted %s, got %s", type, json_dumps(v, 0));
}

START_TEST(steps_replay_without_running_again)
{
    fresh_files();
    json_t *v = run_durable("steps", NULL, 0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "first"), "step")), "first");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "second"), "step")), "second");
    /* Two invocations (before and after the wait); each body ran once. */
    ck_assert_int_eq(ran("first"), 1);
    ck_assert_int_eq(ran("second"), 1);
    json_decref(v);
}
END_TEST

START_TEST(retries_then_success_and_exhausted)
{
    fresh_files();
    json_t *v = run_durable("retry", "\"until\":2", 0);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "attempt")), 2);
    ck_assert_int_eq(ran("flaky"), 2);
    json_decref(v);
    fresh_files();
    v = run_durable("exhaust", "\"until\":9", 1);
    assert_error(v, "Flaky.NotYet");
    ck_assert_int_eq(ran("flaky"), 3); /* max_attempts 3 */
    json_decref(v);
}
END_TEST

START_TEST(crash_in_a_step_then_replay)
{
    /* At least once per retry: the interrupted attempt runs again. */
    fresh_files();
    json_t *v = run_durable("crash", NULL, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "attempt")), 1);
    ck_assert_int_eq(ran("crashy"), 2);
    json_decref(v);
    /* At most once: the interrupted attempt counts as failed; the retry is attempt 2. */
    fresh_files();
    v = run_durable("crash-at-most-once", NULL, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "attempt")), 2);
    ck_assert_int_eq(ran("crashy"), 2);
    json_decref(v);
}
END_TEST

START_TEST(child_context_condition_map_parallel)
{
    fresh_files();
    json_t *v = run_durable("child", NULL, 0);
    ck_assert_int_eq(json_array_size(v), 2);
    ck_assert_int_eq(ran("inner-a"), 1); /* the wait inside the child replayed it, not re-ran it */
    json_decref(v);

    v = run_durable("condition", NULL, 0);
    ck_assert_int_eq(json_integer_value(v), 3);
    ck_assert_int_eq(ran("check"), 3);
    json_decref(v);

    fresh_files();
    v = run_durable("map", "\"items\":[1,-2,3]", 0);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "successCount")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "failureCount")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(v, "completionReason")), "ALL_COMPLETED");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(v, "all"), 2), "result")), 30);
    json_decref(v);
    /* A completion policy: stop at the first failure. */
    fresh_files();
    v = run_durable("map", "\"items\":[1,-2,3],\"max_failures\":1", 0);
    ck_assert_str_eq(json_string_value(json_object_get(v, "completionReason")), "FAILURE_TOLERANCE_EXCEEDED");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(v, "all"), 2), "status")),
                     "NOT_STARTED");
    ck_assert_int_eq(ran("item"), 1);
    json_decref(v);

    /* Enough successes: the rest never start. */
    fresh_files();
    v = run_durable("map", "\"items\":[1,2,3],\"min_successful\":2", 0);
    ck_assert_str_eq(json_string_value(json_object_get(v, "completionReason")), "MIN_SUCCESSFUL_REACHED");
    ck_assert_int_eq(json_integer_value(json_object_get(v, "successCount")), 2);
    ck_assert_int_eq(ran("item"), 2);
    json_decref(v);

    fresh_files();
    v = run_durable("parallel", NULL, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "successCount")), 2);
    ck_assert_int_eq(ran("branch-a"), 1);
    ck_assert_int_eq(ran("branch-b"), 1);
    json_decref(v);
}
END_TEST

START_TEST(chained_invoke)
{
    fresh_files();
    json_t *v = run_durable("invoke", "\"target\":\"durable\"", 0);
    ck_assert_str_eq(json_string_value(json_object_get(v, "step")), "in-child-execution");
    json_decref(v);
    v = run_durable("invoke", "\"target\":\"arn:aws:lambda:us-east-1:000000000000:function:nowhere:live\"", 1);
    assert_error(v, "ResourceNotFoundException");
    json_decref(v);
}
END_TEST

START_TEST(nondeterminism_is_terminal)
{
    fresh_files();
    json_t *v = run_durable("nondeterminism", NULL, 1);
    assert_error(v, "Durable.NonDeterministic");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(v, "ErrorMessage")), "'original'"));
    json_decref(v);
}
END_TEST

START_TEST(large_state_is_paged)
{
    fresh_files();
    json_t *v = run_durable("many", "\"steps\":250", 0); /* pages of 100 operations */
    ck_assert_int_eq(json_integer_value(v), 250);
    ck_assert_int_eq(ran("many"), 250);
    json_decref(v);
}
END_TEST

START_TEST(limits_and_misuse)
{
    fresh_files();
    json_t *v = run_durable("big", NULL, 1);
    assert_error(v, "Durable.PayloadTooLarge");
    json_decref(v);
    v = run_durable("suspend-nothing", NULL, 1);
    assert_error(v, "Durable.NothingPending");
    json_decref(v);
    /* The service unreachable: each invocation fails (Lambda would retry it), then the execution. */
    char event[512];
    snprintf(event, sizeof event, "{\"scenario\":\"steps\",\"log\":\"%s\"}", log_file);
    struct run d;
    const char *dead[] = {"invoke", "--durable", "--quiet", "--env", "AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:1",
                          "--event", temp_file(event), "--", fn(), NULL};
    run_local(dead, 120, &d);
    ck_assert_int_eq(d.status, 1);
    ck_assert_ptr_nonnull(strstr(d.out, "\"Durable.CheckpointFailed\""));
    ck_assert_int_eq(count_lines(d.err, "invocation failed (Durable.CheckpointFailed)"), 3);
    run_free(&d);
    /* Not a durable input: an invocation error, not a durable failure. */
    struct run r;
    const char *args[] = {"invoke", "--quiet", "--event", temp_file("{\"scenario\":\"steps\"}"), "--", fn(), NULL};
    local_ran(args, &r);
    ck_assert_ptr_nonnull(strstr(r.out, "Durable.InvalidInput"));
    run_free(&r);
}
END_TEST

/* The checkpoint request as it reaches an independent server: its signature
 * (the ARN percent-encoded in the path, then encoded again by SigV4) checked
 * by @smithy/signature-v4 from the bytes received. */
START_TEST(checkpoint_verified_on_the_wire)
{
    fresh_files();
    json_t *c = json_pack("{s:{s:s, s:s}}", TEST_ACCESS_KEY, "secret", TEST_SECRET_KEY, "token", TEST_SESSION_TOKEN);
    char *text = json_dumps(c, 0);
    pid_t recorder;
    int port = start_node("tests/node/recorder.js", temp_file(text), &recorder);
    free(text);
    json_decref(c);
    ck_assert_int_gt(port, 0);
    char endpoint[96], event[512];
    snprintf(endpoint, sizeof endpoint, "AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:%d", port);
    snprintf(event, sizeof event, "{\"scenario\":\"steps\",\"log\":\"%s\"}", log_file);
    struct run r;
    const char *args[] = {"invoke", "--durable", "--quiet", "--env", endpoint, "--event", temp_file(event), "--", fn(),
                          NULL};
    run_local(args, 120, &r); /* the recorder answers no checkpoint token: the checkpoints fail */
    ck_assert_int_eq(r.status, 1);
    run_free(&r);
    char *resp = http_request(port, "GET", "/__stats", NULL, 0);
    json_t *stats = json_loads(strstr(resp, "\r\n\r\n") + 4, 0, NULL);
    free(resp);
    ck_assert_int_ge(json_integer_value(json_object_get(stats, "verified")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(stats, "mismatched")), 0);
    json_decref(stats);
    kill(recorder, SIGTERM);
    waitpid(recorder, NULL, 0);
}
END_TEST

/* ---- serve --durable: the HTTP API, callbacks, --state ------------------------ */

static char *api(int port, const char *method, const char *path, const char *body, int *status)
{
    char *raw = http_request(port, method, path, body, body ? strlen(body) : 0);
    ck_assert_ptr_nonnull(raw);
    *status = http_status(raw);
    char *copy = strdup(http_body(raw));
    free(raw);
    return copy;
}

static void escape(const char *s, char *out)
{
    for (; *s; s++)
        out += strchr(":/$", *s) ? sprintf(out, "%%%02X", (unsigned char)*s) : (*out = *s, 1);
    *out = '\0';
}

/* Start a callback execution (async Invoke); its ARN. */
static char *start_callback_beating(int port, int timeout, int heartbeat)
{
    char body[1024], head[64];
    snprintf(body, sizeof body,
             "{\"scenario\":\"callback\",\"log\":\"%s\",\"id_file\":\"%s\",\"timeout\":%d,\"heartbeat\":%d}",
             log_file, id_file, timeout, heartbeat);
    snprintf(head, sizeof head, "Host: x\r\nX-Amz-Invocation-Type: Event\r\n");
    char *raw = http_request_raw(port, "POST", "/2015-03-31/functions/durable/invocations", head, body, strlen(body));
    ck_assert_ptr_nonnull(raw);
    ck_assert_int_eq(http_status(raw), 202);
    char *arn = strstr(raw, "X-Amz-Durable-Execution-Arn: ");
    ck_assert_ptr_nonnull(arn);
    arn += strlen("X-Amz-Durable-Execution-Arn: ");
    char *copy = strndup(arn, strcspn(arn, "\r\n"));
    free(raw);
    return copy;
}

static char *start_callback(int port, int timeout) { return start_callback_beating(port, timeout, 0); }

static char *wait_for_callback_id(void)
{
    for (int i = 0; i < 400; i++) {
        FILE *f = fopen(id_file, "r");
        char id[128] = "";
        if (f && fgets(id, sizeof id, f) && *id) {
            fclose(f);
            return strdup(id);
        }
        if (f)
            fclose(f);
        usleep(50000);
    }
    ck_abort_msg("the submitter never wrote the callback id");
    return NULL;
}

/* GetDurableExecution until it is no longer RUNNING. */
static json_t *wait_for_end(int port, const char *arn)
{
    char path[1600], esc[1400];
    escape(arn, esc);
    snprintf(path, sizeof path, "/2025-12-01/durable-executions/%s", esc);
    for (int i = 0; i < 600; i++) {
        int status;
        char *body = api(port, "GET", path, NULL, &status);
        json_t *v = json_loads(body, 0, NULL);
        free(body);
        ck_assert_int_eq(status, 200);
        if (strcmp(json_string_value(json_object_get(v, "Status")), "RUNNING"))
            return v;
        json_decref(v);
        usleep(50000);
    }
    ck_abort_msg("the execution did not end");
    return NULL;
}

static json_t *history(int port, const char *arn, const char *query)
{
    char path[1700], esc[1400];
    escape(arn, esc);
    snprintf(path, sizeof path, "/2025-12-01/durable-executions/%s/history%s", esc, query ? query : "");
    int status;
    char *body = api(port, "GET", path, NULL, &status);
    ck_assert_int_eq(status, 200);
    json_t *v = json_loads(body, 0, NULL);
    free(body);
    return v;
}

static void stop_server(int pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

START_TEST(callback_from_outside_and_history)
{
    fresh_files();
    int pid;
    const char *args[] = {"--durable", "--time-scale", "50", "--quiet", "--", fn(), NULL};
    int port = start_serve(args, &pid);
    ck_assert_int_gt(port, 0);
    char *arn = start_callback(port, 0);
    char *id = wait_for_callback_id();
    /* Completed with the CLI a human would use. */
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
    struct run r;
    const char *cli[] = {"durable", "callback", "succeed", id, "--result", "{\"approved\":true}", "--endpoint",
                         endpoint, NULL};
    local_ok(cli, &r);
    run_free(&r);
    json_t *x = wait_for_end(port, arn);
    ck_assert_str_eq(json_string_value(json_object_get(x, "Status")), "SUCCEEDED");
    ck_assert_str_eq(json_string_value(json_object_get(x, "Result")), "{\"approved\":true}");
    json_decref(x);
    /* The history, in AWS's event shapes. */
    json_t *h = history(port, arn, "?IncludeExecutionData=true");
    static const char *const want[] = {"ExecutionStarted", "ContextStarted", "CallbackStarted", "StepStarted",
                                       "StepSucceeded", "CallbackSucceeded", "ContextSucceeded", "ExecutionSucceeded"};
    json_t *events = json_object_get(h, "Events");
    ck_assert_int_eq(json_array_size(events), 8);
    for (size_t i = 0; i < 8; i++) {
        json_t *ev = json_array_get(events, i);
        ck_assert_str_eq(json_string_value(json_object_get(ev, "EventType")), want[i]);
        ck_assert_int_eq(json_integer_value(json_object_get(ev, "EventId")), (json_int_t)i + 1);
        ck_assert(json_is_number(json_object_get(ev, "EventTimestamp")));
    }
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(json_array_get(events, 5),
                     "CallbackSucceededDetails"), "Result"), "Payload")), "{\"approved\":true}");
    json_decref(h);
    /* Paged, and without payloads unless asked. */
    h = history(port, arn, "?MaxItems=3");
    ck_assert_int_eq(json_array_size(json_object_get(h, "Events")), 3);
    ck_assert_str_eq(json_string_value(json_object_get(h, "NextMarker")), "3");
    json_t *input = json_object_get(json_object_get(json_array_get(json_object_get(h, "Events"), 0),
                                                    "ExecutionStartedDetails"), "Input");
    ck_assert_ptr_nonnull(input);
    ck_assert_ptr_null(json_object_get(input, "Payload"));
    json_decref(h);
    /* A second completion is refused. */
    char path[256];
    snprintf(path, sizeof path, "/2025-12-01/durable-execution-callbacks/%s/succeed", id);
    int status;
    free(api(port, "POST", path, "1", &status));
    ck_assert_int_eq(status, 409);
    /* ListDurableExecutionsByFunction. */
    char *body = api(port, "GET", "/2025-12-01/functions/durable/durable-executions", NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(body, arn));
    free(body);
    free(id);
    free(arn);
    stop_server(pid);
}
END_TEST

START_TEST(callback_failure_timeout_and_stop)
{
    fresh_files();
    int pid;
    const char *args[] = {"--durable", "--time-scale", "20", "--quiet", "--", fn(), NULL};
    int port = start_serve(args, &pid);
    /* Failed from outside. */
    char *arn = start_callback(port, 0);
    char *id = wait_for_callback_id();
    char path[256];
    snprintf(path, sizeof path, "/2025-12-01/durable-execution-callbacks/%s/fail", id);
    int status;
    free(api(port, "POST", path, "{\"ErrorType\":\"Rejected\",\"ErrorMessage\":\"no\"}", &status));
    ck_assert_int_eq(status, 200);
    json_t *x = wait_for_end(port, arn);
    ck_assert_str_eq(json_string_value(json_object_get(x, "Status")), "FAILED");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(x, "Error"), "ErrorType")), "Rejected");
    json_decref(x);
    free(arn), free(id);
    /* Timed out: 2 s at 20x. */
    unlink(id_file);
    arn = start_callback(port, 2);
    x = wait_for_end(port, arn);
    ck_assert_str_eq(json_string_value(json_object_get(x, "Status")), "FAILED");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(x, "Error"), "ErrorType")), "Callback.Timeout");
    json_decref(x);
    free(arn);
    /* Heartbeats keep it waiting; without them it times out (2 s at 20x: 100 ms). */
    unlink(id_file);
    arn = start_callback_beating(port, 0, 2);
    id = wait_for_callback_id();
    snprintf(path, sizeof path, "/2025-12-01/durable-execution-callbacks/%s/heartbeat", id);
    for (int i = 0; i < 12; i++) {
        free(api(port, "POST", path, "", &status));
        ck_assert_int_eq(status, 200);
        usleep(40000);
    }
    char esc0[1400], get[1600];
    escape(arn, esc0);
    snprintf(get, sizeof get, "/2025-12-01/durable-executions/%s", esc0);
    char *now = api(port, "GET", get, NULL, &status);
    ck_assert_ptr_nonnull(strstr(now, "\"RUNNING\""));
    free(now);
    x = wait_for_end(port, arn);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(x, "Error"), "ErrorMessage")),
                     "no heartbeat in time");
    json_decref(x);
    free(arn), free(id);
    /* Stopped while it waits. */
    unlink(id_file);
    arn = start_callback(port, 0);
    free(wait_for_callback_id());
    char esc[1400], stop[1600];
    escape(arn, esc);
    snprintf(stop, sizeof stop, "/2025-12-01/durable-executions/%s/stop", esc);
    free(api(port, "POST", stop, "{}", &status));
    ck_assert_int_eq(status, 200);
    x = wait_for_end(port, arn);
    ck_assert_str_eq(json_string_value(json_object_get(x, "Status")), "STOPPED");
    json_decref(x);
    /* A checkpoint with a spent token is refused. */
    snprintf(stop, sizeof stop, "/2025-12-01/durable-executions/%s/checkpoint", esc);
    char *body = api(port, "POST", stop, "{\"CheckpointToken\":\"spent\",\"Updates\":[]}", &status);
    ck_assert_int_eq(status, 400);
    ck_assert_ptr_nonnull(strstr(body, "Invalid checkpoint token"));
    free(body);
    free(arn);
    stop_server(pid);
}
END_TEST

START_TEST(state_file_survives_a_restart)
{
    fresh_files();
    const char *state = temp_file("");
    unlink(state);
    int pid;
    const char *args[] = {"--durable", "--state", state, "--quiet", "--", fn(), NULL};
    int port = start_serve(args, &pid);
    char *arn = start_callback(port, 0);
    char *id = wait_for_callback_id();
    stop_server(pid); /* the emulator goes away with the execution waiting */
    port = start_serve(args, &pid);
    ck_assert_int_gt(port, 0);
    char path[256];
    snprintf(path, sizeof path, "/2025-12-01/durable-execution-callbacks/%s/succeed", id);
    int status;
    free(api(port, "POST", path, "\"resumed\"", &status));
    ck_assert_int_eq(status, 200);
    json_t *x = wait_for_end(port, arn);
    ck_assert_str_eq(json_string_value(json_object_get(x, "Status")), "SUCCEEDED");
    ck_assert_str_eq(json_string_value(json_object_get(x, "Result")), "\"resumed\"");
    json_decref(x);
    ck_assert_int_eq(ran("submit"), 1); /* the submitter step was replayed, not run again */
    free(arn), free(id);
    stop_server(pid);
}
END_TEST

/* examples/order-workflow: its history is the expected sequence of events. */
START_TEST(order_workflow_example)
{
    int pid;
    const char *example = build_path("examples/order-workflow/bootstrap");
    const char *args[] = {"--durable", "--time-scale", "120", "--quiet", "--", example, NULL};
    int port = start_serve(args, &pid);
    const char *order = "{\"order_id\":\"o-1\",\"items\":[],\"amount\":5,\"busy_warehouse\":true}";
    char *raw = http_request_raw(port, "POST", "/2015-03-31/functions/order-workflow/invocations",
                                 "Host: x\r\nX-Amz-Invocation-Type: Event\r\n", order, strlen(order));
    char *arn = strstr(raw, "X-Amz-Durable-Execution-Arn: ") + strlen("X-Amz-Durable-Execution-Arn: ");
    arn = strndup(arn, strcspn(arn, "\r\n"));
    free(raw);
    const char *callback = NULL;
    json_t *h = NULL;
    for (int i = 0; i < 400 && !callback; i++) {
        json_decref(h);
        h = history(port, arn, NULL);
        size_t k;
        json_t *ev;
        json_array_foreach(json_object_get(h, "Events"), k, ev) {
            json_t *cb = json_object_get(json_object_get(ev, "CallbackStartedDetails"), "CallbackId");
            if (cb)
                callback = json_string_value(cb);
        }
        if (!callback)
            usleep(50000);
    }
    ck_assert_ptr_nonnull(callback);
    char path[256];
    snprintf(path, sizeof path, "/2025-12-01/durable-execution-callbacks/%s/succeed", callback);
    int status;
    free(api(port, "POST", path, "{\"approved\":true}", &status));
    ck_assert_int_eq(status, 200);
    json_decref(h);
    json_t *x = wait_for_end(port, arn);
    ck_assert_str_eq(json_string_value(json_object_get(x, "Status")), "SUCCEEDED");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(x, "Result")), "\"status\":\"completed\""));
    json_decref(x);
    static const char *const want[] = {
        "ExecutionStarted", "StepStarted", "StepFailed", "StepStarted", "StepSucceeded", /* reserve, retried */
        "WaitStarted", "WaitSucceeded",                                                 /* cooling-off */
        "ContextStarted", "CallbackStarted", "StepStarted", "StepSucceeded", "CallbackSucceeded",
        "ContextSucceeded",                                                             /* approval */
        "StepStarted", "StepSucceeded",                                                 /* charge */
        "ChainedInvokeStarted", "ChainedInvokeSucceeded", "ExecutionSucceeded"};
    h = history(port, arn, NULL);
    json_t *events = json_object_get(h, "Events");
    ck_assert_int_eq(json_array_size(events), sizeof want / sizeof *want);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        ck_assert_str_eq(json_string_value(json_object_get(json_array_get(events, i), "EventType")), want[i]);
    json_decref(h);
    free(arn);
    stop_server(pid);
}
END_TEST

/* The AWS SDK's Lambda client, pointed at slsrt-local, drives and reads an execution. */
START_TEST(aws_sdk_against_the_emulator)
{
    fresh_files();
    int pid;
    const char *args[] = {"--durable", "--time-scale", "50", "--quiet", "--", fn(), NULL};
    int port = start_serve(args, &pid);
    char endpoint[64], event[1024];
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
    snprintf(event, sizeof event, "{\"scenario\":\"callback\",\"log\":\"%s\",\"id_file\":\"%s\",\"timeout\":60}",
             log_file, id_file);
    struct run r;
    const char *node_args[] = {endpoint, "durable", event, "{\"approved\":\"by the SDK\"}", NULL};
    run_node("tests/node/durable-client.js", node_args, 120, &r);
    ck_assert_msg(r.status == 0, "durable-client.js: %s", r.err);
    json_t *v = json_loads(r.out, 0, NULL);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(json_string_value(json_object_get(v, "status")), "SUCCEEDED");
    ck_assert_str_eq(json_string_value(json_object_get(v, "result")), "{\"approved\":\"by the SDK\"}");
    ck_assert(json_is_true(json_object_get(v, "started")) && json_is_true(json_object_get(v, "ended")));
    ck_assert(json_is_true(json_object_get(v, "eventTimes")) && json_is_true(json_object_get(v, "listed")));
    ck_assert_int_eq(json_array_size(json_object_get(v, "events")), 8);
    json_decref(v);
    run_free(&r);
    stop_server(pid);
}
END_TEST

/* The AWS CLI (with the durable operations' model added: Debian's predates
 * them) answers the callback and lists the history, against slsrt-local. */
START_TEST(aws_cli_against_the_emulator)
{
    struct run v;
    const char *version[] = {"/usr/bin/env", "aws", "--version", NULL};
    run_cmd(version, NULL, 30, &v);
    if (v.status != 0) {
        printf("aws_cli_against_the_emulator: skipped (no aws command)\n");
        run_free(&v);
        return;
    }
    int v2 = strstr(v.out, "aws-cli/2") != NULL || strstr(v.err, "aws-cli/2") != NULL;
    run_free(&v);
    fresh_files();
    int pid;
    const char *args[] = {"--durable", "--time-scale", "50", "--quiet", "--", fn(), NULL};
    int port = start_serve(args, &pid);
    char *arn = start_callback(port, 0);
    char *id = wait_for_callback_id();
    char home[300], endpoint[64], model[1100];
    snprintf(home, sizeof home, "HOME=%s", temp_file(""));
    unlink(home + 5);
    mkdir(home + 5, 0700);
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
    char *cwd = getcwd(NULL, 0);
    snprintf(model, sizeof model, "file://%s/tests/aws-cli/lambda-durable.json", cwd);
    free(cwd);
    const char *env[] = {home, "AWS_ACCESS_KEY_ID=AKIDAWSCLITEST", "AWS_SECRET_ACCESS_KEY=aws-cli-test-secret",
                         "AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=", NULL};
    struct run r;
    const char *add[] = {"/usr/bin/env", "aws", "configure", "add-model", "--service-model", model, "--service-name",
                         "lambda", NULL};
    run_cmd(add, env, 60, &r);
    ck_assert_msg(r.status == 0, "add-model: %s", r.err);
    run_free(&r);
    const char *succeed[] = {"/usr/bin/env", "aws", "lambda", "send-durable-execution-callback-success", "--callback-id",
                             id, "--result", "{\"approved\":\"by the AWS CLI\"}", "--endpoint-url", endpoint,
                             v2 ? "--cli-binary-format" : NULL, "raw-in-base64-out", NULL};
    run_cmd(succeed, env, 60, &r);
    ck_assert_msg(r.status == 0, "send-durable-execution-callback-success: %s", r.err);
    run_free(&r);
    json_t *x = wait_for_end(port, arn);
    ck_assert_str_eq(json_string_value(json_object_get(x, "Result")), "{\"approved\":\"by the AWS CLI\"}");
    json_decref(x);
    const char *history_cmd[] = {"/usr/bin/env", "aws", "lambda", "get-durable-execution-history",
                                 "--durable-execution-arn", arn, "--include-execution-data", "--endpoint-url", endpoint,
                                 "--output", "json", NULL};
    run_cmd(history_cmd, env, 60, &r);
    ck_assert_msg(r.status == 0, "get-durable-execution-history: %s", r.err);
    json_t *h = json_loads(r.out, 0, NULL);
    json_t *events = json_object_get(h, "Events");
    ck_assert_int_eq(json_array_size(events), 8);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(events, 5), "EventType")), "CallbackSucceeded");
    json_decref(h);
    run_free(&r);
    free(arn), free(id);
    stop_server(pid);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("durable");
    TCase *tc = tcase_create("durable");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, steps_replay_without_running_again);
    tcase_add_test(tc, retries_then_success_and_exhausted);
    tcase_add_test(tc, crash_in_a_step_then_replay);
    tcase_add_test(tc, child_context_condition_map_parallel);
    tcase_add_test(tc, chained_invoke);
    tcase_add_test(tc, nondeterminism_is_terminal);
    tcase_add_test(tc, large_state_is_paged);
    tcase_add_test(tc, limits_and_misuse);
    tcase_add_test(tc, checkpoint_verified_on_the_wire);
    tcase_add_test(tc, callback_from_outside_and_history);
    tcase_add_test(tc, callback_failure_timeout_and_stop);
    tcase_add_test(tc, state_file_survives_a_restart);
    tcase_add_test(tc, order_workflow_example);
    tcase_add_test(tc, aws_sdk_against_the_emulator);
    tcase_add_test(tc, aws_cli_against_the_emulator);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
