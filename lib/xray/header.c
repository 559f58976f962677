/*
 * header.c - the X-Ray trace header: parse, format, W3C view, child.
 *
 * Tolerant where the X-Ray SDKs are (key case, spaces, unknown keys, a
 * trailing ';'), strict on the values that identify a trace.
 */
#include <slsrt/xray.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xray_internal.h"

#define MAX_KEYS 16
#define MAX_TEXT 4096

struct slsrt_trace_header {
    char *buf; /* a copy of the text, split in place */
    size_t n;
    struct {
        const char *key, *value;
    } kv[MAX_KEYS];
    const char *root, *parent, *lineage, *self;
    slsrt_sampled sampled;
};

static const char *const known[] = {"Root", "Parent", "Sampled", "Lineage", "Self"};

static int hex_run(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* 1-<8 hex>-<24 hex> */
static int valid_root(const char *r)
{
    return strlen(r) == 35 && r[0] == '1' && r[1] == '-' && hex_run(r + 2, 8) && r[10] == '-' &&
           hex_run(r + 11, 24);
}

int slsrt__xray_valid_id(const char *id)
{
    return id && strlen(id) == 16 && hex_run(id, 16);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';
    return s;
}

/* Record key=value; a known key gets its canonical spelling. */
static int add(slsrt_trace_header *h, char *key, char *value)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcasecmp(key, known[i]) == 0)
            key = (char *)known[i];
    for (size_t i = 0; i < h->n; i++)
        if (strcasecmp(h->kv[i].key, key) == 0)
            return SLSRT_EINVAL; /* a key twice: which one would the caller mean? */
    if (h->n == MAX_KEYS || !*key)
        return SLSRT_EINVAL;
    h->kv[h->n].key = key;
    h->kv[h->n].value = value;
    h->n++;
    if (key == known[0])
        h->root = value;
    else if (key == known[1])
        h->parent = value;
    else if (key == known[3])
        h->lineage = value;
    else if (key == known[4])
        h->self = value;
    else if (key == known[2]) {
        if (strcmp(value, "1") == 0)
            h->sampled = SLSRT_SAMPLED_YES;
        else if (strcmp(value, "0") == 0)
            h->sampled = SLSRT_SAMPLED_NO;
        else if (strcmp(value, "?") == 0)
            h->sampled = SLSRT_SAMPLED_REQUESTED;
        else
            return SLSRT_EINVAL;
    }
    return SLSRT_OK;
}

static int parse_into(slsrt_trace_header *h)
{
    for (char *part = h->buf, *next; part; part = next) {
        next = strchr(part, ';');
        if (next)
            *next++ = '\0';
        part = trim(part);
        if (!*part)
            continue; /* "a=b;" or ";;" */
        char *eq = strchr(part, '=');
        if (!eq)
            return SLSRT_EINVAL;
        *eq = '\0';
        if (add(h, trim(part), trim(eq + 1)))
            return SLSRT_EINVAL;
    }
    if (h->n == 0 || (h->root && !valid_root(h->root)) || (h->parent && !slsrt__xray_valid_id(h->parent)))
        return SLSRT_EINVAL;
    return SLSRT_OK;
}

slsrt_trace_header *slsrt_trace_header_parse(const char *text, slsrt_status *status)
{
    slsrt_status dummy;
    if (!status)
        status = &dummy;
    *status = SLSRT_EINVAL;
    if (!text || strlen(text) > MAX_TEXT)
        return NULL;
    slsrt_trace_header *h = calloc(1, sizeof *h);
    if (!h || !(h->buf = strdup(text))) {
        free(h);
        *status = SLSRT_ENOMEM;
        return NULL;
    }
    if (parse_into(h) != SLSRT_OK) {
        slsrt_trace_header_free(h);
        return NULL;
    }
    *status = SLSRT_OK;
    return h;
}

void slsrt_trace_header_free(slsrt_trace_header *h)
{
    if (h)
        free(h->buf);
    free(h);
}

