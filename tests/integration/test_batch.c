/*
 * test_batch.c - partial batch responses through slsrt-local: the right
 * identifier per source, FIFO stops, malformed records, whole-batch
 * failures, and the examples that use them.  The batch function's tests
 * run twice: reading the batch as a tree (slsrt_batch_process), then in
 * place (slsrt_batch_process_doc); the answers must not change.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define BATCH build_path("tests/functions/batch/bootstrap")
#define SQS_EXAMPLE build_path("examples/sqs-batch/bootstrap")

static const char *mode = "BATCH_TREE=1"; /* or BATCH_DOC=1: set by each looped test */
#define SET_MODE() (mode = _i ? "BATCH_DOC=1" : "BATCH_TREE=1")

/* The first response of running bootstrap on event with BATCH_FAIL=fail. */
static char *answer(const char *bootstrap, const char *event, const char *fail, char **err)
{
    char env[256];
    snprintf(env, sizeof env, "BATCH_FAIL=%s", fail);
    struct run r;
    const char *args[] = {"invoke", "--env", env, "--env", mode, "--event", event, "--", bootstrap, NULL};
    local_ran(args, &r);
    char *nl = strchr(r.out, '\n');
    if (nl)
        *nl = '\0';
    *err = r.err;
    return r.out;
}

static void expect(const char *bootstrap, const char *event, const char *fail, const char *want)
{
    char *err, *out = answer(bootstrap, event, fail, &err);
    ck_assert_msg(strcmp(out, want) == 0, "%s with %s failing:\n got  %s\n want %s", event, fail, out, want);
    free(out), free(err);
}

START_TEST(identifiers_per_source)
{
    SET_MODE();
    expect(BATCH, "tests/events/sqs-batch.json", "m-2,m-5",
           "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-2\"},{\"itemIdentifier\":\"m-4\"},{\"itemIdentifier\":\"m-5\"}]}");
    expect(BATCH, "tests/events/kinesis.json", "49590338271490256608559692538361571095921575989136588802",
           "{\"batchItemFailures\":[{\"itemIdentifier\":\"49590338271490256608559692538361571095921575989136588802\"}]}");
    expect(BATCH, "tests/events/ddb-types.json", "112", "{\"batchItemFailures\":[{\"itemIdentifier\":\"112\"}]}");
    expect(BATCH, "tests/events/ddb-types.json", "", "{\"batchItemFailures\":[]}");
}
END_TEST

START_TEST(fifo_stops_at_the_first_failure)
{
    SET_MODE();
    expect(BATCH, "tests/events/sqs-fifo.json", "f-2",
           "{\"batchItemFailures\":[{\"itemIdentifier\":\"f-2\"},{\"itemIdentifier\":\"f-3\"},{\"itemIdentifier\":\"f-4\"}]}");
    expect(BATCH, "tests/events/sqs-fifo.json", "", "{\"batchItemFailures\":[]}");
}
END_TEST

START_TEST(every_record_failing_is_still_well_formed)
{
    SET_MODE();
    expect(BATCH, "tests/events/sqs-batch.json", "m-1,m-2,m-3,m-4,m-5",
           "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-1\"},{\"itemIdentifier\":\"m-2\"},{\"itemIdentifier\":\"m-3\"},"
           "{\"itemIdentifier\":\"m-4\"},{\"itemIdentifier\":\"m-5\"}]}");
}
END_TEST

/* Identifiers come back byte for byte, control characters and quotes included. */
START_TEST(identifiers_keep_every_character)
{
    SET_MODE();
    const char *event = temp_file("{\"Records\":[{\"messageId\":\"id\\u0001\\u001f\\t\\\"x\",\"receiptHandle\":\"r\","
                                  "\"eventSource\":\"aws:sqs\",\"eventSourceARN\":\"arn:aws:sqs:eu-west-1:1:q\","
                                  "\"attributes\":{},\"messageAttributes\":{}}]}");
    expect(BATCH, event, "", "{\"batchItemFailures\":[{\"itemIdentifier\":\"id\\u0001\\u001F\\t\\\"x\"}]}");
}
END_TEST

START_TEST(malformed_records_are_reported_with_a_reason)
{
    SET_MODE();
    char *err, *out = answer(BATCH, "tests/events/sqs-batch.json", "", &err);
    ck_assert_str_eq(out, "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-4\"}]}");
    ck_assert_ptr_nonnull(strstr(err, "record m-4: body is missing or not a string; reported as failed"));
    free(out), free(err);
}
END_TEST

