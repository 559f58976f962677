/*
 * probe - a test function whose behaviour the event chooses, so that the
 * integration tests can drive every path of the runtime through slsrt-local.
 *
 * {"action": "context"}  answers with everything the invocation exposes
 * {"action": "fail", "type": T, "message": M}    slsrt_response_fail
 * {"action": "fail-bare"}                        returns -1, nothing set
 * {"action": "exit", "code": N}                  exits mid-invocation
 * {"action": "sleep", "ms": N}                   sleeps, then answers
 * {"action": "big", "bytes": N}                  an N-byte text payload
 * {"action": "allocate", "mb": N}                touches N MB, holds them 2 s, answers
 * {"action": "raw"}                              bytes with a content type
 * {"action": "nothing"}                          returns 0, no payload
 * {"action": "bad-content-type"}                 tries CR/LF in a content type
 * {"action": "env", "name": N}                   the value of environment variable N
 * {"action": "metrics", "count": N, "values": M} N metrics, one with M values, and
 *                                                the statuses of refused calls
 * {"action": "span"}                             opens and ends a span
 * {"action": "stream", "bytes": N, "chunk": C}   streams N bytes of 'x', C at a time
 * {"action": "stream-fail"}                      streams, then slsrt_stream_fail
 * {"action": "stream-fail-return"}               streams, then returns -1
 * {"action": "stream-http"}                      an HTTP stream with status 201
 * {"action": "stream-http-bad"}                  an HTTP stream with CR/LF in a header
 * anything else                                  echoed back
 * {"action": "crash"|"abort"|"overflow"}       dies of SIGSEGV, SIGABRT, a stack overflow
 * Init: PROBE_INIT=fail (slsrt_runtime_fail), exit (exit(3)) or crash (SIGSEGV).
 * PROBE_SHUTDOWN_FILE=path: a shutdown hook that writes to path.
 * PROBE_DEADLINE_MS=n: a deadline hook n ms ahead that logs what it sees.
 */
#include <slsrt/slsrt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct state {
    int invocations;
};

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int context(slsrt_invocation *inv, slsrt_response *res, struct state *st)
{
    slsrt_runtime *rt = slsrt_invocation_runtime(inv);
    json_t *cc = slsrt_invocation_client_context(inv);
    json_t *ci = slsrt_invocation_cognito_identity(inv);
    json_t *out = json_object();
    json_object_set_new(out, "requestId", json_string(slsrt_invocation_request_id(inv)));
    json_object_set_new(out, "deadlineMs", json_integer(slsrt_invocation_deadline_ms(inv)));
    json_object_set_new(out, "remainingMs", json_integer(slsrt_invocation_remaining_ms(inv)));
    json_object_set_new(out, "functionArn", str_or_null(slsrt_invocation_function_arn(inv)));
    json_object_set_new(out, "traceId", str_or_null(slsrt_invocation_trace_id(inv)));
    json_object_set_new(out, "traceEnv", str_or_null(getenv("_X_AMZN_TRACE_ID")));
    json_object_set_new(out, "tenantId", str_or_null(slsrt_invocation_tenant_id(inv)));
    json_object_set_new(out, "invocationId", str_or_null(slsrt_invocation_invocation_id(inv)));
    json_object_set_new(out, "contentType", str_or_null(slsrt_invocation_content_type(inv)));
    json_object_set_new(out, "clientContext", cc ? json_incref(cc) : json_null());
    json_object_set_new(out, "cognitoIdentity", ci ? json_incref(ci) : json_null());
    json_object_set_new(out, "functionName", str_or_null(slsrt_runtime_function_name(rt)));
    json_object_set_new(out, "functionVersion", str_or_null(slsrt_runtime_function_version(rt)));
    json_object_set_new(out, "memoryMb", json_integer(slsrt_runtime_memory_mb(rt)));
    json_object_set_new(out, "logGroup", str_or_null(slsrt_runtime_log_group_name(rt)));
    json_object_set_new(out, "logStream", str_or_null(slsrt_runtime_log_stream_name(rt)));
    json_object_set_new(out, "region", str_or_null(slsrt_runtime_region(rt)));
    json_object_set_new(out, "initType", str_or_null(slsrt_runtime_initialization_type(rt)));
    json_object_set_new(out, "invocations", json_integer(st->invocations));
    json_object_set_new(out, "version", json_string(slsrt_version()));
    return slsrt_response_set_json(res, out);
}

