/*
 * test_records_doc.c - every record accessor read in place (slsrt_doc_*)
 * answers what its tree twin answers for the same JSON: on this repo's
 * sample events, the public samples when ../shared/fixtures is there, and
 * thousands of variants of each with members dropped, retyped or repeated
 * under one name (where the two readers could part ways).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json_variants.h"
#include <slsrt/slsrt.h>

static size_t records_compared;
static const char *what; /* the input, for messages */

static void same_str(const char *tree, const char *doc, const char *field)
{
    ck_assert_msg(!tree == !doc && (!tree || strcmp(tree, doc) == 0), "%s: %s: tree %s, doc %s", what, field,
                  tree ? tree : "(null)", doc ? doc : "(null)");
}

static void same_json(json_t *tree, json_t *doc, const char *field)
{
    ck_assert_msg(!tree == !doc && (!tree || json_equal(tree, doc)), "%s: %s differs", what, field);
    json_decref(tree), json_decref(doc);
}

/* A decoder into buffers of several sizes: same status, length and bytes. */
typedef slsrt_status (*tree_decode)(const json_t *, char *, size_t, size_t *);
typedef slsrt_status (*doc_decode)(const slsrt_doc *, slsrt_doc_node, char *, size_t, size_t *);

static void same_decoding(tree_decode tf, doc_decode df, const json_t *r, const slsrt_doc *d, slsrt_doc_node n,
                          const char *field)
{
    static const size_t sizes[] = {0, 1, 4, 64, 4096};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char a[4096], b[4096];
        size_t la = 7, lb = 7;
        slsrt_status sa = tf(r, a, sizes[i], &la), sb = df(d, n, b, sizes[i], &lb);
        ck_assert_msg(sa == sb && la == lb, "%s: %s into %zu: tree %d (%zu), doc %d (%zu)", what, field, sizes[i],
                      sa, la, sb, lb);
        if (sa == SLSRT_OK)
            ck_assert_msg(memcmp(a, b, la) == 0, "%s: %s bytes differ", what, field);
    }
}

static slsrt_status kinesis_tree(const json_t *r, char *buf, size_t size, size_t *len)
{
    return slsrt_kinesis_data(r, buf, size, len);
}

static slsrt_status kinesis_doc(const slsrt_doc *d, slsrt_doc_node n, char *buf, size_t size, size_t *len)
{
    return slsrt_doc_kinesis_data(d, n, buf, size, len);
}

/* The names under r.obj (an object), and one that is not there. */
static void same_attributes(const json_t *r, const slsrt_doc *d, slsrt_doc_node n, const char *obj,
                            const char *(*tf)(const json_t *, const char *),
                            const char *(*df)(const slsrt_doc *, slsrt_doc_node, const char *))
{
    const char *key;
    json_t *value;
    json_object_foreach(json_object_get(r, obj), key, value)
        same_str(tf(r, key), df(d, n, key), key);
    same_str(tf(r, "NotThere"), df(d, n, "NotThere"), "NotThere");
    ck_assert_ptr_null(df(d, n, NULL));
}

static void same_sns(const json_t *r, const slsrt_doc *d, slsrt_doc_node n)
{
    same_str(slsrt_sns_message(r), slsrt_doc_sns_message(d, n), "sns message");
    same_str(slsrt_sns_subject(r), slsrt_doc_sns_subject(d, n), "sns subject");
    same_str(slsrt_sns_message_id(r), slsrt_doc_sns_message_id(d, n), "sns message id");
    same_str(slsrt_sns_topic_arn(r), slsrt_doc_sns_topic_arn(d, n), "sns topic");
    same_str(slsrt_sns_timestamp(r), slsrt_doc_sns_timestamp(d, n), "sns timestamp");
    const json_t *sns = json_object_get(r, "Sns");
    same_attributes(json_is_object(sns) ? sns : r, d, n, "MessageAttributes", slsrt_sns_message_attribute,
                    slsrt_doc_sns_message_attribute);
}

static void same_sqs(const json_t *r, const slsrt_doc *d, slsrt_doc_node n)
{
    same_str(slsrt_sqs_message_id(r), slsrt_doc_sqs_message_id(d, n), "messageId");
    same_str(slsrt_sqs_receipt_handle(r), slsrt_doc_sqs_receipt_handle(d, n), "receiptHandle");
    same_str(slsrt_sqs_source_arn(r), slsrt_doc_sqs_source_arn(d, n), "eventSourceARN");
    same_str(slsrt_sqs_group_id(r), slsrt_doc_sqs_group_id(d, n), "group id");
    size_t la = 7, lb = 9;
    same_str(slsrt_sqs_body(r, &la), slsrt_doc_sqs_body(d, n, &lb), "body");
    ck_assert_msg(la == lb, "%s: body length %zu, %zu", what, la, lb);
    ck_assert_int_eq(slsrt_sqs_is_fifo(r), slsrt_doc_sqs_is_fifo(d, n));
    same_attributes(r, d, n, "attributes", slsrt_sqs_attribute, slsrt_doc_sqs_attribute);
    /* messageAttributes: the accessor reads <name>.stringValue */
    const char *key;
    json_t *value;
    json_object_foreach(json_object_get(r, "messageAttributes"), key, value)
        same_str(slsrt_sqs_message_attribute(r, key), slsrt_doc_sqs_message_attribute(d, n, key), key);
    json_t *te = slsrt_sqs_sns_envelope(r);
    slsrt_doc *de = slsrt_doc_sqs_sns_envelope(d, n);
    ck_assert_msg(!te == !de, "%s: SNS envelope found by one reader only", what);
    if (te)
        same_sns(te, de, slsrt_doc_root(de));
    json_decref(te);
    slsrt_doc_free(de);
}

