/*
 * store.c - idempotency records in DynamoDB through the signed client: a
 * conditional PutItem takes a key (free, expired, or an in-progress lock
 * whose holder ran out of time), a PutItem stores the result, a DeleteItem
 * gives a failed key back.  The attributes are Powertools': id,
 * expiration, in_progress_expiration, status, data, validation.
 */
#include "idempotency_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void slsrt__idem_record_clear(slsrt__idem_record *r)
{
    json_decref(r->data);
    memset(r, 0, sizeof *r);
}

static json_t *number(int64_t n)
{
    char s[32];
    snprintf(s, sizeof s, "%lld", (long long)n);
    return json_pack("{s:s}", "N", s);
}

static int failed(slsrt_aws_response *res, const char *what, slsrt_idempotency_error *error)
{
    if (error) {
        snprintf(error->type, sizeof error->type, "Idempotency.PersistenceError");
        snprintf(error->message, sizeof error->message, "DynamoDB %s failed: %s: %s", what,
                 res && slsrt_aws_response_error_type(res) ? slsrt_aws_response_error_type(res) : "no response",
                 res && slsrt_aws_response_error_message(res) ? slsrt_aws_response_error_message(res) : "");
    }
    slsrt_aws_response_free(res);
    return SLSRT_EIO;
}

static slsrt_aws_response *call(slsrt_idempotency *idem, const char *op, json_t *input)
{
    char target[64];
    snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    slsrt_aws_response *res = slsrt_aws_json(idem->aws, "dynamodb", target, input);
    json_decref(input);
    return res;
}

static int64_t attr_number(json_t *item, const char *name)
{
    const char *n = json_string_value(json_object_get(json_object_get(item, name), "N"));
    return n ? strtoll(n, NULL, 10) : 0;
}

static const char *attr_string(json_t *item, const char *name)
{
    return json_string_value(json_object_get(json_object_get(item, name), "S"));
}

/* The record that stopped the lock, read consistently. */
static int read_record(slsrt_idempotency *idem, const char *key, slsrt__idem_record *r, slsrt_idempotency_error *error)
{
    slsrt_aws_response *res = call(idem, "GetItem", json_pack("{s:s, s:{s:{s:s}}, s:b}", "TableName", idem->table, "Key",
                                                            "id", "S", key, "ConsistentRead", 1));
    if (!res || !slsrt_aws_response_ok(res))
        return failed(res, "GetItem", error);
    json_t *item = json_object_get(slsrt_aws_response_json(res), "Item");
    memset(r, 0, sizeof *r);
    if (item) {
        snprintf(r->status, sizeof r->status, "%s", attr_string(item, "status") ? attr_string(item, "status") : "");
        snprintf(r->validation, sizeof r->validation, "%s",
                 attr_string(item, "validation") ? attr_string(item, "validation") : "");
        r->expiration = attr_number(item, "expiration");
        r->in_progress_expiration = attr_number(item, "in_progress_expiration");
        const char *data = attr_string(item, "data");
        r->data = data ? json_loads(data, JSON_DECODE_ANY, NULL) : NULL;
    }
    slsrt_aws_response_free(res);
    return SLSRT_OK;
}

int slsrt__idem_lock(slsrt_idempotency *idem, const char *key, const char *validation, int64_t now_ms,
                     int64_t lock_until_ms, slsrt__idem_record *held, slsrt_idempotency_error *error)
{
    json_t *item = json_pack("{s:{s:s}, s:o, s:o, s:{s:s}}", "id", "S", key, "expiration",
                             number(now_ms / 1000 + idem->expires_after), "in_progress_expiration", number(lock_until_ms),
                             "status", "S", "INPROGRESS");
    if (validation && *validation)
        json_object_set_new(item, "validation", json_pack("{s:s}", "S", validation));
    json_t *input = json_pack(
        "{s:s, s:o, s:s, s:{s:s, s:s, s:s, s:s}, s:{s:o, s:o, s:{s:s}}}", "TableName", idem->table, "Item", item,
        "ConditionExpression",
        "attribute_not_exists(#id) OR #expiry < :now OR "
        "(#status = :inprogress AND attribute_exists(#lock) AND #lock < :now_ms)",
        "ExpressionAttributeNames", "#id", "id", "#expiry", "expiration", "#status", "status", "#lock",
        "in_progress_expiration", "ExpressionAttributeValues", ":now", number(now_ms / 1000), ":now_ms",
        number(now_ms), ":inprogress", "S", "INPROGRESS");
    slsrt_aws_response *res = call(idem, "PutItem", input);
    if (res && slsrt_aws_response_ok(res)) {
        slsrt_aws_response_free(res);
        return SLSRT_OK;
    }
    const char *type = res ? slsrt_aws_response_error_type(res) : NULL;
    if (!type || strcmp(type, "ConditionalCheckFailedException"))
        return failed(res, "PutItem", error);
    slsrt_aws_response_free(res);
    int rc = read_record(idem, key, held, error);
    return rc ? rc : SLSRT_ESTATE;
}

int slsrt__idem_complete(slsrt_idempotency *idem, const char *key, const char *validation, const char *data,
                         int64_t expiration, slsrt_idempotency_error *error)
{
    json_t *item = json_pack("{s:{s:s}, s:o, s:{s:s}, s:{s:s}}", "id", "S", key, "expiration", number(expiration),
                             "status", "S", "COMPLETED", "data", "S", data);
    if (validation && *validation)
        json_object_set_new(item, "validation", json_pack("{s:s}", "S", validation));
    slsrt_aws_response *res = call(idem, "PutItem", json_pack("{s:s, s:o}", "TableName", idem->table, "Item", item));
    if (!res || !slsrt_aws_response_ok(res))
        return failed(res, "PutItem", error);
    slsrt_aws_response_free(res);
    return SLSRT_OK;
}

int slsrt__idem_release(slsrt_idempotency *idem, const char *key, slsrt_idempotency_error *error)
{
    slsrt_aws_response *res =
        call(idem, "DeleteItem", json_pack("{s:s, s:{s:{s:s}}}", "TableName", idem->table, "Key", "id", "S", key));
    if (!res || !slsrt_aws_response_ok(res))
        return failed(res, "DeleteItem", error);
    slsrt_aws_response_free(res);
    return SLSRT_OK;
}
