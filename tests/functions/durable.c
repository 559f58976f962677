/*
 * durable - a durable function whose workflow the event chooses
 * ({"scenario": ..., "log": FILE, ...}), for test_durable.  Every step body
 * that really runs appends "<step name>\n" to FILE, so a test counts which
 * bodies ran and how often across replays.
 */
#include <slsrt/slsrt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *log_path;

static void ran(const char *what)
{
    FILE *f = log_path ? fopen(log_path, "a") : NULL;
    if (f)
        fprintf(f, "%s\n", what), fclose(f);
}

static int count_ran(const char *what)
{
    FILE *f = log_path ? fopen(log_path, "r") : NULL;
    char line[256];
    int n = 0;
    while (f && fgets(line, sizeof line, f))
        n += !strncmp(line, what, strlen(what)) && line[strlen(what)] == '\n';
    if (f)
        fclose(f);
    return n;
}

/* A step that returns {"step": its name, "attempt": n}. */
static int named(slsrt_durable_attempt *a, void *arg, json_t **result)
{
    ran(arg);
    *result = json_pack("{s:s, s:i}", "step", (const char *)arg, "attempt", slsrt_durable_attempt_number(a));
    return SLSRT_OK;
}

/* Fails until attempt `*(int *)arg`. */
static int flaky(slsrt_durable_attempt *a, void *arg, json_t **result)
{
    ran("flaky");
    if (slsrt_durable_attempt_number(a) < *(int *)arg)
        return slsrt_durable_attempt_fail(a, "Flaky.NotYet", "try again");
    *result = json_pack("{s:i}", "attempt", slsrt_durable_attempt_number(a));
    return SLSRT_OK;
}

/* Dies in the middle of its first run (the process exits: a crash). */
static int crashy(slsrt_durable_attempt *a, void *arg, json_t **result)
{
    (void)arg;
    ran("crashy");
    if (count_ran("crashy") == 1)
        _exit(3);
    *result = json_integer(slsrt_durable_attempt_number(a));
    return SLSRT_OK;
}

static int big(slsrt_durable_attempt *a, void *arg, json_t **result)
{
    (void)a, (void)arg;
    ran("big");
    char *s = malloc(300 * 1024);
    memset(s, 'x', 300 * 1024 - 1);
    s[300 * 1024 - 1] = '\0';
    *result = json_string(s);
    free(s);
    return SLSRT_OK;
}

static int submit(slsrt_durable_attempt *a, const char *callback_id, void *arg)
{
    (void)a;
    ran("submit");
    FILE *f = fopen(arg, "w"); /* where the test reads the id from */
    if (f)
        fputs(callback_id, f), fclose(f);
    return SLSRT_OK;
}

static int child_body(slsrt_durable *child, void *arg, json_t **result)
{
    (void)arg;
    json_t *a, *b;
    SLSRT_DURABLE_TRY(slsrt_durable_step(child, "inner-a", named, "inner-a", NULL, &a));
    SLSRT_DURABLE_TRY(slsrt_durable_wait(child, "inner-wait", 1));
    SLSRT_DURABLE_TRY(slsrt_durable_step(child, "inner-b", named, "inner-b", NULL, &b));
    *result = json_pack("[o, o]", a, b);
    return SLSRT_OK;
}

static int counter(slsrt_durable_attempt *a, json_t *state, void *arg, json_t **next, int *done)
{
    (void)a, (void)arg;
    ran("check");
    json_int_t n = json_integer_value(state) + 1;
    *next = json_integer(n);
    *done = n >= 3;
    return SLSRT_OK;
}

static int map_item(slsrt_durable *child, json_t *item, size_t index, void *arg, json_t **result)
{
    (void)index, (void)arg;
    if (json_integer_value(item) < 0)
        return slsrt_durable_fail(child, "Item.Negative", "negative item");
    json_t *v;
    char name[32];
    snprintf(name, sizeof name, "item-%lld", (long long)json_integer_value(item));
    SLSRT_DURABLE_TRY(slsrt_durable_step(child, name, named, "item", NULL, &v));
    json_decref(v);
    *result = json_integer(json_integer_value(item) * 10);
    return SLSRT_OK;
}

static int branch_a(slsrt_durable *child, void *arg, json_t **result)
{
    (void)arg;
    return slsrt_durable_step(child, "branch-a", named, "branch-a", NULL, result);
}

static int branch_b(slsrt_durable *child, void *arg, json_t **result)
{
    (void)arg;
    SLSRT_DURABLE_TRY(slsrt_durable_wait(child, "branch-wait", 1));
    return slsrt_durable_step(child, "branch-b", named, "branch-b", NULL, result);
}

