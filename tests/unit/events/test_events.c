/*
 * test_events.c - event sources over every public sample payload (when
 * ../shared/fixtures is there) and over this repo's own payloads in
 * tests/events/, which cover what the samples do not.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include <slsrt/slsrt.h>

static json_t *load(const char *path)
{
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    ck_assert_msg(j != NULL, "%s: %s", path, err.text);
    return j;
}

static json_t *own(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "tests/events/%s", name);
    return load(path);
}

/* ---- every sample payload ------------------------------------------------ */

struct expectation {
    const char *prefix;
    slsrt_event_source source;
};

/* Longest prefixes first: the first match wins. */
static const struct expectation by_name[] = {
    {"example-sqs-api-event", SLSRT_SOURCE_UNKNOWN}, /* an SQS API response, not an event */
    {"example-sqs-batch-response", SLSRT_SOURCE_UNKNOWN},
    {"example-sqs-event", SLSRT_SOURCE_SQS},
    {"example-sns-event", SLSRT_SOURCE_SNS},
    {"example-eventbridge-schedule", SLSRT_SOURCE_SCHEDULE},
    {"example-eventbridge-event", SLSRT_SOURCE_EVENTBRIDGE},
    {"example-dynamodb-event-record", SLSRT_SOURCE_UNKNOWN}, /* one bare record */
    {"example-dynamodb-event", SLSRT_SOURCE_DYNAMODB},
    {"example-s3-event", SLSRT_SOURCE_S3},
    {"example-kinesis-event", SLSRT_SOURCE_KINESIS},
    {"example-kinesis-firehose-event", SLSRT_SOURCE_KINESIS_FIREHOSE},
    {"example-cloudwatch_logs-event", SLSRT_SOURCE_CLOUDWATCH_LOGS},
    {"example-cognito-event-userpools-", SLSRT_SOURCE_COGNITO},
    {"example-ses-event", SLSRT_SOURCE_SES},
    {"example-ses-lambda-event", SLSRT_SOURCE_SES},
    {"example-alb-lambda-target-request", SLSRT_SOURCE_ALB},
    {"example-apigw-v2-request", SLSRT_SOURCE_APIGW_V2},
    {"example-apigw-request", SLSRT_SOURCE_APIGW_V1},
    {"example-apigw-websocket-request", SLSRT_SOURCE_WEBSOCKET},
    {"example-lambda-functionurl-request", SLSRT_SOURCE_FUNCTION_URL},
    {"example-cloudformation-custom-resource-create", SLSRT_SOURCE_CLOUDFORMATION},
};

static const struct expectation *expected(const char *file)
{
    for (size_t i = 0; i < sizeof by_name / sizeof by_name[0]; i++)
        if (strncmp(file, by_name[i].prefix, strlen(by_name[i].prefix)) == 0)
            return &by_name[i];
    return NULL;
}

