/*
 * ddb-stream - a DynamoDB Streams listener: logs each change with its keys
 * and images as plain JSON, and fails (for a retry) any record whose new
 * image lacks a "status" attribute.
 */
#include <slsrt/slsrt.h>
#include <string.h>

static int on_change(slsrt_invocation *inv, slsrt_event_source source, const json_t *record, void *user_data)
{
    (void)inv, (void)source, (void)user_data;
    const char *name = slsrt_ddb_event_name(record);
    json_t *keys = slsrt_ddb_keys(record), *image = slsrt_ddb_new_image(record);
    int ok = strcmp(name, "REMOVE") == 0 || json_is_string(json_object_get(image, "status"));
    json_t *fields = json_pack("{s:s, s:O?, s:O?}", "change", name, "keys", keys, "newImage", image);
    slsrt_log_fields(ok ? SLSRT_LOG_INFO : SLSRT_LOG_WARN, fields, ok ? "change applied" : "change without status");
    json_decref(fields);
    json_decref(keys);
    json_decref(image);
    return ok ? 0 : -1;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    return slsrt_batch_process(inv, res, on_change, NULL);
}

SLSRT_MAIN(handler)
