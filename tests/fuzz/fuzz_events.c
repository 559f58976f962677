/*
 * fuzz_events.c - the event parsers: detection, every accessor of every
 * source on every record, DynamoDB unmarshal, S3 keys, Kinesis data,
 * CloudWatch Logs, Cognito replies; and the same records read in place
 * (slsrt_doc_*), which must answer what the tree's accessors answer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <slsrt/events.h>
#include <slsrt/http.h>

static void every_accessor(const json_t *r)
{
    size_t len;
    char buf[256];
    slsrt_sqs_message_id(r), slsrt_sqs_receipt_handle(r), slsrt_sqs_body(r, &len), slsrt_sqs_source_arn(r);
    slsrt_sqs_attribute(r, "ApproximateReceiveCount"), slsrt_sqs_message_attribute(r, "a"), slsrt_sqs_group_id(r);
    slsrt_sqs_is_fifo(r);
    json_decref(slsrt_sqs_sns_envelope(r));
    slsrt_sns_message(r), slsrt_sns_subject(r), slsrt_sns_message_id(r), slsrt_sns_topic_arn(r);
    slsrt_sns_timestamp(r), slsrt_sns_message_attribute(r, "a");
    slsrt_eventbridge_id(r), slsrt_eventbridge_source(r), slsrt_eventbridge_detail_type(r), slsrt_eventbridge_time(r);
    slsrt_eventbridge_account(r), slsrt_eventbridge_region(r), slsrt_eventbridge_detail(r), slsrt_eventbridge_resources(r);
    slsrt_ddb_event_name(r), slsrt_ddb_event_id(r), slsrt_ddb_sequence_number(r);
    json_decref(slsrt_ddb_keys(r)), json_decref(slsrt_ddb_new_image(r)), json_decref(slsrt_ddb_old_image(r));
    slsrt_s3_bucket(r), slsrt_s3_event_name(r), slsrt_s3_event_time(r), slsrt_s3_key_raw(r), slsrt_s3_etag(r);
    slsrt_s3_version_id(r), slsrt_s3_size(r);
    if (slsrt_s3_key(r, buf, sizeof buf, &len) == SLSRT_OK && len >= sizeof buf)
        abort();
    slsrt_kinesis_partition_key(r), slsrt_kinesis_sequence_number(r), slsrt_kinesis_event_id(r);
    slsrt_kinesis_arrival_time(r);
    if (slsrt_kinesis_data(r, buf, sizeof buf, &len) == SLSRT_OK && len > sizeof buf)
        abort();
    slsrt_cognito_trigger_source(r), slsrt_cognito_user_pool_id(r), slsrt_cognito_user_name(r), slsrt_cognito_request(r);
    json_decref(slsrt_cognito_reply(r, json_object()));
    for (int s = SLSRT_SOURCE_UNKNOWN; s <= SLSRT_SOURCE_CLOUDFORMATION; s++) {
        const char *why;
        if (slsrt_record_check((slsrt_event_source)s, r, &why) != SLSRT_OK && !why)
            abort();
        slsrt_record_id((slsrt_event_source)s, r);
    }
}

static void same(const char *tree, const char *doc)
{
    if (!tree != !doc || (tree && strcmp(tree, doc) != 0))
        abort();
}

static void same_json(json_t *tree, json_t *doc)
{
    if (!tree != !doc || (tree && !json_equal(tree, doc)))
        abort();
    json_decref(tree), json_decref(doc);
}

/* The twins read in place agree with the tree's accessors on record r. */
static void twins_agree(const json_t *r, const slsrt_doc *d, slsrt_doc_node n)
{
    size_t la, lb;
    char a[256], b[256];
    same(slsrt_sqs_body(r, &la), slsrt_doc_sqs_body(d, n, &lb));
    if (la != lb)
        abort();
    same(slsrt_sqs_message_id(r), slsrt_doc_sqs_message_id(d, n));
    same(slsrt_sqs_attribute(r, "MessageGroupId"), slsrt_doc_sqs_attribute(d, n, "MessageGroupId"));
    same(slsrt_sqs_message_attribute(r, "a"), slsrt_doc_sqs_message_attribute(d, n, "a"));
    if (slsrt_sqs_is_fifo(r) != slsrt_doc_sqs_is_fifo(d, n))
        abort();
    same(slsrt_sns_message(r), slsrt_doc_sns_message(d, n));
    same(slsrt_sns_message_attribute(r, "a"), slsrt_doc_sns_message_attribute(d, n, "a"));
    same(slsrt_ddb_sequence_number(r), slsrt_doc_ddb_sequence_number(d, n));
    same_json(slsrt_ddb_new_image(r), slsrt_doc_ddb_new_image(d, n));
    same(slsrt_s3_bucket(r), slsrt_doc_s3_bucket(d, n));
    if (slsrt_s3_size(r) != slsrt_doc_s3_size(d, n))
        abort();
    if (slsrt_kinesis_arrival_time(r) != slsrt_doc_kinesis_arrival_time(d, n))
        abort();
    la = lb = 0;
    if (slsrt_s3_key(r, a, sizeof a, &la) != slsrt_doc_s3_key(d, n, b, sizeof b, &lb) || la != lb)
        abort();
    la = lb = 0;
    slsrt_status sa = slsrt_kinesis_data(r, a, sizeof a, &la), sb = slsrt_doc_kinesis_data(d, n, b, sizeof b, &lb);
    if (sa != sb || la != lb || (sa == SLSRT_OK && memcmp(a, b, la) != 0))
        abort();
    json_t *te = slsrt_sqs_sns_envelope(r);
    slsrt_doc *de = slsrt_doc_sqs_sns_envelope(d, n);
    if (!te != !de)
        abort();
    if (te)
        same(slsrt_sns_topic_arn(te), slsrt_doc_sns_topic_arn(de, slsrt_doc_root(de)));
    json_decref(te);
    slsrt_doc_free(de);
    for (int s = SLSRT_SOURCE_UNKNOWN; s <= SLSRT_SOURCE_CLOUDFORMATION; s++) {
        const char *wa = NULL, *wb = NULL;
        slsrt_event_source src = (slsrt_event_source)s;
        if (slsrt_record_check(src, r, &wa) != slsrt_doc_record_check(d, src, n, &wb))
            abort();
        same(wa, wb);
        same(slsrt_record_id(src, r), slsrt_doc_record_id(d, src, n));
    }
}

