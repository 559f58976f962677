/* error_body.c - the error document Lambda expects on /error and /init/error. */
#include "runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Messages past this are cut: an error must never hit the payload limit. */
#define MAX_MESSAGE (64 * 1024)

char *slsrt__vformat(const char *fmt, va_list ap)
{
    char *msg = malloc(MAX_MESSAGE);
    if (!msg)
        return NULL;
    vsnprintf(msg, MAX_MESSAGE, fmt, ap);
    char *fit = realloc(msg, strlen(msg) + 1);
    return fit ? fit : msg;
}

char *slsrt__error_type_dup(const char *type, const char *fallback)
{
    if (!type || !*type)
        type = fallback;
    char *copy = strndup(type, 256);
    if (!copy)
        return NULL;
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '_';
    return copy;
}

char *slsrt__error_body(const char *type, const char *message)
{
    /* jansson refuses invalid UTF-8; a message must still get through. */
    json_t *msg = json_string(message ? message : "");
    if (!msg)
        msg = json_string("(the error message was not valid UTF-8)");
    json_t *doc = json_pack("{s:o, s:s, s:[]}", "errorMessage", msg, "errorType", type, "stackTrace");
    if (!doc)
        return NULL;
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}
