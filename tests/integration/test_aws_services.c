/*
 * test_aws_services.c - the AWS client against independent implementations
 * of the services, installed from npm and started on loopback: dynalite
 * (DynamoDB) and s3rver (S3).  Neither checks SigV4 signatures (the wire
 * test does, from the bytes); they prove the semantics: items written and
 * read back, conditional writes refused, queries, batches, objects under
 * keys with reserved and unicode characters, listings, presigned URLs.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include <slsrt/aws.h>

static int ddb_port, s3_port;
static pid_t ddb_pid, s3_pid;
static slsrt_aws *aws;

static void start_servers(void)
{
    if (!(ddb_port = start_node("tests/node/third-party.js", "dynalite", &ddb_pid)) ||
        !(s3_port = start_node("tests/node/third-party.js", "s3rver", &s3_pid)))
        exit(1);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ddb_port);
    setenv("AWS_ENDPOINT_URL_DYNAMODB", url, 1);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s3_port);
    setenv("AWS_ENDPOINT_URL_S3", url, 1);
    setenv("AWS_REGION", "us-east-1", 1);
    setenv("AWS_ACCESS_KEY_ID", "S3RVER", 1); /* s3rver's own pair */
    setenv("AWS_SECRET_ACCESS_KEY", "S3RVER", 1);
    setenv("AWS_SESSION_TOKEN", "third-party-session-token", 1);
    aws = slsrt_aws_new();
}

static void stop_servers(void)
{
    slsrt_aws_free(aws);
    kill(ddb_pid, SIGTERM);
    kill(s3_pid, SIGTERM);
    waitpid(ddb_pid, NULL, 0);
    waitpid(s3_pid, NULL, 0);
}

/* ---- DynamoDB (dynalite) ------------------------------------------------- */

/* A DynamoDB call; the response (slsrt_aws_response_free). input: a json_pack format. */
static slsrt_aws_response *ddb(const char *op, json_t *input)
{
    char target[64];
    snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    slsrt_aws_response *res = slsrt_aws_json(aws, "dynamodb", target, input);
    json_decref(input);
    ck_assert_ptr_nonnull(res);
    return res;
}

static void ddb_ok(const char *op, json_t *input)
{
    slsrt_aws_response *res = ddb(op, input);
    ck_assert_msg(slsrt_aws_response_ok(res), "%s: %s %s", op, slsrt_aws_response_error_type(res),
                  slsrt_aws_response_error_message(res));
    slsrt_aws_response_free(res);
}

