/*
 * test_wire.c - the Runtime API client against replies as a network can
 * deliver them: a stand-in Runtime API on loopback writes every /next
 * answer and every 202 split at chosen byte boundaries or in random small
 * pieces with pauses, chunked, behind 100 Continue, with Connection: close
 * or as HTTP/1.0; events cross every buffer size; deadlines and trace ids
 * are hostile.  Every invocation must be answered exactly once, under its
 * own ids, with its event byte for byte (tests/functions/echo).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define ECHO build_path("tests/functions/echo/bootstrap")

/* How a reply travels. */
struct shape {
    size_t cut;       /* > 0: two writes, cut after this many bytes */
    int pieces;       /* random writes of 1-7 bytes, with pauses */
    int chunked;      /* the body in chunks (with an extension and a trailer) */
    int cont;         /* 100 Continue first */
    int close;        /* Connection: close, then the stand-in closes */
    int http10;       /* HTTP/1.0 without Content-Length: the body ends at close */
};

struct standin {
    int ls, fd;
    pid_t pid;
    unsigned rng;
    /* The last request. */
    char line[512], invocation_id[128], error_type[128];
    char *body;
    size_t body_len, cap;
};

static unsigned rnd(struct standin *s, unsigned n)
{
    s->rng = s->rng * 1103515245u + 12345u;
    return (s->rng >> 8) % n;
}

static void pause_us(long us)
{
    struct timespec ts = {0, us * 1000};
    nanosleep(&ts, NULL);
}

static void standin_start(struct standin *s, const char *const *env)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->rng = 12345;
    s->ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    ck_assert(bind(s->ls, (struct sockaddr *)&a, sizeof a) == 0 && listen(s->ls, 8) == 0 &&
              getsockname(s->ls, (struct sockaddr *)&a, &alen) == 0);
    char api[64];
    snprintf(api, sizeof api, "127.0.0.1:%d", ntohs(a.sin_port));
    s->pid = fork();
    if (s->pid == 0) {
        setenv("AWS_LAMBDA_RUNTIME_API", api, 1);
        setenv("AWS_LAMBDA_FUNCTION_NAME", "wire", 1);
        setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128", 1);
        setenv("AWS_REGION", "us-east-1", 1);
        setenv("AWS_ACCESS_KEY_ID", TEST_ACCESS_KEY, 1);
        setenv("AWS_SECRET_ACCESS_KEY", TEST_SECRET_KEY, 1);
        setenv("AWS_SESSION_TOKEN", TEST_SESSION_TOKEN, 1);
        unsetenv("_X_AMZN_TRACE_ID");
        char libs[1100];
        const char *layer = getenv("SLSRT_LAYER"); /* the arm64 layer under qemu */
        snprintf(libs, sizeof libs, "%s/lib", layer ? layer : build_dir());
        setenv("LD_LIBRARY_PATH", libs, 1);
        /* The runtime's log lines go where every run's do (scripts/check-secrets reads them). */
        char log[1100];
        snprintf(log, sizeof log, "%s/test-logs", build_dir());
        mkdir(log, 0755);
        strcat(log, "/stderr.log");
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd >= 0)
            dup2(fd, STDERR_FILENO);
        for (const char *const *e = env; e && *e; e++)
            putenv((char *)*e);
        const char *argv[72] = {0};
        size_t n = wrap_command(argv, 0);
        argv[n++] = ECHO;
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
}

/* The runtime exits when /next is answered with 500; its exit status. */
static int standin_stop(struct standin *s)
{
    int status = -1;
    for (int i = 0; i < 1000 && waitpid(s->pid, &status, WNOHANG) == 0; i++)
        pause_us(10000);
    if (status == -1) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &status, 0);
    }
    if (s->fd >= 0)
        close(s->fd);
    close(s->ls);
    free(s->body);
    return status;
}

static long rss_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

static void header_of(const char *head, const char *name, char *out, size_t n)
{
    out[0] = '\0';
    size_t len = strlen(name);
    for (const char *p = strchr(head, '\n'); p; p = strchr(p + 1, '\n'))
        if (strncasecmp(p + 1, name, len) == 0 && p[1 + len] == ':') {
            const char *v = p + 2 + len;
            v += strspn(v, " ");
            snprintf(out, n, "%.*s", (int)strcspn(v, "\r\n"), v);
            return;
        }
}