const char *slsrt_trace_header_root(const slsrt_trace_header *h) { return h ? h->root : NULL; }
const char *slsrt_trace_header_parent(const slsrt_trace_header *h) { return h ? h->parent : NULL; }
slsrt_sampled slsrt_trace_header_sampled(const slsrt_trace_header *h) { return h ? h->sampled : SLSRT_SAMPLED_ABSENT; }
const char *slsrt_trace_header_lineage(const slsrt_trace_header *h) { return h ? h->lineage : NULL; }
const char *slsrt_trace_header_self(const slsrt_trace_header *h) { return h ? h->self : NULL; }

const char *slsrt_trace_header_get(const slsrt_trace_header *h, const char *key)
{
    for (size_t i = 0; h && key && i < h->n; i++)
        if (strcasecmp(h->kv[i].key, key) == 0)
            return h->kv[i].value;
    return NULL;
}

/* snprintf that accumulates and reports overflow once. */
struct out {
    char *buf;
    size_t size, len;
    int overflow;
};

static void put(struct out *o, const char *sep, const char *key, const char *value)
{
    int n = snprintf(o->buf + o->len, o->len < o->size ? o->size - o->len : 0, "%s%s=%s",
                     o->len ? sep : "", key, value);
    if (n < 0 || o->len + (size_t)n >= o->size)
        o->overflow = 1;
    else
        o->len += (size_t)n;
}

static const char *sampled_text(slsrt_sampled s)
{
    return s == SLSRT_SAMPLED_YES ? "1" : s == SLSRT_SAMPLED_NO ? "0" : s == SLSRT_SAMPLED_REQUESTED ? "?" : NULL;
}

slsrt_status slsrt_trace_header_format(const slsrt_trace_header *h, char *buf, size_t size)
{
    if (!h || !buf || !size)
        return SLSRT_EINVAL;
    struct out o = {buf, size, 0, 0};
    buf[0] = '\0';
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        const char *v = slsrt_trace_header_get(h, known[k]);
        if (v)
            put(&o, ";", known[k], v);
    }
    for (size_t i = 0; i < h->n; i++) {
        int is_known = 0;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            is_known |= h->kv[i].key == known[k];
        if (!is_known)
            put(&o, ";", h->kv[i].key, h->kv[i].value);
    }
    return o.overflow ? SLSRT_ETOOBIG : SLSRT_OK;
}

slsrt_status slsrt_trace_header_traceparent(const slsrt_trace_header *h, char *buf, size_t size)
{
    if (!h || !h->root || !h->parent || !buf)
        return SLSRT_EINVAL;
    if (size < 56)
        return SLSRT_ETOOBIG;
    /* 00-<8 hex of time><24 hex>-<16 hex>-<flags>, lower case as W3C wants */
    snprintf(buf, size, "00-%.8s%.24s-%.16s-%s", h->root + 2, h->root + 11, h->parent,
             h->sampled == SLSRT_SAMPLED_YES ? "01" : "00");
    for (char *p = buf; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return SLSRT_OK;
}

slsrt_status slsrt_trace_header_child(const slsrt_trace_header *h, const char *parent_id, char *buf, size_t size)
{
    if (!h || !h->root || !buf || !size || (parent_id && !slsrt__xray_valid_id(parent_id)))
        return SLSRT_EINVAL;
    char id[17];
    if (!parent_id) {
        slsrt__xray_new_id(id);
        parent_id = id;
    }
    struct out o = {buf, size, 0, 0};
    buf[0] = '\0';
    put(&o, ";", "Root", h->root);
    put(&o, ";", "Parent", parent_id);
    if (sampled_text(h->sampled))
        put(&o, ";", "Sampled", sampled_text(h->sampled));
    if (h->lineage)
        put(&o, ";", "Lineage", h->lineage);
    return o.overflow ? SLSRT_ETOOBIG : SLSRT_OK;
}
