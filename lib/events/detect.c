/* detect.c - which source sent an event, its records, and their checks. */
#include <slsrt/events.h>

#include <stdint.h>
#include <string.h>

#include "event_fields.h"

static const char *const names[] = {
    "unknown", "sqs", "sns", "eventbridge", "schedule", "dynamodb", "s3", "kinesis", "cloudwatch-logs", "cognito",
    "apigw-v1", "apigw-v2", "alb", "function-url", "websocket", "firehose", "ses", "cloudformation",
};

const char *slsrt_event_source_name(slsrt_event_source source)
{
    return (unsigned)source < sizeof names / sizeof names[0] ? names[source] : "unknown";
}

static slsrt_event_source from_record_source(const char *s)
{
    if (!s)
        return SLSRT_SOURCE_UNKNOWN;
    if (strcmp(s, "aws:sqs") == 0)
        return SLSRT_SOURCE_SQS;
    if (strcmp(s, "aws:sns") == 0)
        return SLSRT_SOURCE_SNS;
    if (strcmp(s, "aws:dynamodb") == 0)
        return SLSRT_SOURCE_DYNAMODB;
    if (strcmp(s, "aws:s3") == 0)
        return SLSRT_SOURCE_S3;
    if (strcmp(s, "aws:kinesis") == 0)
        return SLSRT_SOURCE_KINESIS;
    if (strcmp(s, "aws:ses") == 0)
        return SLSRT_SOURCE_SES;
    return SLSRT_SOURCE_UNKNOWN;
}

/*
 * The rules read an event through a probe, so that one set of them serves
 * the Jansson tree (slsrt_event_detect) and the event read in place
 * (slsrt_doc_event_source, and so the HTTP request).  A value is a json_t
 * pointer or a document node; 0 is none.
 */
typedef struct probe {
    uintptr_t (*get)(const struct probe *p, uintptr_t v, const char *key); /* member, or 0 */
    slsrt_doc_type (*type)(const struct probe *p, uintptr_t v);
    const char *(*str)(const struct probe *p, uintptr_t v); /* a string's text, or NULL */
    uintptr_t (*first)(const struct probe *p, uintptr_t array); /* element 0, or 0 */
    const slsrt_doc *doc;
} probe;

static const char *str_of(const probe *p, uintptr_t v, const char *key) { return p->str(p, p->get(p, v, key)); }

static uintptr_t obj_of(const probe *p, uintptr_t v, const char *key)
{
    uintptr_t m = p->get(p, v, key);
    return p->type(p, m) == SLSRT_DOC_OBJECT ? m : 0;
}

static int array_at(const probe *p, uintptr_t v, const char *key)
{
    return p->type(p, p->get(p, v, key)) == SLSRT_DOC_ARRAY;
}

/* The HTTP sources, told apart by their requestContext. */
static slsrt_event_source http_source(const probe *p, uintptr_t event)
{
    uintptr_t ctx = obj_of(p, event, "requestContext");
    if (!ctx || p->get(p, event, "methodArn") || p->get(p, event, "routeArn"))
        return SLSRT_SOURCE_UNKNOWN; /* authorizer requests are not requests to serve */
    if (p->get(p, ctx, "elb"))
        return SLSRT_SOURCE_ALB;
    if (str_of(p, ctx, "connectionId") && str_of(p, ctx, "eventType"))
        return SLSRT_SOURCE_WEBSOCKET;
    const char *version = str_of(p, event, "version");
    if (version && strcmp(version, "2.0") == 0 && obj_of(p, ctx, "http")) {
        const char *domain = str_of(p, ctx, "domainName");
        return domain && strstr(domain, ".lambda-url.") ? SLSRT_SOURCE_FUNCTION_URL : SLSRT_SOURCE_APIGW_V2;
    }
    if (str_of(p, event, "httpMethod"))
        return SLSRT_SOURCE_APIGW_V1;
    return SLSRT_SOURCE_UNKNOWN;
}

