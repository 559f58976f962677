/*
 * test_idempotency.c - at most once per key, against dynalite (an
 * independent DynamoDB with real conditional writes): repeats answered from
 * the stored result, 1,000 duplicate deliveries from 8 threads with no key
 * run twice, expiry, payload mismatch, a failure giving the key back, a
 * crashed holder's lock taken over, keys missing; and throttling, against
 * the fake endpoint that can throttle.
 */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include <slsrt/aws.h>
#include <slsrt/idempotency.h>

static int ddb_port;
static pid_t ddb_pid;
static slsrt_aws *aws;
static int table_seq;

static void start_dynalite(void)
{
    if (!(ddb_port = start_node("tests/node/third-party.js", "dynalite", &ddb_pid)))
        exit(1);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ddb_port);
    setenv("AWS_ENDPOINT_URL_DYNAMODB", url, 1);
    setenv("AWS_REGION", "us-east-1", 1);
    setenv("AWS_ACCESS_KEY_ID", TEST_ACCESS_KEY, 1);
    setenv("AWS_SECRET_ACCESS_KEY", TEST_SECRET_KEY, 1);
    unsetenv("AWS_SESSION_TOKEN");
    aws = slsrt_aws_new();
}

static void stop_dynalite(void)
{
    slsrt_aws_free(aws);
    kill(ddb_pid, SIGTERM);
    waitpid(ddb_pid, NULL, 0);
}

static json_t *ddb(const char *op, json_t *input)
{
    char target[64];
    snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    slsrt_aws_response *res = slsrt_aws_json(aws, "dynamodb", target, input);
    json_decref(input);
    ck_assert_msg(res && slsrt_aws_response_ok(res), "%s: %s", op, slsrt_aws_response_body(res, NULL));
    json_t *v = json_incref(slsrt_aws_response_json(res));
    slsrt_aws_response_free(res);
    return v;
}

/* A fresh table as the README says to make it: partition key "id". */
static const char *new_table(void)
{
    static char name[64];
    snprintf(name, sizeof name, "idem-%d-%d", (int)getpid(), ++table_seq);
    json_decref(ddb("CreateTable", json_pack("{s:s, s:[{s:s, s:s}], s:[{s:s, s:s}], s:s}", "TableName", name,
                                             "AttributeDefinitions", "AttributeName", "id", "AttributeType", "S",
                                             "KeySchema", "AttributeName", "id", "KeyType", "HASH", "BillingMode",
                                             "PAY_PER_REQUEST")));
    for (int i = 0; i < 200; i++) { /* CREATING, then ACTIVE */
        json_t *d = ddb("DescribeTable", json_pack("{s:s}", "TableName", name));
        int active = !strcmp(json_string_value(json_object_get(json_object_get(d, "Table"), "TableStatus")), "ACTIVE");
        json_decref(d);
        if (active)
            return name;
        usleep(10000);
    }
    ck_abort_msg("table %s never became ACTIVE", name);
    return name;
}

static slsrt_idempotency *make(const char *table, int cache, int expires, const char *const *keys, const char *payload)
{
    slsrt_idempotency_config c = {.table = table, .key_pointers = keys, .payload_pointer = payload,
                                  .expires_after = expires, .cache_entries = cache, .key_prefix = "test"};
    slsrt_idempotency *idem = slsrt_idempotency_new(aws, &c);
    ck_assert_ptr_nonnull(idem);
    return idem;
}

/* ---- the work: counts its runs per key ------------------------------------- */

#define KEYS 125
static atomic_int runs[KEYS];
static atomic_int total_runs;

static int charge(json_t *data, void *arg, json_t **result)
{
    (void)arg;
    int k = (int)json_integer_value(json_object_get(data, "id"));
    atomic_fetch_add(&runs[k % KEYS], 1);
    atomic_fetch_add(&total_runs, 1);
    usleep(2000); /* long enough for duplicates to overlap */
    *result = json_pack("{s:i, s:s}", "charged", k, "receipt", "r-1");
    return SLSRT_OK;
}

