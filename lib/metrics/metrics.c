/*
 * metrics.c - CloudWatch Embedded Metric Format documents.
 *
 * Metrics are kept per invocation and written to stdout when its handler
 * returns: one document per namespace, split so that a document holds at
 * most 100 metrics and a metric at most 100 values, as EMF requires.
 */
#include <slsrt/metrics.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/json_write.h"
#include "log/log.h"
#include "core/hooks.h"
#include "core/runtime_internal.h"

#define MAX_PER_DOC 100
#define MAX_DIMENSIONS 30

struct metric {
    char *ns, *name;
    const char *unit;
    double *values;
    size_t n, cap;
};

struct slsrt__metrics {
    char *ns;          /* the invocation's default namespace, if set */
    json_t *dimensions; /* name -> value, in the order added */
    struct metric *list;
    size_t n, cap;
};

static const char *const units[] = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
    "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
};

static const char *find_unit(const char *unit)
{
    if (!unit)
        return "None";
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(unit, units[i]) == 0)
            return units[i];
    return NULL;
}

static int valid_text(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n <= max;
}

static struct slsrt__metrics *state(slsrt_invocation *inv)
{
    if (!inv->metrics)
        inv->metrics = calloc(1, sizeof *inv->metrics);
    return inv->metrics;
}

static const char *default_ns(slsrt_invocation *inv)
{
    if (inv->metrics && inv->metrics->ns)
        return inv->metrics->ns;
    const char *env = getenv("SLSRT_METRICS_NAMESPACE");
    if (env && *env)
        return env;
    const char *fn = inv->rt->function_name;
    return fn && *fn ? fn : "slsrt";
}

slsrt_status slsrt_metrics_set_namespace(slsrt_invocation *inv, const char *ns)
{
    if (!inv || !valid_text(ns, 255))
        return SLSRT_EINVAL;
    struct slsrt__metrics *m = state(inv);
    char *copy = m ? strdup(ns) : NULL;
    if (!copy)
        return SLSRT_ENOMEM;
    free(m->ns);
    m->ns = copy;
    return SLSRT_OK;
}

static int is_metric_name(const struct slsrt__metrics *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->list[i].name, name) == 0)
            return 1;
    return 0;
}

slsrt_status slsrt_metrics_add_dimension(slsrt_invocation *inv, const char *name, const char *value)
{
    if (!inv || !valid_text(name, 255) || !valid_text(value, 1024) || strcmp(name, "_aws") == 0)
        return SLSRT_EINVAL;
    struct slsrt__metrics *m = state(inv);
    if (!m || (!m->dimensions && !(m->dimensions = json_object())))
        return SLSRT_ENOMEM;
    if (is_metric_name(m, name))
        return SLSRT_EINVAL; /* one member of the document cannot be both */
    if (!json_object_get(m->dimensions, name) && json_object_size(m->dimensions) == MAX_DIMENSIONS)
        return SLSRT_EINVAL;
    json_t *v = json_string(value);
    return v && json_object_set_new(m->dimensions, name, v) == 0 ? SLSRT_OK : SLSRT_EINVAL;
}

static struct metric *find_or_add(struct slsrt__metrics *m, const char *ns, const char *name, const char *unit)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->list[i].ns, ns) == 0 && strcmp(m->list[i].name, name) == 0)
            return strcmp(m->list[i].unit, unit) == 0 ? &m->list[i] : NULL;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 8;
        struct metric *p = realloc(m->list, cap * sizeof *p);
        if (!p)
            return NULL;
        m->list = p;
        m->cap = cap;
    }
    struct metric *x = &m->list[m->n];
    memset(x, 0, sizeof *x);
    x->ns = strdup(ns);
    x->name = strdup(name);
    x->unit = unit;
    if (!x->ns || !x->name) {
        free(x->ns);
        free(x->name);
        return NULL;
    }
    m->n++;
    return x;
}

slsrt_status slsrt_metric_ns(slsrt_invocation *inv, const char *ns, const char *name, double value, const char *unit)
{
    const char *u = find_unit(unit);
    if (!inv || !valid_text(ns, 255) || !valid_text(name, 255) || !u || !isfinite(value) ||
        strcmp(name, "_aws") == 0)
        return SLSRT_EINVAL;
    struct slsrt__metrics *m = state(inv);
    if (!m)
        return SLSRT_ENOMEM;
    if (m->dimensions && json_object_get(m->dimensions, name))
        return SLSRT_EINVAL;
    struct metric *x = find_or_add(m, ns, name, u);
    if (!x)
        return SLSRT_EINVAL; /* the same name with another unit, or out of memory */
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 4;
        double *p = realloc(x->values, cap * sizeof *p);
        if (!p)
            return SLSRT_ENOMEM;
        x->values = p;
        x->cap = cap;
    }
    x->values[x->n++] = value;
    return SLSRT_OK;
}