START_TEST(dynamodb_items_round_trip_with_conditions_queries_and_batches)
{
    ddb_ok("CreateTable",
           json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}], s:[{s:s, s:s}, {s:s, s:s}], s:s}", "TableName", "orders",
                     "AttributeDefinitions", "AttributeName", "pk", "AttributeType", "S", "AttributeName", "sk",
                     "AttributeType", "N", "KeySchema", "AttributeName", "pk", "KeyType", "HASH", "AttributeName", "sk",
                     "KeyType", "RANGE", "BillingMode", "PAY_PER_REQUEST"));
    ddb_ok("PutItem", json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}", "TableName", "orders", "Item", "pk", "S",
                                "customer#\xc3\xa9", "sk", "N", "1", "note", "S", "first & \"quoted\""));

    slsrt_aws_response *res = ddb("GetItem", json_pack("{s:s, s:{s:{s:s}, s:{s:s}}}", "TableName", "orders", "Key",
                                                       "pk", "S", "customer#\xc3\xa9", "sk", "N", "1"));
    ck_assert(slsrt_aws_response_ok(res));
    json_t *item = json_object_get(slsrt_aws_response_json(res), "Item");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(item, "note"), "S")), "first & \"quoted\"");
    slsrt_aws_response_free(res);

    /* A conditional write that must fail: the item exists. */
    res = ddb("PutItem", json_pack("{s:s, s:{s:{s:s}, s:{s:s}}, s:s}", "TableName", "orders", "Item", "pk", "S",
                                   "customer#\xc3\xa9", "sk", "N", "1", "ConditionExpression",
                                   "attribute_not_exists(pk)"));
    ck_assert(!slsrt_aws_response_ok(res));
    ck_assert_int_eq(slsrt_aws_response_status(res), 400);
    ck_assert_str_eq(slsrt_aws_response_error_type(res), "ConditionalCheckFailedException");
    ck_assert_int_eq(slsrt_aws_response_attempts(res), 1); /* not retried */
    slsrt_aws_response_free(res);

    /* 25 items in one batch, then a query over a range of them. */
    json_t *puts = json_array();
    for (int i = 2; i < 27; i++) {
        char n[8];
        snprintf(n, sizeof n, "%d", i);
        json_array_append_new(puts, json_pack("{s:{s:{s:{s:s}, s:{s:s}}}}", "PutRequest", "Item", "pk", "S",
                                              "customer#\xc3\xa9", "sk", "N", n));
    }
    ddb_ok("BatchWriteItem", json_pack("{s:{s:o}}", "RequestItems", "orders", puts));
    res = ddb("Query", json_pack("{s:s, s:s, s:{s:{s:s}, s:{s:s}}}", "TableName", "orders", "KeyConditionExpression",
                                 "pk = :pk AND sk > :n", "ExpressionAttributeValues", ":pk", "S", "customer#\xc3\xa9",
                                 ":n", "N", "16"));
    ck_assert(slsrt_aws_response_ok(res));
    ck_assert_int_eq(json_integer_value(json_object_get(slsrt_aws_response_json(res), "Count")), 10);
    slsrt_aws_response_free(res);

    /* A missing table is the service's own error, typed. */
    res = ddb("GetItem", json_pack("{s:s, s:{s:{s:s}, s:{s:s}}}", "TableName", "missing", "Key", "pk", "S", "x", "sk",
                                   "N", "1"));
    ck_assert_str_eq(slsrt_aws_response_error_type(res), "ResourceNotFoundException");
    slsrt_aws_response_free(res);
}
END_TEST

/* ---- S3 (s3rver) ------------------------------------------------------------ */

/* The key of the issue, spelled three ways: raw, lower- and upper-case escapes. */
static const char *const key_spellings[] = {
    "/bkt/year=2024/month=11/a%20b+c&d%20\xc3\xa9.json",
    "/bkt/year%3d2024/month%3d11/a%20b%2bc%26d%20%c3%a9.json",
    "/bkt/year%3D2024/month%3D11/a%20b%2Bc%26d%20%C3%A9.json",
};

static slsrt_aws_response *s3(const char *method, const char *target, const char *body)
{
    slsrt_aws_request *req = slsrt_aws_request_new(method, "s3", target);
    ck_assert_ptr_nonnull(req);
    if (body)
        ck_assert_int_eq(slsrt_aws_request_body(req, body, strlen(body)), SLSRT_OK);
    slsrt_aws_response *res = slsrt_aws_send(aws, req);
    slsrt_aws_request_free(req);
    return res;
}

