/*
 * routes.c - `start-api --routes FILE`: the routes an API Gateway API
 * declares, so the function gets the routeKey (payload 2.0), resource (1.0)
 * and pathParameters API Gateway would send.  One route a line:
 *   GET /items/{id}
 *   ANY /files/{path+}        (greedy: the rest of the path)
 *   $default                  (what no other route takes)
 * '#' starts a comment.  Without a file every request is "$default"
 * (REST: the resource "/{proxy+}").
 */
#include "emu.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int routes_load(const char *file, struct routes *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(file, "r");
    if (!f)
        return -1;
    char line[1024];
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "#\r\n")] = '\0';
        char method[16], path[900];
        int n = sscanf(line, "%15s %899s", method, path);
        if (n <= 0)
            continue;
        if (n == 1 && strcmp(method, "$default")) {
            emu_log("slsrt-local: routes: '%s' is not METHOD /path or $default", line);
            rc = -1;
            continue;
        }
        struct route *r = realloc(out->list, (out->n + 1) * sizeof *r);
        if (!r)
            break;
        out->list = r;
        r += out->n++;
        snprintf(r->method, sizeof r->method, "%s", method);
        snprintf(r->path, sizeof r->path, "%s", n == 2 ? path : "");
    }
    fclose(f);
    return rc;
}

/* Segment by segment: {name} takes one, {name+} the rest. */
static int match(const char *pattern, const char *path, json_t *params)
{
    while (*pattern == '/' && *path == '/') {
        pattern++, path++;
        size_t plen = strcspn(pattern, "/"), len = strcspn(path, "/");
        if (pattern[0] == '{' && plen > 2 && pattern[plen - 1] == '}') {
            int greedy = pattern[plen - 2] == '+';
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(plen - 2 - greedy), pattern + 1);
            if (greedy) {
                json_object_set_new(params, name, json_string(path));
                return *path != '\0';
            }
            if (!len)
                return 0;
            json_object_set_new(params, name, json_stringn(path, len));
        } else if (plen != len || strncmp(pattern, path, len)) {
            return 0;
        }
        pattern += plen, path += len;
    }
    return !*pattern && !*path;
}

int routes_match(const struct routes *rs, const char *method, const char *path, struct route_match *m)
{
    m->params = json_object();
    if (!rs->n) {
        snprintf(m->route_key, sizeof m->route_key, "$default");
        snprintf(m->resource, sizeof m->resource, "/{proxy+}");
        if (path[1])
            json_object_set_new(m->params, "proxy", json_string(path + 1));
        return 0;
    }
    const struct route *fallback = NULL;
    for (size_t i = 0; i < rs->n; i++) {
        const struct route *r = &rs->list[i];
        if (!r->path[0]) {
            fallback = r;
            continue;
        }
        if ((strcmp(r->method, "ANY") && strcmp(r->method, method)) || !match(r->path, path, m->params)) {
            json_object_clear(m->params);
            continue;
        }
        snprintf(m->route_key, sizeof m->route_key, "%s %s", r->method, r->path);
        snprintf(m->resource, sizeof m->resource, "%s", r->path);
        return 0;
    }
    if (!fallback)
        return -1;
    snprintf(m->route_key, sizeof m->route_key, "$default");
    snprintf(m->resource, sizeof m->resource, "/{proxy+}");
    return 0;
}
