/* response.c - what the handler answers: a payload, or an error. */
#include "runtime_internal.h"

#include "util/json_write.h"

#include <stdlib.h>
#include <string.h>

void slsrt__response_reset(slsrt_response *res)
{
    slsrt__buf_clear(&res->body);
    json_decref(res->json);
    free(res->content_type);
    free(res->error_type);
    free(res->error_message);
    res->json = NULL;
    res->content_type = res->error_type = res->error_message = NULL;
    res->has_body = 0;
    slsrt__stream_free(res->stream);
    res->stream = NULL;
}

int slsrt__response_failed(const slsrt_response *res)
{
    return res->error_type != NULL;
}

int slsrt_response_set_body(slsrt_response *res, const void *data, size_t len,
                            const char *content_type)
{
    if (!res || (!data && len) || (content_type && strpbrk(content_type, "\r\n")))
        return SLSRT_EINVAL;
    if (res->stream)
        return SLSRT_ESTATE;
    char *type = NULL;
    if (content_type && !(type = strdup(content_type)))
        return SLSRT_ENOMEM;
    slsrt__buf_clear(&res->body);
    if (slsrt__buf_append(&res->body, data, len)) {
        free(type);
        return SLSRT_ENOMEM;
    }
    json_decref(res->json);
    res->json = NULL;
    free(res->content_type);
    res->content_type = type;
    res->has_body = 1;
    return SLSRT_OK;
}

int slsrt_response_set_json(slsrt_response *res, json_t *value)
{
    if (!res) {
        json_decref(value);
        return SLSRT_EINVAL;
    }
    if (!value)
        return SLSRT_ENOMEM;
    if (res->stream) {
        json_decref(value);
        return SLSRT_ESTATE;
    }
    json_decref(res->json);
    res->json = value;
    free(res->content_type);
    res->content_type = NULL;
    res->has_body = 1;
    return SLSRT_OK;
}

int slsrt__response_finish(slsrt_response *res)
{
    if (!res->has_body)
        return slsrt__buf_append(&res->body, "null", 4);
    if (!res->json)
        return SLSRT_OK;
    slsrt__buf_clear(&res->body);
    return slsrt__json_write(&res->body, res->json);
}

int slsrt_response_vfail(slsrt_response *res, const char *error_type, const char *fmt, va_list ap)
{
    if (!res)
        return SLSRT_EHANDLER;
    free(res->error_type);
    free(res->error_message);
    res->error_type = slsrt__error_type_dup(error_type, "Function.HandlerError");
    res->error_message = fmt ? slsrt__vformat(fmt, ap) : NULL;
    return SLSRT_EHANDLER;
}

int slsrt_response_fail(slsrt_response *res, const char *error_type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = slsrt_response_vfail(res, error_type, fmt, ap);
    va_end(ap);
    return rc;
}
