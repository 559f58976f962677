/*
 * slsrt/events.h - the event sources: detection, typed records, partial
 * batch responses.
 *
 * Records are the event's own JSON objects: the accessors read them in place
 * and allocate nothing (except where a function says "new").  Every string
 * returned is borrowed from the event and lives as long as it does (for the
 * invocation's event: until the handler returns).  An accessor returns NULL
 * (or -1 for numbers) when its field is missing or has the wrong type;
 * slsrt_record_check() says which and why, for a clear per-record error.
 * The raw JSON is always there for fields slsrt does not model.
 */
#ifndef SLSRT_EVENTS_H
#define SLSRT_EVENTS_H

#include <jansson.h>
#include <slsrt/common.h>
#include <slsrt/doc.h>
#include <slsrt/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/* New sources are only ever added at the end. */
typedef enum slsrt_event_source {
    SLSRT_SOURCE_UNKNOWN = 0,
    SLSRT_SOURCE_SQS,
    SLSRT_SOURCE_SNS,
    SLSRT_SOURCE_EVENTBRIDGE,
    SLSRT_SOURCE_SCHEDULE,        /* EventBridge "Scheduled Event" */
    SLSRT_SOURCE_DYNAMODB,        /* DynamoDB Streams */
    SLSRT_SOURCE_S3,
    SLSRT_SOURCE_KINESIS,
    SLSRT_SOURCE_CLOUDWATCH_LOGS, /* a subscription filter's awslogs.data */
    SLSRT_SOURCE_COGNITO,         /* a user-pool trigger */
    SLSRT_SOURCE_APIGW_V1,        /* API Gateway REST API (payload 1.0) */
    SLSRT_SOURCE_APIGW_V2,        /* API Gateway HTTP API (payload 2.0) */
    SLSRT_SOURCE_ALB,
    SLSRT_SOURCE_FUNCTION_URL,
    SLSRT_SOURCE_WEBSOCKET,       /* API Gateway WebSocket routes */
    SLSRT_SOURCE_KINESIS_FIREHOSE,
    SLSRT_SOURCE_SES,
    SLSRT_SOURCE_CLOUDFORMATION   /* a custom resource request */
} slsrt_event_source;

/* Which source sent this event, from its shape; SLSRT_SOURCE_UNKNOWN otherwise. */
SLSRT_API slsrt_event_source slsrt_event_detect(const json_t *event);
/* The same, for an event read in place (slsrt/doc.h: no Jansson tree), by
 * the same rules: slsrt_doc_event_source(slsrt_invocation_doc(inv, NULL)). */
SLSRT_API slsrt_event_source slsrt_doc_event_source(const slsrt_doc *doc);
/* "sqs", "sns", "eventbridge", "schedule", "dynamodb", "s3", "kinesis",
 * "cloudwatch-logs", "cognito", "apigw-v1", "apigw-v2", "alb",
 * "function-url", "websocket", "firehose", "ses", "cloudformation" or
 * "unknown".  Static. */
SLSRT_API const char *slsrt_event_source_name(slsrt_event_source source);

/*
 * Records: the elements of "Records" (Firehose: "records"), or the event
 * itself for single-record sources (EventBridge, schedules, Cognito,
 * CloudWatch Logs, HTTP sources).  Borrowed; NULL past the end.
 */
SLSRT_API size_t slsrt_event_record_count(const json_t *event);
SLSRT_API const json_t *slsrt_event_record(const json_t *event, size_t index);
/*
 * Does the record have what the source's accessors need, with the right
 * types?  SLSRT_OK, or SLSRT_EINVAL with *why (may be NULL) set to a static
 * message such as "messageId is missing or not a string".
 */
SLSRT_API slsrt_status slsrt_record_check(slsrt_event_source source, const json_t *record, const char **why);
/*
 * The record's identifier: SQS messageId, Kinesis sequence number, DynamoDB
 * Streams sequence number (the batch item identifiers), SNS MessageId,
 * EventBridge id, S3 object key (as sent, URL-encoded).  NULL when absent.
 */
SLSRT_API const char *slsrt_record_id(slsrt_event_source source, const json_t *record);

/* ---- SQS --------------------------------------------------------------- */