START_TEST(every_sample_is_detected_and_its_records_check)
{
    const char *fx = fixtures_dir();
    if (!fx) {
        printf("every_sample_is_detected_and_its_records_check: skipped (no ../shared/fixtures)\n");
        return;
    }
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/events", fx);
    DIR *d = opendir(dir);
    int checked = 0;
    for (struct dirent *e; (e = readdir(d));) {
        const struct expectation *x = expected(e->d_name);
        if (!x || !strstr(e->d_name, ".json"))
            continue;
        char path[2400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        json_t *ev = load(path);
        slsrt_event_source got = slsrt_event_detect(ev);
        ck_assert_msg(got == x->source, "%s: detected %s, expected %s", e->d_name, slsrt_event_source_name(got),
                      slsrt_event_source_name(x->source));
        size_t n = slsrt_event_record_count(ev);
        ck_assert_msg(n >= 1, "%s: no records", e->d_name);
        for (size_t i = 0; i < n; i++) {
            const char *why;
            ck_assert_msg(slsrt_record_check(got, slsrt_event_record(ev, i), &why) == SLSRT_OK, "%s record %zu: %s",
                          e->d_name, i, why);
        }
        json_decref(ev);
        checked++;
    }
    closedir(d);
    ck_assert_int_gt(checked, 30);
}
END_TEST

static json_t *fixture(const char *name)
{
    const char *fx = fixtures_dir();
    if (!fx)
        return NULL;
    char path[1200];
    snprintf(path, sizeof path, "%s/events/%s", fx, name);
    return load(path);
}

START_TEST(sample_fields)
{
    json_t *ev = fixture("example-sqs-event.json");
    if (!ev) {
        printf("sample_fields: skipped (no ../shared/fixtures)\n");
        return;
    }
    const json_t *r = slsrt_event_record(ev, 0);
    ck_assert_uint_eq(slsrt_event_record_count(ev), 1);
    ck_assert_str_eq(slsrt_sqs_message_id(r), "MessageID_1");
    ck_assert_str_eq(slsrt_sqs_body(r, NULL), "Message Body");
    ck_assert_str_eq(slsrt_sqs_attribute(r, "ApproximateReceiveCount"), "2");
    ck_assert_str_eq(slsrt_sqs_message_attribute(r, "Attribute1"), "AttributeValue1");
    ck_assert(!slsrt_sqs_is_fifo(r));
    json_decref(ev);

    ev = fixture("example-sns-event.json");
    r = slsrt_event_record(ev, 0);
    ck_assert_str_eq(slsrt_sns_message(r), "Hello\r\nworld!");
    ck_assert_str_eq(slsrt_sns_subject(r), "Greetings");
    ck_assert_str_eq(slsrt_record_id(SLSRT_SOURCE_SNS, r), "82833b5c-8d5d-56d0-b0e1-7511f8253eb8");
    json_decref(ev);

    ev = fixture("example-kinesis-event.json");
    ck_assert_uint_eq(slsrt_event_record_count(ev), 2);
    char data[64];
    size_t len;
    ck_assert_int_eq(slsrt_kinesis_data(slsrt_event_record(ev, 0), data, sizeof data, &len), SLSRT_OK);
    ck_assert_uint_eq(len, 11);
    ck_assert(memcmp(data, "Hello World", 11) == 0);
    ck_assert_str_eq(slsrt_record_id(SLSRT_SOURCE_KINESIS, slsrt_event_record(ev, 0)),
                     "49568167373333333333333333333333333333333333333333333333");
    json_decref(ev);

    ev = fixture("example-s3-event.json");
    char key[64];
    ck_assert_int_eq(slsrt_s3_key(slsrt_event_record(ev, 0), key, sizeof key, NULL), SLSRT_OK);
    ck_assert_str_eq(key, "Happy Face.jpg");
    ck_assert_int_eq(slsrt_s3_size(slsrt_event_record(ev, 0)), 1024);
    json_decref(ev);

    ev = fixture("example-dynamodb-event.json");
    ck_assert_uint_eq(slsrt_event_record_count(ev), 2);
    json_t *img = slsrt_ddb_new_image(slsrt_event_record(ev, 0));
    ck_assert_str_eq(json_string_value(json_object_get(img, "asdf1")), "AAEqQQ==");
    ck_assert_uint_eq(json_array_size(json_object_get(img, "asdf2")), 2);
    json_decref(img);
    json_decref(ev);

    ev = fixture("example-cloudwatch_logs-event.json");
    slsrt_status st;
    json_t *logs = slsrt_cwlogs_decode(ev, &st);
    ck_assert_int_eq(st, SLSRT_OK);
    ck_assert_str_eq(json_string_value(json_object_get(logs, "messageType")), "DATA_MESSAGE");
    ck_assert_uint_eq(json_array_size(json_object_get(logs, "logEvents")), 2);
    json_decref(logs);
    json_decref(ev);
}
END_TEST

/* ---- this repo's payloads ------------------------------------------------ */

START_TEST(sqs_sns_and_fifo)
{
    json_t *ev = own("sqs-batch.json");
    ck_assert_int_eq(slsrt_event_detect(ev), SLSRT_SOURCE_SQS);
    ck_assert_uint_eq(slsrt_event_record_count(ev), 5);
    const json_t *r = slsrt_event_record(ev, 0);
    size_t len;
    ck_assert_str_eq(slsrt_sqs_body(r, &len), "{\"ok\": true, \"order\": 1}");
    ck_assert_uint_eq(len, 24);
    ck_assert_str_eq(slsrt_sqs_receipt_handle(r), "rh-1");
    ck_assert_str_eq(slsrt_sqs_message_attribute(r, "tenant"), "acme");
    ck_assert_ptr_null(slsrt_sqs_message_attribute(r, "missing"));
    ck_assert_ptr_null(slsrt_sqs_group_id(r));
    const char *why;
    ck_assert_int_eq(slsrt_record_check(SLSRT_SOURCE_SQS, slsrt_event_record(ev, 3), &why), SLSRT_EINVAL);
    ck_assert_str_eq(why, "body is missing or not a string");
    ck_assert_ptr_null(slsrt_sqs_body(slsrt_event_record(ev, 3), &len)); /* mistyped: NULL, not "" */
    ck_assert_ptr_null(slsrt_event_record(ev, 5));
    json_decref(ev);

    ev = own("sqs-fifo.json");
    r = slsrt_event_record(ev, 0);
    ck_assert(slsrt_sqs_is_fifo(r));
    ck_assert_str_eq(slsrt_sqs_group_id(r), "g-1");
    json_decref(ev);

    ev = own("sns-in-sqs.json");
    json_t *sns = slsrt_sqs_sns_envelope(slsrt_event_record(ev, 0));
    ck_assert_ptr_nonnull(sns);
    ck_assert_str_eq(slsrt_sns_message(sns), "disk 91% full");
    ck_assert_str_eq(slsrt_sns_topic_arn(sns), "arn:aws:sns:eu-west-1:123456789012:alerts");
    ck_assert_str_eq(slsrt_sns_message_attribute(sns, "severity"), "high");
    ck_assert_str_eq(slsrt_sns_timestamp(sns), "2026-11-21T06:00:00.000Z");
    json_decref(sns);
    json_decref(ev);
    ev = own("sqs-batch.json");
    ck_assert_ptr_null(slsrt_sqs_sns_envelope(slsrt_event_record(ev, 0))); /* JSON, but no notification */
    json_decref(ev);
}
END_TEST

START_TEST(dynamodb_values_are_exact)
{
    json_t *ev = own("ddb-types.json");
    ck_assert_int_eq(slsrt_event_detect(ev), SLSRT_SOURCE_DYNAMODB);
    const json_t *r = slsrt_event_record(ev, 0);
    ck_assert_str_eq(slsrt_ddb_event_name(r), "MODIFY");
    ck_assert_str_eq(slsrt_ddb_sequence_number(r), "111");
    json_t *img = slsrt_ddb_new_image(r);
    ck_assert_ptr_nonnull(img);
    json_t *want = json_loads(
        "{\"id\":\"item-1\",\"version\":7,\"price\":0.1,\"big\":\"12345678901234567890123456789012345678\","
        "\"tiny\":-1.5e-10,\"precise\":\"3.14159265358979323846\",\"blob\":\"AAEqQQ==\",\"active\":true,"
        "\"gone\":null,\"tags\":[\"red\",\"blue\"],\"sizes\":[1,2.5,\"99999999999999999999\"],"
        "\"chunks\":[\"AAE=\",\"AgM=\"],\"address\":{\"city\":\"Lyon\",\"geo\":[45.75,4.85]},\"empty\":[]}",
        0, NULL);
    ck_assert_msg(json_equal(img, want), "got %s", json_dumps(img, JSON_COMPACT));
    json_decref(want);

    /* written back, numbers keep their digits */
    json_t *keys = slsrt_ddb_keys(r), *old = slsrt_ddb_old_image(r);
    ck_assert_int_eq(json_integer_value(json_object_get(keys, "version")), 7);
    ck_assert_int_eq(json_integer_value(json_object_get(old, "version")), 6);
    json_decref(keys), json_decref(old);

    slsrt_status st;
    json_t *exact = slsrt_ddb_unmarshal_item(json_object_get(json_object_get(r, "dynamodb"), "NewImage"),
                                             SLSRT_DDB_NUMBERS_AS_STRINGS, &st);
    ck_assert_int_eq(st, SLSRT_OK);
    ck_assert_str_eq(json_string_value(json_object_get(exact, "price")), "0.1");
    ck_assert_str_eq(json_string_value(json_object_get(exact, "tiny")), "-1.5E-10");
    json_decref(exact);

    /* marshal . unmarshal is the identity on values without sets, binary or wide numbers */
    json_t *plain = json_loads("{\"a\":\"s\",\"n\":-12,\"r\":0.1,\"t\":true,\"z\":null,\"m\":{\"l\":[1,\"x\",[false]]}}", 0, NULL);
    json_t *av = slsrt_ddb_marshal_item(plain);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(av, "r"), "N")), "0.1");
    json_t *back = slsrt_ddb_unmarshal_item(av, 0, &st);
    ck_assert(json_equal(back, plain));
    json_decref(plain), json_decref(av), json_decref(back);
    ck_assert_ptr_null(slsrt_ddb_marshal_item(NULL));

    json_decref(img);
    ck_assert_ptr_null(slsrt_ddb_old_image(slsrt_event_record(ev, 1))); /* KEYS_ONLY */
    ck_assert_ptr_null(slsrt_ddb_keys(slsrt_event_record(ev, 2)));      /* an unknown type */
    json_t *bad = json_loads("{\"S\": 1}", 0, NULL);
    ck_assert_ptr_null(slsrt_ddb_unmarshal_value(bad, 0, &st));
    ck_assert_int_eq(st, SLSRT_EINVAL);
    json_decref(bad);
    bad = json_loads("{\"N\": \"12abc\"}", 0, NULL);
    ck_assert_ptr_null(slsrt_ddb_unmarshal_value(bad, 0, &st));
    json_decref(bad);
    json_decref(ev);
}
END_TEST