START_TEST(s3_objects_under_reserved_and_unicode_keys)
{
    for (size_t i = 0; i < 3; i++) {
        char body[64];
        snprintf(body, sizeof body, "{\"written\":%zu}", i);
        slsrt_aws_response *res = s3("PUT", key_spellings[i], body);
        ck_assert_msg(slsrt_aws_response_ok(res), "PUT %s: %s", key_spellings[i], slsrt_aws_response_body(res, NULL));
        slsrt_aws_response_free(res);
        /* Every spelling reads back what the last one wrote: one key. */
        for (size_t j = 0; j < 3; j++) {
            res = s3("GET", key_spellings[j], NULL);
            ck_assert(slsrt_aws_response_ok(res));
            ck_assert_str_eq(slsrt_aws_response_body(res, NULL), body);
            slsrt_aws_response_free(res);
        }
    }
    slsrt_aws_response *res = s3("PUT", "/bkt/year=2024/other.json", "{}");
    slsrt_aws_response_free(res);
    res = s3("GET", "/bkt?list-type=2&prefix=year=2024/month=11/", NULL);
    ck_assert(slsrt_aws_response_ok(res));
    const char *xml = slsrt_aws_response_body(res, NULL);
    ck_assert_msg(strstr(xml, "<Key>year=2024/month=11/a b+c&amp;d \xc3\xa9.json</Key>") != NULL, "%s", xml);
    ck_assert_ptr_null(strstr(xml, "other.json"));
    ck_assert_ptr_nonnull(strstr(xml, "<KeyCount>1</KeyCount>"));
    slsrt_aws_response_free(res);

    res = s3("DELETE", key_spellings[0], NULL);
    ck_assert_int_eq(slsrt_aws_response_status(res), 204);
    slsrt_aws_response_free(res);
    res = s3("GET", key_spellings[1], NULL);
    ck_assert_int_eq(slsrt_aws_response_status(res), 404);
    ck_assert_str_eq(slsrt_aws_response_error_type(res), "NoSuchKey");
    slsrt_aws_response_free(res);
}
END_TEST

/* A presigned URL, sent as a browser or another client would. */
static char *via_presigned(const char *method, const char *target, const char *body)
{
    slsrt_aws_error err;
    char *url = slsrt_aws_presign(aws, method, "s3", target, 300, &err);
    ck_assert_msg(url != NULL, "%s", err.message);
    const char *path = strchr(strstr(url, "://") + 3, '/');
    char host[64];
    snprintf(host, sizeof host, "Host: 127.0.0.1:%d\r\n", s3_port);
    char *resp = http_request_raw(s3_port, method, path, host, body, body ? strlen(body) : 0);
    free(url);
    ck_assert_ptr_nonnull(resp);
    return resp;
}

START_TEST(s3_presigned_put_and_get)
{
    char *resp = via_presigned("PUT", key_spellings[0], "presigned body");
    ck_assert_msg(http_status(resp) == 200, "%s", resp);
    free(resp);
    resp = via_presigned("GET", key_spellings[2], NULL);
    ck_assert_int_eq(http_status(resp), 200);
    ck_assert_str_eq(http_body(resp), "presigned body");
    free(resp);
    /* And what the URL wrote, the signed client reads. */
    slsrt_aws_response *res = s3("GET", key_spellings[1], NULL);
    ck_assert_str_eq(slsrt_aws_response_body(res, NULL), "presigned body");
    slsrt_aws_response_free(res);
}
END_TEST

/* S3 keeps "x/../y.txt" as a key; s3rver, a Node URL parser in front,
 * resolves it, so only the round trip is asked of it here (the wire test
 * checks that the bytes go out unresolved). */
START_TEST(s3_key_with_dot_segments_round_trips)
{
    slsrt_aws_response *res = s3("PUT", "/bkt/x/../y.txt", "dots");
    ck_assert_msg(slsrt_aws_response_ok(res), "%s", slsrt_aws_response_body(res, NULL));
    slsrt_aws_response_free(res);
    res = s3("GET", "/bkt/x/../y.txt", NULL);
    ck_assert_str_eq(slsrt_aws_response_body(res, NULL), "dots");
    slsrt_aws_response_free(res);
}
END_TEST

int main(void)
{
    start_servers();
    Suite *s = suite_create("aws_services");
    TCase *tc = tcase_create("third_party");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, dynamodb_items_round_trip_with_conditions_queries_and_batches);
    tcase_add_test(tc, s3_objects_under_reserved_and_unicode_keys);
    tcase_add_test(tc, s3_presigned_put_and_get);
    tcase_add_test(tc, s3_key_with_dot_segments_round_trips);
    suite_add_tcase(s, tc);
    setenv("CK_FORK", "no", 1);
    int rc = run_suite(s);
    stop_servers();
    return rc;
}