SLSRT_API const char *slsrt_sqs_message_id(const json_t *record);
SLSRT_API const char *slsrt_sqs_receipt_handle(const json_t *record);
/* The body; *len (may be NULL) gets its length. */
SLSRT_API const char *slsrt_sqs_body(const json_t *record, size_t *len);
SLSRT_API const char *slsrt_sqs_source_arn(const json_t *record);
/* A system attribute: "ApproximateReceiveCount", "SentTimestamp", ... */
SLSRT_API const char *slsrt_sqs_attribute(const json_t *record, const char *name);
/* A message attribute's stringValue (String and Number types). */
SLSRT_API const char *slsrt_sqs_message_attribute(const json_t *record, const char *name);
/* MessageGroupId of a FIFO message; NULL for standard queues. */
SLSRT_API const char *slsrt_sqs_group_id(const json_t *record);
/* 1 when the record comes from a FIFO queue (its ARN ends in ".fifo"). */
SLSRT_API int slsrt_sqs_is_fifo(const json_t *record);
/*
 * An SNS notification delivered through SQS: the body parsed, for the
 * slsrt_sns_* accessors.  New reference (json_decref it); NULL when the
 * body is not an SNS notification.
 */
SLSRT_API json_t *slsrt_sqs_sns_envelope(const json_t *record);

/* ---- SNS (a record, or a notification object) ---------------------------- */

SLSRT_API const char *slsrt_sns_message(const json_t *record);
SLSRT_API const char *slsrt_sns_subject(const json_t *record);
SLSRT_API const char *slsrt_sns_message_id(const json_t *record);
SLSRT_API const char *slsrt_sns_topic_arn(const json_t *record);
SLSRT_API const char *slsrt_sns_timestamp(const json_t *record);
/* MessageAttributes.<name>.Value */
SLSRT_API const char *slsrt_sns_message_attribute(const json_t *record, const char *name);

/* ---- EventBridge and schedules ------------------------------------------ */

SLSRT_API const char *slsrt_eventbridge_id(const json_t *event);
SLSRT_API const char *slsrt_eventbridge_source(const json_t *event);
SLSRT_API const char *slsrt_eventbridge_detail_type(const json_t *event);
SLSRT_API const char *slsrt_eventbridge_time(const json_t *event);
SLSRT_API const char *slsrt_eventbridge_account(const json_t *event);
SLSRT_API const char *slsrt_eventbridge_region(const json_t *event);
/* Borrowed: detail (any JSON) and resources (an array of ARNs). */
SLSRT_API const json_t *slsrt_eventbridge_detail(const json_t *event);
SLSRT_API const json_t *slsrt_eventbridge_resources(const json_t *event);

/* ---- DynamoDB Streams ---------------------------------------------------- */

SLSRT_API const char *slsrt_ddb_event_name(const json_t *record); /* INSERT, MODIFY, REMOVE */
SLSRT_API const char *slsrt_ddb_event_id(const json_t *record);
SLSRT_API const char *slsrt_ddb_sequence_number(const json_t *record);
/* Keys, NewImage, OldImage as plain JSON (new reference); NULL when absent or malformed. */
SLSRT_API json_t *slsrt_ddb_keys(const json_t *record);
SLSRT_API json_t *slsrt_ddb_new_image(const json_t *record);
SLSRT_API json_t *slsrt_ddb_old_image(const json_t *record);

/* Keep every number as a string, exactly as DynamoDB sent it. */
#define SLSRT_DDB_NUMBERS_AS_STRINGS 0x1
/*
 * DynamoDB attribute values to plain JSON, as the SDKs' unmarshal helpers
 * do: S string, N number (as a string when a JSON number would not keep it
 * exactly, e.g. 38-digit integers, or with SLSRT_DDB_NUMBERS_AS_STRINGS),
 * BOOL, NULL, M object, L array, SS/NS/BS arrays, B and BS as their base64
 * text.  _item takes a map of attribute values ({"id": {"S": "1"}}), _value
 * one attribute value ({"S": "1"}).  New reference; NULL with *status
 * SLSRT_EINVAL (an unknown or mistyped attribute value) or SLSRT_ENOMEM.
 */
SLSRT_API json_t *slsrt_ddb_unmarshal_item(const json_t *item, int flags, slsrt_status *status);
SLSRT_API json_t *slsrt_ddb_unmarshal_value(const json_t *value, int flags, slsrt_status *status);
/*
 * Plain JSON to attribute values, for writing items: strings S, numbers N,
 * booleans BOOL, null NULL, objects M, arrays L.  New reference or NULL.
 */
SLSRT_API json_t *slsrt_ddb_marshal_item(const json_t *plain);

/* ---- S3 ------------------------------------------------------------------ */

