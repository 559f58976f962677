/* json_pointer.c - RFC 6901: "/a/0/b~1c" walks objects by key ("~1" is "/", "~0" is "~") and arrays by index. */
#include "json_pointer.h"

#include <stdlib.h>

json_t *slsrt__json_pointer(const json_t *v, const char *p)
{
    if (!p || (*p && *p != '/'))
        return NULL;
    json_t *at = (json_t *)v;
    while (at && *p == '/') {
        p++;
        char token[256];
        size_t n = 0;
        for (; *p && *p != '/'; p++) {
            if (n + 1 == sizeof token)
                return NULL;
            if (*p == '~' && (p[1] == '0' || p[1] == '1'))
                token[n++] = p[1] == '0' ? '~' : '/', p++;
            else
                token[n++] = *p;
        }
        token[n] = '\0';
        if (json_is_object(at)) {
            at = json_object_get(at, token);
        } else if (json_is_array(at)) {
            char *end;
            unsigned long i = strtoul(token, &end, 10);
            at = n && !*end && (token[0] != '0' || n == 1) ? json_array_get(at, i) : NULL;
        } else {
            at = NULL;
        }
    }
    return at;
}
