/*
 * test_envelope.c - the production envelope through slsrt-local, the way a
 * user runs a function: events from 0 B to 6 MiB - 1 KiB, small and large
 * alternating in one sandbox, each answer checked byte for byte (one at a
 * time and four at once; through the Jansson tree, the HTTP request and
 * the event read in place); and `serve` under the traffic a local endpoint
 * meets: a bootstrap that dies while idle, idle and half-sent connections
 * beyond select()'s 1024 descriptors, 200 clients at once.
 */
#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define HELLO build_path("examples/hello/bootstrap")
#define HTTP_ECHO build_path("examples/http-echo/bootstrap")
#define DOC_ECHO build_path("tests/functions/doc_echo/bootstrap")
#define INVOKE_PATH "/2015-03-31/functions/function/invocations"

static const size_t sizes[] = {0, 1, 31 * 1024, 32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1, 64 * 1024, 1024 * 1024,
                               6 * 1024 * 1024 - 1024};
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* An event of exactly n bytes: {"name":"AAA..."} for hello, or "7" / "" below that. */
static char *hello_event(size_t n)
{
    char *e = malloc(n + 1);
    if (n < 12) {
        memcpy(e, "7", n);
    } else {
        memcpy(e, "{\"name\":\"", 9);
        for (size_t i = 9; i < n - 2; i++)
            e[i] = (char)('A' + i % 26);
        memcpy(e + n - 2, "\"}", 2);
    }
    e[n] = '\0';
    return e;
}

/* An HTTP API (2.0) event of exactly n bytes whose body is filler text. */
static const char v2_head[] = "{\"version\":\"2.0\",\"rawPath\":\"/items/42\",\"rawQueryString\":\"x=1\","
                              "\"headers\":{\"content-type\":\"text/plain\"},\"requestContext\":{\"http\":"
                              "{\"method\":\"POST\",\"sourceIp\":\"1.2.3.4\"},\"requestId\":\"r\"},\"isBase64Encoded\":false,"
                              "\"body\":\"";

static char *http_event(size_t n)
{
    size_t head = sizeof v2_head - 1;
    if (n < head + 2)
        return hello_event(n); /* too small for HTTP: "" or "7" */
    char *e = malloc(n + 1);
    memcpy(e, v2_head, head);
    for (size_t i = head; i < n - 2; i++)
        e[i] = (char)('a' + i % 26);
    memcpy(e + n - 2, "\"}", 2);
    e[n] = '\0';
    return e;
}

static const char *event_path(const char *text, size_t n)
{
    static char paths[2 * NSIZES + 4][64];
    static int next;
    char *p = paths[next++ % (2 * NSIZES + 4)];
    snprintf(p, sizeof paths[0], "/tmp/slsrt-envelope-%d-%d.json", (int)getpid(), next);
    FILE *f = fopen(p, "wb");
    fwrite(text, 1, n, f);
    fclose(f);
    return p;
}

/* Line i of text, as a new string. */
static char *line(const char *text, int i)
{
    for (; i > 0 && text; i--)
        if ((text = strchr(text, '\n')))
            text++;
    ck_assert_ptr_nonnull(text);
    size_t n = strcspn(text, "\n");
    char *l = malloc(n + 1);
    memcpy(l, text, n);
    l[n] = '\0';
    return l;
}

static void check_hello(const char *got, const char *event, size_t n)
{
    if (n == 0) {
        json_t *err = json_loads(got, 0, NULL);
        ck_assert_str_eq(json_string_value(json_object_get(err, "errorType")), "Runtime.InvalidEventJSON");
        json_decref(err);
        return;
    }
    json_t *r = json_loads(got, 0, NULL);
    ck_assert_msg(r != NULL, "%zu bytes: not JSON: %.200s", n, got);
    const char *id = json_string_value(json_object_get(r, "requestId"));
    ck_assert_ptr_nonnull(id);
    size_t name = n < 12 ? 5 : n - 11;
    char *want = malloc(name + 128);
    int k = sprintf(want, "{\"message\":\"Hello, ");
    if (n < 12)
        k += sprintf(want + k, "world");
    else
        memcpy(want + k, event + 9, name), k += (int)name;
    sprintf(want + k, "!\",\"requestId\":\"%s\"}", id);
    ck_assert_msg(strcmp(got, want) == 0, "%zu bytes: the answer differs from the event's name", n);
    free(want);
    json_decref(r);
}