static void same_ddb(const json_t *r, const slsrt_doc *d, slsrt_doc_node n)
{
    same_str(slsrt_ddb_event_name(r), slsrt_doc_ddb_event_name(d, n), "eventName");
    same_str(slsrt_ddb_event_id(r), slsrt_doc_ddb_event_id(d, n), "eventID");
    same_str(slsrt_ddb_sequence_number(r), slsrt_doc_ddb_sequence_number(d, n), "SequenceNumber");
    same_json(slsrt_ddb_keys(r), slsrt_doc_ddb_keys(d, n), "Keys");
    same_json(slsrt_ddb_new_image(r), slsrt_doc_ddb_new_image(d, n), "NewImage");
    same_json(slsrt_ddb_old_image(r), slsrt_doc_ddb_old_image(d, n), "OldImage");
}

static void same_s3(const json_t *r, const slsrt_doc *d, slsrt_doc_node n)
{
    same_str(slsrt_s3_bucket(r), slsrt_doc_s3_bucket(d, n), "bucket");
    same_str(slsrt_s3_event_name(r), slsrt_doc_s3_event_name(d, n), "s3 eventName");
    same_str(slsrt_s3_event_time(r), slsrt_doc_s3_event_time(d, n), "eventTime");
    same_str(slsrt_s3_key_raw(r), slsrt_doc_s3_key_raw(d, n), "key");
    same_str(slsrt_s3_etag(r), slsrt_doc_s3_etag(d, n), "eTag");
    same_str(slsrt_s3_version_id(r), slsrt_doc_s3_version_id(d, n), "versionId");
    ck_assert_msg(slsrt_s3_size(r) == slsrt_doc_s3_size(d, n), "%s: s3 size", what);
    same_decoding(slsrt_s3_key, slsrt_doc_s3_key, r, d, n, "s3 key");
}

static void same_kinesis(const json_t *r, const slsrt_doc *d, slsrt_doc_node n)
{
    same_str(slsrt_kinesis_partition_key(r), slsrt_doc_kinesis_partition_key(d, n), "partitionKey");
    same_str(slsrt_kinesis_sequence_number(r), slsrt_doc_kinesis_sequence_number(d, n), "sequenceNumber");
    same_str(slsrt_kinesis_event_id(r), slsrt_doc_kinesis_event_id(d, n), "kinesis eventID");
    ck_assert_msg(slsrt_kinesis_arrival_time(r) == slsrt_doc_kinesis_arrival_time(d, n), "%s: arrival time", what);
    same_decoding(kinesis_tree, kinesis_doc, r, d, n, "kinesis data");
}

/* Every accessor of every source on one record: a record of one source is
 * read by the others' accessors too, which must then agree on "absent". */
static void same_record(const json_t *r, const slsrt_doc *d, slsrt_doc_node n)
{
    for (int s = SLSRT_SOURCE_UNKNOWN; s <= SLSRT_SOURCE_CLOUDFORMATION; s++) {
        const char *wa = NULL, *wb = NULL;
        ck_assert_int_eq(slsrt_record_check(s, r, &wa), slsrt_doc_record_check(d, s, n, &wb));
        same_str(wa, wb, "record check");
        same_str(slsrt_record_id(s, r), slsrt_doc_record_id(d, s, n), "record id");
    }
    same_sqs(r, d, n);
    same_sns(r, d, n);
    same_ddb(r, d, n);
    same_s3(r, d, n);
    same_kinesis(r, d, n);
    records_compared++;
}

static void agree(const char *data, size_t len)
{
    json_t *tree = json_loadb(data, len, JSON_DECODE_ANY, NULL);
    slsrt_doc *doc = slsrt_doc_parse(data, len, NULL);
    ck_assert_msg(!tree == !doc, "%s: read by one reader only", what);
    if (!tree)
        return;
    ck_assert_int_eq(slsrt_event_detect(tree), slsrt_doc_event_source(doc));
    size_t count = slsrt_event_record_count(tree);
    ck_assert_uint_eq(count, slsrt_doc_record_count(doc));
    slsrt_doc_node n = slsrt_doc_record_first(doc);
    for (size_t i = 0; i < count; i++, n = slsrt_doc_next(doc, n)) {
        ck_assert_msg(n != 0, "%s: the document has no record %zu", what, i);
        same_record(slsrt_event_record(tree, i), doc, n);
    }
    ck_assert_msg(n == 0, "%s: the document has more than %zu records", what, count);
    json_decref(tree);
    slsrt_doc_free(doc);
}