SLSRT_API const char *slsrt_s3_bucket(const json_t *record);
SLSRT_API const char *slsrt_s3_event_name(const json_t *record);
SLSRT_API const char *slsrt_s3_event_time(const json_t *record);
/* The object key as sent: URL-encoded, '+' for space. */
SLSRT_API const char *slsrt_s3_key_raw(const json_t *record);
/*
 * The object key decoded into buf (NUL-terminated); *len (may be NULL) gets
 * its length.  SLSRT_ETOOBIG when size is too small (*len says how much is
 * needed), SLSRT_EINVAL when the key is absent or badly encoded.
 */
SLSRT_API slsrt_status slsrt_s3_key(const json_t *record, char *buf, size_t size, size_t *len);
SLSRT_API int64_t slsrt_s3_size(const json_t *record); /* -1 when absent */
SLSRT_API const char *slsrt_s3_etag(const json_t *record);
SLSRT_API const char *slsrt_s3_version_id(const json_t *record);

/* ---- Kinesis ------------------------------------------------------------- */

SLSRT_API const char *slsrt_kinesis_partition_key(const json_t *record);
SLSRT_API const char *slsrt_kinesis_sequence_number(const json_t *record);
SLSRT_API const char *slsrt_kinesis_event_id(const json_t *record);
/* approximateArrivalTimestamp in epoch seconds; -1 when absent. */
SLSRT_API double slsrt_kinesis_arrival_time(const json_t *record);
/*
 * The data, base64-decoded into buf; *len gets its length.  SLSRT_ETOOBIG
 * when size is too small (*len says how much is needed), SLSRT_EINVAL when
 * absent or not base64.
 */
SLSRT_API slsrt_status slsrt_kinesis_data(const json_t *record, void *buf, size_t size, size_t *len);

/* ---- CloudWatch Logs subscriptions --------------------------------------- */

/*
 * awslogs.data decoded (base64, then gzip): {"messageType", "owner",
 * "logGroup", "logStream", "subscriptionFilters", "logEvents": [{"id",
 * "timestamp", "message"}]}.  New reference; NULL with *status (may be NULL)
 * SLSRT_EINVAL (not such an event, bad base64, gzip or JSON), SLSRT_ETOOBIG
 * (over 16 MiB inflated) or SLSRT_ENOMEM.
 */
SLSRT_API json_t *slsrt_cwlogs_decode(const json_t *event, slsrt_status *status);

/* ---- Cognito user-pool triggers ------------------------------------------ */

SLSRT_API const char *slsrt_cognito_trigger_source(const json_t *event);
SLSRT_API const char *slsrt_cognito_user_pool_id(const json_t *event);
SLSRT_API const char *slsrt_cognito_user_name(const json_t *event);
/* Borrowed: the trigger's request object. */
SLSRT_API const json_t *slsrt_cognito_request(const json_t *event);
/*
 * What a trigger answers: the event echoed with the members of `response`
 * (steals; NULL for none) set in its "response" object.  New reference;
 * NULL when event is not an object or out of memory.
 */
SLSRT_API json_t *slsrt_cognito_reply(const json_t *event, json_t *response);

/* ---- Partial batch responses ---------------------------------------------- */

/* Handle one record: 0 for success, anything else to report it failed. */
typedef int (*slsrt_record_fn)(slsrt_invocation *inv, slsrt_event_source source, const json_t *record,
                               void *user_data);

/*
 * Process the invocation's SQS, Kinesis or DynamoDB Streams batch one record
 * at a time and answer {"batchItemFailures": [{"itemIdentifier": ...}]} with
 * each failed record's identifier (the event source mapping must have
 * ReportBatchItemFailures on).  A record that fails slsrt_record_check() is
 * logged and reported without calling fn.  For a FIFO queue the first
 * failure stops the batch: it and every later record are reported, so the
 * group's order holds.  Returns 0 with the response set; SLSRT_EINVAL (the
 * invocation fails) when the event is not such a batch or a record has no
 * identifier to report, since retrying the whole batch is then the only
 * safe answer.
 */
SLSRT_API int slsrt_batch_process(slsrt_invocation *inv, slsrt_response *res, slsrt_record_fn fn, void *user_data);

/* ---- Records read in place ----------------------------------------------- */

/*
 * The same records and accessors over the event read in place (slsrt/doc.h:
 * slsrt_invocation_doc), with no Jansson tree: a record is a node of the
 * document, and each slsrt_doc_X(doc, record, ...) answers exactly what
 * slsrt_X(record, ...) answers for the same JSON, by the same rules.
 * Strings are borrowed from the document (decoded, NUL-terminated) and live
 * as long as it does; record 0 (none) answers NULL, -1 or SLSRT_EINVAL like
 * a missing field.  Walk the records with slsrt_doc_next:
 *     for (slsrt_doc_node r = slsrt_doc_record_first(doc); r; r = slsrt_doc_next(doc, r))
 * Added in 1.13.0.
 */
