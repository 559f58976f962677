/*
 * test_observability.c - logs, EMF metrics and X-Ray subsegments of real
 * functions under slsrt-local: a UDP listener plays the X-Ray daemon, every
 * line the function writes is parsed, every EMF document is checked
 * against the rules of the EMF specification.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

#define TRACED build_path("examples/traced/bootstrap")
#define PROBE build_path("tests/functions/probe/bootstrap")
#define ORDER "examples/traced/events/order.json"

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* ---- an X-Ray daemon on loopback ---------------------------------------- */

static int daemon_fd;
static char daemon_env[64];

static void daemon_start(void)
{
    daemon_fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ck_assert_int_eq(bind(daemon_fd, (struct sockaddr *)&a, sizeof a), 0);
    getsockname(daemon_fd, (struct sockaddr *)&a, &len);
    snprintf(daemon_env, sizeof daemon_env, "AWS_XRAY_DAEMON_ADDRESS=127.0.0.1:%d", ntohs(a.sin_port));
}

/* Every datagram received so far, header line checked, as documents. */
static json_t *daemon_documents(void)
{
    json_t *docs = json_array();
    char buf[65536 + 64];
    struct pollfd p = {daemon_fd, POLLIN, 0};
    while (poll(&p, 1, 200) > 0) {
        ssize_t n = recv(daemon_fd, buf, sizeof buf - 1, 0);
        if (n <= 0)
            break;
        buf[n] = '\0';
        const char *nl = strchr(buf, '\n');
        ck_assert_ptr_nonnull(nl);
        json_t *header = json_loadb(buf, (size_t)(nl - buf), 0, NULL);
        ck_assert_str_eq(str(header, "format"), "json");
        ck_assert_int_eq(json_integer_value(json_object_get(header, "version")), 1);
        json_decref(header);
        json_t *doc = json_loads(nl + 1, 0, NULL);
        ck_assert_msg(doc != NULL, "not JSON: %s", nl + 1);
        json_array_append_new(docs, doc);
    }
    close(daemon_fd);
    return docs;
}

static json_t *named(json_t *docs, const char *name)
{
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d) if (strcmp(str(d, "name"), name) == 0) return d;
    return NULL;
}

/* ---- EMF rules ------------------------------------------------------------ */

static const char *const units[] = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
    "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None"};

static int known_unit(const char *u)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (u && strcmp(u, units[i]) == 0)
            return 1;
    return 0;
}

/* NULL when doc follows the EMF specification, else why not. */
static const char *emf_violation(json_t *doc)
{
    json_t *aws = json_object_get(doc, "_aws");
    if (!json_is_object(aws) || !json_is_integer(json_object_get(aws, "Timestamp")))
        return "_aws.Timestamp must be an integer";
    json_t *directives = json_object_get(aws, "CloudWatchMetrics");
    if (!json_is_array(directives) || json_array_size(directives) == 0)
        return "CloudWatchMetrics must be a non-empty array";
    size_t i, j, k;
    json_t *d, *set, *name, *m;
    json_array_foreach(directives, i, d) {
        const char *ns = str(d, "Namespace");
        if (!ns || !*ns || strlen(ns) > 255)
            return "Namespace must be 1-255 characters";
        json_t *dims = json_object_get(d, "Dimensions");
        if (!json_is_array(dims))
            return "Dimensions must be an array";
        json_array_foreach(dims, j, set) {
            if (!json_is_array(set) || json_array_size(set) > 30)
                return "a dimension set holds at most 30 names";
            json_array_foreach(set, k, name) {
                json_t *target = json_object_get(doc, json_string_value(name));
                if (!json_is_string(target) || !*json_string_value(target) || strlen(json_string_value(target)) > 1024)
                    return "a dimension must refer to a 1-1024 character string member";
            }
        }
        json_t *metrics = json_object_get(d, "Metrics");
        if (!json_is_array(metrics) || json_array_size(metrics) > 100)
            return "Metrics must be an array of at most 100";
        json_array_foreach(metrics, j, m) {
            const char *n = str(m, "Name");
            if (!n || !*n || strlen(n) > 255)
                return "a metric Name must be 1-255 characters";
            if (json_object_get(m, "Unit") && !known_unit(str(m, "Unit")))
                return "a metric Unit must be a CloudWatch unit";
            json_t *v = json_object_get(doc, n);
            if (json_is_array(v)) {
                if (json_array_size(v) == 0 || json_array_size(v) > 100)
                    return "a metric holds 1-100 values";
                json_array_foreach(v, k, name) if (!json_is_number(name)) return "metric values must be numbers";
            } else if (!json_is_number(v)) {
                return "a metric must refer to a number member";
            }
        }
    }
    return NULL;
}

/* The function's own lines on stderr (not slsrt-local's). */
static int function_line(const char *line)
{
    static const char *const platform[] = {"START ", "END ", "REPORT ", "INIT_REPORT ", "slsrt-local:"};
    for (size_t i = 0; i < sizeof platform / sizeof platform[0]; i++)
        if (strncmp(line, platform[i], strlen(platform[i])) == 0)
            return 0;
    return *line != '\0';
}

