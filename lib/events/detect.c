/* detect.c - which source sent an event, its records, and their checks. */
#include <slsrt/events.h>

#include <stdint.h>
#include <string.h>

#include "probe.h"

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

typedef slsrt__probe probe;

static const char *str_of(const probe *p, uintptr_t v, const char *key) { return slsrt__probe_str(p, v, key); }
static uintptr_t obj_of(const probe *p, uintptr_t v, const char *key) { return slsrt__probe_obj(p, v, key); }

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

slsrt_event_source slsrt__detect(const probe *p, uintptr_t event)
{
    if (p->type(p, event) != SLSRT_DOC_OBJECT)
        return SLSRT_SOURCE_UNKNOWN;
    if (array_at(p, event, "Records")) {
        uintptr_t first = p->at(p, p->get(p, event, "Records"), 0, 0);
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

slsrt_event_source slsrt_event_detect(const json_t *event)
{
    return slsrt__detect(&slsrt__tree_probe, (uintptr_t)event);
}

slsrt_event_source slsrt_doc_event_source(const slsrt_doc *doc)
{
    slsrt__probe in_place = slsrt__doc_probe(doc);
    return slsrt__detect(&in_place, slsrt_doc_root(doc));
}

size_t slsrt__records(const probe *p, uintptr_t event, uintptr_t *array)
{
    uintptr_t a = p->get(p, event, "Records");
    if (p->type(p, a) != SLSRT_DOC_ARRAY)
        a = p->get(p, event, "records");
    *array = p->type(p, a) == SLSRT_DOC_ARRAY ? a : 0;
    return *array ? p->count(p, *array) : p->type(p, event) == SLSRT_DOC_OBJECT;
}

uintptr_t slsrt__record_at(const probe *p, uintptr_t event, uintptr_t array, size_t i, uintptr_t prev)
{
    if (array)
        return p->at(p, array, i, prev);
    return i == 0 && p->type(p, event) == SLSRT_DOC_OBJECT ? event : 0;
}

size_t slsrt_event_record_count(const json_t *event)
{
    uintptr_t a;
    return slsrt__records(&slsrt__tree_probe, (uintptr_t)event, &a);
}

const json_t *slsrt_event_record(const json_t *event, size_t index)
{
    uintptr_t a;
    slsrt__records(&slsrt__tree_probe, (uintptr_t)event, &a);
    return (const json_t *)slsrt__record_at(&slsrt__tree_probe, (uintptr_t)event, a, index, 0);
}

size_t slsrt_doc_record_count(const slsrt_doc *doc)
{
    uintptr_t a;
    slsrt__probe p = slsrt__doc_probe(doc);
    return slsrt__records(&p, slsrt_doc_root(doc), &a);
}

slsrt_doc_node slsrt_doc_record_first(const slsrt_doc *doc)
{
    uintptr_t a;
    slsrt__probe p = slsrt__doc_probe(doc);
    slsrt__records(&p, slsrt_doc_root(doc), &a);
    return (slsrt_doc_node)slsrt__record_at(&p, slsrt_doc_root(doc), a, 0, 0);
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

slsrt_status slsrt__record_check(const probe *p, slsrt_event_source source, uintptr_t record, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    if (p->type(p, record) != SLSRT_DOC_OBJECT) {
        *why = "the record is not a JSON object";
        return SLSRT_EINVAL;
    }
    for (const struct need *n = needs(source); n && n->a; n++) {
        uintptr_t v = p->get(p, record, n->a);
        if (n->b)
            v = p->get(p, v, n->b);
        if (n->c)
            v = p->get(p, v, n->c);
        if (p->type(p, v) != (n->object ? SLSRT_DOC_OBJECT : SLSRT_DOC_STRING)) {
            *why = n->why;
            return SLSRT_EINVAL;
        }
    }
    return SLSRT_OK;
}

const char *slsrt__record_id(const probe *p, slsrt_event_source source, uintptr_t record)
{
    switch (source) {
    case SLSRT_SOURCE_SQS: return str_of(p, record, "messageId");
    case SLSRT_SOURCE_KINESIS: return str_of(p, p->get(p, record, "kinesis"), "sequenceNumber");
    case SLSRT_SOURCE_DYNAMODB: return str_of(p, p->get(p, record, "dynamodb"), "SequenceNumber");
    case SLSRT_SOURCE_SNS: return str_of(p, p->get(p, record, "Sns"), "MessageId");
    case SLSRT_SOURCE_EVENTBRIDGE:
    case SLSRT_SOURCE_SCHEDULE: return str_of(p, record, "id");
    case SLSRT_SOURCE_S3: return str_of(p, obj_of(p, obj_of(p, record, "s3"), "object"), "key");
    case SLSRT_SOURCE_KINESIS_FIREHOSE: return str_of(p, record, "recordId");
    case SLSRT_SOURCE_SES: return str_of(p, p->get(p, obj_of(p, record, "ses"), "mail"), "messageId");
    default: return NULL;
    }
}

slsrt_status slsrt_record_check(slsrt_event_source source, const json_t *record, const char **why)
{
    return slsrt__record_check(&slsrt__tree_probe, source, (uintptr_t)record, why);
}

const char *slsrt_record_id(slsrt_event_source source, const json_t *record)
{
    return slsrt__record_id(&slsrt__tree_probe, source, (uintptr_t)record);
}

slsrt_status slsrt_doc_record_check(const slsrt_doc *doc, slsrt_event_source source, slsrt_doc_node record,
                                    const char **why)
{
    slsrt__probe p = slsrt__doc_probe(doc);
    return slsrt__record_check(&p, source, record, why);
}

const char *slsrt_doc_record_id(const slsrt_doc *doc, slsrt_event_source source, slsrt_doc_node record)
{
    slsrt__probe p = slsrt__doc_probe(doc);
    return slsrt__record_id(&p, source, record);
}