static int failing(json_t *data, void *arg, json_t **result)
{
    (void)data, (void)result;
    atomic_fetch_add(&total_runs, 1);
    return --*(int *)arg >= 0 ? SLSRT_EHANDLER : (*result = json_string("ok"), SLSRT_OK);
}

static void reset_counts(void)
{
    for (int i = 0; i < KEYS; i++)
        atomic_store(&runs[i], 0);
    atomic_store(&total_runs, 0);
}

static const char *const by_id[] = {"/id", NULL};

START_TEST(repeats_get_the_stored_result)
{
    reset_counts();
    const char *table = new_table();
    for (int cache = 0; cache < 2; cache++) { /* through the cache, and through DynamoDB */
        slsrt_idempotency *idem = make(table, cache ? 0 : -1, 0, by_id, NULL);
        json_t *order = json_pack("{s:i, s:f}", "id", 7 + cache, "amount", 9.5);
        for (int i = 0; i < 3; i++) {
            json_t *r;
            slsrt_idempotency_error err;
            ck_assert_int_eq(slsrt_idempotent(idem, NULL, order, charge, NULL, &r, &err), SLSRT_OK);
            ck_assert_int_eq(json_integer_value(json_object_get(r, "charged")), 7 + cache);
            json_decref(r);
        }
        ck_assert_int_eq(atomic_load(&runs[7 + cache]), 1);
        json_decref(order);
        slsrt_idempotency_free(idem);
    }
    /* What the table holds: Powertools' attributes. */
    char key[200];
    slsrt_idempotency *idem = make(table, -1, 0, by_id, NULL);
    json_t *order = json_pack("{s:i}", "id", 7);
    ck_assert_int_eq(slsrt_idempotency_key(idem, order, key), SLSRT_OK);
    ck_assert_int_eq(strncmp(key, "test#", 5), 0);
    ck_assert_int_eq(strlen(key), 5 + 64);
    json_t *got = ddb("GetItem", json_pack("{s:s, s:{s:{s:s}}}", "TableName", table, "Key", "id", "S", key));
    json_t *item = json_object_get(got, "Item");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(item, "status"), "S")), "COMPLETED");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_object_get(item, "data"), "S")), "\"charged\":7"));
    ck_assert_ptr_nonnull(json_object_get(json_object_get(item, "expiration"), "N"));
    json_decref(got);
    json_decref(order);
    slsrt_idempotency_free(idem);
}
END_TEST

/* ---- 8 threads, 125 keys, each delivered 8 times ---------------------------- */

static pthread_barrier_t start_together;

struct worker {
    const char *table;
    slsrt_idempotency *shared; /* one instance for all threads (a sandbox's workers), or NULL */
    int seed;
    int in_progress; /* answers AlreadyInProgress seen (then delivered again) */
    int answered;
};

static void *deliver(void *arg)
{
    struct worker *w = arg;
    /* One sandbox a thread (no shared cache), or one sandbox's workers sharing it. */
    slsrt_idempotency *idem = w->shared ? w->shared : make(w->table, -1, 0, by_id, NULL);
    pthread_barrier_wait(&start_together);
    for (int n = 0; n < KEYS; n++) {
        /* Every key once, in the same order in all threads: duplicates in flight at once. */
        int k = n;
        json_t *msg = json_pack("{s:i}", "id", k);
        for (;;) {
            json_t *r = NULL;
            slsrt_idempotency_error err;
            int rc = slsrt_idempotent(idem, NULL, msg, charge, NULL, &r, &err);
            if (rc == SLSRT_ESTATE) { /* a duplicate in flight: delivered again later, as SQS would */
                w->in_progress++;
                usleep(3000);
                continue;
            }
            if (rc != SLSRT_OK || json_integer_value(json_object_get(r, "charged")) != k)
                abort();
            json_decref(r);
            w->answered++;
            break;
        }
        json_decref(msg);
    }
    if (!w->shared)
        slsrt_idempotency_free(idem);
    return NULL;
}