static void check_http(const char *got, const char *event, size_t n)
{
    json_t *r = json_loads(got, 0, NULL);
    ck_assert_msg(r != NULL, "%zu bytes: not JSON: %.200s", n, got);
    if (n < sizeof v2_head + 1) {
        ck_assert_str_eq(json_string_value(json_object_get(r, "errorType")),
                         n ? "Function.NotHttpEvent" : "Runtime.InvalidEventJSON");
        json_decref(r);
        return;
    }
    ck_assert_int_eq(json_integer_value(json_object_get(r, "statusCode")), 200);
    json_t *view = json_loads(json_string_value(json_object_get(r, "body")), 0, NULL);
    ck_assert_ptr_nonnull(view);
    const char *body = json_string_value(json_object_get(view, "body"));
    size_t blen = n - (sizeof v2_head - 1) - 2;
    ck_assert_uint_eq(json_string_length(json_object_get(view, "body")), blen);
    ck_assert_msg(memcmp(body, event + sizeof v2_head - 1, blen) == 0, "%zu bytes: the body came back changed", n);
    ck_assert_str_eq(json_string_value(json_object_get(view, "path")), "/items/42");
    json_decref(view);
    json_decref(r);
}

/* The event read in place and written back: the same bytes (the events
 * are compact), or the runtime's error for no JSON at all. */
static void check_doc(const char *got, const char *event, size_t n)
{
    if (n == 0) {
        json_t *err = json_loads(got, 0, NULL);
        ck_assert_str_eq(json_string_value(json_object_get(err, "errorType")), "Runtime.InvalidEventJSON");
        json_decref(err);
        return;
    }
    ck_assert_msg(strlen(got) == n && memcmp(got, event, n) == 0, "%zu bytes: the echo differs: %.200s", n, got);
}

/* Every size, each after a small event, in one run of slsrt-local. */
static void sweep(const char *bootstrap, char *(*make)(size_t), void (*check)(const char *, const char *, size_t),
                  const char *concurrency)
{
    const char *args[4 * NSIZES + 16];
    char *events[2 * NSIZES];
    size_t lens[2 * NSIZES], a = 0;
    args[a++] = "invoke";
    args[a++] = "--quiet";
    args[a++] = "--concurrency";
    args[a++] = concurrency;
    for (size_t i = 0; i < NSIZES; i++) {
        lens[2 * i] = 40 + i;
        lens[2 * i + 1] = sizes[i];
        for (int j = 0; j < 2; j++) {
            events[2 * i + j] = make(lens[2 * i + j]);
            args[a++] = "--event";
            args[a++] = event_path(events[2 * i + j], lens[2 * i + j]);
        }
    }
    args[a++] = "--";
    args[a++] = bootstrap;
    args[a] = NULL;
    struct run r;
    run_local(args, 120, &r);
    ck_assert_msg(r.status == 0 || r.status == 1, "slsrt-local: %d\n%.2000s", r.status, r.err); /* 1: the oversized ones */
    for (size_t i = 0; i < 2 * NSIZES; i++) {
        char *got = line(r.out, (int)i);
        check(got, events[i], lens[i]);
        free(got);
        free(events[i]);
        unlink(args[5 + 2 * i]);
    }
    run_free(&r);
}

START_TEST(hello_across_the_envelope) { sweep(HELLO, hello_event, check_hello, "1"); }
END_TEST
START_TEST(hello_across_the_envelope_four_at_once) { sweep(HELLO, hello_event, check_hello, "4"); }
END_TEST
START_TEST(http_echo_across_the_envelope) { sweep(HTTP_ECHO, http_event, check_http, "1"); }
END_TEST
START_TEST(http_echo_across_the_envelope_four_at_once) { sweep(HTTP_ECHO, http_event, check_http, "4"); }
END_TEST
START_TEST(doc_echo_across_the_envelope) { sweep(DOC_ECHO, hello_event, check_doc, "1"); }
END_TEST
START_TEST(doc_echo_across_the_envelope_four_at_once) { sweep(DOC_ECHO, hello_event, check_doc, "4"); }
END_TEST

/* The pid of pid's child, from /proc (0 when none). */
static pid_t child_of(pid_t pid)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    pid_t found = 0;
    while (d && !found && (de = readdir(d))) {
        char path[300], buf[512];
        snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        const char *close = strrchr(buf, ')');
        int ppid = 0;
        if (close && sscanf(close + 2, "%*c %d", &ppid) == 1 && ppid == pid)
            found = (pid_t)atoi(de->d_name);
    }
    if (d)
        closedir(d);
    return found;
}