static int metrics(slsrt_invocation *inv, slsrt_response *res, json_int_t count, json_int_t values)
{
    char name[32];
    slsrt_metrics_add_dimension(inv, "stage", "test");
    for (json_int_t i = 0; i < count; i++) {
        snprintf(name, sizeof name, "M%lld", (long long)i);
        slsrt_metric(inv, name, (double)i, "Count");
    }
    for (json_int_t i = 0; i < values; i++)
        slsrt_metric(inv, "Many", (double)i, "Milliseconds");
    slsrt_metric_ns(inv, "other/ns", "Elsewhere", 1, NULL);
    char dim[40];
    int too_many = 0;
    for (int i = 0; i < 31; i++) {
        snprintf(dim, sizeof dim, "d%d", i);
        too_many = slsrt_metrics_add_dimension(inv, dim, "v");
    }
    return slsrt_response_set_json(
        res, json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "badUnit", slsrt_metric(inv, "X", 1, "Furlongs"),
                       "nan", slsrt_metric(inv, "X", 0.0 / 0.0, "Count"), "emptyName", slsrt_metric(inv, "", 1, "Count"),
                       "dimensionNamedLikeMetric", slsrt_metrics_add_dimension(inv, "Many", "v"),
                       "metricNamedLikeDimension", slsrt_metric(inv, "stage", 1, "Count"),
                       "otherUnitSameName", slsrt_metric(inv, "Many", 1, "Seconds"), "tooManyDimensions", too_many));
}

static int stream(slsrt_response *res, const char *action, json_int_t bytes, json_int_t chunk)
{
    if (strcmp(action, "stream-http") == 0 || strcmp(action, "stream-http-bad") == 0) {
        json_t *headers = json_pack("{s:s, s:s}", "content-type", "text/plain",
                                    "x-probe", strcmp(action, "stream-http") == 0 ? "yes" : "a\r\nInjected: 1");
        json_t *cookies = json_pack("[s]", "session=1; Secure");
        slsrt_stream *s = slsrt_response_stream_http(res, 201, headers, cookies);
        json_decref(headers), json_decref(cookies);
        if (!s)
            return slsrt_response_set_json(res, json_pack("{s:n}", "stream"));
        return slsrt_stream_write(s, "hello", 5);
    }
    slsrt_stream *s = slsrt_response_stream(res, "text/plain");
    if (strcmp(action, "stream-fail") == 0) {
        slsrt_stream_write(s, "partial", 7);
        return slsrt_stream_fail(s, "Function.StreamBroke", "broke after %llu bytes",
                                 (unsigned long long)slsrt_stream_bytes(s));
    }
    if (strcmp(action, "stream-fail-return") == 0) {
        slsrt_stream_printf(s, "%s", "abc");
        return -1;
    }
    char *buf = malloc((size_t)chunk);
    memset(buf, 'x', (size_t)chunk);
    for (json_int_t sent = 0; sent < bytes; sent += chunk)
        if (slsrt_stream_write(s, buf, (size_t)(bytes - sent < chunk ? bytes - sent : chunk)) != SLSRT_OK)
            break;
    free(buf);
    /* once streaming, a buffered answer is refused */
    return slsrt_response_set_body(res, "x", 1, NULL) == SLSRT_ESTATE ? 0 : -1;
}

/* Not static: a crash report names these functions. */
void probe_crash_here(void);
void probe_crash_in_init(void);
int probe_recurse(int depth);

__attribute__((noipa)) void probe_crash_here(void)
{
    static volatile uintptr_t wild = 8;
    *(volatile int *)wild = 1;
}

__attribute__((noipa)) void probe_crash_in_init(void)
{
    probe_crash_here();
}

__attribute__((noipa)) int probe_recurse(int depth)
{
    static volatile int limit = 1 << 30; /* never reached: the stack ends first */
    if (depth > limit)
        return 0;
    volatile char pad[4096];
    pad[0] = (char)depth;
    return probe_recurse(depth + 1) + pad[0];
}

