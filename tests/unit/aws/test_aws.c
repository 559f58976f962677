/*
 * test_aws.c (unit) - the AWS client's parts that need no server: libcurl's
 * option numbers, error bodies, endpoints, requests refused up front.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <slsrt/slsrt.h>

#include "aws/aws_internal.h"
#include "aws/curl_api.h"
#include "harness.h"

#if defined(__has_include)
#if __has_include(<curl/curl.h>)
#include <curl/curl.h>
#define HAVE_CURL_H 1
#endif
#endif

START_TEST(curl_option_numbers_match_curl_h)
{
#ifdef HAVE_CURL_H
    ck_assert_int_eq(SLSRT__CURLOPT_URL, CURLOPT_URL);
    ck_assert_int_eq(SLSRT__CURLOPT_WRITEDATA, CURLOPT_WRITEDATA);
    ck_assert_int_eq(SLSRT__CURLOPT_WRITEFUNCTION, CURLOPT_WRITEFUNCTION);
    ck_assert_int_eq(SLSRT__CURLOPT_ERRORBUFFER, CURLOPT_ERRORBUFFER);
    ck_assert_int_eq(SLSRT__CURLOPT_POSTFIELDS, CURLOPT_POSTFIELDS);
    ck_assert_int_eq(SLSRT__CURLOPT_HTTPHEADER, CURLOPT_HTTPHEADER);
    ck_assert_int_eq(SLSRT__CURLOPT_HEADERDATA, CURLOPT_HEADERDATA);
    ck_assert_int_eq(SLSRT__CURLOPT_CUSTOMREQUEST, CURLOPT_CUSTOMREQUEST);
    ck_assert_int_eq(SLSRT__CURLOPT_NOBODY, CURLOPT_NOBODY);
    ck_assert_int_eq(SLSRT__CURLOPT_CAINFO, CURLOPT_CAINFO);
    ck_assert_int_eq(SLSRT__CURLOPT_HEADERFUNCTION, CURLOPT_HEADERFUNCTION);
    ck_assert_int_eq(SLSRT__CURLOPT_HTTPGET, CURLOPT_HTTPGET);
    ck_assert_int_eq(SLSRT__CURLOPT_NOSIGNAL, CURLOPT_NOSIGNAL);
    ck_assert_int_eq(SLSRT__CURLOPT_POSTFIELDSIZE_LARGE, CURLOPT_POSTFIELDSIZE_LARGE);
    ck_assert_int_eq(SLSRT__CURLOPT_TIMEOUT_MS, CURLOPT_TIMEOUT_MS);
    ck_assert_int_eq(SLSRT__CURLOPT_CONNECTTIMEOUT_MS, CURLOPT_CONNECTTIMEOUT_MS);
    ck_assert_int_eq(SLSRT__CURLOPT_TCP_KEEPALIVE, CURLOPT_TCP_KEEPALIVE);
    ck_assert_int_eq(SLSRT__CURLOPT_PROTOCOLS_STR, CURLOPT_PROTOCOLS_STR);
    ck_assert_int_eq(SLSRT__CURLOPT_PATH_AS_IS, CURLOPT_PATH_AS_IS);
    ck_assert_int_eq(SLSRT__CURLINFO_RESPONSE_CODE, CURLINFO_RESPONSE_CODE);
    ck_assert_int_eq(SLSRT__CURL_GLOBAL_DEFAULT, CURL_GLOBAL_DEFAULT);
    ck_assert_int_eq(SLSRT__CURLE_OPERATION_TIMEDOUT, CURLE_OPERATION_TIMEDOUT);
    ck_assert_int_eq(SLSRT__CURLE_RECV_ERROR, CURLE_RECV_ERROR);
    ck_assert_int_eq(SLSRT__CURLE_PARTIAL_FILE, CURLE_PARTIAL_FILE);
    ck_assert_int_eq(SLSRT__CURLE_WRITE_ERROR, CURLE_WRITE_ERROR);
    ck_assert_int_eq(SLSRT__CURLE_COULDNT_CONNECT, CURLE_COULDNT_CONNECT);
#else
    printf("curl_option_numbers_match_curl_h: skipped (no curl/curl.h for this target)\n");
#endif
}
END_TEST

static slsrt_aws_response *answer(int status, const char *header, const char *body)
{
    slsrt_aws_response *res = slsrt__aws_response_new();
    res->status = status;
    if (header) {
        slsrt__buf_append_str(&res->headers, header);
        slsrt__buf_append(&res->headers, "", 1);
    }
    slsrt__buf_append_str(&res->body, body);
    slsrt__aws_response_parse_error(res);
    return res;
}

START_TEST(error_bodies_name_the_error)
{
    slsrt_aws_response *r = answer(400, NULL,
                                   "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                                   "\"message\":\"The conditional request failed\"}");
    ck_assert_str_eq(slsrt_aws_response_error_type(r), "ConditionalCheckFailedException");
    ck_assert_str_eq(slsrt_aws_response_error_message(r), "The conditional request failed");
    ck_assert(!slsrt_aws_response_ok(r));
    slsrt_aws_response_free(r);

    r = answer(400, "X-Amzn-ErrorType: ValidationException:http://internal.amazon.com/coral/", "{\"Message\":\"bad\"}");
    ck_assert_str_eq(slsrt_aws_response_error_type(r), "ValidationException");
    ck_assert_str_eq(slsrt_aws_response_error_message(r), "bad");
    slsrt_aws_response_free(r);

    r = answer(403, "x-amz-request-id: 4442587FB7D0A2F9",
               "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
    ck_assert_str_eq(slsrt_aws_response_error_type(r), "AccessDenied");
    ck_assert_str_eq(slsrt_aws_response_error_message(r), "Access Denied");
    ck_assert_str_eq(slsrt_aws_response_request_id(r), "4442587FB7D0A2F9");
    slsrt_aws_response_free(r);

    r = answer(502, NULL, "<html>Bad Gateway</html>");
    ck_assert_str_eq(slsrt_aws_response_error_type(r), "Slsrt.HttpError");
    ck_assert_str_eq(slsrt_aws_response_error_message(r), "the service answered HTTP 502");
    slsrt_aws_response_free(r);

    r = answer(200, NULL, "{\"Item\":{}}");
    ck_assert(slsrt_aws_response_ok(r));
    ck_assert_ptr_null(slsrt_aws_response_error_type(r));
    ck_assert_ptr_nonnull(json_object_get(slsrt_aws_response_json(r), "Item"));
    slsrt_aws_response_free(r);
}
END_TEST

START_TEST(endpoints)
{
    setenv("AWS_REGION", "eu-central-1", 1);
    unsetenv("AWS_ENDPOINT_URL");
    slsrt_aws *aws = slsrt_aws_new();
    ck_assert_str_eq(slsrt_aws_region(aws), "eu-central-1");
    char *e = slsrt__aws_endpoint(aws, "dynamodb");
    ck_assert_str_eq(e, "https://dynamodb.eu-central-1.amazonaws.com");
    free(e);
    setenv("AWS_ENDPOINT_URL", "http://localhost:4566/", 1);
    setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:9999", 1);
    e = slsrt__aws_endpoint(aws, "ssm");
    ck_assert_str_eq(e, "http://localhost:4566");
    free(e);
    e = slsrt__aws_endpoint(aws, "secretsmanager");
    ck_assert_str_eq(e, "http://127.0.0.1:9999");
    free(e);
    unsetenv("AWS_ENDPOINT_URL_SECRETS_MANAGER");
    setenv("AWS_ENDPOINT_URL", "localhost:4566", 1); /* no scheme: refused, not guessed */
    slsrt_aws_error err;
    ck_assert_ptr_null(slsrt_aws_presign(aws, "GET", "s3", "/b/k", 60, &err));
    ck_assert_str_eq(err.type, "Slsrt.InvalidRequest");
    ck_assert_str_eq(err.message, "the service endpoint is not an http or https URL");
    unsetenv("AWS_ENDPOINT_URL");
    slsrt_aws_free(aws);
}
END_TEST

