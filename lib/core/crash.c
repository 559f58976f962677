/*
 * crash.c - crash reports: a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT) in the handler or the init hook posts an error for the current
 * invocation (or an init error) with the signal and a symbolized backtrace,
 * writes the same to the log, then lets the process die of the signal so
 * Lambda replaces it.
 *
 * Everything the signal handler does is async-signal-safe: the ids are
 * copied when each invocation starts and the request is assembled with
 * plain copies, the address is already resolved, the
 * post goes through a fresh socket, symbols come from backtrace_symbols_fd()
 * into a pipe made at start-up (backtrace() is called once early, so its
 * library is loaded before any crash), and text is assembled with plain
 * loops.  Each thread has an alternate signal stack, so a stack overflow is
 * reported too.
 */
#include "crash.h"

#include <execinfo.h>
#include <stdio.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "runtime_internal.h"

#define ALT_STACK_SIZE (64 * 1024)
#define MAX_FRAMES 48

static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
static int symbols_pipe[2] = {-1, -1};
static volatile sig_atomic_t crashing;
static __thread slsrt__crash *current;

/* ---- bounded, allocation-free text -------------------------------------- */

struct text {
    char *p;
    size_t len, cap;
};

static void put(struct text *t, const char *s, size_t n)
{
    if (n > t->cap - t->len)
        n = t->cap - t->len;
    memcpy(t->p + t->len, s, n);
    t->len += n;
}

static void puts_(struct text *t, const char *s) { put(t, s, strlen(s)); }

static void put_num(struct text *t, unsigned long n)
{
    char d[24];
    size_t i = sizeof d;
    do {
        d[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    put(t, d + i, sizeof d - i);
}

/* A JSON string body: quotes, backslashes and controls escaped. */
static void put_json(struct text *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            put(t, "\\", 1), put(t, (char *)&c, 1);
        else if (c >= 0x20)
            put(t, (char *)&c, 1);
    }
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV (segmentation fault)";
    case SIGBUS: return "SIGBUS (bus error)";
    case SIGFPE: return "SIGFPE (arithmetic exception)";
    case SIGILL: return "SIGILL (illegal instruction)";
    case SIGABRT: return "SIGABRT (aborted)";
    default: return "a fatal signal";
    }
}

/* ---- the handler ---------------------------------------------------------- */

/* Symbolized frames, one per line, into buf; returns the length. */
static size_t backtrace_text(char *buf, size_t size)
{
    void *frames[MAX_FRAMES];
    int n = backtrace(frames, MAX_FRAMES);
    if (symbols_pipe[0] < 0 || n <= 0)
        return 0;
    backtrace_symbols_fd(frames, n, symbols_pipe[1]);
    ssize_t got = read(symbols_pipe[0], buf, size - 1);
    return got > 0 ? (size_t)got : 0;
}

/* The request head, built in the signal handler from what arming copied. */
static size_t request_head(const slsrt__crash *c, char *head, size_t size, size_t len)
{
    struct text h = {head, 0, size};
    puts_(&h, "POST /2018-06-01/runtime/");
    if (c->in_init) {
        puts_(&h, "init/error");
    } else {
        puts_(&h, "invocation/");
        puts_(&h, c->request_id);
        puts_(&h, "/error");
    }
    puts_(&h, " HTTP/1.1\r\nHost: ");
    puts_(&h, c->host);
    puts_(&h, "\r\nLambda-Runtime-Function-Error-Type: Runtime.Crash\r\nContent-Type: application/json\r\n");
    if (c->invocation_id[0]) {
        puts_(&h, "Lambda-Runtime-Invocation-Id: ");
        puts_(&h, c->invocation_id);
        puts_(&h, "\r\n");
    }
    puts_(&h, "Connection: close\r\nContent-Length: ");
    put_num(&h, len);
    puts_(&h, "\r\n\r\n");
    return h.len;
}