START_TEST(s3_keys_and_kinesis_data)
{
    json_t *ev = own("s3-keys.json");
    const json_t *r = slsrt_event_record(ev, 0);
    char key[128];
    size_t len;
    ck_assert_int_eq(slsrt_s3_key(r, key, sizeof key, &len), SLSRT_OK);
    ck_assert_str_eq(key, "My Docs/r\xc3\xa9sum\xc3\xa9 (2026).pdf");
    ck_assert_uint_eq(len, strlen(key));
    ck_assert_int_eq(slsrt_s3_key(r, key, 5, &len), SLSRT_ETOOBIG);
    ck_assert_uint_eq(len, strlen("My Docs/r\xc3\xa9sum\xc3\xa9 (2026).pdf"));
    ck_assert_int_eq(slsrt_s3_key(slsrt_event_record(ev, 1), key, sizeof key, NULL), SLSRT_OK);
    ck_assert_str_eq(key, "a+b%25");
    ck_assert_str_eq(slsrt_s3_bucket(r), "uploads");
    ck_assert_str_eq(slsrt_s3_etag(r), "0123abcd");
    ck_assert_str_eq(slsrt_s3_version_id(r), "v-1");
    ck_assert_int_eq(slsrt_s3_size(slsrt_event_record(ev, 1)), -1);
    json_decref(ev);

    ev = own("kinesis.json");
    r = slsrt_event_record(ev, 0);
    char data[64];
    ck_assert_int_eq(slsrt_kinesis_data(r, data, sizeof data, &len), SLSRT_OK);
    ck_assert_uint_eq(len, 16);
    ck_assert(memcmp(data, "{\"click\": \"buy\"}", 16) == 0);
    ck_assert(slsrt_kinesis_arrival_time(r) == 1763700000.25);
    ck_assert_str_eq(slsrt_kinesis_partition_key(r), "user-1");
    ck_assert_int_eq(slsrt_kinesis_data(slsrt_event_record(ev, 1), data, sizeof data, &len), SLSRT_EINVAL);
    json_decref(ev);
}
END_TEST

