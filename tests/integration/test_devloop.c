/*
 * test_devloop.c - the local development loop through the built tools, the
 * way a user types it: `slsrt-local event` samples parsed by the library,
 * `start-api` (plain HTTP in, each source's event to the function, its
 * answer back as HTTP), `slsrt-local --version`.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include <slsrt/common.h>

#define LOCAL build_path("bin/slsrt-local")
#define SUMMARY build_path("examples/event-summary/bootstrap")
#define ROUTES build_path("tests/functions/routes/bootstrap")
#define PROBE build_path("tests/functions/probe/bootstrap")
#define ECHO build_path("examples/http-echo/bootstrap")

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* `slsrt-local event SOURCE [extra...]`, its stdout as a temporary file. */
static const char *sample(const char *source, const char *const *extra)
{
    const char *argv[16] = {LOCAL, "event", source};
    size_t n = 3;
    while (extra && *extra && n < 15)
        argv[n++] = *extra++;
    argv[n] = NULL;
    struct run r;
    run_cmd(argv, NULL, 10, &r);
    ck_assert_msg(r.status == 0, "event %s: %s", source, r.err);
    const char *path = temp_file(r.out);
    run_free(&r);
    return path;
}

START_TEST(every_sample_event_is_parsed_by_the_library)
{
    const char *list[] = {LOCAL, "event", "--list", NULL};
    struct run r;
    run_cmd(list, NULL, 10, &r);
    ck_assert_int_eq(r.status, 0);
    char *save = NULL, *names = strdup(r.out);
    run_free(&r);
    int seen = 0;
    for (char *s = strtok_r(names, " \n", &save); s; s = strtok_r(NULL, " \n", &save), seen++) {
        const char *args[] = {"invoke", "--quiet", "--event", sample(s, NULL), "--", SUMMARY, NULL};
        json_t *j = local_json(args, &r);
        /* The detected source is the sample's (the Cognito triggers are all "cognito"). */
        const char *want = !strncmp(s, "cognito-", 8) ? "cognito" : s;
        ck_assert_msg(!strcmp(str(j, "source"), want), "%s detected as %s", s, str(j, "source"));
        ck_assert_int_ge(json_integer_value(json_object_get(j, "records")), 1);
        if (strcmp(s, "alb") && strncmp(s, "apigw", 5) && strcmp(s, "function-url") && strcmp(s, "websocket"))
            ck_assert_msg(json_is_string(json_array_get(json_object_get(j, "ids"), 0)), "%s: %s", s, r.out);
        json_decref(j);
        run_free(&r);
    }
    free(names);
    ck_assert_int_ge(seen, 15);
}
END_TEST

START_TEST(cloudwatch_logs_events_are_listed_decoded)
{
    const char *args[] = {"invoke", "--quiet", "--event", sample("cloudwatch-logs", NULL), "--", SUMMARY, NULL};
    struct run r;
    json_t *j = local_json(args, &r);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "records")), 2);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "ids"), 1)),
                     "38279847204638432398476209785238763245988987264531234817");
    json_decref(j);
    run_free(&r);
}
END_TEST

START_TEST(samples_take_edits)
{
    const char *sets[] = {"--set", "Records.0.messageId=m-edited", "--set", "Records.0.attributes.ApproximateReceiveCount=7",
                          "--set=Records.1.body={\"a\":1}", "--set", "extra.flag=true", NULL};
    json_t *ev = json_load_file(sample("sqs", sets), 0, NULL);
    json_t *rec0 = json_array_get(json_object_get(ev, "Records"), 0);
    json_t *rec1 = json_array_get(json_object_get(ev, "Records"), 1);
    ck_assert_str_eq(str(rec0, "messageId"), "m-edited");
    /* A string stays a string; new keys take JSON. */
    ck_assert_str_eq(str(json_object_get(rec0, "attributes"), "ApproximateReceiveCount"), "7");
    ck_assert_str_eq(str(rec1, "body"), "{\"a\":1}");
    ck_assert(json_is_true(json_object_get(json_object_get(ev, "extra"), "flag")));
    json_decref(ev);

    const char *bad[][4] = {{LOCAL, "event", "nope", NULL}, {LOCAL, "event", "sqs", "--set"},
                            {LOCAL, "event", "sqs", "--set=Records.9.body=x"}};
    for (size_t i = 0; i < 3; i++) {
        const char *argv[5] = {bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL};
        struct run r;
        run_cmd(argv, NULL, 10, &r);
        ck_assert_int_eq(r.status, 2);
        ck_assert_str_eq(r.out, "");
        run_free(&r);
    }
}
END_TEST

