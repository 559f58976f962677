/*
 * test_faults.c - every Runtime API call answered with every failure the
 * contract names, through slsrt-local's fault injection.  For each: what the
 * caller gets, what the runtime logs, whether the same process goes on
 * serving, and that no invocation was answered twice (slsrt-local exits 3
 * when the runtime breaks the contract).
 */
#include <check.h>
#include <string.h>

#include "harness.h"

#define PROBE build_path("tests/functions/probe/bootstrap")

struct fault_case {
    const char *fault;
    const char *first_event;
    const char *first_result; /* substring of the first line of output */
    const char *log;          /* substring expected in stderr */
    int sandboxes;            /* cold starts seen over the two events */
    const char *init;         /* PROBE_INIT value, or NULL */
};

#define OK_EVENT "{\"v\":1}"
#define FAIL_EVENT "{\"action\":\"fail\",\"type\":\"Function.X\",\"message\":\"m\"}"
#define INJECTED "slsrt-local.InjectedFault"

static const struct fault_case cases[] = {
    /* /next: 4xx are retried by the same process, 403 and 5xx end it. */
    {"next:400@1", OK_EVENT, "{\"v\":1}", "answered /next with 400", 1, NULL},
    {"next:410@1", OK_EVENT, "{\"v\":1}", "answered /next with 410", 1, NULL},
    {"next:413@1", OK_EVENT, "{\"v\":1}", "answered /next with 413", 1, NULL},
    {"next:drop@1", OK_EVENT, "{\"v\":1}", "dropped the connection of /next", 1, NULL},
    {"next:delay=300@1", OK_EVENT, "{\"v\":1}", "START", 1, NULL},
    /* a drop is asked again at once on a new connection: two calls a failure */
    {"next:drop@1-2", OK_EVENT, "{\"v\":1}", "/next failed: connection closed", 1, NULL},
    {"next:drop@1-6", OK_EVENT, "Runtime.ExitError", "failed 3 times in a row; exiting", 2, NULL},
    {"next:500@1", OK_EVENT, "Runtime.ExitError", "answered /next with 500", 2, NULL},
    {"next:403@1", OK_EVENT, "Runtime.ExitError", "answered /next with 403", 2, NULL},
    /* /response */
    {"response:400@1", OK_EVENT, INJECTED, "rejected the response", 1, NULL},
    {"response:410@1", OK_EVENT, INJECTED, "after the invocation timed out (410)", 1, NULL},
    {"response:413@1", OK_EVENT, INJECTED, "over Lambda's payload limit (413)", 1, NULL},
    {"response:drop@1", OK_EVENT, INJECTED, "failed, it may be lost", 1, NULL},
    {"response:delay=300@1", OK_EVENT, "{\"v\":1}", "START", 1, NULL},
    {"response:403@1", OK_EVENT, INJECTED, "invalid state transition (403)", 2, NULL},
    {"response:500@1", OK_EVENT, INJECTED, "Runtime API failed on the response", 2, NULL},
    /* /error */
    {"error:400@1", FAIL_EVENT, INJECTED, "rejected the error", 1, NULL},
    {"error:410@1", FAIL_EVENT, INJECTED, "after the invocation timed out (410)", 1, NULL},
    {"error:413@1", FAIL_EVENT, INJECTED, "over Lambda's payload limit (413)", 1, NULL},
    {"error:drop@1", FAIL_EVENT, INJECTED, "failed, it may be lost", 1, NULL},
    {"error:403@1", FAIL_EVENT, INJECTED, "invalid state transition (403)", 2, NULL},
    {"error:500@1", FAIL_EVENT, INJECTED, "Runtime API failed on the error", 2, NULL},
    /* Byte-level faults (slsrt-local's proxy): a mangled /next loses that invocation
     * (reported as the injected fault) and the runtime asks again; a mangled
     * answer to a post is logged and the result, already accepted, stands. */
    {"next:garbage@1", OK_EVENT, INJECTED, "/next failed: malformed HTTP response", 1, NULL},
    {"next:truncate@1", OK_EVENT, INJECTED, "/next failed: connection closed in the body", 1, NULL},
    {"next:headers-only@1", OK_EVENT, INJECTED, "/next failed: connection closed in the body", 1, NULL},
    {"next:big-headers@1", OK_EVENT, INJECTED, "/next failed: malformed HTTP response", 1, NULL},
    {"response:garbage@1", OK_EVENT, "{\"v\":1}", "it may be lost: malformed HTTP response", 1, NULL},
    {"response:truncate@1", OK_EVENT, "{\"v\":1}", "it may be lost: connection closed in the body", 1, NULL},
    {"response:headers-only@1", OK_EVENT, "{\"v\":1}", "it may be lost: connection closed in the body", 1, NULL},
    {"response:big-headers@1", OK_EVENT, "{\"v\":1}", "it may be lost: malformed HTTP response", 1, NULL},
    {"error:garbage@1", FAIL_EVENT, "Function.X", "it may be lost: malformed HTTP response", 1, NULL},
    {"error:truncate@1", FAIL_EVENT, "Function.X", "it may be lost: connection closed", 1, NULL},
    {"init-error:garbage", OK_EVENT, "Function.ConfigMissing", "posting the init error failed", 2, "fail"},
    {"init-error:headers-only", OK_EVENT, "Function.ConfigMissing", "posting the init error failed", 2, "fail"},
    /* /init/error: the runtime exits whatever the answer; the caller sees the init error. */
    {"init-error:400", OK_EVENT, "Function.ConfigMissing", "rejected the init error", 2, "fail"},
    {"init-error:500", OK_EVENT, "Function.ConfigMissing", "failed on the init error", 2, "fail"},
    {"init-error:drop", OK_EVENT, "Function.ConfigMissing", "posting the init error failed", 2, "fail"},
};

START_TEST(fault)
{
    const struct fault_case *c = &cases[_i];
    char init_env[64];
    snprintf(init_env, sizeof init_env, "PROBE_INIT=%s", c->init ? c->init : "ok");
    struct run r;
    const char *args[] = {"invoke", "--fault", c->fault, "--env", init_env, "--event", temp_file(c->first_event),
                          "--event", temp_file("{\"v\":2}"), "--", PROBE, NULL};
    run_local(args, 30, &r);
    /* 1: an invocation failed, as a fault may make it; 3 would be a broken contract. */
    ck_assert_msg(r.status == 0 || r.status == 1, "%s: slsrt-local exited %d: %s", c->fault, r.status, r.err);
    const char *second = strchr(r.out, '\n');
    ck_assert_msg(second && strstr(r.out, c->first_result) && strstr(r.out, c->first_result) < second,
                  "%s: first result %s", c->fault, r.out);
    ck_assert_msg(strstr(r.err, c->log), "%s: no '%s' in log:\n%s", c->fault, c->log, r.err);
    if (!c->init)
        ck_assert_msg(strstr(second, "{\"v\":2}"), "%s: second result %s", c->fault, second);
    ck_assert_msg(count_lines(r.err, "Init Duration") == c->sandboxes, "%s: %d sandboxes\n%s", c->fault,
                  count_lines(r.err, "Init Duration"), r.err);
    ck_assert_int_eq(count_lines(r.out, ""), 2); /* each invocation answered exactly once */
    run_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, fault, 0, (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(s, tc);
    return run_suite(s);
}
