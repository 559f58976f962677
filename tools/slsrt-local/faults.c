/*
 * faults.c - fault injection: --fault CALL:ACTION[@N | @N+ | @N-M]
 *
 *   CALL    next | response | error | init-error
 *   ACTION  a status (400, 403, 410, 413, 500, ...), drop (close the
 *           connection without answering), delay=MS (answer late), or
 *           byte-level: garbage (a status line that is not HTTP), truncate
 *           (half the body, then close), headers-only (close after the
 *           head), big-headers (a 300 KB header in the head)
 *   @N      only the Nth such call; @N+ from the Nth on; @N-M a range;
 *           none: every call.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>

static const char *const call_names[CALL_COUNT] = {"next", "response", "error", "init-error"};

static int parse_range(const char *s, struct fault *f)
{
    char *end;
    f->from = f->to = 0;
    if (!s)
        return 0;
    long a = strtol(s, &end, 10);
    if (a < 1)
        return -1;
    f->from = (unsigned)a;
    if (*end == '\0') {
        f->to = f->from;
    } else if (strcmp(end, "+") == 0) {
        f->to = 0;
    } else if (*end == '-') {
        long b = strtol(end + 1, &end, 10);
        if (*end || b < a)
            return -1;
        f->to = (unsigned)b;
    } else {
        return -1;
    }
    return 0;
}

int fault_parse(const char *spec, struct fault *f)
{
    char copy[128];
    if (strlen(spec) >= sizeof copy)
        return -1;
    strcpy(copy, spec);
    char *at = strchr(copy, '@');
    if (at)
        *at++ = '\0';
    char *colon = strchr(copy, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    const char *action = colon + 1;

    int call = -1;
    for (int i = 0; i < CALL_COUNT; i++)
        if (strcmp(copy, call_names[i]) == 0)
            call = i;
    if (call < 0)
        return -1;
    f->call = (enum api_call)call;

    char *end;
    static const struct {
        const char *name;
        enum fault_action action;
    } bytes[] = {{"garbage", FAULT_GARBAGE}, {"truncate", FAULT_TRUNCATE}, {"headers-only", FAULT_HEADERS_ONLY},
                 {"big-headers", FAULT_BIG_HEADERS}};
    f->action = FAULT_STATUS;
    for (size_t i = 0; i < sizeof bytes / sizeof bytes[0]; i++)
        if (strcmp(action, bytes[i].name) == 0)
            f->action = bytes[i].action;
    if (fault_byte_level(f)) {
        /* parsed */
    } else if (strcmp(action, "drop") == 0) {
        f->action = FAULT_DROP;
    } else if (strncmp(action, "delay=", 6) == 0) {
        f->action = FAULT_DELAY;
        f->value = (int)strtol(action + 6, &end, 10);
        if (*end || f->value < 0)
            return -1;
    } else {
        f->action = FAULT_STATUS;
        f->value = (int)strtol(action, &end, 10);
        if (*end || f->value < 100 || f->value > 599)
            return -1;
    }
    return parse_range(at, f);
}

int fault_byte_level(const struct fault *f)
{
    return f->action >= FAULT_GARBAGE;
}

const struct fault *fault_match(const struct emu *e, enum api_call call, unsigned occurrence, int byte_level)
{
    for (size_t i = 0; i < e->opt->nfaults; i++) {
        const struct fault *f = &e->opt->faults[i];
        if (f->call != call || fault_byte_level(f) != byte_level)
            continue;
        if (f->from && occurrence < f->from)
            continue;
        if (f->to && occurrence > f->to)
            continue;
        return f;
    }
    return NULL;
}