/* --info, run the way slsrt-local runs the function: its library found, its architecture emulated. */
START_TEST(a_bootstrap_of_either_architecture_runs)
{
    const char *json[] = {LOCAL, "info", "--", build_path("examples/posts-api/bootstrap"), NULL};
    struct run r;
    run_cmd(json, NULL, 20, &r);
    ck_assert_int_eq(r.status, 0);
    json_t *info = json_loads(r.out, 0, NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(info, "memory")), 256);
    json_decref(info);
    run_free(&r);
    const char *tf[] = {LOCAL, "info", "--format", "terraform", "--", build_path("examples/posts-api/bootstrap"), NULL};
    run_cmd(tf, NULL, 20, &r);
    ck_assert_ptr_nonnull(strstr(r.out, "resource \"aws_lambda_function\" \"posts-api\""));
    run_free(&r);
    /* An arm64 build on another machine, under qemu-user with the arm64 layer, when both are there. */
    char layer[512], arm[600];
    snprintf(layer, sizeof layer, "%s/arm64", build_dir()); /* build/arm64, next to build/asan too */
    snprintf(arm, sizeof arm, "%s/examples/http-echo/bootstrap", layer);
    if (access(arm, X_OK) != 0) {
        snprintf(layer, sizeof layer, "%s/../arm64", build_dir());
        snprintf(arm, sizeof arm, "%s/examples/http-echo/bootstrap", layer);
    }
    if (access(arm, X_OK) != 0 || system("command -v qemu-aarch64 >/dev/null") != 0) {
        printf("a_bootstrap_of_either_architecture_runs: the arm64 part skipped (no arm64 build or qemu-user here)\n");
        return;
    }
    const char *cross[] = {LOCAL, "info", "--layer", layer, "--", arm, NULL};
    run_cmd(cross, NULL, 60, &r);
    ck_assert_msg(r.status == 0 && strstr(r.out, "\"builtAgainst\""), "%s %s", r.out, r.err);
    run_free(&r);
    /* And invoked: slsrt-local runs it under qemu-user by itself. */
    const char *run[] = {LOCAL, "invoke", "--quiet", "--layer", layer, "--event",
                         "examples/http-echo/events/apigw-v2-get.json", "--", arm, NULL};
    run_cmd(run, NULL, 60, &r);
    ck_assert_msg(r.status == 0 && strstr(r.out, "\"statusCode\":200"), "%s %s", r.out, r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "running it under qemu-aarch64"));
    run_free(&r);
}
END_TEST

START_TEST(version_is_the_librarys)
{
    const char *argv[] = {LOCAL, "--version", NULL};
    struct run r;
    run_cmd(argv, NULL, 10, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "slsrt-local " SLSRT_VERSION_STRING "\n");
    run_free(&r);
}
END_TEST

/* ---- start-api ------------------------------------------------------------- */

static int api_pid;

static int start_api(const char *source, const char *routes, const char *bootstrap)
{
    const char *args[8] = {"--quiet"};
    size_t n = 1;
    if (source)
        args[n++] = "--source", args[n++] = source;
    if (routes)
        args[n++] = "--routes", args[n++] = routes;
    args[n++] = "--";
    args[n++] = bootstrap;
    args[n] = NULL;
    int port = start_local("start-api", args, &api_pid);
    ck_assert_int_gt(port, 0);
    return port;
}