START_TEST(what_cannot_be_reported_fails_the_whole_batch)
{
    SET_MODE();
    char *err, *out = answer(BATCH, temp_file("{\"Records\": [{\"eventSource\": \"aws:sqs\", \"body\": \"x\"}]}"), "", &err);
    ck_assert_ptr_nonnull(strstr(out, "\"errorType\":\"Runtime.InvalidBatch\""));
    ck_assert_ptr_nonnull(strstr(out, "no identifier"));
    free(out), free(err);
    out = answer(BATCH, "tests/events/eventbridge.json", "", &err);
    ck_assert_ptr_nonnull(strstr(out, "\"errorType\":\"Runtime.InvalidBatch\""));
    ck_assert_ptr_nonnull(strstr(out, "not eventbridge"));
    /* the answer names the call: the mode reached the function */
    ck_assert_ptr_nonnull(strstr(out, _i ? "slsrt_batch_process_doc takes" : "slsrt_batch_process takes"));
    free(out), free(err);
}
END_TEST

START_TEST(a_crash_on_one_record_still_answers)
{
    SET_MODE();
    struct run r;
    const char *args[] = {"invoke", "--env", "BATCH_CRASH=m-2", "--env", mode,
                          "--event", "tests/events/sqs-batch.json", "--event",
                          "tests/events/sqs-fifo.json", "--", BATCH, NULL};
    local_ok(args, &r);
    const char *want = "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-2\"},{\"itemIdentifier\":\"m-3\"},"
                       "{\"itemIdentifier\":\"m-4\"},{\"itemIdentifier\":\"m-5\"}]}\n"
                       "{\"batchItemFailures\":[]}\n";
    ck_assert_msg(strcmp(r.out, want) == 0, "got %s", r.out);
    ck_assert_ptr_nonnull(strstr(r.err, "record m-2 crashed the handler (Segmentation fault)"));
    ck_assert_int_eq(count_lines(r.err, "Init Duration"), 2); /* the crashed process was replaced */
    run_free(&r);
}
END_TEST

START_TEST(sqs_batch_example)
{
    expect(SQS_EXAMPLE, "examples/sqs-batch/events/mixed-batch.json", "",
           "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-2\"},{\"itemIdentifier\":\"m-3\"},{\"itemIdentifier\":\"m-4\"}]}");
    expect(SQS_EXAMPLE, "examples/sqs-batch/events/all-good.json", "", "{\"batchItemFailures\":[]}");
    /* another source's batch: the example's SQS accessors find no body and fail each record */
    expect(SQS_EXAMPLE, "tests/events/kinesis.json", "",
           "{\"batchItemFailures\":[{\"itemIdentifier\":\"49590338271490256608559692538361571095921575989136588801\"},"
           "{\"itemIdentifier\":\"49590338271490256608559692538361571095921575989136588802\"}]}");
}
END_TEST

START_TEST(event_summary_names_every_source)
{
    static const struct {
        const char *file, *want;
    } cases[] = {
        {"tests/events/s3-keys.json", "{\"source\":\"s3\",\"records\":2,\"ids\":[\"My Docs/r\xc3\xa9sum\xc3\xa9 (2026).pdf\",\"a+b%25\"]}"},
        {"tests/events/schedule.json", "{\"source\":\"schedule\",\"records\":1,\"ids\":[\"sch-1\"]}"},
        {"tests/events/sqs-fifo.json", "{\"source\":\"sqs\",\"records\":4,\"ids\":[\"f-1\",\"f-2\",\"f-3\",\"f-4\"]}"},
        {"examples/hello/events/ada.json", "{\"source\":\"unknown\",\"records\":0,\"ids\":[]}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect(build_path("examples/event-summary/bootstrap"), cases[i].file, "", cases[i].want);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("batch");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, identifiers_per_source, 0, 2);
    tcase_add_loop_test(tc, fifo_stops_at_the_first_failure, 0, 2);
    tcase_add_loop_test(tc, every_record_failing_is_still_well_formed, 0, 2);
    tcase_add_loop_test(tc, malformed_records_are_reported_with_a_reason, 0, 2);
    tcase_add_loop_test(tc, identifiers_keep_every_character, 0, 2);
    tcase_add_loop_test(tc, what_cannot_be_reported_fails_the_whole_batch, 0, 2);
    tcase_add_loop_test(tc, a_crash_on_one_record_still_answers, 0, 2);
    tcase_add_test(tc, sqs_batch_example);
    tcase_add_test(tc, event_summary_names_every_source);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
