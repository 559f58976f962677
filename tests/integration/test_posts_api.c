/*
 * test_posts_api.c - examples/posts-api against a real PostgreSQL, driven
 * through slsrt-local with API Gateway v2 events.  Run under
 * scripts/with-postgres (make check does), which provides DATABASE_URL and
 * SLSRT_PG_RESTART; without them the test says it is skipped.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

#define POSTS build_path("examples/posts-api/bootstrap")

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static char *request(const char *method, const char *path, const char *body)
{
    json_t *e = json_pack("{s:s, s:s, s:s, s:{s:s}, s:{s:{s:s, s:s}, s:s, s:s}, s:s?, s:b}", "version", "2.0", "rawPath",
                          path, "rawQueryString", "", "headers", "content-type", "application/json", "requestContext",
                          "http", "method", method, "sourceIp", "203.0.113.9", "domainName",
                          "api.execute-api.eu-west-1.amazonaws.com", "requestId", "r", "body", body,
                          "isBase64Encoded", 0);
    char *text = json_dumps(e, JSON_COMPACT);
    json_decref(e);
    return text;
}

/* POST an event to serve mode; the Lambda response, parsed. */
static json_t *call(int port, const char *method, const char *path, const char *body, json_t **view)
{
    char *ev = request(method, path, body);
    char *raw = http_request(port, "POST", "/2015-03-31/functions/function/invocations", ev, strlen(ev));
    free(ev);
    const char *payload = raw ? strstr(raw, "\r\n\r\n") : NULL;
    json_t *resp = payload ? json_loads(payload + 4, 0, NULL) : NULL;
    free(raw);
    ck_assert_ptr_nonnull(resp);
    if (view)
        *view = json_loads(str(resp, "body") ? str(resp, "body") : "null", JSON_DECODE_ANY, NULL);
    return resp;
}

static int status_of(json_t *resp)
{
    return (int)json_integer_value(json_object_get(resp, "statusCode"));
}

START_TEST(crud_against_postgresql)
{
    const char *url = getenv("DATABASE_URL");
    if (!url) {
        printf("crud_against_postgresql: skipped (run under scripts/with-postgres)\n");
        return;
    }
    char env[512];
    snprintf(env, sizeof env, "DATABASE_URL=%s", url);
    int pid;
    const char *args[] = {"--env", env, "--", POSTS, NULL};
    int port = start_serve(args, &pid);
    ck_assert_int_gt(port, 0);

    json_t *view, *resp = call(port, "POST", "/posts", "{\"title\":\"Hello\",\"body\":\"First\",\"published\":true}", &view);
    ck_assert_int_eq(status_of(resp), 201);
    long long id = json_integer_value(json_object_get(view, "id"));
    ck_assert_int_gt(id, 0);
    char location[64], path[64];
    snprintf(location, sizeof location, "/posts/%lld", id);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(resp, "headers"), "Location")), location);
    json_decref(view), json_decref(resp);

    resp = call(port, "POST", "/posts", "{\"title\":\"Draft\",\"body\":\"hidden\"}", &view);
    ck_assert_int_eq(status_of(resp), 201);
    json_decref(view), json_decref(resp);

    resp = call(port, "GET", "/posts", NULL, &view); /* published only */
    json_t *posts = json_object_get(view, "posts");
    ck_assert_int_eq(json_array_size(posts), 1);
    ck_assert_str_eq(str(json_array_get(posts, 0), "title"), "Hello");
    json_decref(view), json_decref(resp);

    resp = call(port, "GET", location, NULL, &view);
    ck_assert_int_eq(status_of(resp), 200);
    ck_assert_str_eq(str(view, "body"), "First");
    json_decref(view), json_decref(resp);

    resp = call(port, "POST", "/posts", "{not json", &view);
    ck_assert_int_eq(status_of(resp), 400);
    json_decref(view), json_decref(resp);

    /* The server restarts; the next request reconnects on the same connection object. */
    ck_assert_int_eq(system(getenv("SLSRT_PG_RESTART")), 0);
    resp = call(port, "GET", location, NULL, &view);
    ck_assert_int_eq(status_of(resp), 200);
    json_decref(view), json_decref(resp);

    resp = call(port, "DELETE", location, NULL, NULL);
    ck_assert_int_eq(status_of(resp), 204);
    json_decref(resp);
    resp = call(port, "GET", location, NULL, NULL);
    ck_assert_int_eq(status_of(resp), 404);
    json_decref(resp);
    snprintf(path, sizeof path, "/posts/%lld", id + 1000);
    resp = call(port, "DELETE", path, NULL, NULL);
    ck_assert_int_eq(status_of(resp), 404);
    json_decref(resp);
    resp = call(port, "PUT", "/posts", NULL, NULL);
    ck_assert_int_eq(status_of(resp), 405);
    json_decref(resp);

    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}
END_TEST

START_TEST(an_unreachable_database_is_an_init_error)
{
    struct run r;
    const char *args[] = {"invoke", "--env", "DATABASE_URL=postgresql://nobody@127.0.0.1:1/none?connect_timeout=2",
                          "--event", "examples/posts-api/events/3-list.json", "--", POSTS, NULL};
    run_local(args, 30, &r);
    ck_assert_ptr_nonnull(strstr(r.out, "Function.DatabaseUnreachable"));
    run_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("posts_api");
    TCase *tc = tcase_create("posts_api");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, crud_against_postgresql);
    tcase_add_test(tc, an_unreachable_database_is_an_init_error);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