START_TEST(base64_vectors)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    char out[16];
    size_t len;
    for (int i = 0; i < 7; i++) {
        ck_assert_int_eq(slsrt_base64_decode(coded[i], strlen(coded[i]), out, sizeof out, &len), SLSRT_OK);
        ck_assert_uint_eq(len, strlen(plain[i]));
        ck_assert(memcmp(out, plain[i], len) == 0);
    }
    ck_assert_int_eq(slsrt_base64_decode("Zm9vYg", 6, out, sizeof out, &len), SLSRT_OK); /* no padding */
    ck_assert_int_eq(slsrt_base64_decode("Zm9v!", 5, out, sizeof out, &len), SLSRT_EINVAL);
    ck_assert_int_eq(slsrt_base64_decode("Zm9=v", 5, out, sizeof out, &len), SLSRT_EINVAL);
    ck_assert_int_eq(slsrt_base64_decode("Z", 1, out, sizeof out, &len), SLSRT_EINVAL);
    /* Padding completes a quantum, one or two '=': nothing else passes as empty or short. */
    static const char *const bad_padding[] = {"====", "=", "==", "Zg=", "Zm9v=", "Zm9vYg===", "Zm8==", "Zm9vYg=="
                                              "=="};
    for (size_t i = 0; i < sizeof bad_padding / sizeof bad_padding[0]; i++)
        ck_assert_msg(slsrt_base64_decode(bad_padding[i], strlen(bad_padding[i]), out, sizeof out, &len) ==
                          SLSRT_EINVAL, "accepted %s", bad_padding[i]);
    ck_assert_int_eq(slsrt_base64_decode("Zm9vYmFy", 8, out, 3, &len), SLSRT_ETOOBIG);
    ck_assert_uint_eq(len, 6);
}
END_TEST