static void stop_api(void)
{
    kill(api_pid, SIGTERM);
    waitpid(api_pid, NULL, 0);
}

/* The value of a header line of a raw response (the nth of that name), or NULL. */
static char *header(const char *resp, const char *name, int nth)
{
    const char *end = strstr(resp, "\r\n\r\n");
    size_t n = strlen(name);
    for (const char *p = strstr(resp, "\r\n"); p && p < end; p = strstr(p + 2, "\r\n"))
        if (!strncasecmp(p + 2, name, n) && p[2 + n] == ':' && nth-- == 0) {
            const char *v = p + 3 + n + strspn(p + 3 + n, " ");
            return strndup(v, strcspn(v, "\r"));
        }
    return NULL;
}

static void expect_header(const char *resp, const char *name, int nth, const char *want)
{
    char *got = header(resp, name, nth);
    ck_assert_msg(got && !strcmp(got, want), "%s #%d: got %s, want %s in\n%s", name, nth, got ? got : "(none)", want,
                  resp);
    free(got);
}

START_TEST(start_api_answers_plain_http_for_every_source)
{
    static const char *const sources[] = {"apigw-v2", "apigw-v1", "alb", "function-url"};
    for (size_t i = 0; i < 4; i++) {
        int port = start_api(sources[i], NULL, ROUTES);
        char *resp = http_request(port, "GET", "/posts/7?x=1", NULL, 0);
        ck_assert_msg(http_status(resp) == 200, "%s: %s", sources[i], resp);
        json_t *body = json_loads(http_body(resp), 0, NULL);
        ck_assert_str_eq(str(body, "route"), "get");
        ck_assert_str_eq(str(json_object_get(body, "params"), "id"), "7");
        json_decref(body);
        expect_header(resp, "X-Route", 0, "get");
        /* Two values: two lines where the source has multi-value headers, else one joined. */
        char *m0 = header(resp, "X-Multi", 0), *m1 = header(resp, "X-Multi", 1);
        ck_assert_msg(m0 && (m1 ? !strcmp(m0, "1") && !strcmp(m1, "2") : !strcmp(m0, "1,2")), "%s: %s", sources[i], resp);
        free(m0), free(m1);
        if (strcmp(sources[i], "alb")) { /* an ALB target group without multi-value headers carries one cookie */
            expect_header(resp, "Set-Cookie", 0, "a=1; Secure");
            expect_header(resp, "Set-Cookie", 1, "b=2; HttpOnly");
        }
        free(resp);

        resp = http_request(port, "GET", "/binary", NULL, 0); /* a base64 body, decoded */
        ck_assert_int_eq(http_status(resp), 200);
        expect_header(resp, "Content-Type", 0, "image/png");
        ck_assert(!memcmp(http_body(resp), "\x00\x01\x02\xff", 4));
        free(resp);

        resp = http_request(port, "POST", "/posts/7", NULL, 0);
        ck_assert_int_eq(http_status(resp), 405);
        free(resp);
        stop_api();
    }
}
END_TEST

START_TEST(start_api_sends_each_sources_event)
{
    int port = start_api("apigw-v1", NULL, ECHO);
    char *resp = http_request(port, "GET", "/users/ada%20lovelace?tag=a&tag=b", NULL, 0);
    json_t *seen = json_loads(http_body(resp), 0, NULL);
    ck_assert_msg(seen != NULL, "%s", resp);
    ck_assert_str_eq(str(seen, "source"), "apigw-v1");
    ck_assert_str_eq(str(seen, "path"), "/users/ada lovelace");
    ck_assert_int_eq(json_array_size(json_object_get(json_object_get(seen, "query"), "tag")), 2);
    json_decref(seen);
    free(resp);
    stop_api();

    /* A body that is not UTF-8 goes base64 and comes back the same. */
    port = start_api("function-url", NULL, ECHO);
    resp = http_request(port, "POST", "/upload", "\x00\xff\xfe", 3);
    seen = json_loads(http_body(resp), 0, NULL);
    ck_assert_str_eq(str(seen, "source"), "function-url");
    ck_assert(json_is_true(json_object_get(seen, "isBase64Encoded")));
    ck_assert_str_eq(str(seen, "body"), "AP/+");
    json_decref(seen);
    free(resp);
    stop_api();
}
END_TEST