static slsrt_event_source detect(const probe *p, uintptr_t event)
{
    if (p->type(p, event) != SLSRT_DOC_OBJECT)
        return SLSRT_SOURCE_UNKNOWN;
    if (array_at(p, event, "Records")) {
        uintptr_t first = p->first(p, p->get(p, event, "Records"));
        const char *s = str_of(p, first, "eventSource");
        return from_record_source(s ? s : str_of(p, first, "EventSource"));
    }
    if (array_at(p, event, "records") && str_of(p, event, "deliveryStreamArn"))
        return SLSRT_SOURCE_KINESIS_FIREHOSE;
    if (str_of(p, p->get(p, event, "awslogs"), "data"))
        return SLSRT_SOURCE_CLOUDWATCH_LOGS;
    const char *detail_type = str_of(p, event, "detail-type");
    if (detail_type && str_of(p, event, "source") && p->get(p, event, "detail"))
        return strcmp(detail_type, "Scheduled Event") == 0 ? SLSRT_SOURCE_SCHEDULE : SLSRT_SOURCE_EVENTBRIDGE;
    if (str_of(p, event, "triggerSource") && str_of(p, event, "userPoolId"))
        return SLSRT_SOURCE_COGNITO;
    if (str_of(p, event, "RequestType") && str_of(p, event, "ResponseURL") && str_of(p, event, "StackId"))
        return SLSRT_SOURCE_CLOUDFORMATION;
    return http_source(p, event);
}

/* ---- the tree ---- */

static uintptr_t tree_get(const probe *p, uintptr_t v, const char *key)
{
    (void)p;
    return (uintptr_t)json_object_get((const json_t *)v, key);
}

static slsrt_doc_type tree_type(const probe *p, uintptr_t v)
{
    (void)p;
    if (!v)
        return SLSRT_DOC_NONE;
    switch (json_typeof((const json_t *)v)) {
    case JSON_OBJECT: return SLSRT_DOC_OBJECT;
    case JSON_ARRAY: return SLSRT_DOC_ARRAY;
    case JSON_STRING: return SLSRT_DOC_STRING;
    case JSON_INTEGER: return SLSRT_DOC_INTEGER;
    case JSON_REAL: return SLSRT_DOC_REAL;
    case JSON_TRUE: return SLSRT_DOC_TRUE;
    case JSON_FALSE: return SLSRT_DOC_FALSE;
    default: return SLSRT_DOC_NULL;
    }
}

static const char *tree_str(const probe *p, uintptr_t v)
{
    (void)p;
    return json_string_value((const json_t *)v);
}

static uintptr_t tree_first(const probe *p, uintptr_t a)
{
    (void)p;
    return (uintptr_t)json_array_get((const json_t *)a, 0);
}

slsrt_event_source slsrt_event_detect(const json_t *event)
{
    static const probe tree = {tree_get, tree_type, tree_str, tree_first, NULL};
    return detect(&tree, (uintptr_t)event);
}

/* ---- the document ---- */

static uintptr_t doc_get(const probe *p, uintptr_t v, const char *key)
{
    return slsrt_doc_get(p->doc, (slsrt_doc_node)v, key);
}

static slsrt_doc_type doc_type(const probe *p, uintptr_t v) { return slsrt_doc_type_of(p->doc, (slsrt_doc_node)v); }
static const char *doc_str(const probe *p, uintptr_t v) { return slsrt_doc_string(p->doc, (slsrt_doc_node)v, NULL); }
static uintptr_t doc_first(const probe *p, uintptr_t a) { return slsrt_doc_first(p->doc, (slsrt_doc_node)a); }

slsrt_event_source slsrt_doc_event_source(const slsrt_doc *doc)
{
    probe in_place = {doc_get, doc_type, doc_str, doc_first, doc};
    return detect(&in_place, slsrt_doc_root(doc));
}

static const json_t *record_array(const json_t *event)
{
    const json_t *a = json_object_get(event, "Records");
    if (!json_is_array(a))
        a = json_object_get(event, "records");
    return json_is_array(a) ? a : NULL;
}

size_t slsrt_event_record_count(const json_t *event)
{
    const json_t *a = record_array(event);
    return a ? json_array_size(a) : json_is_object(event) ? 1 : 0;
}

const json_t *slsrt_event_record(const json_t *event, size_t index)
{
    const json_t *a = record_array(event);
    if (a)
        return json_array_get(a, index);
    return index == 0 && json_is_object(event) ? event : NULL;
}

/* What each source's accessors rely on: "path" of a string (or object with '{'). */
struct need {
    const char *a, *b, *c; /* up to three levels */
    int object;           /* the last member must be an object, not a string */
    const char *why;
};

static const struct need sqs[] = {
    {"messageId", NULL, NULL, 0, "messageId is missing or not a string"},
    {"receiptHandle", NULL, NULL, 0, "receiptHandle is missing or not a string"},
    {"body", NULL, NULL, 0, "body is missing or not a string"},
    {NULL, NULL, NULL, 0, NULL}};
