/*
 * fuzz_aws_error.c - what a service (or something posing as one) answers
 * with an error status: the body as JSON or XML, the first line as the
 * X-Amzn-ErrorType header.  The error always gets a type and a message,
 * and once scrubbed neither holds the credentials, even when the body
 * echoes them (the seeds do).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    slsrt_aws_response *res = slsrt__aws_response_new();
    const uint8_t *nl = memchr(data, '\n', size);
    size_t head = nl ? (size_t)(nl - data) : 0;
    if (nl) {
        slsrt__buf_append_str(&res->headers, "X-Amzn-ErrorType: ");
        slsrt__buf_append(&res->headers, data, strnlen((const char *)data, head));
        slsrt__buf_append(&res->headers, "", 1);
    }
    slsrt__buf_append(&res->body, data + (nl ? head + 1 : 0), size - (nl ? head + 1 : 0));
    res->status = 400 + (size ? data[0] % 200 : 0);
    slsrt__aws_response_parse_error(res);
    if (!slsrt_aws_response_error_type(res) || !slsrt_aws_response_error_message(res))
        abort();
    slsrt__creds creds = {.access_key = "AKIDFUZZKEY", .secret_key = "fuzz/secret+key", .token = "FuzzSessionToken=="};
    slsrt__aws_response_scrub(res, &creds);
    const char *fields[] = {res->error_type, res->error_message};
    for (size_t i = 0; i < 2; i++)
        if (strstr(fields[i], creds.token) || strstr(fields[i], creds.secret_key) || strstr(fields[i], creds.access_key))
            abort();
    slsrt_aws_response_request_id(res);
    slsrt_aws_response_free(res);
    return 0;
}
