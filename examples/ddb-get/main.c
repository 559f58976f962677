/*
 * ddb-get - read one item from DynamoDB by the id in the event.
 *
 * The table's name is configuration, kept in SSM Parameter Store: the init
 * hook reads the parameter named by TABLE_PARAMETER (default
 * /slsrt/examples/ddb-get/table) once.  Each invocation then makes one
 * signed GetItem call with the credentials Lambda passes in.
 *
 *   {"id": "o-1"}     -> the item as plain JSON ({"id": "o-1", "total": 42, ...})
 *   {"id": "nope"}    -> fails as Function.NotFound
 *   {}                -> fails as Function.BadRequest
 *
 * The role needs ssm:GetParameter on the parameter and dynamodb:GetItem on
 * the table.  Locally, `make run` points it at tests/node/fake-aws.js.
 */
#include <stdlib.h>
#include <string.h>

#include <slsrt/slsrt.h>

static int init(slsrt_runtime *rt)
{
    const char *param = getenv("TABLE_PARAMETER");
    slsrt_aws_error err;
    char *table = slsrt_aws_parameter(slsrt_runtime_aws(rt), param ? param : "/slsrt/examples/ddb-get/table", &err);
    if (!table)
        return slsrt_runtime_fail(rt, "Function.ConfigMissing", "the table name: %s (%s)", err.message, err.type);
    slsrt_log_info("serving items of table %s", table);
    slsrt_runtime_set_user_data(rt, table); /* kept for the life of the process */
    return 0;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    const char *table = slsrt_invocation_user_data(inv);
    json_t *event = slsrt_invocation_event_json(inv);
    const char *id = json_string_value(json_object_get(event, "id"));
    if (!id)
        return slsrt_response_fail(res, "Function.BadRequest", "the event needs a string \"id\"");

    json_t *input = json_pack("{s:s, s:{s:{s:s}}}", "TableName", table, "Key", "id", "S", id);
    slsrt_aws_response *out = slsrt_aws_json(slsrt_invocation_aws(inv), "dynamodb", "DynamoDB_20120810.GetItem", input);
    json_decref(input);
    int rc;
    if (!slsrt_aws_response_ok(out)) {
        rc = slsrt_response_fail(res, "Function.DynamoDBError", "GetItem failed: %s (%s)",
                                 slsrt_aws_response_error_message(out), slsrt_aws_response_error_type(out));
    } else {
        json_t *item = json_object_get(slsrt_aws_response_json(out), "Item");
        json_t *plain = item ? slsrt_ddb_unmarshal_item(item, 0, NULL) : NULL;
        rc = plain ? slsrt_response_set_json(res, plain)
                   : slsrt_response_fail(res, "Function.NotFound", "no item with id %s", id);
    }
    slsrt_aws_response_free(out);
    return rc;
}

SLSRT_MAIN_WITH_INIT(init, handler)