static const struct need sns[] = {
    {"Sns", NULL, NULL, 1, "Sns is missing or not an object"},
    {"Sns", "MessageId", NULL, 0, "Sns.MessageId is missing or not a string"},
    {"Sns", "Message", NULL, 0, "Sns.Message is missing or not a string"},
    {NULL, NULL, NULL, 0, NULL}};
static const struct need eventbridge[] = {
    {"source", NULL, NULL, 0, "source is missing or not a string"},
    {"detail-type", NULL, NULL, 0, "detail-type is missing or not a string"},
    {"id", NULL, NULL, 0, "id is missing or not a string"},
    {NULL, NULL, NULL, 0, NULL}};
static const struct need dynamodb[] = {
    {"eventName", NULL, NULL, 0, "eventName is missing or not a string"},
    {"dynamodb", NULL, NULL, 1, "dynamodb is missing or not an object"},
    {NULL, NULL, NULL, 0, NULL}};
static const struct need s3[] = {
    {"s3", "bucket", "name", 0, "s3.bucket.name is missing or not a string"},
    {"s3", "object", "key", 0, "s3.object.key is missing or not a string"},
    {NULL, NULL, NULL, 0, NULL}};
static const struct need kinesis[] = {
    {"kinesis", "sequenceNumber", NULL, 0, "kinesis.sequenceNumber is missing or not a string"},
    {"kinesis", "data", NULL, 0, "kinesis.data is missing or not a string"},
    {NULL, NULL, NULL, 0, NULL}};
static const struct need cwlogs[] = {
    {"awslogs", "data", NULL, 0, "awslogs.data is missing or not a string"},
    {NULL, NULL, NULL, 0, NULL}};
static const struct need cognito[] = {
    {"triggerSource", NULL, NULL, 0, "triggerSource is missing or not a string"},
    {"userPoolId", NULL, NULL, 0, "userPoolId is missing or not a string"},
    {"request", NULL, NULL, 1, "request is missing or not an object"},
    {NULL, NULL, NULL, 0, NULL}};

static const struct need *needs(slsrt_event_source source)
{
    switch (source) {
    case SLSRT_SOURCE_SQS: return sqs;
    case SLSRT_SOURCE_SNS: return sns;
    case SLSRT_SOURCE_EVENTBRIDGE:
    case SLSRT_SOURCE_SCHEDULE: return eventbridge;
    case SLSRT_SOURCE_DYNAMODB: return dynamodb;
    case SLSRT_SOURCE_S3: return s3;
    case SLSRT_SOURCE_KINESIS: return kinesis;
    case SLSRT_SOURCE_CLOUDWATCH_LOGS: return cwlogs;
    case SLSRT_SOURCE_COGNITO: return cognito;
    default: return NULL;
    }
}

slsrt_status slsrt_record_check(slsrt_event_source source, const json_t *record, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    if (!json_is_object(record)) {
        *why = "the record is not a JSON object";
        return SLSRT_EINVAL;
    }
    for (const struct need *n = needs(source); n && n->a; n++) {
        const json_t *v = json_object_get(record, n->a);
        if (n->b)
            v = json_object_get(v, n->b);
        if (n->c)
            v = json_object_get(v, n->c);
        if (n->object ? !json_is_object(v) : !json_is_string(v)) {
            *why = n->why;
            return SLSRT_EINVAL;
        }
    }
    return SLSRT_OK;
}

const char *slsrt_record_id(slsrt_event_source source, const json_t *record)
{
    switch (source) {
    case SLSRT_SOURCE_SQS: return slsrt__str(record, "messageId");
    case SLSRT_SOURCE_KINESIS: return slsrt__str2(record, "kinesis", "sequenceNumber");
    case SLSRT_SOURCE_DYNAMODB: return slsrt__str2(record, "dynamodb", "SequenceNumber");
    case SLSRT_SOURCE_SNS: return slsrt__str2(record, "Sns", "MessageId");
    case SLSRT_SOURCE_EVENTBRIDGE:
    case SLSRT_SOURCE_SCHEDULE: return slsrt__str(record, "id");
    case SLSRT_SOURCE_S3: return json_string_value(json_object_get(slsrt__obj(slsrt__obj(record, "s3"), "object"), "key"));
    case SLSRT_SOURCE_KINESIS_FIREHOSE: return slsrt__str(record, "recordId");
    case SLSRT_SOURCE_SES: return slsrt__str2(slsrt__obj(record, "ses"), "mail", "messageId");
    default: return NULL;
    }
}
