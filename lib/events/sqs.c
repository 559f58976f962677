/* sqs.c - SQS and SNS records, and SNS notifications carried by SQS. */
#include <slsrt/events.h>

#include <string.h>

#include "event_fields.h"
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

int slsrt_sqs_is_fifo(const json_t *r)
{
    const char *arn = slsrt_sqs_source_arn(r);
    size_t n = arn ? strlen(arn) : 0;
    return n > 5 && strcmp(arn + n - 5, ".fifo") == 0;
}

json_t *slsrt_sqs_sns_envelope(const json_t *r)
{
    size_t len;
    const char *body = slsrt_sqs_body(r, &len);
    json_t *doc = body ? slsrt__json_read(body, len, 0, NULL) : NULL;
    if (doc && slsrt__str(doc, "TopicArn") && slsrt__str(doc, "Message") && slsrt__str(doc, "Type"))
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