static void agree_with_variants(const char *data, size_t len, const char *path, void *variants)
{
    what = path;
    agree(data, len);
    json_t *tree = json_loadb(data, len, JSON_DECODE_ANY, NULL);
    for (int i = 0; tree && i < *(int *)variants; i++) {
        text t = {0};
        put_variant(&t, tree);
        agree(t.data, t.len);
        free(t.data);
    }
    json_decref(tree);
}

START_TEST(own_events_and_their_variants)
{
    int variants = 400;
    ck_assert_uint_ge(text_each_json("tests/events", agree_with_variants, &variants), 9);
    ck_assert_uint_ge(text_each_json("examples/sqs-batch/events", agree_with_variants, &variants), 2);
    printf("own_events_and_their_variants: %zu records compared\n", records_compared);
    ck_assert_uint_gt(records_compared, 10000);
}
END_TEST

START_TEST(sample_events_and_their_variants)
{
    int variants = 20;
    each_fixture_event("sample_events_and_their_variants", agree_with_variants, &variants);
}
END_TEST

/* Shapes the samples do not have: records that are not objects, a bare
 * object as the one record, empty and mistyped Records. */
START_TEST(odd_shapes)
{
    static const char *const texts[] = {
        "{}", "[]", "1", "\"x\"", "null", "{\"Records\":[]}", "{\"Records\":{}}", "{\"Records\":[1,\"a\",null,[]]}",
        "{\"Records\":\"x\",\"records\":[{\"recordId\":\"r1\"}]}", "{\"records\":[{\"recordId\":\"r1\"},{}]}",
        "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"m\",\"Sns\":[]}],\"Records\":[{\"kinesis\":{}}]}",
        "{\"kinesis\":{\"data\":\"Zm9v\",\"approximateArrivalTimestamp\":17}}",
        "{\"kinesis\":{\"data\":\"Zm9\",\"approximateArrivalTimestamp\":1.5e300}}",
        "{\"s3\":{\"object\":{\"key\":\"a%2\",\"size\":-1}}}", "{\"s3\":{\"object\":{\"key\":\"%e9\",\"size\":1.0}}}",
        "{\"body\":\"{\\\"Type\\\":\\\"Notification\\\",\\\"TopicArn\\\":\\\"t\\\",\\\"Message\\\":\\\"m\\\"}\"}",
        "{\"body\":\"{\\\"Type\\\":1,\\\"TopicArn\\\":\\\"t\\\",\\\"Message\\\":\\\"m\\\"}\"}", "{\"body\":\"not json\"}",
        "{\"dynamodb\":{\"Keys\":{\"id\":{\"N\":\"12345678901234567890123456789012345678\"}},\"NewImage\":{\"x\":{}}}}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        what = texts[i];
        agree(texts[i], strlen(texts[i]));
    }
}
END_TEST

/* No document, or node 0: what a missing field answers. */
START_TEST(no_document_no_record)
{
    char buf[8];
    size_t len = 5;
    slsrt_doc *doc = slsrt_doc_parse("{}", 2, NULL);
    const slsrt_doc *docs[] = {NULL, doc};
    for (int i = 0; i < 2; i++) {
        const slsrt_doc *d = docs[i];
        ck_assert_ptr_null(slsrt_doc_sqs_body(d, 0, &len));
        ck_assert_uint_eq(len, 0);
        ck_assert_ptr_null(slsrt_doc_sqs_message_id(d, 0));
        ck_assert_ptr_null(slsrt_doc_sqs_sns_envelope(d, 0));
        ck_assert_ptr_null(slsrt_doc_sns_message(d, 0));
        ck_assert_ptr_null(slsrt_doc_ddb_new_image(d, 0));
        ck_assert_ptr_null(slsrt_doc_record_id(d, SLSRT_SOURCE_SQS, 0));
        ck_assert_int_eq(slsrt_doc_record_check(d, SLSRT_SOURCE_SQS, 0, NULL), SLSRT_EINVAL);
        ck_assert_int_eq(slsrt_doc_s3_size(d, 0), -1);
        ck_assert_int_eq(slsrt_doc_s3_key(d, 0, buf, sizeof buf, NULL), SLSRT_EINVAL);
        ck_assert(slsrt_doc_kinesis_arrival_time(d, 0) == -1);
        ck_assert_int_eq(slsrt_doc_kinesis_data(d, 0, buf, sizeof buf, NULL), SLSRT_EINVAL);
        ck_assert_int_eq(slsrt_doc_sqs_is_fifo(d, 0), 0);
    }
    ck_assert_uint_eq(slsrt_doc_record_count(NULL), 0);
    ck_assert_uint_eq(slsrt_doc_record_first(NULL), 0);
    ck_assert_uint_eq(slsrt_doc_record_count(doc), 1);
    ck_assert_uint_eq(slsrt_doc_record_first(doc), slsrt_doc_root(doc));
    slsrt_doc_free(doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("records_doc");
    TCase *tc = tcase_create("records_doc");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, own_events_and_their_variants);
    tcase_add_test(tc, sample_events_and_their_variants);
    tcase_add_test(tc, odd_shapes);
    tcase_add_test(tc, no_document_no_record);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
