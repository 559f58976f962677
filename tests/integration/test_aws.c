/*
 * test_aws.c - functions calling AWS through signed requests, run under
 * slsrt-local against tests/node/fake-aws.js: a local SSM, Secrets Manager,
 * DynamoDB and container credentials endpoint that checks every request's
 * signature with @smithy/signature-v4 and answers the way AWS does.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "harness.h"

#define AWS_FN build_path("tests/functions/aws/bootstrap")

static int fake_port;
static pid_t fake_pid;
static char endpoint[64], creds_uri[80];

static const char *seed_json(void)
{
    json_t *seed = json_pack(
        "{s:{s:{s:s, s:s}}, s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s}, s:{s:{s:{s:{s:s}, s:{s:s}}}}, s:s}",
        "credentials", TEST_ACCESS_KEY, "secret", TEST_SECRET_KEY, "token", TEST_SESSION_TOKEN,
        "parameters", "/app/table", "orders", "/app/db-url", "postgres://db.internal/app",
        "/slsrt/examples/ddb-get/table", "orders", "/slsrt/examples/cognito-welcome/sender", "hello@example.com",
        "secrets", "prod/db", "{\"user\":\"app\",\"password\":\"pw-from-secrets-manager\"}", "plain", "just-text",
        "tables", "orders", "o-1", "id", "S", "o-1", "total", "N", "42",
        "container_token", TEST_SESSION_TOKEN);
    char *text = json_dumps(seed, 0);
    const char *path = temp_file(text);
    free(text);
    json_decref(seed);
    return path;
}

/* Start the fake once for the whole suite; its port is the endpoint. */
static void start_fake(void)
{
    if (!(fake_port = start_node("tests/node/fake-aws.js", seed_json(), &fake_pid)))
        exit(1);
    snprintf(endpoint, sizeof endpoint, "AWS_ENDPOINT_URL=http://127.0.0.1:%d", fake_port);
    snprintf(creds_uri, sizeof creds_uri, "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:%d/creds", fake_port);
}

static json_t *fake(const char *method, const char *path, const char *body)
{
    char *resp = http_request(fake_port, method, path, body, body ? strlen(body) : 0);
    ck_assert_ptr_nonnull(resp);
    char *start = strstr(resp, "\r\n\r\n");
    json_t *j = start ? json_loads(start + 4, 0, NULL) : NULL;
    free(resp);
    ck_assert_ptr_nonnull(j);
    return j;
}

static void control(const char *json) { json_decref(fake("POST", "/__control", json)); }

static long long stat_of(const char *key)
{
    json_t *s = fake("GET", "/__stats", NULL);
    long long v = json_integer_value(json_object_get(s, key));
    json_decref(s);
    return v;
}

static long long target_count(const char *target)
{
    json_t *s = fake("GET", "/__stats", NULL);
    long long v = json_integer_value(json_object_get(json_object_get(s, "targets"), target));
    json_decref(s);
    return v;
}

/* Invoke the aws test function on events (JSON texts) with extra slsrt-local
 * options (NULL-terminated, may be NULL). */
static void invoke(const char *const *events, const char *const *options, struct run *r)
{
    const char *args[64];
    size_t n = 0;
    args[n++] = "invoke";
    args[n++] = "--env";
    args[n++] = endpoint;
    for (; options && *options; options++)
        args[n++] = *options;
    for (; *events; events++) {
        args[n++] = "--event";
        args[n++] = temp_file(*events);
    }
    args[n++] = "--";
    args[n++] = AWS_FN;
    args[n] = NULL;
    run_local(args, 30, r);
}

static const char *str_at(json_t *j, const char *key) { return json_string_value(json_object_get(j, key)); }

/* Line `line` of out is a JSON object whose `key` is the string `want`. */
static void expect_str(const char *out, int line, const char *key, const char *want)
{
    json_t *j = json_line(out, line);
    const char *got = str_at(j, key);
    ck_assert_msg(got && !strcmp(got, want), "line %d: %s is not \"%s\" in\n%s", line, key, want, out);
    json_decref(j);
}

/* Line `line` of out is a DynamoDB answer with an item, after `attempts` attempts. */
static void expect_item(const char *out, int line, int attempts)
{
    json_t *j = json_line(out, line);
    ck_assert_msg(json_object_get(j, "item") != NULL, "line %d has no item:\n%s", line, out);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "attempts")), attempts);
    json_decref(j);
}

