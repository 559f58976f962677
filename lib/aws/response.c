/*
 * response.c - what came back from an AWS call: status, headers, body,
 * and the error the service (or slsrt) named.
 */
#include "aws_internal.h"
#include "util/json_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/runtime_internal.h"

slsrt_aws_response *slsrt__aws_response_new(void) { return calloc(1, sizeof(slsrt_aws_response)); }

void slsrt__aws_response_clear(slsrt_aws_response *res)
{
    res->status = 0;
    slsrt__buf_clear(&res->headers);
    slsrt__buf_clear(&res->body);
    if (res->body.data)
        res->body.data[0] = '\0';
    json_decref(res->json);
    res->json = NULL;
    res->json_parsed = 0;
    free(res->error_type);
    free(res->error_message);
    res->error_type = res->error_message = NULL;
}

void slsrt_aws_response_free(slsrt_aws_response *res)
{
    if (!res)
        return;
    slsrt__aws_response_clear(res);
    slsrt__buf_free(&res->headers);
    slsrt__buf_free(&res->body);
    free(res);
}

void slsrt__aws_response_fail(slsrt_aws_response *res, const char *type, const char *fmt, ...)
{
    free(res->error_type);
    free(res->error_message);
    res->error_type = strdup(type);
    va_list ap;
    va_start(ap, fmt);
    res->error_message = slsrt__vformat(fmt, ap);
    va_end(ap);
}

int slsrt_aws_response_ok(const slsrt_aws_response *res)
{
    return res && res->status >= 200 && res->status < 300 && !res->error_type;
}
int slsrt_aws_response_status(const slsrt_aws_response *res) { return res ? res->status : 0; }
int slsrt_aws_response_attempts(const slsrt_aws_response *res) { return res ? res->attempts : 0; }
const char *slsrt_aws_response_error_type(const slsrt_aws_response *res) { return res ? res->error_type : NULL; }
const char *slsrt_aws_response_error_message(const slsrt_aws_response *res)
{
    return res ? res->error_message : NULL;
}

const char *slsrt_aws_response_header(const slsrt_aws_response *res, const char *name)
{
    if (!res || !name || !res->headers.data)
        return NULL;
    size_t n = strlen(name);
    for (const char *p = res->headers.data; p < res->headers.data + res->headers.len; p += strlen(p) + 1)
        if (!strncasecmp(p, name, n) && p[n] == ':')
            return p + n + 1 + (p[n + 1] == ' ');
    return NULL;
}

const char *slsrt_aws_response_body(const slsrt_aws_response *res, size_t *len)
{
    if (len)
        *len = res && res->body.data ? res->body.len : 0;
    return res && res->body.data ? res->body.data : "";
}

json_t *slsrt_aws_response_json(slsrt_aws_response *res)
{
    if (!res)
        return NULL;
    if (!res->json_parsed) {
        res->json_parsed = 1;
        if (res->body.len)
            res->json = slsrt__json_read(res->body.data, res->body.len, 0, NULL);
    }
    return res->json;
}

const char *slsrt_aws_response_request_id(const slsrt_aws_response *res)
{
    const char *id = slsrt_aws_response_header(res, "x-amzn-RequestId");
    return id ? id : slsrt_aws_response_header(res, "x-amz-request-id");
}

/* The text of <tag>...</tag> in an XML error body, as a new string. */
static char *xml_text(const char *body, const char *tag)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *a = strstr(body, open);
    const char *b = a ? strstr(a, close) : NULL;
    return b ? strndup(a + strlen(open), (size_t)(b - a - (long)strlen(open))) : NULL;
}

/* "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" and
 * "ResourceNotFoundException:http://internal.amazon.com/..." name the same. */
static char *error_code(const char *raw)
{
    const char *hash = strrchr(raw, '#');
    const char *start = hash ? hash + 1 : raw;
    size_t n = strcspn(start, ":");
    return n ? strndup(start, n) : NULL;
}

