/*
 * event-summary - answers any event with {"source", "records", "ids"}: the
 * detected source, the record count and each record's identifier (message
 * id, sequence number, event id, decoded S3 key, ...), using the typed
 * parsers.  A record without an identifier shows as null.  A CloudWatch
 * Logs subscription event is decoded (base64, gzip, JSON): its records are
 * the log events, their ids the log events' ids.
 */
#include <slsrt/slsrt.h>

static json_t *record_id(slsrt_event_source source, const json_t *record)
{
    if (source == SLSRT_SOURCE_S3) {
        char key[1100];
        return slsrt_s3_key(record, key, sizeof key, NULL) == SLSRT_OK ? json_string(key) : json_null();
    }
    if (source == SLSRT_SOURCE_COGNITO)
        return json_string(slsrt_cognito_user_name(record) ? slsrt_cognito_user_name(record) : "");
    const char *id = slsrt_record_id(source, record);
    return id ? json_string(id) : json_null();
}

static int log_events(json_t *event, slsrt_response *res)
{
    slsrt_status status;
    json_t *data = slsrt_cwlogs_decode(event, &status);
    if (!data)
        return slsrt_response_fail(res, "Function.BadEvent", "awslogs.data cannot be decoded: %s",
                                   slsrt_strerror(status));
    json_t *ids = json_array(), *e;
    size_t i;
    json_array_foreach(json_object_get(data, "logEvents"), i, e)
        json_array_append(ids, json_object_get(e, "id"));
    json_decref(data);
    return slsrt_response_set_json(res, json_pack("{s:s, s:i, s:o}", "source", "cloudwatch-logs", "records",
                                                  (int)json_array_size(ids), "ids", ids));
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    if (!event)
        return SLSRT_EJSON;
    slsrt_event_source source = slsrt_event_detect(event);
    if (source == SLSRT_SOURCE_CLOUDWATCH_LOGS)
        return log_events(event, res);
    size_t n = source == SLSRT_SOURCE_UNKNOWN ? 0 : slsrt_event_record_count(event);
    json_t *ids = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(ids, record_id(source, slsrt_event_record(event, i)));
    return slsrt_response_set_json(res, json_pack("{s:s, s:i, s:o}", "source", slsrt_event_source_name(source),
                                                  "records", (int)n, "ids", ids));
}

SLSRT_MAIN(handler)