/* Line `line` of out is the error `type` after `attempts` attempts (0: any
 * number); the handler got it, so the sandbox did not time out. */
static void expect_error(const struct run *r, int line, const char *type, int attempts)
{
    json_t *j = json_line(r->out, line);
    ck_assert_msg(j && str_at(j, "error") && !strcmp(str_at(j, "error"), type), "line %d is not %s:\n%s\n%s", line,
                  type, r->out, r->err);
    if (attempts)
        ck_assert_int_eq(json_integer_value(json_object_get(j, "attempts")), attempts);
    json_decref(j);
}

START_TEST(reads_a_parameter_a_secret_and_items)
{
    control("{\"throttle\":0,\"fail\":0,\"expire_after\":0}");
    const char *events[] = {
        "{\"op\":\"parameter\",\"name\":\"/app/table\"}",
        "{\"op\":\"secret\",\"id\":\"prod/db#password\"}",
        "{\"op\":\"secret\",\"id\":\"plain\"}",
        "{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}",
        "{\"op\":\"put_item\",\"table\":\"orders\",\"item\":{\"id\":{\"S\":\"o-2\"},\"note\":{\"S\":\"a b/c?d=e&f ሴ\"}}}",
        "{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-2\"}",
        "{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"none\"}",
        NULL};
    long long rejected = stat_of("rejected"), connections = stat_of("connections");
    struct run r;
    invoke(events, NULL, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    /* Seven calls over one connection, kept open across invocations (the
     * two stats reads made one each). */
    ck_assert_int_eq(stat_of("connections"), connections + 1 + 1);
    expect_str(r.out, 0, "value", "orders");
    expect_str(r.out, 1, "value", "pw-from-secrets-manager");
    expect_str(r.out, 2, "value", "just-text");
    json_t *j = json_line(r.out, 3);
    json_t *total = json_object_get(json_object_get(j, "item"), "total");
    ck_assert_str_eq(json_string_value(json_object_get(total, "N")), "42");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "attempts")), 1);
    json_decref(j);
    j = json_line(r.out, 5);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(j, "item"), "note"), "S")),
                     "a b/c?d=e&f ሴ");
    json_decref(j);
    j = json_line(r.out, 6);
    ck_assert_ptr_null(json_object_get(j, "item"));
    ck_assert_ptr_null(json_object_get(j, "error"));
    json_decref(j);
    ck_assert_int_eq(stat_of("rejected"), rejected); /* every signature checked out */
    run_free(&r);
}
END_TEST

START_TEST(aws_errors_surface_with_their_type)
{
    const char *events[] = {
        "{\"op\":\"parameter\",\"name\":\"/no/such\"}",
        "{\"op\":\"get_item\",\"table\":\"nope\",\"id\":\"x\"}",
        "{\"op\":\"secret\",\"id\":\"prod/db#nokey\"}",
        "{\"op\":\"secret\",\"id\":\"missing\"}",
        NULL};
    struct run r;
    invoke(events, NULL, &r);
    json_t *j = json_line(r.out, 0);
    ck_assert_str_eq(str_at(j, "error"), "ParameterNotFound");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "status")), 400);
    ck_assert_str_eq(str_at(j, "message"), "Parameter /no/such not found.");
    json_decref(j);
    j = json_line(r.out, 1);
    ck_assert_str_eq(str_at(j, "error"), "ResourceNotFoundException"); /* from "com.amazonaws...#Resource..." */
    ck_assert_int_eq(json_integer_value(json_object_get(j, "attempts")), 1);
    json_decref(j);
    expect_str(r.out, 2, "error", "Slsrt.NoSuchKey");
    expect_str(r.out, 3, "error", "ResourceNotFoundException");
    run_free(&r);
}
END_TEST

START_TEST(a_wrong_secret_key_is_rejected)
{
    long long rejected = stat_of("rejected");
    const char *events[] = {"{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}", NULL};
    const char *opts[] = {"--env", "AWS_SECRET_ACCESS_KEY=not/the+right/secret", NULL};
    struct run r;
    invoke(events, opts, &r);
    json_t *j = json_line(r.out, 0);
    ck_assert_str_eq(str_at(j, "error"), "InvalidSignatureException");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "status")), 403);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "attempts")), 1); /* not worth retrying */
    json_decref(j);
    ck_assert_int_eq(stat_of("rejected"), rejected + 1);
    ck_assert_ptr_null(strstr(r.err, "not/the+right/secret"));
    run_free(&r);
}
END_TEST