struct lines {
    json_t *logs, *emf;
};

/* Sort every function line into logs and EMF documents; each must be JSON. */
static struct lines classify(const char *err)
{
    struct lines l = {json_array(), json_array()};
    for (const char *p = err; *p;) {
        size_t n = strcspn(p, "\n");
        char *line = strndup(p, n);
        if (function_line(line)) {
            json_t *j = json_loads(line, 0, NULL);
            ck_assert_msg(j != NULL, "not a JSON line: %s", line);
            json_array_append_new(json_object_get(j, "_aws") ? l.emf : l.logs, j);
        }
        free(line);
        p += n + (p[n] == '\n');
    }
    return l;
}

START_TEST(sampled_spans_reach_the_daemon_linked_to_the_trace)
{
    daemon_start();
    struct run r;
    const char *args[] = {"invoke", "--trace-sampled", "--env", daemon_env, "--event", ORDER, "--", TRACED, NULL};
    local_ok(args, &r);
    json_t *docs = daemon_documents();
    ck_assert_int_eq(json_array_size(docs), 2);

    json_t *resp = json_line(r.out, 0);
    char root[64], parent[32];
    ck_assert_int_eq(sscanf(str(resp, "traceHeader"), "Root=%35[^;];Parent=%16[^;]", root, parent), 2);

    json_t *outer = named(docs, "process-order"), *inner = named(docs, "price");
    ck_assert_ptr_nonnull(outer);
    ck_assert_ptr_nonnull(inner);
    ck_assert_str_eq(str(outer, "trace_id"), root);
    ck_assert_str_eq(str(inner, "trace_id"), root);
    ck_assert_str_eq(str(outer, "parent_id"), parent);          /* under the function's segment */
    ck_assert_str_eq(str(inner, "parent_id"), str(outer, "id")); /* nested */
    ck_assert_str_eq(str(outer, "type"), "subsegment");
    ck_assert(json_real_value(json_object_get(outer, "start_time")) <= json_real_value(json_object_get(outer, "end_time")));
    ck_assert(json_real_value(json_object_get(outer, "start_time")) > 1.7e9);
    ck_assert_str_eq(str(json_object_get(outer, "annotations"), "orderId"), "o-1001");
    ck_assert(json_real_value(json_object_get(json_object_get(json_object_get(inner, "metadata"), "default"), "total")) == 21.0);
    /* an outgoing call inside the span would name the span as its parent */
    char expect[128];
    snprintf(expect, sizeof expect, "Root=%s;Parent=%s;Sampled=1", root, str(outer, "id"));
    ck_assert_str_eq(str(resp, "downstreamHeader"), expect);
    json_decref(resp), json_decref(docs);
    run_free(&r);
}
END_TEST

START_TEST(unsampled_spans_are_not_sent)
{
    daemon_start();
    struct run r;
    const char *args[] = {"invoke", "--env", daemon_env, "--event", ORDER, "--", TRACED, NULL};
    local_ok(args, &r);
    json_t *docs = daemon_documents();
    ck_assert_int_eq(json_array_size(docs), 0);
    json_decref(docs);
    run_free(&r);
}
END_TEST

START_TEST(context_missing_is_honoured)
{
    struct run r;
    const char *span = temp_file("{\"action\":\"span\"}");
    const char *args[] = {"invoke", "--no-trace-header", "--event", span, "--", PROBE, NULL};
    run_local(args, 20, &r);
    ck_assert_str_eq(r.out, "{\"opened\":false}\n");
    ck_assert_ptr_nonnull(strstr(r.err, "no X-Ray trace context"));
    run_free(&r);
    const char *quiet[] = {"invoke", "--no-trace-header", "--env", "AWS_XRAY_CONTEXT_MISSING=IGNORE_ERROR",
                           "--event", span, "--", PROBE, NULL};
    run_local(quiet, 20, &r);
    ck_assert_str_eq(r.out, "{\"opened\":false}\n");
    ck_assert_ptr_null(strstr(r.err, "no X-Ray trace context"));
    run_free(&r);
    const char *traced[] = {"invoke", "--event", span, "--", PROBE, NULL};
    run_local(traced, 20, &r);
    ck_assert_str_eq(r.out, "{\"opened\":true}\n");
    run_free(&r);
}
END_TEST