/* Read one request (the runtime sends Content-Length bodies); 0 when it closed. */
static int read_request(struct standin *s)
{
    for (;;) {
        if (s->fd < 0) {
            struct pollfd p = {s->ls, POLLIN, 0};
            int ready = 0;
            for (int waited = 0; !ready && waited < 20000; waited += 100) {
                ready = poll(&p, 1, 100) == 1;
                ck_assert_msg(ready || waitpid(s->pid, NULL, WNOHANG) == 0, "the runtime exited");
            }
            ck_assert_msg(ready, "the runtime did not connect");
            s->fd = accept4(s->ls, NULL, NULL, SOCK_CLOEXEC);
            int one = 1;
            setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        size_t len = 0;
        char head[8192], *end = NULL;
        while (!end) {
            struct pollfd p = {s->fd, POLLIN, 0};
            ck_assert_msg(poll(&p, 1, 20000) == 1, "no request from the runtime");
            ssize_t n = recv(s->fd, head + len, sizeof head - 1 - len, 0);
            if (n <= 0)
                break;
            len += (size_t)n;
            head[len] = '\0';
            end = strstr(head, "\r\n\r\n");
        }
        if (!end) { /* closed: the runtime comes back on a new connection */
            ck_assert_uint_eq(len, 0);
            close(s->fd);
            s->fd = -1;
            continue;
        }
        snprintf(s->line, sizeof s->line, "%.*s", (int)strcspn(head, "\r\n"), head);
        char cl[32];
        header_of(head, "Content-Length", cl, sizeof cl);
        header_of(head, "Lambda-Runtime-Invocation-Id", s->invocation_id, sizeof s->invocation_id);
        header_of(head, "Lambda-Runtime-Function-Error-Type", s->error_type, sizeof s->error_type);
        size_t want = strtoul(cl, NULL, 10), have = len - (size_t)(end + 4 - head);
        if (want + 1 > s->cap)
            s->body = realloc(s->body, s->cap = want + 1);
        memcpy(s->body, end + 4, have);
        while (have < want) {
            ssize_t n = recv(s->fd, s->body + have, want - have, 0);
            ck_assert_msg(n > 0, "the request body was cut");
            have += (size_t)n;
        }
        s->body_len = want;
        s->body[want] = '\0';
        return 1;
    }
}

/* 0, or -1 when the runtime closed its end (as it does on an event over the cap). */
static int send_bytes(struct standin *s, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Random writes of 1-7 bytes for the first 4 KiB, some after a pause; the rest at once. */
static int send_pieces(struct standin *s, const char *p, size_t len)
{
    size_t at = 0;
    while (at < len && at < 4096) {
        size_t n = 1 + rnd(s, 7);
        if (n > len - at)
            n = len - at;
        if (send_bytes(s, p + at, n))
            return -1;
        at += n;
        if (rnd(s, 4) == 0)
            pause_us(rnd(s, 150));
    }
    return send_bytes(s, p + at, len - at);
}

/* Write a whole reply the way the shape says, then close if it says so. */
static void transmit(struct standin *s, const char *reply, size_t len, const struct shape *sh)
{
    int rc;
    if (sh->cut && sh->cut < len) {
        rc = send_bytes(s, reply, sh->cut);
        pause_us(300);
        rc = rc ? rc : send_bytes(s, reply + sh->cut, len - sh->cut);
    } else {
        rc = sh->pieces ? send_pieces(s, reply, len) : send_bytes(s, reply, len);
    }
    if (rc || sh->close || sh->http10) {
        close(s->fd);
        s->fd = -1;
    }
}

struct out {
    char *p;
    size_t len, cap;
};

static void put(struct out *o, const void *data, size_t n)
{
    if (o->len + n + 1 > o->cap)
        o->p = realloc(o->p, o->cap = (o->len + n + 1) * 2);
    memcpy(o->p + o->len, data, n);
    o->len += n;
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *fmt, ...)
{
    char tmp[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put(o, tmp, (size_t)n);
}

/* A reply: status line, the given header lines, the body framed as the shape says. */
static void reply(struct standin *s, int status, const char *headers, const char *body, size_t len,
                  const struct shape *sh)
{
    struct out o = {0};
    if (sh->cont)
        putf(&o, "HTTP/1.1 100 Continue\r\n\r\n");
    putf(&o, "HTTP/1.%d %d %s\r\n", sh->http10 ? 0 : 1, status, status == 200 ? "OK" : "Accepted");
    put(&o, headers, strlen(headers));
    if (sh->close && !sh->http10)
        putf(&o, "Connection: close\r\n");
    if (sh->http10) {
        putf(&o, "\r\n");
        put(&o, body, len);
    } else if (sh->chunked) {
        putf(&o, "Transfer-Encoding: chunked\r\n\r\n");
        for (size_t at = 0; at < len;) {
            size_t n = 1 + rnd(s, 70000);
            if (n > len - at)
                n = len - at;
            putf(&o, rnd(s, 2) ? "%zx;ext=%u\r\n" : "%zX\r\n", n, rnd(s, 100));
            put(&o, body + at, n);
            putf(&o, "\r\n");
            at += n;
        }
        putf(&o, "0\r\nX-Trailer: t\r\n\r\n");
    } else {
        putf(&o, "Content-Length: %zu\r\n\r\n", len);
        put(&o, body, len);
    }
    transmit(s, o.p, o.len, sh);
    free(o.p);
}

/*
 * One invocation: /next answered with the event, then the runtime's answer
 * read and checked against what echo must say.  Returns the answer's kind:
 * "response" or the error type posted.
 */
struct inv {
    const char *event;
    size_t len;
    const char *deadline;    /* default: a minute from now */
    const char *trace_id;    /* default: a short one */
    const char *client_context;
    struct shape next, accepted;
};

static char kind[128];

/* FNV-1a, as echo reports events over 4 MiB (its answer would pass Lambda's 6 MB). */
static unsigned long long fnv(const char *p, size_t n)
{
    unsigned long long h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static const char *invoke(struct standin *s, unsigned n, const struct inv *iv)
{
    ck_assert(read_request(s));
    ck_assert_str_eq(s->line, "GET /2018-06-01/runtime/invocation/next HTTP/1.1");
    char id[64], inv_id[64], deadline[32];
    snprintf(id, sizeof id, "req-%08u", n);
    snprintf(inv_id, sizeof inv_id, "inv-%u-%u", n, rnd(s, 1000000));
    snprintf(deadline, sizeof deadline, "%lld", (long long)time(NULL) * 1000 + 60000);
    const char *trace = iv->trace_id ? iv->trace_id : "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
    struct out h = {0};
    putf(&h, "Content-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: %s\r\n"
             "Lambda-Runtime-Invocation-Id: %s\r\nLambda-Runtime-Deadline-Ms: %s\r\n"
             "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:wire\r\n",
         id, inv_id, iv->deadline ? iv->deadline : deadline);
    putf(&h, "Lambda-Runtime-Trace-Id: ");
    put(&h, trace, strlen(trace));
    putf(&h, "\r\n");
    if (iv->client_context) {
        putf(&h, "Lambda-Runtime-Client-Context: ");
        put(&h, iv->client_context, strlen(iv->client_context));
        putf(&h, "\r\n");
    }
    put(&h, "", 1);
    reply(s, 200, h.p, iv->event, iv->len, &iv->next);
    free(h.p);

    ck_assert(read_request(s));
    char expect_line[160];
    int is_error = strstr(s->line, "/error ") != NULL;
    snprintf(expect_line, sizeof expect_line, "POST /2018-06-01/runtime/invocation/%s/%s HTTP/1.1", id,
             is_error ? "error" : "response");
    ck_assert_str_eq(s->line, expect_line);
    ck_assert_str_eq(s->invocation_id, inv_id);
    if (is_error) {
        snprintf(kind, sizeof kind, "%s", s->error_type);
    } else {
        char expect[512];
        int k = snprintf(expect, sizeof expect, "%s %s %zu %zu + %zu\n", id, inv_id, strlen(trace),
                         iv->client_context ? strlen(iv->client_context) : 0, strlen(trace));
        char digest[40];
        const char *body = iv->event;
        size_t len = iv->len;
        if (len > 4u * 1024 * 1024) {
            len = (size_t)snprintf(digest, sizeof digest, "fnv1a:%016llx", fnv(iv->event, iv->len));
            body = digest;
        }
        ck_assert_msg(s->body_len == (size_t)k + len, "invocation %u: %zu bytes back for a %zu-byte event", n,
                      s->body_len, iv->len);
        ck_assert_msg(memcmp(s->body, expect, (size_t)k) == 0, "invocation %u: %.*s", n, k, s->body);
        ck_assert_msg(memcmp(s->body + k, body, len) == 0, "invocation %u: the event came back changed", n);
        snprintf(kind, sizeof kind, "response");
    }
    static const char ok[] = "{\"status\":\"OK\"}";
    reply(s, 202, "Content-Type: application/json\r\n", ok, sizeof ok - 1, &iv->accepted);
    return kind;
}

static void finish(struct standin *s)
{
    ck_assert(read_request(s));
    static const char gone[] = "{}";
    struct shape plain = {0};
    reply(s, 500, "", gone, 2, &plain);
    int status = standin_stop(s);
    ck_assert_msg(WIFEXITED(status), "the runtime did not exit by itself");
}

static const char small[] = "{\"name\":\"small\"}";

START_TEST(every_cut_of_the_next_head_and_the_202)
{
    struct standin s;
    standin_start(&s, NULL);
    /* The /next head is about 330 bytes; every cut of it, and of the 202. */
    for (unsigned cut = 1; cut < 400; cut++) {
        struct inv iv = {.event = small, .len = sizeof small - 1, .next = {.cut = cut},
                         .accepted = {.cut = cut % 90 + 1}};
        ck_assert_str_eq(invoke(&s, cut, &iv), "response");
    }
    finish(&s);
}
END_TEST

/* 1,000 invocations, each reply in random pieces, in every framing. */
START_TEST(random_pieces_in_every_framing)
{
    struct standin s;
    standin_start(&s, NULL);
    char *cc = malloc(3600);
    memset(cc, 'c', 3599);
    cc[0] = '{', cc[1] = '"', cc[3597] = '"', cc[3598] = '}', cc[3599] = '\0';
    cc[2] = '"', cc[3] = ':', cc[4] = '"'; /* {"":"ccc...c"} */
    char event[2048], pad[1500];
    memset(pad, 'x', sizeof pad);
    for (unsigned i = 0; i < 1000; i++) {
        size_t len = (size_t)snprintf(event, sizeof event, "{\"n\":%u,\"pad\":\"%.*s\"}", i, (int)(i * 7 % 1500), pad);
        struct shape sh = {.pieces = 1, .chunked = i % 3 == 0, .cont = i % 5 == 0, .close = i % 7 == 0,
                           .http10 = i % 11 == 0};
        struct shape ack = {.pieces = 1, .cont = i % 4 == 0, .close = i % 9 == 0, .http10 = i % 13 == 0};
        struct inv iv = {.event = event, .len = len, .client_context = i % 4 == 0 ? cc : NULL, .next = sh,
                         .accepted = ack};
        ck_assert_str_eq(invoke(&s, i, &iv), "response");
    }
    free(cc);
    finish(&s);
}
END_TEST

/* Sizes across every internal buffer, small and large alternating. */
START_TEST(events_of_every_size)
{
    static const size_t sizes[] = {0, 1, 31 * 1024, 32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1, 64 * 1024,
                                   1024 * 1024, 6 * 1024 * 1024 - 1024, 31u * 1024 * 1024};
    struct standin s;
    standin_start(&s, NULL);
    char *big = malloc(sizes[9]);
    for (size_t i = 0; i < sizes[9]; i++)
        big[i] = (char)(' ' + (i * 7 + i / 4096) % 90);
    unsigned n = 0;
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            struct inv large = {.event = big, .len = sizes[i], .next = {.chunked = (int)(i + round) % 2}};
            struct inv tiny = {.event = small, .len = sizeof small - 1, .next = {.pieces = 1}};
            ck_assert_str_eq(invoke(&s, n++, &large), "response");
            ck_assert_str_eq(invoke(&s, n++, &tiny), "response");
        }
    free(big);
    /* The large event's memory goes back: after 1,000 small ones the
     * runtime is back near its size at start. */
    for (int i = 0; i < 1000; i++) {
        struct inv tiny = {.event = small, .len = sizeof small - 1};
        ck_assert_str_eq(invoke(&s, n++, &tiny), "response");
    }
    long kb = rss_kb(s.pid);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    printf("events_of_every_size: resident after 1,000 small events %ld kB (not asserted under a sanitizer)\n", kb);
#else
    if (getenv("SLSRT_WRAP") == NULL)
        ck_assert_msg(kb > 0 && kb < 4096, "resident after a 31 MiB event and 1,000 small ones: %ld kB", kb);
#endif
    finish(&s);
}
END_TEST

START_TEST(over_the_cap_is_refused_and_the_loop_goes_on)
{
    struct standin s;
    standin_start(&s, NULL);
    size_t len = 32u * 1024 * 1024 + 1;
    char *big = malloc(len);
    memset(big, 'b', len);
    for (int chunked = 0; chunked < 2; chunked++) {
        struct inv over = {.event = big, .len = len, .next = {.chunked = chunked}};
        ck_assert_str_eq(invoke(&s, 1 + (unsigned)chunked * 2, &over), "Runtime.EventTooLarge");
        struct inv tiny = {.event = small, .len = sizeof small - 1};
        ck_assert_str_eq(invoke(&s, 2 + (unsigned)chunked * 2, &tiny), "response");
    }
    free(big);
    finish(&s);
}
END_TEST

START_TEST(hostile_deadlines)
{
    struct standin s;
    standin_start(&s, NULL);
    static const char *const bad[] = {"-9223372036854775808", "abc", "12x", "", "-1"};
    unsigned n = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct inv iv = {.event = small, .len = sizeof small - 1, .deadline = bad[i]};
        ck_assert_msg(strcmp(invoke(&s, n++, &iv), "Runtime.InvalidDeadline") == 0, "deadline '%s': %s", bad[i],
                      kind);
        struct inv ok = {.event = small, .len = sizeof small - 1};
        ck_assert_str_eq(invoke(&s, n++, &ok), "response");
    }
    /* Too many digits saturate: far in the future, not an overflow. */
    struct inv far = {.event = small, .len = sizeof small - 1, .deadline = "99999999999999999999999999"};
    ck_assert_str_eq(invoke(&s, n++, &far), "response");
    finish(&s);
}
END_TEST

/* Long trace ids reach the environment whole and do not make it grow. */
START_TEST(long_trace_ids_do_not_leak)
{
    struct standin s;
    standin_start(&s, NULL);
    char *trace = malloc(16 * 1024 + 1);
    long at_100 = 0;
    for (unsigned i = 0; i < 1500; i++) {
        size_t len = 16 * 1024 - (i % 64) * 200; /* lengths going up and down */
        int k = snprintf(trace, 80, "Root=1-5759e988-bd862e3fe1be46a994272793;Lineage=");
        memset(trace + k, 'a' + (char)(i % 26), len - (size_t)k);
        trace[len] = '\0';
        struct inv iv = {.event = small, .len = sizeof small - 1, .trace_id = trace};
        ck_assert_str_eq(invoke(&s, i, &iv), "response");
        if (i == 100)
            at_100 = rss_kb(s.pid);
    }
    long grew = rss_kb(s.pid) - at_100;
    ck_assert_msg(grew < 1024, "the runtime grew by %ld kB over 1,400 invocations with 16 KB trace ids", grew);
    free(trace);
    finish(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("wire");
    TCase *tc = tcase_create("wire");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, every_cut_of_the_next_head_and_the_202);
    tcase_add_test(tc, random_pieces_in_every_framing);
    tcase_add_test(tc, events_of_every_size);
    tcase_add_test(tc, over_the_cap_is_refused_and_the_loop_goes_on);
    tcase_add_test(tc, hostile_deadlines);
    tcase_add_test(tc, long_trace_ids_do_not_leak);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