START_TEST(throttling_and_5xx_are_retried)
{
    const char *events[] = {"{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}", NULL};
    struct run r;
    control("{\"throttle\":2}");
    invoke(events, NULL, &r);
    expect_item(r.out, 0, 3);
    ck_assert_ptr_nonnull(strstr(r.err, "ThrottlingException, HTTP 400); retrying in"));
    run_free(&r);

    control("{\"fail\":1}");
    invoke(events, NULL, &r);
    expect_item(r.out, 0, 2);
    run_free(&r);

    control("{\"throttle\":5}"); /* more than AWS_MAX_ATTEMPTS (3): surfaced */
    invoke(events, NULL, &r);
    json_t *j = json_line(r.out, 0);
    ck_assert_str_eq(str_at(j, "error"), "ThrottlingException");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "attempts")), 3);
    json_decref(j);
    run_free(&r);
    control("{\"throttle\":0}");
}
END_TEST

START_TEST(retries_stop_before_the_deadline)
{
    control("{\"throttle\":1000}");
    const char *events[] = {"{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}", NULL};
    /* Ten attempts with full-jitter backoff would average over 10 s: the
     * 4 s deadline must cut them short (with room for valgrind's first load
     * of libcurl and OpenSSL). */
    const char *opts[] = {"--timeout", "4", "--env", "AWS_MAX_ATTEMPTS=10", NULL};
    struct run r;
    invoke(events, opts, &r);
    control("{\"throttle\":0}");
    expect_error(&r, 0, "ThrottlingException", 0); /* answered: no Sandbox.Timedout */
    json_t *j = json_line(r.out, 0);
    ck_assert_int_lt(json_integer_value(json_object_get(j, "attempts")), 10);
    json_decref(j);
    run_free(&r);
}
END_TEST

/* Whether bootstraps run under valgrind, where the last 100 ms of an
 * invocation are not enough to answer: timing cases are left to the
 * plain and sanitizer passes. */
static int under_valgrind(const char *test)
{
    if (!getenv("SLSRT_VALGRIND") || !*getenv("SLSRT_VALGRIND"))
        return 0;
    printf("%s: skipped under valgrind (a timing case)\n", test);
    return 1;
}

START_TEST(an_attempt_the_deadline_cuts_is_a_deadline_error)
{
    if (under_valgrind("an_attempt_the_deadline_cuts_is_a_deadline_error"))
        return;
    control("{\"delay_ms\":9000}");
    const char *events[] = {"{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}", NULL};
    const char *opts[] = {"--timeout", "5", NULL}; /* room for valgrind's first load of libcurl */
    struct run r;
    invoke(events, opts, &r);
    control("{\"delay_ms\":0}");
    expect_error(&r, 0, "Slsrt.DeadlineExceeded", 1);
    run_free(&r);
}
END_TEST

START_TEST(a_body_cut_short_is_retried)
{
    control("{\"truncate\":1}");
    const char *events[] = {"{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}", NULL};
    struct run r;
    invoke(events, NULL, &r);
    expect_item(r.out, 0, 2);
    run_free(&r);
}
END_TEST

static long long last_gap_ms(void)
{
    json_t *s = fake("GET", "/__stats", NULL);
    json_t *gaps = json_object_get(s, "gaps_ms");
    long long v = json_integer_value(json_array_get(gaps, json_array_size(gaps) - 1));
    json_decref(s);
    return v;
}

START_TEST(retry_after_is_honoured_within_the_deadline)
{
    const char *events[] = {"{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}", NULL};
    struct run r;
    control("{\"throttle\":1,\"retry_after\":1}");
    invoke(events, NULL, &r);
    expect_item(r.out, 0, 2);
    ck_assert_int_ge(last_gap_ms(), 1000); /* backoff alone would be under 200 ms */
    run_free(&r);

    /* Asked to wait longer than the invocation has: the error, at once. */
    control("{\"throttle\":1,\"retry_after\":30}");
    const char *opts[] = {"--timeout", "5", NULL};
    invoke(events, opts, &r);
    control("{\"throttle\":0,\"retry_after\":0}");
    expect_error(&r, 0, "TooManyRequestsException", 1);
    ck_assert_ptr_nonnull(strstr(r.err, "no time left to retry as Retry-After asks"));
    run_free(&r);
}
END_TEST

