/*
 * fuzz_events.c - the event parsers: detection, every accessor of every
 * source on every record, DynamoDB unmarshal, S3 keys, Kinesis data,
 * CloudWatch Logs, Cognito replies.
 */
#include <stdint.h>
#include <stdlib.h>

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