/* A subscription event made here: gzip and base64 of a log batch. */
static json_t *make_cwlogs_event(const char *doc)
{
    unsigned char gz[4096];
    z_stream z = {.next_in = (unsigned char *)doc, .avail_in = (uInt)strlen(doc), .next_out = gz, .avail_out = sizeof gz};
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    deflate(&z, Z_FINISH);
    size_t n = sizeof gz - z.avail_out;
    deflateEnd(&z);
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char b64[8192];
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)gz[i] << 16 | (i + 1 < n ? (unsigned)gz[i + 1] << 8 : 0) | (i + 2 < n ? gz[i + 2] : 0);
        b64[o++] = al[v >> 18 & 63];
        b64[o++] = al[v >> 12 & 63];
        b64[o++] = i + 1 < n ? al[v >> 6 & 63] : '=';
        b64[o++] = i + 2 < n ? al[v & 63] : '=';
    }
    b64[o] = '\0';
    return json_pack("{s:{s:s}}", "awslogs", "data", b64);
}

START_TEST(cloudwatch_logs)
{
    json_t *ev = make_cwlogs_event("{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"/aws/lambda/x\",\"logEvents\":"
                                   "[{\"id\":\"1\",\"timestamp\":1,\"message\":\"one\"},{\"id\":\"2\",\"timestamp\":2,\"message\":\"two\"}]}");
    ck_assert_int_eq(slsrt_event_detect(ev), SLSRT_SOURCE_CLOUDWATCH_LOGS);
    slsrt_status st;
    json_t *logs = slsrt_cwlogs_decode(ev, &st);
    ck_assert_int_eq(st, SLSRT_OK);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(logs, "logEvents"), 1), "message")), "two");
    json_decref(logs);
    json_decref(ev);

    ev = make_cwlogs_event("not json");
    ck_assert_ptr_null(slsrt_cwlogs_decode(ev, &st));
    ck_assert_int_eq(st, SLSRT_EINVAL);
    json_decref(ev);
    ev = json_pack("{s:{s:s}}", "awslogs", "data", "SGVsbG8=");  /* base64, not gzip */
    ck_assert_ptr_null(slsrt_cwlogs_decode(ev, &st));
    ck_assert_int_eq(st, SLSRT_EINVAL);
    json_decref(ev);
    ck_assert_ptr_null(slsrt_cwlogs_decode(NULL, &st));
}
END_TEST