START_TEST(start_api_routes_a_file_declares)
{
    const char *routes = temp_file("# the API's routes\nGET /items/{id}\nANY /files/{path+}\n");
    int port = start_api("apigw-v2", routes, ECHO);
    char *resp = http_request(port, "GET", "/items/42", NULL, 0);
    json_t *seen = json_loads(http_body(resp), 0, NULL);
    ck_assert_msg(seen != NULL, "%s", resp);
    ck_assert_str_eq(str(json_object_get(seen, "pathParameters"), "id"), "42");
    json_decref(seen);
    free(resp);
    resp = http_request(port, "DELETE", "/files/a/b.txt", NULL, 0);
    seen = json_loads(http_body(resp), 0, NULL);
    ck_assert_str_eq(str(json_object_get(seen, "pathParameters"), "path"), "a/b.txt");
    json_decref(seen);
    free(resp);
    resp = http_request(port, "GET", "/nowhere", NULL, 0); /* no route and no $default */
    ck_assert_int_eq(http_status(resp), 404);
    ck_assert_str_eq(http_body(resp), "{\"message\":\"Not Found\"}");
    free(resp);
    stop_api();
}
END_TEST

START_TEST(start_api_streams_and_reports_failures)
{
    int port = start_api(NULL, NULL, PROBE);
    const char *stream = "{\"action\":\"stream-http\"}";
    char *resp = http_request(port, "POST", "/", stream, strlen(stream));
    ck_assert_msg(http_status(resp) == 201, "%s", resp); /* the prelude's status */
    expect_header(resp, "x-probe", 0, "yes");
    expect_header(resp, "Set-Cookie", 0, "session=1; Secure");
    ck_assert_ptr_nonnull(strstr(http_body(resp), "hello"));
    free(resp);

    const char *fail = "{\"action\":\"fail\",\"type\":\"Orders.Boom\",\"message\":\"no stock\"}";
    resp = http_request(port, "POST", "/", fail, strlen(fail));
    ck_assert_int_eq(http_status(resp), 502);
    json_t *doc = json_loads(http_body(resp), 0, NULL);
    ck_assert_str_eq(str(doc, "errorType"), "Orders.Boom");
    ck_assert_str_eq(str(doc, "errorMessage"), "no stock");
    json_decref(doc);
    free(resp);
    stop_api();
}
END_TEST

/* ---- watch ----------------------------------------------------------------- */

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char *post_name(int port)
{
    const char *ada = "{\"name\":\"Ada\"}";
    char *resp = http_request(port, "POST", "/", ada, strlen(ada));
    ck_assert_msg(http_status(resp) == 200, "%s", resp);
    json_t *j = json_loads(http_body(resp), 0, NULL);
    char *msg = strdup(str(j, "message") ? str(j, "message") : "");
    json_decref(j);
    free(resp);
    return msg;
}