START_TEST(an_error_that_echoes_credentials_is_scrubbed)
{
    /* Retried: the log line that says why shows no credential. */
    control("{\"reflect\":1}");
    const char *events[] = {"{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}", NULL};
    struct run r;
    invoke(events, NULL, &r);
    expect_item(r.out, 0, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "failed ([redacted], HTTP 500); retrying"));
    ck_assert_ptr_null(strstr(r.err, TEST_SESSION_TOKEN));
    run_free(&r);

    /* Surfaced: neither the type nor the message the handler gets shows one. */
    control("{\"reflect\":1}");
    const char *once[] = {"--env", "AWS_MAX_ATTEMPTS=1", NULL};
    invoke(events, once, &r);
    json_t *j = json_line(r.out, 0);
    ck_assert_msg(j && str_at(j, "message"), "%s", r.out);
    ck_assert_ptr_nonnull(strstr(str_at(j, "message"), "Credential=[redacted]"));
    ck_assert_ptr_nonnull(strstr(str_at(j, "message"), "Signature=[redacted]"));
    ck_assert_str_eq(str_at(j, "error"), "[redacted]"); /* the type was the token itself */
    ck_assert_ptr_null(strstr(r.out, TEST_SESSION_TOKEN));
    ck_assert_ptr_null(strstr(r.out, TEST_ACCESS_KEY));
    ck_assert_ptr_null(strstr(r.err, TEST_SESSION_TOKEN));
    json_decref(j);
    run_free(&r);
}
END_TEST

START_TEST(a_response_over_the_cap_is_its_own_error)
{
    const char *events[] = {"{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\",\"max_response\":16}",
                            "{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}", NULL};
    struct run r;
    invoke(events, NULL, &r);
    expect_str(r.out, 0, "error", "Slsrt.ResponseTooLarge");
    expect_item(r.out, 1, 1); /* the cap was for that call only */
    run_free(&r);
}
END_TEST

/* Options for credentials from the fake's container endpoint only, then
 * `extra` (NULL-terminated); opts needs room for 9 + the extras. */
static void container_options(const char **opts, const char *const *extra)
{
    const char *base[] = {"--env", "AWS_ACCESS_KEY_ID=", "--env", "AWS_SECRET_ACCESS_KEY=",
                          "--env", "AWS_SESSION_TOKEN=", "--env", creds_uri};
    size_t n = 0;
    for (size_t i = 0; i < sizeof base / sizeof *base; i++)
        opts[n++] = base[i];
    while (extra && *extra)
        opts[n++] = *extra++;
    opts[n] = NULL;
}

START_TEST(container_credentials_are_cached_and_refreshed)
{
    const char *opts[9];
    container_options(opts, NULL);
    const char *get = "{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}";
    const char *events[] = {get, get, get, NULL};

    /* Valid for an hour: fetched once for three calls. */
    control("{\"creds_ttl_s\":3600}");
    long long fetches = stat_of("creds_fetches");
    struct run r;
    invoke(events, opts, &r);
    for (int i = 0; i < 3; i++)
        expect_item(r.out, i, 1);
    ck_assert_int_eq(stat_of("creds_fetches"), fetches + 1);
    run_free(&r);

    /* The service says they expired on the second call: refetched, retried. */
    fetches = stat_of("creds_fetches");
    control("{\"expire_after\":2}");
    invoke(events, opts, &r);
    expect_item(r.out, 1, 2);
    expect_item(r.out, 2, 1);
    ck_assert_int_eq(stat_of("creds_fetches"), fetches + 2);
    run_free(&r);

    /* Within five minutes of Expiration: refreshed ahead, on every call. */
    control("{\"creds_ttl_s\":120}");
    fetches = stat_of("creds_fetches");
    invoke(events, opts, &r);
    ck_assert_int_eq(stat_of("creds_fetches"), fetches + 3);
    expect_item(r.out, 2, 1);
    run_free(&r);
    control("{\"creds_ttl_s\":3600}");
}
END_TEST

