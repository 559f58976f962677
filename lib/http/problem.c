/*
 * problem.c - RFC 9457 problem responses, and the JSON body of a request
 * read into a value or into the 400 problem that says where it broke.
 */
#include <slsrt/http.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "util/json_read.h"
#include "util/json_write.h"

slsrt_http_response *slsrt_http_problem(int status, const char *title, const char *detail)
{
    json_t *doc = json_pack("{s:s, s:s, s:i}", "type", "about:blank", "title", title ? title : "", "status", status);
    if (doc && detail)
        json_object_set_new(doc, "detail", json_string(detail));
    slsrt__buf text = {0};
    slsrt_http_response *r = slsrt_http_response_new(status);
    if (!doc || !r || slsrt__json_write(&text, doc) ||
        slsrt_http_response_body(r, text.data, text.len, "application/problem+json")) {
        slsrt_http_response_free(r);
        r = NULL;
    }
    json_decref(doc);
    slsrt__buf_free(&text);
    return r;
}

json_t *slsrt_http_json_body(const slsrt_http_request *req, slsrt_http_response **problem)
{
    if (problem)
        *problem = NULL;
    if (!req)
        return NULL;
    char detail[400];
    if (!req->body || !req->body_len) {
        snprintf(detail, sizeof detail, "the request has no body; a JSON document was expected");
    } else {
        json_error_t err;
        json_t *v = slsrt__json_read(req->body, req->body_len, JSON_DECODE_ANY, &err);
        if (v)
            return v;
        snprintf(detail, sizeof detail, "the body is not JSON: %s (line %d, column %d, byte %d)", err.text, err.line,
                 err.column, err.position);
    }
    if (problem)
        *problem = slsrt_http_problem(400, "Bad Request", detail);
    return NULL;
}
