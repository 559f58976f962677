/*
 * cmd_event.c - `slsrt-local event SOURCE [--set PATH=VALUE]...`: a sample
 * event of a source the library parses, on stdout, to edit or to pipe into
 * `invoke --event -`.
 *
 * PATH is dotted, numbers index arrays ("Records.0.body",
 * "requestContext.http.method").  A VALUE replacing a string stays a
 * string; elsewhere it is read as JSON when it is JSON ("42", "true",
 * "{\"a\":1}") and as a string otherwise.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "embedded.h"

static void list(FILE *out)
{
    for (const struct embedded *s = samples; s->path; s++)
        fprintf(out, "%s%.*s", s == samples ? "" : " ", (int)(strlen(s->path) - 5), s->path); /* less ".json" */
    fputc('\n', out);
}

/* The container PATH's last segment goes in, created as needed; the last segment in *key. */
static json_t *walk(json_t *root, char *path, char **key)
{
    json_t *at = root;
    char *seg = path, *dot;
    *key = NULL;
    while ((dot = strchr(seg, '.'))) {
        *dot = '\0';
        json_t *next = NULL;
        char *end;
        long i = strtol(seg, &end, 10);
        if (json_is_array(at) && *seg && !*end)
            next = json_array_get(at, (size_t)i);
        else if (json_is_object(at) && !(next = json_object_get(at, seg)))
            json_object_set_new(at, seg, next = json_object());
        else if (!json_is_object(at))
            next = NULL;
        if (!next)
            return NULL;
        at = next;
        seg = dot + 1;
    }
    *key = seg;
    return at;
}

static int set(json_t *root, const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return -1;
    char *path = strndup(spec, (size_t)(eq - spec)), *key = NULL, *end = NULL;
    json_t *parent = walk(root, path, &key);
    long index = key ? strtol(key, &end, 10) : -1;
    int in_array = json_is_array(parent) && *key && !*end && index >= 0;
    int rc = -1;
    if (in_array || json_is_object(parent)) {
        json_t *old = in_array ? json_array_get(parent, (size_t)index) : json_object_get(parent, key);
        json_t *value = json_is_string(old) ? NULL : json_loads(eq + 1, JSON_DECODE_ANY, NULL);
        if (!value)
            value = json_string(eq + 1);
        /* The setters take value, even when they fail. */
        rc = in_array ? json_array_set_new(parent, (size_t)index, value) : json_object_set_new(parent, key, value);
    }
    free(path);
    return rc;
}

int cmd_event(int argc, char **argv)
{
    if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
        fputs("usage: slsrt-local event SOURCE [--set PATH=VALUE]...\n"
              "       slsrt-local event --list\n"
              "\n"
              "Prints a sample event of SOURCE, e.g.\n"
              "  slsrt-local event sqs --set Records.0.body='{\"orderId\":\"o-9\"}' | slsrt-local invoke --event - -- ./bootstrap\n"
              "sources: ",
              argc < 1 ? stderr : stdout);
        list(argc < 1 ? stderr : stdout);
        return argc < 1 ? 2 : 0;
    }
    if (!strcmp(argv[0], "--list")) {
        list(stdout);
        return 0;
    }
    char path[128];
    snprintf(path, sizeof path, "%s.json", argv[0]);
    const char *text = embedded_text(samples, path);
    if (!text) {
        fprintf(stderr, "slsrt-local: no sample event for '%s'; sources: ", argv[0]);
        list(stderr);
        return 2;
    }
    json_t *event = json_loads(text, 0, NULL);
    for (int i = 1; i < argc; i++) {
        const char *spec = !strcmp(argv[i], "--set") && i + 1 < argc ? argv[++i]
                           : !strncmp(argv[i], "--set=", 6)        ? argv[i] + 6
                                                                   : NULL;
        if (!spec || set(event, spec) != 0) {
            fprintf(stderr, "slsrt-local: event: cannot set '%s' (PATH=VALUE, PATH dotted, numbers index arrays)\n",
                    spec ? spec : argv[i]);
            json_decref(event);
            return 2;
        }
    }
    json_dumpf(event, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(event);
    return 0;
}
