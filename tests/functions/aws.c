/*
 * aws.c - a test function that calls AWS the way a user's function does,
 * through slsrt_invocation_aws().  The event names the call:
 *   {"op": "parameter", "name": "/app/table"}
 *   {"op": "secret", "id": "prod/db#password"}
 *   {"op": "get_item" | "put_item", "table": "t", "id": "o-1", "item": {...},
 *    "max_response": n (the client's response cap for this call)}
 *   {"op": "presign", "target": "/bucket/key", "expires": 60}
 *   {"op": "env", "name": "DB_PASSWORD"}
 *   {"op": "loaded"}: whether libcurl and libcrypto are mapped yet
 * and the response says what came back: {"value"} or {"item"}, or
 * {"error", "message", "status"}, with "attempts" for calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slsrt/slsrt.h>

static json_t *error_of(const slsrt_aws_error *e)
{
    return json_pack("{s:s, s:s, s:i}", "error", e->type, "message", e->message, "status", e->status);
}

static json_t *value_or_error(char *value, const slsrt_aws_error *e)
{
    json_t *out = value ? json_pack("{s:s}", "value", value) : error_of(e);
    slsrt_aws_value_free(value);
    return out;
}

static json_t *dynamodb(slsrt_aws *aws, const char *op, json_t *ev)
{
    const char *table = json_string_value(json_object_get(ev, "table"));
    const char *id = json_string_value(json_object_get(ev, "id"));
    json_int_t cap = json_integer_value(json_object_get(ev, "max_response"));
    if (cap)
        slsrt_aws_set_max_response(aws, (size_t)cap);
    json_t *in = !strcmp(op, "get_item")
                     ? json_pack("{s:s, s:{s:{s:s}}}", "TableName", table ? table : "", "Key", "id", "S", id ? id : "")
                     : json_pack("{s:s, s:O}", "TableName", table ? table : "", "Item", json_object_get(ev, "item"));
    slsrt_aws_response *res = slsrt_aws_json(aws, "dynamodb", !strcmp(op, "get_item") ? "DynamoDB_20120810.GetItem"
                                                                                      : "DynamoDB_20120810.PutItem",
                                             in);
    json_decref(in);
    if (cap)
        slsrt_aws_set_max_response(aws, 0);
    json_t *out;
    if (slsrt_aws_response_ok(res)) {
        json_t *item = json_object_get(slsrt_aws_response_json(res), "Item");
        out = json_pack("{s:O*}", "item", item);
    } else {
        out = json_pack("{s:s?, s:s?, s:i}", "error", slsrt_aws_response_error_type(res), "message",
                        slsrt_aws_response_error_message(res), "status", slsrt_aws_response_status(res));
    }
    json_object_set_new(out, "attempts", json_integer(slsrt_aws_response_attempts(res)));
    slsrt_aws_response_free(res);
    return out;
}

static int mapped(const char *lib)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, lib) != NULL;
    if (f)
        fclose(f);
    return found;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *ev = slsrt_invocation_event_json(inv);
    const char *op = json_string_value(json_object_get(ev, "op"));
    if (!op)
        return slsrt_response_fail(res, "Test.BadEvent", "no op");
    slsrt_aws *aws = slsrt_invocation_aws(inv);
    slsrt_aws_error err = {0};
    json_t *out;
    if (!strcmp(op, "parameter")) {
        out = value_or_error(slsrt_aws_parameter(aws, json_string_value(json_object_get(ev, "name")), &err), &err);
    } else if (!strcmp(op, "secret")) {
        out = value_or_error(slsrt_aws_secret(aws, json_string_value(json_object_get(ev, "id")), &err), &err);
    } else if (!strcmp(op, "get_item") || !strcmp(op, "put_item")) {
        out = dynamodb(aws, op, ev);
    } else if (!strcmp(op, "presign")) {
        char *url = slsrt_aws_presign(aws, "GET", "s3", json_string_value(json_object_get(ev, "target")),
                                      (long)json_integer_value(json_object_get(ev, "expires")), &err);
        out = url ? json_pack("{s:s}", "value", url) : error_of(&err);
        free(url);
    } else if (!strcmp(op, "env")) {
        const char *v = getenv(json_string_value(json_object_get(ev, "name")));
        out = json_pack("{s:s?}", "value", v);
    } else if (!strcmp(op, "loaded")) {
        out = json_pack("{s:b, s:b}", "curl", mapped("libcurl"), "crypto", mapped("libcrypto"));
    } else {
        return slsrt_response_fail(res, "Test.BadEvent", "unknown op %s", op);
    }
    return slsrt_response_set_json(res, out);
}

SLSRT_MAIN(handler)