void slsrt__aws_response_parse_error(slsrt_aws_response *res)
{
    if (res->status >= 200 && res->status < 300)
        return;
    char *type = NULL, *message = NULL;
    json_t *j = slsrt_aws_response_json(res);
    if (json_is_object(j)) {
        const char *t = json_string_value(json_object_get(j, "__type"));
        if (!t)
            t = json_string_value(json_object_get(j, "code"));
        type = t ? error_code(t) : NULL;
        const char *m = json_string_value(json_object_get(j, "message"));
        if (!m)
            m = json_string_value(json_object_get(j, "Message"));
        message = m ? strdup(m) : NULL;
    } else if (res->body.len && strstr(res->body.data, "<Error>")) {
        type = xml_text(res->body.data, "Code");
        message = xml_text(res->body.data, "Message");
    }
    const char *header = slsrt_aws_response_header(res, "X-Amzn-ErrorType");
    if (!type && header)
        type = error_code(header);
    free(res->error_type);
    free(res->error_message);
    res->error_type = type ? type : strdup("Slsrt.HttpError");
    if (message) {
        res->error_message = message;
    } else {
        char text[64];
        snprintf(text, sizeof text, "the service answered HTTP %d", res->status);
        res->error_message = strdup(text);
    }
}

/* ---- what must never be shown -------------------------------------------------- */

/* After these, a value runs to the next delimiter: it is a credential. */
static const char *const secret_markers[] = {"Credential=", "Signature=", "X-Amz-Security-Token=",
                                             "X-Amz-Signature=", "X-Amz-Credential=", "SessionToken=",
                                             "SecretAccessKey=", "Token="};
#define REDACTED "[redacted]"

static size_t secret_at(const char *p, const slsrt__creds *c)
{
    const char *values[] = {c ? c->token : "", c ? c->secret_key : "", c ? c->access_key : ""};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(values[i]);
        if (n >= 8 && !strncmp(p, values[i], n))
            return n;
    }
    return 0;
}

static char *scrubbed(const char *text, const slsrt__creds *c)
{
    slsrt__buf out = {0};
    int rc = 0;
    for (const char *p = text; *p;) {
        size_t n = secret_at(p, c);
        if (n) {
            rc |= slsrt__buf_append_str(&out, REDACTED);
            p += n;
            continue;
        }
        size_t m = 0;
        for (size_t i = 0; i < sizeof secret_markers / sizeof *secret_markers && !m; i++)
            if (!strncasecmp(p, secret_markers[i], strlen(secret_markers[i])))
                m = strlen(secret_markers[i]);
        if (m) {
            rc |= slsrt__buf_append(&out, p, m);
            rc |= slsrt__buf_append_str(&out, REDACTED);
            p += m;
            p += strcspn(p, ", &;\"'<>\r\n\t");
            continue;
        }
        rc |= slsrt__buf_append(&out, p++, 1);
    }
    if (rc) {
        slsrt__buf_free(&out);
        return strdup(REDACTED);
    }
    return out.data ? out.data : strdup("");
}

void slsrt__aws_response_scrub(slsrt_aws_response *res, const slsrt__creds *creds)
{
    char **fields[] = {&res->error_type, &res->error_message};
    for (size_t i = 0; i < 2; i++) {
        if (!*fields[i])
            continue;
        char *clean = scrubbed(*fields[i], creds);
        free(*fields[i]);
        *fields[i] = clean;
    }
}

void slsrt__aws_error_set(slsrt_aws_error *err, int status, const char *type, const char *fmt, ...)
{
    if (!err)
        return;
    err->status = status;
    snprintf(err->type, sizeof err->type, "%s", type);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

void slsrt__aws_error_fill(slsrt_aws_error *err, const slsrt_aws_response *res)
{
    slsrt__aws_error_set(err, res ? res->status : 0, res && res->error_type ? res->error_type : "Slsrt.NoMemory",
                         "%s", res && res->error_message ? res->error_message : "out of memory");
}