START_TEST(every_json_log_line_carries_the_required_keys)
{
    struct run r;
    const char *args[] = {"invoke", "--log-format", "JSON", "--event", ORDER, "--event",
                          "examples/traced/events/bad-order.json", "--event", ORDER, "--", TRACED, NULL};
    local_ran(args, &r);
    struct lines l = classify(r.err);
    ck_assert_int_eq(json_array_size(l.logs), 3); /* two "processing order", one runtime error line */
    size_t i;
    json_t *line;
    json_array_foreach(l.logs, i, line) {
        const char *ts = str(line, "timestamp");
        ck_assert_msg(ts && strlen(ts) == 24 && ts[10] == 'T' && ts[19] == '.' && ts[23] == 'Z', "timestamp %s", ts);
        ck_assert_ptr_nonnull(str(line, "level"));
        ck_assert_ptr_nonnull(str(line, "message"));
        char report[80];
        snprintf(report, sizeof report, "REPORT RequestId: %s", str(line, "requestId"));
        ck_assert_msg(strstr(r.err, report), "requestId %s is no invocation's", str(line, "requestId"));
        ck_assert_int_eq(strlen(str(line, "traceId")), 35);
    }
    json_t *first = json_array_get(l.logs, 0);
    ck_assert_str_eq(str(first, "message"), "processing order");
    ck_assert_str_eq(str(first, "orderId"), "o-1001");
    json_decref(l.logs), json_decref(l.emf);
    run_free(&r);
}
END_TEST

START_TEST(log_level_filters)
{
    struct run r;
    const char *warn[] = {"invoke", "--log-format", "JSON", "--log-level", "WARN", "--event", ORDER, "--", TRACED, NULL};
    run_local(warn, 20, &r);
    ck_assert_ptr_null(strstr(r.err, "processing order"));
    run_free(&r);
    const char *debug[] = {"invoke", "--log-format", "JSON", "--log-level", "DEBUG", "--event", ORDER, "--", TRACED, NULL};
    run_local(debug, 20, &r);
    ck_assert_ptr_nonnull(strstr(r.err, "processing order"));
    ck_assert_ptr_nonnull(strstr(r.err, "\"message\":\"items: 2\""));
    run_free(&r);
}
END_TEST

START_TEST(emf_documents_follow_the_specification)
{
    struct run r;
    const char *args[] = {"invoke", "--log-format", "JSON", "--event", ORDER, "--event", ORDER, "--", TRACED, NULL};
    run_local(args, 20, &r);
    struct lines l = classify(r.err);
    ck_assert_int_eq(json_array_size(l.emf), 3); /* ColdStart once, then one document per invocation */
    int cold = 0;
    size_t i;
    json_t *doc;
    json_array_foreach(l.emf, i, doc) {
        const char *why = emf_violation(doc);
        ck_assert_msg(why == NULL, "%s", why);
        cold += json_object_get(doc, "ColdStart") != NULL;
    }
    ck_assert_int_eq(cold, 1);
    json_t *order = json_array_get(l.emf, 1);
    ck_assert(json_real_value(json_object_get(order, "OrderValue")) == 21.0);
    ck_assert_str_eq(str(order, "service"), "orders");
    json_decref(l.logs), json_decref(l.emf);
    run_free(&r);
}
END_TEST

START_TEST(emf_splits_at_100_metrics_and_100_values)
{
    struct run r;
    const char *args[] = {"invoke", "--event", temp_file("{\"action\":\"metrics\",\"count\":150,\"values\":250}"),
                          "--", PROBE, NULL};
    local_ok(args, &r);
    /* every refused call said so */
    json_t *resp = json_line(r.out, 0);
    const char *key;
    json_t *v;
    json_object_foreach(resp, key, v) ck_assert_msg(json_integer_value(v) == -1, "%s was not refused", key);
    json_decref(resp);

    struct lines l = classify(r.err);
    /* probe: 150 + Many in round 0 (docs of 100 and 51), Many's values 100-199 and 200-249, other/ns */
    ck_assert_int_eq(json_array_size(l.emf), 5);
    size_t i, seen_metrics = 0, many_values = 0;
    json_t *doc;
    json_array_foreach(l.emf, i, doc) {
        const char *why = emf_violation(doc);
        ck_assert_msg(why == NULL, "%s", why);
        json_t *d = json_array_get(json_object_get(json_object_get(doc, "_aws"), "CloudWatchMetrics"), 0);
        if (strcmp(str(d, "Namespace"), "probe") != 0)
            continue;
        seen_metrics += json_array_size(json_object_get(d, "Metrics"));
        json_t *many = json_object_get(doc, "Many");
        many_values += json_is_array(many) ? json_array_size(many) : many != NULL;
    }
    ck_assert_uint_eq(many_values, 250);
    ck_assert_uint_eq(seen_metrics, 150 + 3); /* each M once, Many in three documents */
    json_decref(l.logs), json_decref(l.emf);
    run_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("observability");
    TCase *tc = tcase_create("observability");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sampled_spans_reach_the_daemon_linked_to_the_trace);
    tcase_add_test(tc, unsampled_spans_are_not_sent);
    tcase_add_test(tc, context_missing_is_honoured);
    tcase_add_test(tc, every_json_log_line_carries_the_required_keys);
    tcase_add_test(tc, log_level_filters);
    tcase_add_test(tc, emf_documents_follow_the_specification);
    tcase_add_test(tc, emf_splits_at_100_metrics_and_100_values);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
