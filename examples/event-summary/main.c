/*
 * event-summary - answers any event with {"source", "records", "ids"}: the
 * detected source, the record count and each record's identifier (message
 * id, sequence number, event id, decoded S3 key, ...), using the typed
 * parsers.  A record without an identifier shows as null.
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

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    if (!event)
        return SLSRT_EJSON;
    slsrt_event_source source = slsrt_event_detect(event);
    size_t n = source == SLSRT_SOURCE_UNKNOWN ? 0 : slsrt_event_record_count(event);
    json_t *ids = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(ids, record_id(source, slsrt_event_record(event, i)));
    return slsrt_response_set_json(res, json_pack("{s:s, s:i, s:o}", "source", slsrt_event_source_name(source),
                                                  "records", (int)n, "ids", ids));
}

SLSRT_MAIN(handler)