static void stop(int pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

START_TEST(a_bootstrap_that_dies_idle_is_started_again)
{
    int pid;
    const char *args[] = {"--", HELLO, NULL};
    int port = start_serve(args, &pid);
    ck_assert_int_gt(port, 0);
    char *resp = http_request(port, "POST", INVOKE_PATH, "{\"name\":\"a\"}", 12);
    ck_assert_ptr_nonnull(strstr(resp, "Hello, a!"));
    free(resp);
    pid_t bootstrap = child_of(pid);
    ck_assert_int_gt(bootstrap, 0);
    kill(bootstrap, SIGKILL);
    usleep(600 * 1000);
    ck_assert_int_eq(child_of(pid), 0); /* reaped while idle: no zombie */
    for (int i = 0; i < 3; i++) {
        resp = http_request(port, "POST", INVOKE_PATH, "{\"name\":\"b\"}", 12);
        ck_assert_msg(strstr(resp, "Hello, b!") != NULL, "after the bootstrap died: %s", resp);
        free(resp);
    }
    stop(pid);
}
END_TEST

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return connect(fd, (struct sockaddr *)&a, sizeof a) == 0 ? fd : (close(fd), -1);
}

struct client {
    int port, ok;
    pthread_t thread;
};

static void *one_client(void *arg)
{
    struct client *c = arg;
    char *resp = http_request(c->port, "POST", INVOKE_PATH, "{\"name\":\"c\"}", 12);
    c->ok = resp && strstr(resp, "HTTP/1.1 200") && strstr(resp, "Hello, c");
    free(resp);
    return NULL;
}

START_TEST(serve_holds_idle_connections_and_many_clients)
{
    struct rlimit nofile;
    getrlimit(RLIMIT_NOFILE, &nofile);
    if (nofile.rlim_max < 2500) {
        printf("serve_holds_idle_connections_and_many_clients: skipped (descriptor limit %lu)\n",
               (unsigned long)nofile.rlim_max);
        return;
    }
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
    int pid;
    const char *args[] = {"--idle-timeout", "2", "--concurrency", "8", "--", HELLO, NULL};
    int port = start_serve(args, &pid);
    ck_assert_int_gt(port, 0);
    /* 1,100 clients that send half a request and stop: the server's
     * descriptors go past 1,024, and a new client is still served. */
    enum { IDLE = 1100 };
    static int idle[IDLE];
    static const char half[] = "POST " INVOKE_PATH " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"na";
    for (int i = 0; i < IDLE; i++) {
        idle[i] = connect_to(port);
        ck_assert_int_ge(idle[i], 0);
        ck_assert_int_eq(send(idle[i], half, sizeof half - 1, MSG_NOSIGNAL), (ssize_t)(sizeof half - 1));
    }
    char *resp = http_request(port, "POST", INVOKE_PATH, "{\"name\":\"new\"}", 14);
    ck_assert_msg(resp && strstr(resp, "Hello, new!"), "a new client behind 1,100 idle ones: %s", resp);
    free(resp);
    /* Idle connections are closed after the timeout. */
    sleep(4);
    int closed = 0;
    for (int i = 0; i < IDLE; i++) {
        char b[256];
        struct timeval tv = {0, 100000};
        setsockopt(idle[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ssize_t n = recv(idle[i], b, sizeof b, 0);
        closed += n >= 0; /* EOF, or an error reply before it */
        close(idle[i]);
    }
    ck_assert_msg(closed == IDLE, "%d of %d idle connections were closed by the server", closed, IDLE);
    /* 200 clients at once. */
    enum { CLIENTS = 200 };
    static struct client clients[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        clients[i].port = port;
        pthread_create(&clients[i].thread, NULL, one_client, &clients[i]);
    }
    int ok = 0;
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(clients[i].thread, NULL);
        ok += clients[i].ok;
    }
    ck_assert_int_eq(ok, CLIENTS);
    stop(pid);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("envelope");
    TCase *tc = tcase_create("envelope");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, hello_across_the_envelope);
    tcase_add_test(tc, hello_across_the_envelope_four_at_once);
    tcase_add_test(tc, http_echo_across_the_envelope);
    tcase_add_test(tc, http_echo_across_the_envelope_four_at_once);
    tcase_add_test(tc, doc_echo_across_the_envelope);
    tcase_add_test(tc, doc_echo_across_the_envelope_four_at_once);
    tcase_add_test(tc, a_bootstrap_that_dies_idle_is_started_again);
    tcase_add_test(tc, serve_holds_idle_connections_and_many_clients);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