static void post(const slsrt__crash *c, const char *body, size_t len)
{
    int fd = socket(c->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    struct timeval tv = {1, 0}; /* the API answers at once; never hang a dying process */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (const struct sockaddr *)&c->addr, c->addrlen) == 0) {
        char head[1024];
        size_t n = request_head(c, head, sizeof head, len);
        if (write(fd, head, n) == (ssize_t)n && write(fd, body, len) == (ssize_t)len) {
            char answer[256];
            ssize_t ignored = read(fd, answer, sizeof answer); /* wait for the 202 */
            (void)ignored;
        }
    }
    close(fd);
}

static void on_fatal(int sig)
{
    if (!crashing && current && current->armed) {
        crashing = 1;
        static char frames[16384], body[24576], log[24576];
        size_t flen = backtrace_text(frames, sizeof frames);
        struct text b = {body, 0, sizeof body - 8}, l = {log, 0, sizeof log - 2};

        puts_(&b, "{\"errorMessage\":\"Runtime crashed with ");
        puts_(&b, signal_name(sig));
        puts_(&b, current->in_init ? " during init" : "");
        puts_(&b, "\",\"errorType\":\"Runtime.Crash\",\"stackTrace\":[");
        puts_(&l, "slsrt: FATAL: crashed with ");
        puts_(&l, signal_name(sig));
        if (current->request_id[0]) {
            puts_(&l, " in invocation ");
            puts_(&l, current->request_id);
        }
        puts_(&l, "; backtrace:");
        for (size_t i = 0, start = 0, frame = 0; i < flen; i++) {
            if (frames[i] != '\n')
                continue;
            puts_(&b, frame ? ",\"" : "\"");
            put_json(&b, frames + start, i - start);
            puts_(&b, "\"");
            puts_(&l, " | ");
            put(&l, frames + start, i - start);
            start = i + 1;
            frame++;
        }
        put(&b, "]}", 2);
        put(&l, "\n", 1);
        ssize_t ignored = write(STDERR_FILENO, log, l.len);
        (void)ignored;
        post(current, body, b.len);
    }
    /* Die of the signal itself, as the caller and Lambda expect. */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- arming ---------------------------------------------------------------- */

void slsrt__crash_install(void)
{
    if (symbols_pipe[0] >= 0)
        return;
    if (pipe2(symbols_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        symbols_pipe[0] = symbols_pipe[1] = -1;
    void *warm[2];
    backtrace(warm, 2); /* loads the unwinder now, not inside a signal handler */
    struct sigaction sa = {.sa_handler = on_fatal, .sa_flags = SA_ONSTACK | SA_NODEFER};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        sigaction(fatal[i], &sa, NULL);
}

void slsrt__crash_thread(slsrt__crash *c, const slsrt__rapi *api)
{
    memset(c, 0, sizeof *c);
    c->addr = api->addr;
    c->addrlen = api->addrlen;
    snprintf(c->host, sizeof c->host, "%s", api->endpoint);
    c->alt_stack = malloc(ALT_STACK_SIZE);
    if (c->alt_stack) {
        stack_t st = {.ss_sp = c->alt_stack, .ss_size = ALT_STACK_SIZE};
        sigaltstack(&st, NULL);
    }
    current = c;
}

void slsrt__crash_arm_init(slsrt__crash *c)
{
    c->in_init = 1;
    c->request_id[0] = c->invocation_id[0] = '\0';
    c->armed = 1;
}

/* On every invocation's path: two copies; the request is built on a crash. */
static void copy_id(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= size || (src && strpbrk(src, "\r\n")))
        n = 0;
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

void slsrt__crash_arm_invocation(slsrt__crash *c, const char *request_id, const char *invocation_id)
{
    copy_id(c->request_id, sizeof c->request_id, request_id);
    copy_id(c->invocation_id, sizeof c->invocation_id, invocation_id);
    c->in_init = 0;
    c->armed = 1;
}

void slsrt__crash_disarm(slsrt__crash *c)
{
    c->armed = 0;
}

void slsrt__crash_release(slsrt__crash *c)
{
    if (current == c) {
        stack_t off = {.ss_flags = SS_DISABLE};
        sigaltstack(&off, NULL);
        current = NULL;
    }
    free(c->alt_stack);
    c->alt_stack = NULL;
}
