/* sqs.c - SQS and SNS records, and SNS notifications carried by SQS. */
#include <slsrt/events.h>

#include <string.h>

#include "event_fields.h"
#include "probe.h"
#include "util/json_read.h"

const char *slsrt_sqs_message_id(const json_t *r) { return slsrt__str(r, "messageId"); }
const char *slsrt_sqs_receipt_handle(const json_t *r) { return slsrt__str(r, "receiptHandle"); }
const char *slsrt_sqs_source_arn(const json_t *r) { return slsrt__str(r, "eventSourceARN"); }

const char *slsrt_sqs_body(const json_t *r, size_t *len)
{
    const json_t *body = json_object_get(r, "body");
    if (len)
        *len = json_is_string(body) ? json_string_length(body) : 0;
    return json_string_value(body);
}

const char *slsrt_sqs_attribute(const json_t *r, const char *name)
{
    return name ? slsrt__str2(r, "attributes", name) : NULL;
}

const char *slsrt_sqs_message_attribute(const json_t *r, const char *name)
{
    return name ? slsrt__str(json_object_get(slsrt__obj(r, "messageAttributes"), name), "stringValue") : NULL;
}

const char *slsrt_sqs_group_id(const json_t *r)
{
    return slsrt__str2(r, "attributes", "MessageGroupId");
}

int slsrt__sqs_arn_is_fifo(const char *arn)
{
    size_t n = arn ? strlen(arn) : 0;
    return n > 5 && strcmp(arn + n - 5, ".fifo") == 0;
}

int slsrt_sqs_is_fifo(const json_t *r) { return slsrt__sqs_arn_is_fifo(slsrt_sqs_source_arn(r)); }

/* An SNS notification has these three; the SQS body that carries one is it. */
static int is_notification(const slsrt__probe *p, uintptr_t v)
{
    return slsrt__probe_str(p, v, "TopicArn") && slsrt__probe_str(p, v, "Message") && slsrt__probe_str(p, v, "Type");
}

json_t *slsrt_sqs_sns_envelope(const json_t *r)
{
    size_t len;
    const char *body = slsrt_sqs_body(r, &len);
    json_t *doc = body ? slsrt__json_read(body, len, 0, NULL) : NULL;
    if (doc && is_notification(&slsrt__tree_probe, (uintptr_t)doc))
        return doc;
    json_decref(doc);
    return NULL;
}

/* An SNS record holds the notification under "Sns"; a notification is itself. */
static const json_t *notification(const json_t *r)
{
    const json_t *sns = slsrt__obj(r, "Sns");
    return sns ? sns : r;
}

const char *slsrt_sns_message(const json_t *r) { return slsrt__str(notification(r), "Message"); }
const char *slsrt_sns_subject(const json_t *r) { return slsrt__str(notification(r), "Subject"); }
const char *slsrt_sns_message_id(const json_t *r) { return slsrt__str(notification(r), "MessageId"); }
const char *slsrt_sns_topic_arn(const json_t *r) { return slsrt__str(notification(r), "TopicArn"); }
const char *slsrt_sns_timestamp(const json_t *r) { return slsrt__str(notification(r), "Timestamp"); }

const char *slsrt_sns_message_attribute(const json_t *r, const char *name)
{
    return name ? slsrt__str2(slsrt__obj(notification(r), "MessageAttributes"), name, "Value") : NULL;
}

/* ---- the same, read in place ---- */

typedef const slsrt_doc doc_t;
typedef slsrt_doc_node node_t;

const char *slsrt_doc_sqs_message_id(doc_t *d, node_t r) { return slsrt__dstr(d, r, "messageId"); }
const char *slsrt_doc_sqs_receipt_handle(doc_t *d, node_t r) { return slsrt__dstr(d, r, "receiptHandle"); }
const char *slsrt_doc_sqs_source_arn(doc_t *d, node_t r) { return slsrt__dstr(d, r, "eventSourceARN"); }

const char *slsrt_doc_sqs_body(doc_t *d, node_t r, size_t *len)
{
    const char *body = slsrt_doc_string(d, slsrt_doc_get(d, r, "body"), len);
    if (!body && len)
        *len = 0;
    return body;
}

const char *slsrt_doc_sqs_attribute(doc_t *d, node_t r, const char *name)
{
    return name ? slsrt__dstr2(d, r, "attributes", name) : NULL;
}

const char *slsrt_doc_sqs_message_attribute(doc_t *d, node_t r, const char *name)
{
    return name ? slsrt__dstr(d, slsrt_doc_get(d, slsrt__dobj(d, r, "messageAttributes"), name), "stringValue") : NULL;
}

const char *slsrt_doc_sqs_group_id(doc_t *d, node_t r) { return slsrt__dstr2(d, r, "attributes", "MessageGroupId"); }
int slsrt_doc_sqs_is_fifo(doc_t *d, node_t r) { return slsrt__sqs_arn_is_fifo(slsrt_doc_sqs_source_arn(d, r)); }

slsrt_doc *slsrt_doc_sqs_sns_envelope(doc_t *d, node_t r)
{
    size_t len;
    const char *body = slsrt_doc_sqs_body(d, r, &len);
    slsrt_doc *env = body ? slsrt_doc_parse(body, len, NULL) : NULL;
    slsrt__probe p = slsrt__doc_probe(env);
    if (env && is_notification(&p, slsrt_doc_root(env)))
        return env;
    slsrt_doc_free(env);
    return NULL;
}

static node_t doc_notification(doc_t *d, node_t r)
{
    node_t sns = slsrt__dobj(d, r, "Sns");
    return sns ? sns : r;
}

const char *slsrt_doc_sns_message(doc_t *d, node_t r) { return slsrt__dstr(d, doc_notification(d, r), "Message"); }
const char *slsrt_doc_sns_subject(doc_t *d, node_t r) { return slsrt__dstr(d, doc_notification(d, r), "Subject"); }
const char *slsrt_doc_sns_message_id(doc_t *d, node_t r) { return slsrt__dstr(d, doc_notification(d, r), "MessageId"); }
const char *slsrt_doc_sns_topic_arn(doc_t *d, node_t r) { return slsrt__dstr(d, doc_notification(d, r), "TopicArn"); }
const char *slsrt_doc_sns_timestamp(doc_t *d, node_t r) { return slsrt__dstr(d, doc_notification(d, r), "Timestamp"); }

const char *slsrt_doc_sns_message_attribute(doc_t *d, node_t r, const char *name)
{
    return name ? slsrt__dstr2(d, slsrt__dobj(d, doc_notification(d, r), "MessageAttributes"), name, "Value") : NULL;
}