/* The path that is signed and sent, per service family, with an endpoint
 * path prefix or without. */
START_TEST(wire_paths)
{
    static const struct {
        const char *service, *endpoint, *target, *want;
    } cases[] = {
        {"s3", "http://h", "/b/year=2024/a b+c&d%20\xc3\xa9.json", "/b/year%3D2024/a%20b%2Bc%26d%20%C3%A9.json"},
        {"s3", "http://h", "/b/%c3%a9/%zz/%", "/b/%C3%A9/%25zz/%25"},
        {"s3", "http://h", "/b/x/../y.txt", "/b/x/../y.txt"},
        {"s3", "http://h", "/b//k/./", "/b//k/./"},
        {"s3express", "http://h", "/b/a:b", "/b/a%3Ab"},
        {"s3-object-lambda", "http://h", "/b/~-._", "/b/~-._"},
        {"s3", "http://h/prefix/", "/b/k", "/prefix/b/k"},
        {"dynamodb", "http://h", "/", "/"},
        {"execute-api", "http://h", "/prod/a/./b/../c", "/prod/a/c"},
        {"execute-api", "http://h", "/a/b/..", "/a/"},
        {"execute-api", "http://h", "/../..", "/"},
        {"execute-api", "http://h", "/a//b/", "/a//b/"},
        {"lambda", "http://h", "/f/arn%3Aaws%3Alambda/x:y@z", "/f/arn%3Aaws%3Alambda/x:y@z"},
        {"es", "http://h", "/i/\xc3\xa9 \"{}|^`<>\\", "/i/%C3%A9%20%22%7B%7D%7C%5E%60%3C%3E%5C"},
        {"es", "http://h", "/i/%zz%4", "/i/%25zz%254"},
        {"execute-api", "http://h/base/v1", "/items/42?x=1", "/base/v1/items/42"},
    };
    setenv("AWS_REGION", "eu-west-1", 1);
    slsrt_aws *aws = slsrt_aws_new();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        setenv("AWS_ENDPOINT_URL", cases[i].endpoint, 1);
        slsrt__aws_target t;
        char why[160];
        const char *bad = slsrt__aws_target_resolve(aws, cases[i].service, cases[i].target, &t, why, sizeof why);
        ck_assert_msg(bad == NULL, "%s: %s", cases[i].target, why);
        ck_assert_msg(!strcmp(t.path, cases[i].want), "%s %s: got %s, want %s", cases[i].service, cases[i].target,
                      t.path, cases[i].want);
        slsrt__aws_target_free(&t);
    }
    unsetenv("AWS_ENDPOINT_URL");
    slsrt_aws_free(aws);
}
END_TEST