/* A project of hello's main.c: edited, rebuilt by watch, answering anew. */
START_TEST(watch_rebuilds_and_restarts_while_serving)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/watch-XXXXXX", build_dir());
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *root = realpath(build_dir(), NULL), *repo = realpath(".", NULL), path[512], make[2048];
    FILE *src = fopen("examples/hello/main.c", "r");
    char *hello = calloc(1, 65536);
    ck_assert_uint_gt(fread(hello, 1, 65535, src), 0);
    fclose(src);
    snprintf(path, sizeof path, "%s/main.c", dir);
    write_text(path, hello);
    /* Built the way a user's project builds, with this build's library (and its sanitizers). */
    snprintf(make, sizeof make,
             "bootstrap: main.c\n\t$(CC) %s -o $@ main.c -I%s/include $$(pkg-config --cflags jansson) "
             "-L%s/lib -lslsrt -ljansson -Wl,-rpath,%s/lib\n",
             strstr(root, "asan") ? "-fsanitize=address,undefined" : "", repo, root, root);
    snprintf(path, sizeof path, "%s/Makefile", dir);
    write_text(path, make);
    free(root);
    free(repo);

    /* A slow build, so a request arrives while it runs. */
    const char *args[] = {"--http", "0", "--quiet", "--build", "sleep 1 && make -s", "--", "./bootstrap", NULL};
    int pid, port = start_local_in(dir, "watch", args, &pid);
    ck_assert_int_gt(port, 0);
    char *msg = post_name(port);
    ck_assert_str_eq(msg, "Hello, world!"); /* through the HTTP front the event is a request */
    free(msg);

    char *howdy = strdup(hello), *at = strstr(howdy, "\"Hello, \",");
    ck_assert_ptr_nonnull(at);
    memcpy(at, "\"Howdy", 6);
    snprintf(path, sizeof path, "%s/main.c", dir);
    write_text(path, howdy);
    struct timespec noticed = {0, 600 * 1000000L};
    nanosleep(&noticed, NULL); /* the change is seen and the build runs */
    msg = post_name(port);     /* waits for the build, then runs the new binary */
    ck_assert_str_eq(msg, "Howdy, world!");
    free(msg);

    /* A broken edit: the last good binary keeps serving. */
    write_text(path, "this is not C\n");
    nanosleep(&noticed, NULL);
    msg = post_name(port);
    ck_assert_str_eq(msg, "Howdy, world!");
    free(msg);

    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    free(hello);
    free(howdy);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- what slsrt-local enforces ------------------------------------------------ */

START_TEST(a_function_over_its_memory_is_stopped)
{
    const char *args[] = {"invoke", "--memory", "128", "--event", temp_file("{\"action\":\"allocate\",\"mb\":200}"),
                          "--event", temp_file("{\"action\":\"allocate\",\"mb\":20}"), "--", PROBE, NULL};
    struct run r;
    run_local(args, 30, &r);
    ck_assert_int_eq(r.status, 1); /* an invocation failed */
    json_t *a = json_line(r.out, 0), *b = json_line(r.out, 1);
    ck_assert_str_eq(str(a, "errorType"), "Runtime.OutOfMemory");
    ck_assert_int_eq(json_integer_value(json_object_get(b, "allocated")), 20); /* a new sandbox took the next */
    ck_assert_ptr_nonnull(strstr(r.err, "of its 128 MB: stopped"));
    json_decref(a), json_decref(b);
    run_free(&r);
}
END_TEST

START_TEST(a_crash_is_reported_with_function_file_and_line)
{
#if defined(__SANITIZE_ADDRESS__)
    /* AddressSanitizer reports the crash itself, before the runtime's handler. */
    printf("a_crash_is_reported_with_function_file_and_line: skipped in the sanitized build\n");
    return;
#endif
    const char *args[] = {"invoke", "--quiet", "--event", "examples/crash/events/1-segv.json", "--",
                          build_path("examples/crash/bootstrap"), NULL};
    struct run r;
    run_local(args, 30, &r);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "symbolized:") && strstr(r.err, "crash_segv at ") &&
                      strstr(r.err, "examples/crash/main.c:23") && strstr(r.err, "handler at "),
                  "%s", r.err);
    run_free(&r);
}
END_TEST