START_TEST(eight_threads_a_thousand_duplicates)
{
    for (int shared = 0; shared < 2; shared++) {
        reset_counts();
        const char *table = new_table();
        slsrt_idempotency *one = shared ? make(table, 0, 0, by_id, NULL) : NULL;
        pthread_t t[8];
        struct worker w[8];
        pthread_barrier_init(&start_together, NULL, 8);
        for (int i = 0; i < 8; i++) {
            w[i] = (struct worker){.table = table, .shared = one, .seed = i};
            pthread_create(&t[i], NULL, deliver, &w[i]);
        }
        int answered = 0, in_progress = 0;
        for (int i = 0; i < 8; i++) {
            pthread_join(t[i], NULL);
            answered += w[i].answered, in_progress += w[i].in_progress;
        }
        pthread_barrier_destroy(&start_together);
        slsrt_idempotency_free(one);
        ck_assert_int_eq(answered, 8 * KEYS); /* 1,000 deliveries, each answered */
        ck_assert_int_gt(in_progress, 0);      /* and duplicates did meet in flight */
        ck_assert_int_eq(atomic_load(&total_runs), KEYS);
        for (int k = 0; k < KEYS; k++)
            ck_assert_msg(atomic_load(&runs[k]) == 1, "key %d ran %d times", k, atomic_load(&runs[k]));
        printf("idempotency: %d deliveries from 8 threads (%s), %d keys each run once, %d answered "
               "AlreadyInProgress\n", answered, shared ? "one shared instance and cache" : "an instance each", KEYS,
               in_progress);
    }
}
END_TEST

START_TEST(results_expire)
{
    reset_counts();
    slsrt_idempotency *idem = make(new_table(), -1, 1, by_id, NULL);
    json_t *order = json_pack("{s:i}", "id", 3), *r;
    ck_assert_int_eq(slsrt_idempotent(idem, NULL, order, charge, NULL, &r, NULL), SLSRT_OK);
    json_decref(r);
    ck_assert_int_eq(slsrt_idempotent(idem, NULL, order, charge, NULL, &r, NULL), SLSRT_OK);
    json_decref(r);
    ck_assert_int_eq(atomic_load(&runs[3]), 1);
    sleep(2); /* past the one-second expiry, in DynamoDB's whole seconds */
    usleep(200000);
    ck_assert_int_eq(slsrt_idempotent(idem, NULL, order, charge, NULL, &r, NULL), SLSRT_OK);
    json_decref(r);
    ck_assert_int_eq(atomic_load(&runs[3]), 2);
    json_decref(order);
    slsrt_idempotency_free(idem);
}
END_TEST

START_TEST(a_reused_key_with_another_payload_is_refused)
{
    reset_counts();
    const char *table = new_table();
    for (int cache = 0; cache < 2; cache++) {
        slsrt_idempotency *first = make(table, cache ? 0 : -1, 0, by_id, "");
        json_t *a = json_pack("{s:i, s:i}", "id", 11 + cache, "amount", 5), *b = json_pack("{s:i, s:i}", "id", 11 + cache, "amount", 6);
        json_t *r;
        slsrt_idempotency_error err;
        ck_assert_int_eq(slsrt_idempotent(first, NULL, a, charge, NULL, &r, &err), SLSRT_OK);
        json_decref(r);
        ck_assert_int_eq(slsrt_idempotent(first, NULL, b, charge, NULL, &r, &err), SLSRT_EINVAL);
        ck_assert_str_eq(err.type, "Idempotency.PayloadMismatch");
        ck_assert_ptr_null(r);
        ck_assert_int_eq(atomic_load(&runs[11 + cache]), 1);
        json_decref(a), json_decref(b);
        slsrt_idempotency_free(first);
    }
}
END_TEST

START_TEST(a_failure_gives_the_key_back)
{
    reset_counts();
    slsrt_idempotency *idem = make(new_table(), 0, 0, by_id, NULL);
    json_t *order = json_pack("{s:i}", "id", 5), *r;
    int fails = 1;
    ck_assert_int_eq(slsrt_idempotent(idem, NULL, order, failing, &fails, &r, NULL), SLSRT_EHANDLER);
    ck_assert_int_eq(slsrt_idempotent(idem, NULL, order, failing, &fails, &r, NULL), SLSRT_OK);
    ck_assert_str_eq(json_string_value(r), "ok");
    json_decref(r);
    ck_assert_int_eq(slsrt_idempotent(idem, NULL, order, failing, &fails, &r, NULL), SLSRT_OK);
    json_decref(r);
    ck_assert_int_eq(atomic_load(&total_runs), 2);
    json_decref(order);
    slsrt_idempotency_free(idem);
}
END_TEST