START_TEST(concurrent_invocations_share_one_credential_fetch)
{
    const char *opts[11];
    const char *concurrency[] = {"--concurrency", "4", NULL};
    container_options(opts, concurrency);
    const char *get = "{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}";
    const char *events[] = {get, get, get, get, get, get, get, get, NULL};
    control("{\"creds_ttl_s\":3600}");
    long long fetches = stat_of("creds_fetches");
    struct run r;
    invoke(events, opts, &r);
    for (int i = 0; i < 8; i++)
        expect_item(r.out, i, 1);
    /* Four workers asked at once: one fetch, the others waited for it. */
    ck_assert_int_eq(stat_of("creds_fetches"), fetches + 1);
    run_free(&r);
}
END_TEST

START_TEST(a_hanging_credentials_endpoint_costs_no_more_than_the_deadline)
{
    if (under_valgrind("a_hanging_credentials_endpoint_costs_no_more_than_the_deadline"))
        return;
    const char *opts[11];
    const char *timeout[] = {"--timeout", "5", NULL};
    container_options(opts, timeout);
    control("{\"creds_delay_ms\":12000}");
    const char *events[] = {"{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}", NULL};
    struct run r;
    invoke(events, opts, &r);
    control("{\"creds_delay_ms\":0}");
    expect_error(&r, 0, "Slsrt.NoCredentials", 0); /* inside its 5 s */
    ck_assert_ptr_null(strstr(r.err, "Sandbox.Timedout"));
    run_free(&r);
}
END_TEST

START_TEST(plain_http_credentials_go_only_to_trusted_hosts)
{
    const char *opts[] = {"--env", "AWS_ACCESS_KEY_ID=", "--env", "AWS_SECRET_ACCESS_KEY=", "--env",
                          "AWS_SESSION_TOKEN=", "--env", "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://192.0.2.7/creds",
                          "--env", "AWS_CONTAINER_AUTHORIZATION_TOKEN=" TEST_SESSION_TOKEN, NULL};
    const char *events[] = {"{\"op\":\"parameter\",\"name\":\"/app/table\"}", NULL};
    struct run r;
    invoke(events, opts, &r);
    json_t *j = json_line(r.out, 0);
    ck_assert_str_eq(str_at(j, "error"), "Slsrt.NoCredentials");
    ck_assert_ptr_nonnull(strstr(str_at(j, "message"), "must be https, or http to this host or the ECS/EKS agent"));
    json_decref(j);
    run_free(&r);
}
END_TEST

START_TEST(no_credentials_is_a_clear_error)
{
    const char *opts[] = {"--env", "AWS_ACCESS_KEY_ID=", "--env", "AWS_SECRET_ACCESS_KEY=", NULL};
    const char *events[] = {"{\"op\":\"parameter\",\"name\":\"/app/table\"}", NULL};
    struct run r;
    invoke(events, opts, &r);
    json_t *j = json_line(r.out, 0);
    ck_assert_str_eq(str_at(j, "error"), "Slsrt.NoCredentials");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "status")), 0);
    json_decref(j);
    run_free(&r);
}
END_TEST

START_TEST(parameters_are_cached_for_the_ttl)
{
    long long before = target_count("AmazonSSM.GetParameter");
    const char *p = "{\"op\":\"parameter\",\"name\":\"/app/db-url\"}";
    const char *events[] = {p, p, p, NULL};
    struct run r;
    invoke(events, NULL, &r);
    expect_str(r.out, 2, "value", "postgres://db.internal/app");
    ck_assert_int_eq(target_count("AmazonSSM.GetParameter"), before + 1);
    run_free(&r);
}
END_TEST

START_TEST(environment_references_are_resolved_at_init)
{
    const char *opts[] = {"--env", "TABLE=ssm:/app/table", "--env", "DB_PASSWORD=secretsmanager:prod/db#password",
                          "--env", "PLAIN=ssm", NULL};
    const char *events[] = {"{\"op\":\"env\",\"name\":\"TABLE\"}", "{\"op\":\"env\",\"name\":\"DB_PASSWORD\"}",
                            "{\"op\":\"env\",\"name\":\"PLAIN\"}", NULL};
    struct run r;
    invoke(events, opts, &r);
    expect_str(r.out, 0, "value", "orders");
    expect_str(r.out, 1, "value", "pw-from-secrets-manager");
    expect_str(r.out, 2, "value", "ssm");
    ck_assert_ptr_nonnull(strstr(r.err, "config: DB_PASSWORD resolved from secretsmanager"));
    ck_assert_ptr_null(strstr(r.err, "pw-from-secrets-manager")); /* never logged */
    run_free(&r);

    const char *bad[] = {"--env", "TABLE=ssm:/no/such/param", NULL};
    invoke(events, bad, &r);
    json_t *j = json_line(r.out, 0);
    ck_assert_str_eq(str_at(j, "errorType"), "Runtime.ConfigError");
    ck_assert_ptr_nonnull(strstr(str_at(j, "errorMessage"), "TABLE=ssm:/no/such/param cannot be resolved"));
    ck_assert_ptr_nonnull(strstr(str_at(j, "errorMessage"), "(ParameterNotFound)"));
    json_decref(j);
    run_free(&r);
}
END_TEST