SLSRT_API size_t slsrt_doc_record_count(const slsrt_doc *doc);
SLSRT_API slsrt_doc_node slsrt_doc_record_first(const slsrt_doc *doc);
SLSRT_API slsrt_status slsrt_doc_record_check(const slsrt_doc *doc, slsrt_event_source source, slsrt_doc_node record,
                                              const char **why);
SLSRT_API const char *slsrt_doc_record_id(const slsrt_doc *doc, slsrt_event_source source, slsrt_doc_node record);

SLSRT_API const char *slsrt_doc_sqs_message_id(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_sqs_receipt_handle(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_sqs_body(const slsrt_doc *doc, slsrt_doc_node record, size_t *len);
SLSRT_API const char *slsrt_doc_sqs_source_arn(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_sqs_attribute(const slsrt_doc *doc, slsrt_doc_node record, const char *name);
SLSRT_API const char *slsrt_doc_sqs_message_attribute(const slsrt_doc *doc, slsrt_doc_node record, const char *name);
SLSRT_API const char *slsrt_doc_sqs_group_id(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API int slsrt_doc_sqs_is_fifo(const slsrt_doc *doc, slsrt_doc_node record);
/* The body read as an SNS notification: a new document (slsrt_doc_free it)
 * whose root the slsrt_doc_sns_* accessors take; NULL when it is not one. */
SLSRT_API slsrt_doc *slsrt_doc_sqs_sns_envelope(const slsrt_doc *doc, slsrt_doc_node record);

SLSRT_API const char *slsrt_doc_sns_message(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_sns_subject(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_sns_message_id(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_sns_topic_arn(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_sns_timestamp(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_sns_message_attribute(const slsrt_doc *doc, slsrt_doc_node record, const char *name);

SLSRT_API const char *slsrt_doc_ddb_event_name(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_ddb_event_id(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_ddb_sequence_number(const slsrt_doc *doc, slsrt_doc_node record);
/* Plain JSON, new reference: the only trees built, one image at a time. */
SLSRT_API json_t *slsrt_doc_ddb_keys(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API json_t *slsrt_doc_ddb_new_image(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API json_t *slsrt_doc_ddb_old_image(const slsrt_doc *doc, slsrt_doc_node record);

SLSRT_API const char *slsrt_doc_s3_bucket(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_s3_event_name(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_s3_event_time(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_s3_key_raw(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API slsrt_status slsrt_doc_s3_key(const slsrt_doc *doc, slsrt_doc_node record, char *buf, size_t size,
                                        size_t *len);
SLSRT_API int64_t slsrt_doc_s3_size(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_s3_etag(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_s3_version_id(const slsrt_doc *doc, slsrt_doc_node record);

SLSRT_API const char *slsrt_doc_kinesis_partition_key(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_kinesis_sequence_number(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API const char *slsrt_doc_kinesis_event_id(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API double slsrt_doc_kinesis_arrival_time(const slsrt_doc *doc, slsrt_doc_node record);
SLSRT_API slsrt_status slsrt_doc_kinesis_data(const slsrt_doc *doc, slsrt_doc_node record, void *buf, size_t size,
                                              size_t *len);

typedef int (*slsrt_doc_record_fn)(slsrt_invocation *inv, slsrt_event_source source, const slsrt_doc *doc,
                                   slsrt_doc_node record, void *user_data);
/*
 * slsrt_batch_process over the event read in place: the same answer, logs
 * and crash handling, with each record handed over as a node of
 * slsrt_invocation_doc(inv).  No Jansson tree is built for the batch.
 */
SLSRT_API int slsrt_batch_process_doc(slsrt_invocation *inv, slsrt_response *res, slsrt_doc_record_fn fn,
                                      void *user_data);

/* ---- Base64 ---------------------------------------------------------------- */

/*
 * Decode standard base64 (padding optional, no whitespace) into out.
 * *out_len gets the decoded length; SLSRT_ETOOBIG when size is too small
 * (*out_len says how much is needed), SLSRT_EINVAL when not base64.
 */
SLSRT_API slsrt_status slsrt_base64_decode(const char *in, size_t len, void *out, size_t size, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_EVENTS_H */