START_TEST(bad_requests_are_refused_up_front)
{
    ck_assert_ptr_null(slsrt_aws_request_new("GET", "s3", "bucket/key")); /* neither a path nor a URL */
    ck_assert_ptr_null(slsrt_aws_request_new("GE T", "s3", "/k"));
    ck_assert_ptr_null(slsrt_aws_request_new("GET", "s3", "/a b"));
    ck_assert_ptr_null(slsrt_aws_request_new("GET", NULL, "/k"));
    slsrt_aws_request *req = slsrt_aws_request_new("PUT", "s3", "https://b.s3.amazonaws.com/k");
    ck_assert_ptr_nonnull(req);
    ck_assert_int_eq(slsrt_aws_request_header(req, "X-Bad", "a\r\nInjected: 1"), SLSRT_EINVAL);
    ck_assert_int_eq(slsrt_aws_request_header(req, "Bad Name", "v"), SLSRT_EINVAL);
    ck_assert_int_eq(slsrt_aws_request_header(req, "X-Good", "v"), SLSRT_OK);
    slsrt_aws_request_free(req);
}
END_TEST

START_TEST(no_credentials_fail_without_a_network_call)
{
    setenv("AWS_REGION", "us-east-1", 1);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    slsrt_aws *aws = slsrt_aws_new();
    slsrt_aws_error err;
    ck_assert_ptr_null(slsrt_aws_presign(aws, "GET", "s3", "/b/k", 60, &err));
    ck_assert_str_eq(err.type, "Slsrt.NoCredentials");
    ck_assert_ptr_nonnull(strstr(err.message, "AWS_ACCESS_KEY_ID"));
    setenv("AWS_ACCESS_KEY_ID", "AKIDUNIT", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "unit/secret", 1);
    char *url = slsrt_aws_presign(aws, "GET", "s3", "/b/k?x=1", 60, &err);
    ck_assert_ptr_nonnull(url);
    ck_assert(!strncmp(url, "https://s3.us-east-1.amazonaws.com/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&", 72));
    ck_assert_ptr_null(strstr(url, "unit/secret"));
    free(url);
    ck_assert_ptr_null(slsrt_aws_config(aws, NULL, &err));
    char *literal = slsrt_aws_config(aws, "just text", &err);
    ck_assert_str_eq(literal, "just text");
    slsrt_aws_value_free(literal);
    slsrt_aws_free(aws);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aws");
    TCase *tc = tcase_create("aws");
    tcase_add_test(tc, curl_option_numbers_match_curl_h);
    tcase_add_test(tc, error_bodies_name_the_error);
    tcase_add_test(tc, endpoints);
    tcase_add_test(tc, wire_paths);
    tcase_add_test(tc, bad_requests_are_refused_up_front);
    tcase_add_test(tc, no_credentials_fail_without_a_network_call);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