static void read_in_place(const uint8_t *data, size_t size, const json_t *event)
{
    slsrt_doc *doc = slsrt_doc_parse((const char *)data, size, NULL);
    if (!doc) { /* jansson's quirks ("2\0" read as 2): the tree as text, as slsrt_invocation_doc does */
        char *text = json_dumps(event, JSON_COMPACT | JSON_ENCODE_ANY);
        doc = slsrt_doc_parse(text, strlen(text), NULL);
        free(text);
    }
    if (!doc || slsrt_doc_event_source(doc) != slsrt_event_detect(event) ||
        slsrt_doc_record_count(doc) != slsrt_event_record_count(event))
        abort();
    slsrt_doc_node n = slsrt_doc_record_first(doc);
    for (size_t i = 0; n && i < 64; i++, n = slsrt_doc_next(doc, n))
        twins_agree(slsrt_event_record(event, i), doc, n);
    slsrt_doc_free(doc);
}

/* Unmarshal every object and array in the tree, as items and as values. */
static void unmarshal_all(const json_t *v, int depth)
{
    if (depth > 20)
        return;
    slsrt_status st;
    json_decref(slsrt_ddb_unmarshal_item(v, 0, &st));
    json_decref(slsrt_ddb_unmarshal_value(v, SLSRT_DDB_NUMBERS_AS_STRINGS, &st));
    json_t *plain = slsrt_ddb_unmarshal_item(v, 0, &st);
    json_t *back = plain ? slsrt_ddb_marshal_item(plain) : NULL;
    json_decref(plain), json_decref(back);
    const char *key;
    json_t *child;
    size_t i;
    if (json_is_object(v))
        json_object_foreach((json_t *)v, key, child) unmarshal_all(child, depth + 1);
    else if (json_is_array(v))
        json_array_foreach(v, i, child) unmarshal_all(child, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *event = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!event)
        return 0;
    slsrt_event_source_name(slsrt_event_detect(event));
    size_t n = slsrt_event_record_count(event);
    for (size_t i = 0; i < n && i < 64; i++)
        every_accessor(slsrt_event_record(event, i));
    every_accessor(event);
    read_in_place(data, size, event);
    unmarshal_all(event, 0);
    slsrt_status st;
    json_decref(slsrt_cwlogs_decode(event, &st));
    slsrt_http_request *req = slsrt_http_request_parse(event, &st);
    if (req) { /* every accessor of the HTTP request */
        size_t len;
        slsrt_http_method(req), slsrt_http_path(req), slsrt_http_raw_path(req), slsrt_http_query(req, "a");
        for (size_t i = 0; i < slsrt_http_query_count(req); i++)
            slsrt_http_query_name(req, i), slsrt_http_query_value(req, i);
        for (size_t i = 0; i < slsrt_http_header_count(req); i++)
            slsrt_http_header_name(req, i), slsrt_http_header_value(req, i);
        for (size_t i = 0; i < slsrt_http_cookie_count(req); i++)
            slsrt_http_cookie(req, i);
        slsrt_http_header(req, "Cookie"), slsrt_http_cookie_value(req, "a"), slsrt_http_path_param(req, "id");
        slsrt_http_stage_variable(req, "s"), slsrt_http_source_ip(req), slsrt_http_user_agent(req);
        if (slsrt_http_body(req, &len)[len] != '\0')
            abort();
        slsrt_http_jwt_claims(req), slsrt_http_route_key(req), slsrt_http_connection_id(req);
        slsrt_http_request_free(req);
    }
    json_decref(event);
    return 0;
}