START_TEST(eventbridge_schedule_and_cognito)
{
    json_t *ev = own("eventbridge.json");
    ck_assert_int_eq(slsrt_event_detect(ev), SLSRT_SOURCE_EVENTBRIDGE);
    ck_assert_str_eq(slsrt_eventbridge_detail_type(ev), "Order Placed");
    ck_assert_str_eq(slsrt_eventbridge_source(ev), "com.example.orders");
    ck_assert(json_real_value(json_object_get(slsrt_eventbridge_detail(ev), "amount")) == 21.5);
    ck_assert_uint_eq(json_array_size(slsrt_eventbridge_resources(ev)), 1);
    ck_assert_str_eq(slsrt_record_id(SLSRT_SOURCE_EVENTBRIDGE, slsrt_event_record(ev, 0)), "eb-1");
    json_decref(ev);

    ev = own("schedule.json");
    ck_assert_int_eq(slsrt_event_detect(ev), SLSRT_SOURCE_SCHEDULE);
    ck_assert_str_eq(slsrt_eventbridge_time(ev), "2026-11-21T06:00:00Z");
    json_decref(ev);

    ev = own("cognito-presignup.json");
    ck_assert_int_eq(slsrt_event_detect(ev), SLSRT_SOURCE_COGNITO);
    ck_assert_str_eq(slsrt_cognito_trigger_source(ev), "PreSignUp_SignUp");
    ck_assert_str_eq(slsrt_cognito_user_name(ev), "ada");
    json_t *reply = slsrt_cognito_reply(ev, json_pack("{s:b}", "autoConfirmUser", 1));
    ck_assert(json_is_true(json_object_get(json_object_get(reply, "response"), "autoConfirmUser")));
    ck_assert(json_is_false(json_object_get(json_object_get(reply, "response"), "autoVerifyEmail")));
    ck_assert_str_eq(json_string_value(json_object_get(reply, "userPoolId")), "eu-west-1_abc");
    json_decref(reply);
    json_decref(ev);

    ck_assert_int_eq(slsrt_event_detect(NULL), SLSRT_SOURCE_UNKNOWN);
    json_t *arr = json_array();
    ck_assert_int_eq(slsrt_event_detect(arr), SLSRT_SOURCE_UNKNOWN);
    ck_assert_uint_eq(slsrt_event_record_count(arr), 0);
    json_decref(arr);
    ck_assert_str_eq(slsrt_event_source_name((slsrt_event_source)999), "unknown");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("events");
    TCase *tc = tcase_create("events");
    tcase_add_test(tc, every_sample_is_detected_and_its_records_check);
    tcase_add_test(tc, sample_fields);
    tcase_add_test(tc, sqs_sns_and_fifo);
    tcase_add_test(tc, dynamodb_values_are_exact);
    tcase_add_test(tc, s3_keys_and_kinesis_data);
    tcase_add_test(tc, base64_vectors);
    tcase_add_test(tc, cloudwatch_logs);
    tcase_add_test(tc, eventbridge_schedule_and_cognito);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