static int act(slsrt_invocation *inv, slsrt_response *res, json_t *event)
{
    struct state *st = slsrt_invocation_user_data(inv);
    st->invocations++;
    if (!event)
        return SLSRT_EJSON;
    const char *action = json_string_value(json_object_get(event, "action"));
    json_int_t n = json_integer_value(json_object_get(event, "ms")) + json_integer_value(json_object_get(event, "bytes")) +
                   json_integer_value(json_object_get(event, "code"));
    if (!action)
        return slsrt_response_set_json(res, json_incref(event));
    if (strcmp(action, "context") == 0)
        return context(inv, res, st);
    if (strcmp(action, "fail") == 0)
        return slsrt_response_fail(res, json_string_value(json_object_get(event, "type")), "%s",
                                   json_string_value(json_object_get(event, "message")));
    if (strcmp(action, "fail-bare") == 0)
        return -1;
    if (strcmp(action, "exit") == 0)
        exit((int)n);
    if (strcmp(action, "sleep") == 0) {
        usleep((useconds_t)n * 1000);
        return slsrt_response_set_json(res, json_pack("{s:I}", "slept", n));
    }
    if (strcmp(action, "allocate") == 0) {
        size_t mb = (size_t)json_integer_value(json_object_get(event, "mb"));
        char *block = malloc(mb << 20);
        if (block)
            memset(block, 1, mb << 20); /* resident, page by page */
        usleep(2000 * 1000);
        free(block);
        return slsrt_response_set_json(res, json_pack("{s:i}", "allocated", (int)mb));
    }
    if (strcmp(action, "big") == 0) {
        char *body = malloc((size_t)n);
        memset(body, 'x', (size_t)n);
        int rc = slsrt_response_set_body(res, body, (size_t)n, "text/plain");
        free(body);
        return rc;
    }
    if (strcmp(action, "raw") == 0)
        return slsrt_response_set_body(res, "raw bytes", 9, "application/octet-stream");
    if (strcmp(action, "env") == 0)
        return slsrt_response_set_json(
            res, json_pack("{s:o}", "value", str_or_null(getenv(json_string_value(json_object_get(event, "name"))))));
    if (strcmp(action, "metrics") == 0)
        return metrics(inv, res, json_integer_value(json_object_get(event, "count")),
                       json_integer_value(json_object_get(event, "values")));
    if (strncmp(action, "stream", 6) == 0)
        return stream(res, action, json_integer_value(json_object_get(event, "bytes")),
                      json_integer_value(json_object_get(event, "chunk")));
    if (strcmp(action, "crash") == 0)
        probe_crash_here();
    if (strcmp(action, "abort") == 0)
        abort();
    if (strcmp(action, "overflow") == 0)
        return probe_recurse(0);
    if (strcmp(action, "span") == 0) {
        slsrt_span *span = slsrt_span_begin(inv, NULL, "probe");
        json_t *out = json_pack("{s:b}", "opened", span != NULL);
        slsrt_span_end(span);
        return slsrt_response_set_json(res, out);
    }
    if (strcmp(action, "nothing") == 0)
        return 0;
    if (strcmp(action, "bad-content-type") == 0) {
        int rc = slsrt_response_set_body(res, "x", 1, "text/plain\r\nX-Injected: yes");
        return slsrt_response_set_json(res, json_pack("{s:i}", "rc", rc));
    }
    return slsrt_response_set_json(res, json_incref(event));
}

/* Through an HTTP front (slsrt-local start-api) the action is the body's. */
static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    const char *body = json_string_value(json_object_get(event, "body"));
    json_t *inner = !json_object_get(event, "action") && body ? json_loads(body, 0, NULL) : NULL;
    int rc = act(inv, res, inner ? inner : event);
    json_decref(inner);
    return rc;
}

static void on_shutdown(slsrt_runtime *rt)
{
    (void)rt;
    FILE *f = fopen(getenv("PROBE_SHUTDOWN_FILE"), "w");
    if (f) {
        fputs("shutdown hook ran\n", f);
        fclose(f);
    }
}

static void on_deadline(slsrt_invocation *inv)
{
    slsrt_log_warn("deadline near for %s: %lld ms left", slsrt_invocation_request_id(inv),
                   (long long)slsrt_invocation_remaining_ms(inv));
}

static int init(slsrt_runtime *rt)
{
    if (getenv("PROBE_SHUTDOWN_FILE"))
        slsrt_runtime_set_shutdown(rt, on_shutdown);
    if (getenv("PROBE_DEADLINE_MS"))
        slsrt_runtime_set_deadline_hook(rt, on_deadline, atoi(getenv("PROBE_DEADLINE_MS")));
    static struct state st;
    const char *mode = getenv("PROBE_INIT");
    if (mode && strcmp(mode, "fail") == 0)
        return slsrt_runtime_fail(rt, "Function.ConfigMissing", "PROBE_INIT asked init to fail");
    if (mode && strcmp(mode, "exit") == 0)
        exit(3);
    if (mode && strcmp(mode, "crash") == 0)
        probe_crash_in_init();
    slsrt_runtime_set_user_data(rt, &st);
    return 0;
}

SLSRT_MAIN_WITH_INIT(init, handler)