START_TEST(calls_carry_the_trace_header)
{
    const char *events[] = {"{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}", NULL};
    const char *opts[] = {"--trace-sampled", NULL};
    struct run r;
    invoke(events, opts, &r);
    json_t *s = fake("GET", "/__stats", NULL);
    const char *trace = json_string_value(json_object_get(s, "last_trace"));
    ck_assert_ptr_nonnull(trace);
    ck_assert(!strncmp(trace, "Root=1-", 7));
    ck_assert_ptr_nonnull(strstr(trace, ";Parent="));
    ck_assert_ptr_nonnull(strstr(trace, "Sampled=1"));
    json_decref(s);
    run_free(&r);
}
END_TEST

START_TEST(presigned_urls)
{
    const char *events[] = {"{\"op\":\"presign\",\"target\":\"/bucket/a b.txt\",\"expires\":60}",
                            "{\"op\":\"presign\",\"target\":\"/bucket/k\",\"expires\":604801}", NULL};
    struct run r;
    invoke(events, NULL, &r);
    json_t *j = json_line(r.out, 0);
    ck_assert_ptr_null(json_object_get(j, "value")); /* a space is not a valid target */
    json_decref(j);
    run_free(&r);

    const char *good[] = {"{\"op\":\"presign\",\"target\":\"/bucket/a%20b.txt?versionId=2\",\"expires\":60}",
                          "{\"op\":\"presign\",\"target\":\"/bucket/k\",\"expires\":604801}", NULL};
    invoke(good, NULL, &r);
    j = json_line(r.out, 0);
    const char *url = str_at(j, "value");
    ck_assert_msg(url != NULL, "%s", r.out);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "http://127.0.0.1:%d/bucket/a%%20b.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&",
             fake_port);
    ck_assert_msg(!strncmp(url, prefix, strlen(prefix)), "%s", url);
    ck_assert_ptr_nonnull(strstr(url, "&X-Amz-Expires=60&"));
    ck_assert_ptr_nonnull(strstr(url, "&X-Amz-Security-Token="));
    ck_assert_ptr_nonnull(strstr(url, "&versionId=2&X-Amz-Signature="));
    json_decref(j);
    expect_str(r.out, 1, "error", "Slsrt.InvalidRequest");
    run_free(&r);
}
END_TEST

/* The post-confirmation trigger: the events come back unchanged, and one
 * welcome email (a signed SES v2 call the fake verified) went out. */
START_TEST(the_cognito_welcome_example_sends_one_email)
{
    json_t *before = fake("GET", "/__stats", NULL);
    size_t sent = json_array_size(json_object_get(before, "emails"));
    json_decref(before);
    const char *events[] = {"examples/cognito-welcome/events/1-confirmed.json",
                            "examples/cognito-welcome/events/2-forgot-password.json",
                            "examples/cognito-welcome/events/3-no-email.json"};
    const char *args[] = {"invoke", "--env", endpoint, "--event", events[0], "--event", events[1], "--event", events[2],
                          "--", build_path("examples/cognito-welcome/bootstrap"), NULL};
    struct run r;
    run_local(args, 30, &r);
    for (int i = 0; i < 3; i++) {
        json_t *got = json_line(r.out, i), *want = json_load_file(events[i], 0, NULL);
        ck_assert_msg(got && json_equal(got, want), "event %d came back changed: %s\n%s", i, r.out, r.err);
        json_decref(got), json_decref(want);
    }
    ck_assert_ptr_nonnull(strstr(r.err, "welcome email sent to ada@example.com (MessageId local-"));
    ck_assert_ptr_nonnull(strstr(r.err, "user phone-only has no email attribute"));
    json_t *s = fake("GET", "/__stats", NULL);
    json_t *emails = json_object_get(s, "emails");
    ck_assert_int_eq(json_array_size(emails), sent + 1);
    json_t *e = json_array_get(emails, sent);
    ck_assert_str_eq(str_at(e, "from"), "hello@example.com");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(e, "to"), 0)), "ada@example.com");
    ck_assert_str_eq(str_at(e, "subject"), "Welcome, Ada Lovelace!");
    json_decref(s);
    run_free(&r);
}
END_TEST