static void put_lock(const char *table, const char *key, long long lock_ms)
{
    char exp[32], lock[32];
    snprintf(exp, sizeof exp, "%lld", (long long)time(NULL) + 3600);
    snprintf(lock, sizeof lock, "%lld", lock_ms);
    json_decref(ddb("PutItem", json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}", "TableName", table, "Item",
                                         "id", "S", key, "status", "S", "INPROGRESS", "expiration", "N", exp,
                                         "in_progress_expiration", "N", lock)));
}

START_TEST(a_crashed_holders_lock_is_taken_over)
{
    reset_counts();
    const char *table = new_table();
    slsrt_idempotency *idem = make(table, -1, 0, by_id, NULL);
    json_t *live = json_pack("{s:i}", "id", 20), *dead = json_pack("{s:i}", "id", 21), *r;
    char key[200];
    long long now_ms = (long long)time(NULL) * 1000;
    slsrt_idempotency_key(idem, live, key);
    put_lock(table, key, now_ms + 60000); /* a holder still within its time */
    slsrt_idempotency_error err;
    ck_assert_int_eq(slsrt_idempotent(idem, NULL, live, charge, NULL, &r, &err), SLSRT_ESTATE);
    ck_assert_str_eq(err.type, "Idempotency.AlreadyInProgress");
    slsrt_idempotency_key(idem, dead, key);
    put_lock(table, key, now_ms - 60000); /* one whose invocation ended without a word */
    ck_assert_int_eq(slsrt_idempotent(idem, NULL, dead, charge, NULL, &r, &err), SLSRT_OK);
    json_decref(r);
    ck_assert_int_eq(atomic_load(&runs[20]), 0);
    ck_assert_int_eq(atomic_load(&runs[21]), 1);
    json_decref(live), json_decref(dead);
    slsrt_idempotency_free(idem);
}
END_TEST

START_TEST(keys_missing)
{
    reset_counts();
    const char *table = new_table();
    const char *const nested[] = {"/order/id", "/order/customer", NULL};
    slsrt_idempotency_config c = {.table = table, .key_pointers = nested, .key_required = 1, .cache_entries = -1};
    slsrt_idempotency *strict = slsrt_idempotency_new(aws, &c);
    json_t *none = json_pack("{s:{s:s}}", "other", "x", "x"), *r;
    slsrt_idempotency_error err;
    ck_assert_int_eq(slsrt_idempotent(strict, NULL, none, charge, NULL, &r, &err), SLSRT_EINVAL);
    ck_assert_str_eq(err.type, "Idempotency.KeyMissing");
    /* One of two pointers present is a key: [value, null]. */
    json_t *half = json_pack("{s:{s:i}}", "order", "id", 30);
    ck_assert_int_eq(slsrt_idempotent(strict, NULL, half, charge, NULL, &r, &err), SLSRT_OK);
    json_decref(r);
    c.key_required = 0; /* not required: runs unguarded */
    slsrt_idempotency *lax = slsrt_idempotency_new(aws, &c);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(slsrt_idempotent(lax, NULL, none, charge, NULL, &r, &err), SLSRT_OK);
        json_decref(r);
    }
    ck_assert_int_eq(atomic_load(&total_runs), 3);
    json_decref(none), json_decref(half);
    slsrt_idempotency_free(strict);
    slsrt_idempotency_free(lax);
}
END_TEST

/* ---- throttling: the stand-in that throttles on command ------------------------ */