slsrt_status slsrt_metric(slsrt_invocation *inv, const char *name, double value, const char *unit)
{
    return inv ? slsrt_metric_ns(inv, default_ns(inv), name, value, unit) : SLSRT_EINVAL;
}

slsrt_status slsrt_runtime_set_cold_start_metric(slsrt_runtime *rt, const char *ns)
{
    if (!rt || !valid_text(ns, 255))
        return SLSRT_EINVAL;
    char *copy = strdup(ns);
    if (!copy)
        return SLSRT_ENOMEM;
    free(rt->cold_start_ns);
    rt->cold_start_ns = copy;
    return SLSRT_OK;
}

/* One document: the batch's values of round `round` (values 100r .. 100r+99). */
static void write_document(json_t *dimensions, const char *ns, struct metric **batch, size_t n, size_t round)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    json_t *names = json_array(), *defs = json_array();
    json_t *doc = json_object();
    const char *key;
    json_t *value;
    json_object_foreach(dimensions, key, value) {
        json_array_append_new(names, json_string(key));
        json_object_set(doc, key, value);
    }
    for (size_t i = 0; i < n; i++) {
        struct metric *x = batch[i];
        size_t from = round * MAX_PER_DOC, count = x->n - from < MAX_PER_DOC ? x->n - from : MAX_PER_DOC;
        json_array_append_new(defs, json_pack("{s:s, s:s}", "Name", x->name, "Unit", x->unit));
        json_t *v;
        if (count == 1) {
            v = json_real(x->values[from]);
        } else {
            v = json_array();
            for (size_t k = 0; k < count; k++)
                json_array_append_new(v, json_real(x->values[from + k]));
        }
        json_object_set_new(doc, x->name, v);
    }
    json_object_set_new(doc, "_aws",
                        json_pack("{s:I, s:[{s:s, s:[o], s:o}]}", "Timestamp",
                                  (json_int_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, "CloudWatchMetrics",
                                  "Namespace", ns, "Dimensions", names, "Metrics", defs));
    slsrt__buf b = {0};
    if (slsrt__json_write(&b, doc) == SLSRT_OK && slsrt__buf_append(&b, "\n", 1) == SLSRT_OK) {
        ssize_t ignored = write(STDOUT_FILENO, b.data, b.len);
        (void)ignored;
    }
    slsrt__buf_free(&b);
    json_decref(doc);
}

static void write_namespace(const struct slsrt__metrics *m, json_t *dimensions, const char *ns)
{
    struct metric *batch[MAX_PER_DOC];
    for (size_t round = 0;; round++) {
        size_t n = 0, any = 0;
        for (size_t i = 0; i < m->n; i++) {
            struct metric *x = &m->list[i];
            if (strcmp(x->ns, ns) != 0 || x->n <= round * MAX_PER_DOC)
                continue;
            any = 1;
            batch[n++] = x;
            if (n == MAX_PER_DOC) {
                write_document(dimensions, ns, batch, n, round);
                n = 0;
            }
        }
        if (n)
            write_document(dimensions, ns, batch, n, round);
        if (!any)
            break;
    }
}

static void write_cold_start(slsrt_runtime *rt)
{
    struct slsrt__metrics m = {0};
    struct metric cold = {.ns = rt->cold_start_ns, .name = "ColdStart", .unit = "Count", .n = 1};
    double one = 1;
    cold.values = &one;
    m.list = &cold;
    m.n = 1;
    json_t *dims = json_pack("{s:s}", "function_name", rt->function_name ? rt->function_name : "unknown");
    write_namespace(&m, dims, rt->cold_start_ns);
    json_decref(dims);
}

/* The invocation's EMF documents (and ColdStart when first), before its result is posted. */
static void flush(slsrt_invocation *inv, int first)
{
    slsrt_runtime *rt = inv->rt;
    if (first && rt->cold_start_ns)
        write_cold_start(rt);
    struct slsrt__metrics *m = inv->metrics;
    if (!m || !m->n)
        return;
    json_t *dims = m->dimensions ? json_incref(m->dimensions) : json_object();
    for (size_t i = 0; i < m->n; i++) {
        int seen = 0; /* each namespace once, in the order first used */
        for (size_t j = 0; j < i; j++)
            seen |= strcmp(m->list[j].ns, m->list[i].ns) == 0;
        if (!seen)
            write_namespace(m, dims, m->list[i].ns);
    }
    json_decref(dims);
}

static void free_metrics(slsrt_invocation *inv)
{
    struct slsrt__metrics *m = inv->metrics;
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->list[i].ns);
        free(m->list[i].name);
        free(m->list[i].values);
    }
    free(m->list);
    json_decref(m->dimensions);
    free(m->ns);
    free(m);
}

static void free_cold_start(slsrt_runtime *rt)
{
    free(rt->cold_start_ns);
    rt->cold_start_ns = NULL;
}

static const slsrt__hooks metrics_hooks = {
    .invocation_done = flush, .invocation_reset = free_metrics, .runtime_free = free_cold_start};
SLSRT__REGISTER_HOOKS(metrics_hooks)