START_TEST(the_ddb_get_example_reads_its_table_from_ssm)
{
    const char *args[] = {"invoke", "--env", endpoint, "--event", temp_file("{\"id\":\"o-1\"}"), "--event",
                          temp_file("{\"id\":\"o-404\"}"), "--", build_path("examples/ddb-get/bootstrap"), NULL};
    struct run r;
    run_local(args, 30, &r);
    json_t *j = json_line(r.out, 0);
    ck_assert_msg(j && str_at(j, "id") && !strcmp(str_at(j, "id"), "o-1"), "%s\n%s", r.out, r.err);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "total")), 42); /* unmarshalled from {"N": "42"} */
    json_decref(j);
    expect_str(r.out, 1, "errorType", "Function.NotFound");
    ck_assert_ptr_nonnull(strstr(r.err, "serving items of table orders"));
    run_free(&r);
}
END_TEST

START_TEST(libcurl_and_libcrypto_load_on_first_use)
{
    const char *events[] = {"{\"op\":\"loaded\"}", "{\"op\":\"get_item\",\"table\":\"orders\",\"id\":\"o-1\"}",
                            "{\"op\":\"loaded\"}", NULL};
    struct run r;
    invoke(events, NULL, &r);
    json_t *j = json_line(r.out, 0);
    ck_assert_msg(json_is_false(json_object_get(j, "curl")) && json_is_false(json_object_get(j, "crypto")), "%s",
                  r.out);
    json_decref(j);
    j = json_line(r.out, 2);
    ck_assert(json_is_true(json_object_get(j, "curl")) && json_is_true(json_object_get(j, "crypto")));
    json_decref(j);
    run_free(&r);
}
END_TEST

int main(void)
{
    start_fake();
    Suite *s = suite_create("aws");
    TCase *tc = tcase_create("aws");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, reads_a_parameter_a_secret_and_items);
    tcase_add_test(tc, aws_errors_surface_with_their_type);
    tcase_add_test(tc, a_wrong_secret_key_is_rejected);
    tcase_add_test(tc, throttling_and_5xx_are_retried);
    tcase_add_test(tc, retries_stop_before_the_deadline);
    tcase_add_test(tc, an_attempt_the_deadline_cuts_is_a_deadline_error);
    tcase_add_test(tc, a_body_cut_short_is_retried);
    tcase_add_test(tc, retry_after_is_honoured_within_the_deadline);
    tcase_add_test(tc, an_error_that_echoes_credentials_is_scrubbed);
    tcase_add_test(tc, a_response_over_the_cap_is_its_own_error);
    tcase_add_test(tc, a_hanging_credentials_endpoint_costs_no_more_than_the_deadline);
    tcase_add_test(tc, plain_http_credentials_go_only_to_trusted_hosts);
    tcase_add_test(tc, container_credentials_are_cached_and_refreshed);
    tcase_add_test(tc, concurrent_invocations_share_one_credential_fetch);
    tcase_add_test(tc, no_credentials_is_a_clear_error);
    tcase_add_test(tc, parameters_are_cached_for_the_ttl);
    tcase_add_test(tc, environment_references_are_resolved_at_init);
    tcase_add_test(tc, calls_carry_the_trace_header);
    tcase_add_test(tc, presigned_urls);
    tcase_add_test(tc, the_ddb_get_example_reads_its_table_from_ssm);
    tcase_add_test(tc, the_cognito_welcome_example_sends_one_email);
    tcase_add_test(tc, libcurl_and_libcrypto_load_on_first_use);
    suite_add_tcase(s, tc);
    int rc = run_suite(s);
    kill(fake_pid, SIGTERM);
    waitpid(fake_pid, NULL, 0);
    return rc;
}