START_TEST(throttling)
{
    reset_counts();
    json_t *seed = json_pack("{s:{s:{s:s}}, s:{s:{}}}", "credentials", TEST_ACCESS_KEY, "secret", TEST_SECRET_KEY,
                             "tables", "idem");
    char *text = json_dumps(seed, 0);
    pid_t pid;
    int port = start_node("tests/node/fake-aws.js", temp_file(text), &pid);
    free(text);
    json_decref(seed);
    ck_assert_int_gt(port, 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    setenv("AWS_ENDPOINT_URL_DYNAMODB", url, 1);
    slsrt_aws *fake = slsrt_aws_new();
    slsrt_idempotency_config c = {.table = "idem", .key_pointers = by_id, .cache_entries = -1};
    slsrt_idempotency *idem = slsrt_idempotency_new(fake, &c);
    json_t *order = json_pack("{s:i}", "id", 40), *r;
    slsrt_idempotency_error err;
    /* Throttled twice: the client's retries get through. */
    free(http_request(port, "POST", "/__control", "{\"throttle\":2}", 14));
    ck_assert_int_eq(slsrt_idempotent(idem, NULL, order, charge, NULL, &r, &err), SLSRT_OK);
    json_decref(r);
    ck_assert_int_eq(atomic_load(&runs[40]), 1);
    /* Throttled past the retries: a clear error, and the work did not run. */
    json_t *other = json_pack("{s:i}", "id", 41);
    free(http_request(port, "POST", "/__control", "{\"throttle\":50}", 15));
    ck_assert_int_eq(slsrt_idempotent(idem, NULL, other, charge, NULL, &r, &err), SLSRT_EIO);
    ck_assert_str_eq(err.type, "Idempotency.PersistenceError");
    ck_assert_ptr_nonnull(strstr(err.message, "Throttl"));
    ck_assert_int_eq(atomic_load(&runs[41]), 0);
    json_decref(order), json_decref(other);
    slsrt_idempotency_free(idem);
    slsrt_aws_free(fake);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    char back[64];
    snprintf(back, sizeof back, "http://127.0.0.1:%d", ddb_port);
    setenv("AWS_ENDPOINT_URL_DYNAMODB", back, 1);
}
END_TEST

/* examples/payments on slsrt-local: redelivered payments are charged once. */
START_TEST(payments_example)
{
    const char *table = new_table();
    char env[128];
    snprintf(env, sizeof env, "IDEMPOTENCY_TABLE=%s", table);
    struct run r;
    const char *args[] = {"invoke", "--env", env, "--event", "examples/payments/events/batch-1.json", "--event",
                          "examples/payments/events/batch-2-redelivered.json", "--event",
                          "examples/payments/events/batch-1.json", "--",
                          build_path("examples/payments/bootstrap"), NULL};
    local_ok(args, &r);
    json_t *first = json_line(r.out, 0), *second = json_line(r.out, 1), *third = json_line(r.out, 2);
    ck_assert_int_eq(json_array_size(json_object_get(first, "batchItemFailures")), 0);
    ck_assert_int_eq(json_array_size(json_object_get(second, "batchItemFailures")), 1); /* p-1 with another amount */
    ck_assert_int_eq(json_array_size(json_object_get(third, "batchItemFailures")), 0);
    ck_assert_int_eq(count_lines(r.err, "charging p-1"), 1);
    ck_assert_int_eq(count_lines(r.err, "charging p-2"), 1);
    ck_assert_int_eq(count_lines(r.err, "charging p-3"), 1);
    ck_assert_int_eq(count_lines(r.err, "Idempotency.PayloadMismatch"), 1);
    json_decref(first), json_decref(second), json_decref(third);
    run_free(&r);
}
END_TEST

int main(void)
{
    start_dynalite();
    Suite *s = suite_create("idempotency");
    TCase *tc = tcase_create("idempotency");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, repeats_get_the_stored_result);
    tcase_add_test(tc, eight_threads_a_thousand_duplicates);
    tcase_add_test(tc, results_expire);
    tcase_add_test(tc, a_reused_key_with_another_payload_is_refused);
    tcase_add_test(tc, a_failure_gives_the_key_back);
    tcase_add_test(tc, a_crashed_holders_lock_is_taken_over);
    tcase_add_test(tc, keys_missing);
    tcase_add_test(tc, throttling);
    tcase_add_test(tc, payments_example);
    suite_add_tcase(s, tc);
    int rc = run_suite(s);
    stop_dynalite();
    return rc;
}