/* posts-api declares 256 MB and 10 s: slsrt-local runs it so unless told otherwise. */
START_TEST(the_declared_memory_and_timeout_are_used)
{
    const char *declared[] = {"invoke", "--event", temp_file("{}"), "--", build_path("examples/posts-api/bootstrap"),
                              NULL};
    struct run r;
    run_local(declared, 30, &r);
    ck_assert_ptr_nonnull(strstr(r.err, "posts-api declares 256 MB and 10 s"));
    if (!strstr(build_dir(), "asan")) /* there the harness sets --memory (see run_local) */
        ck_assert_ptr_nonnull(strstr(r.err, "Memory Size: 256 MB"));
    run_free(&r);
    const char *told[] = {"invoke", "--memory", "512", "--event", temp_file("{}"), "--",
                          build_path("examples/posts-api/bootstrap"), NULL};
    run_local(told, 30, &r);
    ck_assert_ptr_nonnull(strstr(r.err, "Memory Size: 512 MB"));
    run_free(&r);
}
END_TEST

/* The loop, as a new user types it: a new HTTP project, watched and
 * served over plain HTTP, a route edited, the rebuilt function answering. */
START_TEST(new_project_watched_and_edited)
{
#if defined(__SANITIZE_ADDRESS__)
    printf("new_project_watched_and_edited: skipped in the sanitized build (a scaffold is a plain program)\n");
    return;
#endif
    char dir[256], cmd[1024], env[600];
    snprintf(dir, sizeof dir, "%s/new-XXXXXX", build_dir());
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *root = realpath(build_dir(), NULL);
    snprintf(cmd, sizeof cmd, "%s/bin/slsrt-local new api --kind http --dir %s >/dev/null", root, dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(env, sizeof env, "%s/lib/pkgconfig", root);
    setenv("PKG_CONFIG_PATH", env, 1);
    char project[300];
    snprintf(project, sizeof project, "%s/api", dir);
    /* this machine's build of it (.test/bootstrap), rebuilt on every save */
    const char *args[] = {"--http", "0", "--quiet", "--build", "make -s .test/bootstrap", "--", ".test/bootstrap", NULL};
    int pid, port = start_local_in(project, "watch", args, &pid);
    ck_assert_int_gt(port, 0);
    char *resp = http_request(port, "GET", "/hello/ada", NULL, 0);
    ck_assert_msg(http_status(resp) == 200 && strstr(http_body(resp), "Hello, ada!"), "%s", resp);
    free(resp);

    /* Edit the route: /hello/{name} becomes /hi/{name}. */
    snprintf(cmd, sizeof cmd, "sed -i 's|\"/hello/{name}\"|\"/hi/{name}\"|' %s/main.c", project);
    ck_assert_int_eq(system(cmd), 0);
    struct timespec noticed = {1, 0};
    nanosleep(&noticed, NULL);
    resp = http_request(port, "GET", "/hi/ada", NULL, 0);
    ck_assert_msg(http_status(resp) == 200 && strstr(http_body(resp), "Hello, ada!"), "%s", resp);
    free(resp);
    resp = http_request(port, "GET", "/hello/ada", NULL, 0);
    ck_assert_int_eq(http_status(resp), 404); /* the old route is gone */
    free(resp);

    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    free(root);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("devloop");
    TCase *tc = tcase_create("tools");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_sample_event_is_parsed_by_the_library);
    tcase_add_test(tc, cloudwatch_logs_events_are_listed_decoded);
    tcase_add_test(tc, samples_take_edits);
    tcase_add_test(tc, version_is_the_librarys);
    tcase_add_test(tc, a_bootstrap_of_either_architecture_runs);
    tcase_add_test(tc, start_api_answers_plain_http_for_every_source);
    tcase_add_test(tc, start_api_sends_each_sources_event);
    tcase_add_test(tc, start_api_routes_a_file_declares);
    tcase_add_test(tc, start_api_streams_and_reports_failures);
    tcase_add_test(tc, watch_rebuilds_and_restarts_while_serving);
    tcase_add_test(tc, new_project_watched_and_edited);
    tcase_add_test(tc, a_function_over_its_memory_is_stopped);
    tcase_add_test(tc, a_crash_is_reported_with_function_file_and_line);
    tcase_add_test(tc, the_declared_memory_and_timeout_are_used);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