static int workflow(slsrt_durable *ctx, json_t *event, json_t **result)
{
    const char *scenario = json_string_value(json_object_get(event, "scenario"));
    log_path = json_string_value(json_object_get(event, "log"));
    if (!scenario)
        return slsrt_durable_fail(ctx, "Test.NoScenario", "the event names no scenario");
    json_t *a = NULL, *b = NULL;
    if (!strcmp(scenario, "steps")) { /* step, wait, step: the first is not run again after the wait */
        SLSRT_DURABLE_TRY(slsrt_durable_step(ctx, "first", named, "first", NULL, &a));
        SLSRT_DURABLE_TRY(slsrt_durable_wait(ctx, "pause", 2));
        SLSRT_DURABLE_TRY(slsrt_durable_step(ctx, "second", named, "second", NULL, &b));
        *result = json_pack("{s:o, s:o, s:b}", "first", a, "second", b, "replaying", slsrt_durable_replaying(ctx));
        return SLSRT_OK;
    }
    if (!strcmp(scenario, "retry") || !strcmp(scenario, "exhaust")) {
        static int until;
        until = (int)json_integer_value(json_object_get(event, "until"));
        slsrt_durable_step_options o = {.retry = {.kind = SLSRT_RETRY_LINEAR, .initial_delay = 1, .max_attempts = 3}};
        int rc = slsrt_durable_step(ctx, "flaky", flaky, &until, &o, result);
        return rc;
    }
    if (!strcmp(scenario, "crash") || !strcmp(scenario, "crash-at-most-once")) {
        slsrt_durable_step_options o = {.retry = {.kind = SLSRT_RETRY_LINEAR, .initial_delay = 1}};
        o.semantics = !strcmp(scenario, "crash") ? SLSRT_AT_LEAST_ONCE_PER_RETRY : SLSRT_AT_MOST_ONCE_PER_RETRY;
        SLSRT_DURABLE_TRY(slsrt_durable_step(ctx, "crashy", crashy, NULL, &o, &a));
        *result = json_pack("{s:o}", "attempt", a);
        return SLSRT_OK;
    }
    if (!strcmp(scenario, "callback")) {
        slsrt_durable_callback_options o = {.timeout = json_integer_value(json_object_get(event, "timeout")),
                                            .heartbeat_timeout = json_integer_value(json_object_get(event, "heartbeat"))};
        const char *id_file = json_string_value(json_object_get(event, "id_file"));
        return slsrt_durable_wait_for_callback(ctx, "approval", submit, (void *)id_file, &o, result);
    }
    if (!strcmp(scenario, "invoke")) {
        json_t *in = json_pack("{s:s, s:s}", "scenario", "child-of-invoke", "log", log_path ? log_path : "");
        int rc = slsrt_durable_invoke(ctx, "call-child", json_string_value(json_object_get(event, "target")), in, result);
        json_decref(in);
        return rc;
    }
    if (!strcmp(scenario, "child-of-invoke"))
        return slsrt_durable_step(ctx, "in-child-execution", named, "in-child-execution", NULL, result);
    if (!strcmp(scenario, "child"))
        return slsrt_durable_run_in_child_context(ctx, "group", child_body, NULL, result);
    if (!strcmp(scenario, "condition")) {
        slsrt_durable_retry wait = {.kind = SLSRT_RETRY_LINEAR, .initial_delay = 1};
        return slsrt_durable_wait_for_condition(ctx, "count", counter, NULL, json_integer(0), &wait, result);
    }
    if (!strcmp(scenario, "map")) {
        slsrt_durable_completion c = {.max_failures = (int)json_integer_value(json_object_get(event, "max_failures")),
                                      .min_successful = (int)json_integer_value(json_object_get(event, "min_successful"))};
        return slsrt_durable_map(ctx, "items", json_object_get(event, "items"), map_item, NULL, &c, result);
    }
    if (!strcmp(scenario, "parallel")) {
        slsrt_durable_branch br[] = {{"a", branch_a, NULL}, {"b", branch_b, NULL}};
        return slsrt_durable_parallel(ctx, "both", br, 2, NULL, result);
    }
    if (!strcmp(scenario, "nondeterminism")) { /* a different step after the wait: replay sees it */
        SLSRT_DURABLE_TRY(slsrt_durable_step(ctx, count_ran("x") ? "renamed" : "original", named, "x", NULL, &a));
        json_decref(a);
        SLSRT_DURABLE_TRY(slsrt_durable_wait(ctx, "pause", 1));
        return SLSRT_OK;
    }
    if (!strcmp(scenario, "many")) { /* a history longer than one page of state */
        json_int_t n = json_integer_value(json_object_get(event, "steps")), sum = 0;
        for (json_int_t i = 0; i < n; i++) {
            SLSRT_DURABLE_TRY(slsrt_durable_step(ctx, NULL, named, "many", NULL, &a));
            sum += json_integer_value(json_object_get(a, "attempt"));
            json_decref(a);
            if (i == n / 2)
                SLSRT_DURABLE_TRY(slsrt_durable_wait(ctx, "half", 1));
        }
        *result = json_integer(sum);
        return SLSRT_OK;
    }
    if (!strcmp(scenario, "big"))
        return slsrt_durable_step(ctx, "big", big, NULL, NULL, result);
    if (!strcmp(scenario, "suspend-nothing"))
        return SLSRT_ESUSPENDED;
    return slsrt_durable_fail(ctx, "Test.UnknownScenario", scenario);
}

SLSRT_DURABLE_MAIN(workflow)
