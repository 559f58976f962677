/* harness.c - process helpers for the integration tests. */
#include "harness.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

const char *build_dir(void)
{
    const char *b = getenv("BUILD");
    return b && *b ? b : "build";
}

const char *build_path(const char *rel)
{
    static char slots[8][1024];
    static int next;
    char *p = slots[next++ % 8];
    snprintf(p, sizeof slots[0], "%s/%s", build_dir(), rel);
    return p;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct sink {
    char *data;
    size_t len, cap;
};

static int drain(int fd, struct sink *s)
{
    if (s->cap - s->len < 65536) {
        s->cap = s->cap * 2 + 65536;
        s->data = realloc(s->data, s->cap);
    }
    ssize_t n = read(fd, s->data + s->len, s->cap - s->len - 1);
    if (n > 0)
        s->len += (size_t)n;
    s->data[s->len] = '\0';
    return n > 0 || (n < 0 && errno == EINTR);
}

/* Every run's stderr, for scripts/check-secrets. */
static void keep_log(const char *const *argv, const char *err, size_t len)
{
    char dir[1100], path[1200];
    snprintf(dir, sizeof dir, "%s/test-logs", build_dir());
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/stderr.log", dir);
    FILE *f = fopen(path, "a");
    if (!f)
        return;
    fprintf(f, "---- %s\n", argv[0]);
    fwrite(err, 1, len, f);
    fclose(f);
}

void run_cmd(const char *const *argv, const char *const *env, double timeout_s, struct run *r)
{
    int out[2], err[2];
    if (pipe(out) || pipe(err))
        abort();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]), close(err[0]), close(out[1]), close(err[1]);
        setenv("AWS_ACCESS_KEY_ID", TEST_ACCESS_KEY, 0);
        setenv("AWS_SECRET_ACCESS_KEY", TEST_SECRET_KEY, 0);
        setenv("AWS_SESSION_TOKEN", TEST_SESSION_TOKEN, 0);
        setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", TEST_SESSION_TOKEN, 0);
        for (const char *const *e = env; e && *e; e++)
            putenv((char *)*e);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(out[1]), close(err[1]);
    struct sink so = {calloc(1, 65536), 0, 65536}, se = {calloc(1, 65536), 0, 65536};
    int open_out = 1, open_err = 1, timed_out = 0;
    double deadline = now_s() + timeout_s;
    while (open_out || open_err) {
        struct pollfd p[2] = {{open_out ? out[0] : -1, POLLIN, 0}, {open_err ? err[0] : -1, POLLIN, 0}};
        int left = (int)((deadline - now_s()) * 1000);
        if (left <= 0) {
            timed_out = 1;
            kill(pid, SIGKILL);
            break;
        }
        if (poll(p, 2, left) <= 0)
            continue;
        if (p[0].revents && !drain(out[0], &so))
            open_out = 0;
        if (p[1].revents && !drain(err[0], &se))
            open_err = 0;
    }
    close(out[0]), close(err[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    r->status = timed_out ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    keep_log(argv, se.data, se.len);
    r->out = so.data;
    r->out_len = so.len;
    r->err = se.data;
}

/*
 * With SLSRT_VALGRIND=DIR every bootstrap runs under memcheck, its report in
 * DIR/vg.<pid>, stopped with SIGTERM so that the leak check runs.
 */
static size_t add_valgrind(const char **argv, size_t n, char *log_arg, size_t log_size)
{
    const char *dir = getenv("SLSRT_VALGRIND");
    if (!dir || !*dir)
        return n;
    snprintf(log_arg, log_size, "--log-file=%s/vg.%%p", dir);
    static const char *const vg[] = {"valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite",
                                     "--show-leak-kinds=definite", "--track-origins=yes",
                                     "--suppressions=tests/support/valgrind.supp"};
    for (size_t i = 0; i < sizeof vg / sizeof vg[0]; i++)
        argv[n++] = vg[i];
    argv[n++] = log_arg;
    return n;
}

static int has_option(const char **argv, size_t n, const char *opt)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(argv[i], opt) == 0)
            return 1;
    return 0;
}

/*
 * SLSRT_WRAP="qemu-aarch64 -L /usr/aarch64-linux-gnu": a command every
 * bootstrap runs under (the arm64 build's tests).
 */
size_t wrap_command(const char **argv, size_t n)
{
    static char words[512];
    const char *wrap = getenv("SLSRT_WRAP");
    if (!wrap || !*wrap)
        return n;
    snprintf(words, sizeof words, "%s", wrap);
    for (char *w = strtok(words, " "); w && n < 70; w = strtok(NULL, " "))
        argv[n++] = w;
    return n;
}

/* Under a wrapper the function is named after its bootstrap's folder, not the wrapper's. */
static size_t name_after_bootstrap(const char **argv, size_t n, const char *bootstrap)
{
    static char name[256];
    const char *end = bootstrap ? strrchr(bootstrap, '/') : NULL, *start = end;
    while (start && start > bootstrap && start[-1] != '/')
        start--;
    if (end && start && end > start && !has_option(argv, n, "--function-name")) {
        snprintf(name, sizeof name, "%.*s", (int)(end - start), start);
        argv[n++] = "--function-name";
        argv[n++] = name;
    }
    return n;
}

void run_local(const char *const *args, double timeout_s, struct run *r)
{
    const char *argv[80];
    char log_arg[1100];
    size_t n = 0;
    const char *local = getenv("SLSRT_LOCAL"); /* the emulator of another build */
    int valgrind = getenv("SLSRT_VALGRIND") && *getenv("SLSRT_VALGRIND");
    const char *layer = getenv("SLSRT_LAYER"); /* the library of another build, as /opt */
    argv[n++] = local && *local ? local : build_path("bin/slsrt-local");
    /* Under AddressSanitizer a function's resident memory is several times
     * its own: the memory limit is not what such a run tests. */
    int sized = 0;
    for (const char *const *a = args; *a && strcmp(*a, "--"); a++)
        sized |= !strcmp(*a, "--memory");
    if (!sized && strstr(build_dir(), "asan") && n < 60 && args[0] && strcmp(args[0], "new") && strcmp(args[0], "event") &&
        strcmp(args[0], "durable")) {
        argv[n++] = *args++; /* the command first */
        argv[n++] = "--memory";
        argv[n++] = "10240";
    }
    for (; *args && n < 60; args++) {
        if (strcmp(*args, "--") == 0 && layer && *layer && !has_option(argv, n, "--layer")) {
            argv[n++] = "--layer";
            argv[n++] = layer;
        }
        if (strcmp(*args, "--") == 0 && !valgrind && getenv("SLSRT_WRAP")) {
            n = name_after_bootstrap(argv, n, args[1]);
            argv[n++] = "--";
            n = wrap_command(argv, n);
            continue;
        }
        if (valgrind && strcmp(*args, "--") == 0) {
            n = name_after_bootstrap(argv, n, args[1]);
            argv[n++] = "--graceful-stop";
            argv[n++] = "20000";
            argv[n++] = "--";
            n = add_valgrind(argv, n, log_arg, sizeof log_arg);
            continue;
        }
        argv[n++] = *args;
    }
    argv[n] = NULL;
    run_cmd(argv, NULL, valgrind ? timeout_s * 4 : timeout_s, r);
}

void local_ok(const char *const *args, struct run *r)
{
    run_local(args, 20, r);
    size_t n = strlen(r->err);
    ck_assert_msg(r->status == 0, "slsrt-local exited with %d; its stderr ends:\n%s", r->status,
                  r->err + (n > 2000 ? n - 2000 : 0));
}

void local_ran(const char *const *args, struct run *r)
{
    run_local(args, 20, r);
    size_t n = strlen(r->err);
    ck_assert_msg(r->status == 0 || r->status == 1, "slsrt-local exited with %d; its stderr ends:\n%s", r->status,
                  r->err + (n > 2000 ? n - 2000 : 0));
}

json_t *local_json(const char *const *args, struct run *r)
{
    local_ok(args, r);
    json_t *line = json_line(r->out, 0);
    ck_assert_msg(line != NULL, "the first answer is not JSON: %.300s", r->out);
    return line;
}

void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

static const char *temp_path(void)
{
    static char slots[16][64];
    static int next;
    char *p = slots[next++ % 16];
    snprintf(p, sizeof slots[0], "/tmp/slsrt-test-XXXXXX");
    int fd = mkstemp(p);
    if (fd < 0)
        abort();
    close(fd);
    return p;
}

const char *temp_file(const char *text)
{
    const char *p = temp_path();
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    return p;
}

const char *temp_big_event(size_t n)
{
    const char *p = temp_path();
    FILE *f = fopen(p, "w");
    fputc('"', f);
    for (size_t i = 0; i < n; i++)
        fputc('a', f);
    fputc('"', f);
    fclose(f);
    return p;
}

json_t *json_line(const char *text, int i)
{
    const char *p = text;
    for (; i > 0 && p; i--) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p || !*p)
        return NULL;
    const char *end = strchr(p, '\n');
    return json_loadb(p, end ? (size_t)(end - p) : strlen(p), JSON_DECODE_ANY, NULL);
}

int count_lines(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; p && *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *hit = strstr(p, needle);
        if (hit && hit < p + len)
            n++;
        p = end ? end + 1 : NULL;
    }
    return n;
}

const char *fixtures_dir(void)
{
    static char path[1024];
    const char *env = getenv("SLSRT_FIXTURES");
    snprintf(path, sizeof path, "%s", env && *env ? env : "../shared/fixtures");
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? path : NULL;
}

void each_fixture_event(const char *test, void (*fn)(const char *, size_t, const char *, void *), void *arg)
{
    const char *fx = fixtures_dir();
    if (!fx) {
        printf("%s: fixture events skipped (no ../shared/fixtures)\n", test);
        return;
    }
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/events", fx);
    ck_assert_uint_gt(text_each_json(dir, fn, arg), 0);
}

int start_serve(const char *const *args, int *pid) { return start_local("serve", args, pid); }

int start_local(const char *command, const char *const *args, int *pid) { return start_local_in(NULL, command, args, pid); }

int start_local_in(const char *dir, const char *command, const char *const *args, int *pid)
{
    int err[2];
    if (pipe(err))
        return 0;
    const char *argv[64];
    size_t n = 0;
    char *local = realpath(build_path("bin/slsrt-local"), NULL);
    argv[n++] = local;
    argv[n++] = command;
    argv[n++] = "--port";
    argv[n++] = "0";
    if (strstr(build_dir(), "asan")) { /* as in run_local */
        argv[n++] = "--memory";
        argv[n++] = "10240";
    }
    for (; *args && n < 63; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    *pid = fork();
    if (*pid == 0) {
        dup2(err[1], 2);
        close(err[0]), close(err[1]);
        if (dir && chdir(dir) != 0)
            _exit(126);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    free(local);
    close(err[1]);
    /* Read stderr until the serving line; afterwards pass it through. */
    char buf[4096];
    size_t len = 0;
    int port = 0;
    while (!port && len < sizeof buf - 1) {
        ssize_t got = read(err[0], buf + len, sizeof buf - 1 - len);
        if (got <= 0)
            break;
        len += (size_t)got;
        buf[len] = '\0';
        const char *p = strstr(buf, "serving http://127.0.0.1:");
        if (p)
            port = atoi(p + strlen("serving http://127.0.0.1:"));
    }
    if (fork() == 0) { /* keep draining so the server never blocks on stderr */
        while (read(err[0], buf, sizeof buf) > 0)
            ;
        _exit(0);
    }
    close(err[0]);
    return port;
}

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

char *http_request_raw(int port, const char *method, const char *target, const char *headers, const void *body,
                       size_t body_len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return NULL;
    }
    char *head = NULL;
    int n = asprintf(&head, "%s %s HTTP/1.1\r\n%sContent-Length: %zu\r\nConnection: close\r\n\r\n", method, target,
                     headers ? headers : "Host: localhost\r\n", body_len);
    if (n < 0 || write(fd, head, (size_t)n) != n)
        abort();
    free(head);
    for (size_t off = 0; off < body_len;) {
        ssize_t w = write(fd, (const char *)body + off, body_len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    struct sink s = {calloc(1, 65536), 0, 65536};
    while (drain(fd, &s))
        ;
    close(fd);
    return s.data;
}

char *http_request(int port, const char *method, const char *path, const char *body, size_t body_len)
{
    return http_request_raw(port, method, path, NULL, body, body_len);
}

int http_status(const char *response)
{
    int status = 0;
    return response && sscanf(response, "HTTP/1.%*d %d", &status) == 1 ? status : 0;
}

const char *http_body(const char *response)
{
    const char *b = response ? strstr(response, "\r\n\r\n") : NULL;
    return b ? b + 4 : "";
}

/* The node_modules folder of tests/node's tools, installed from npm when missing. */
static int node_modules(const char *script, char *modules, size_t size)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "scripts/install-node-deps %s", build_dir());
    FILE *p = popen(cmd, "r");
    if (!p || !fgets(modules, (int)size, p) || pclose(p) != 0) {
        fprintf(stderr, "%s: cannot install the test tools from npm\n", script);
        return -1;
    }
    modules[strcspn(modules, "\n")] = '\0';
    return 0;
}

void run_node(const char *script, const char *const *args, double timeout_s, struct run *r)
{
    char modules[1024] = "", env_path[1100];
    const char *argv[32] = {"/usr/bin/env", "node", script};
    size_t n = 3;
    for (; args && *args && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    if (node_modules(script, modules, sizeof modules)) {
        memset(r, 0, sizeof *r);
        r->status = -1;
        r->out = strdup(""), r->err = strdup("npm tools missing");
        return;
    }
    snprintf(env_path, sizeof env_path, "NODE_PATH=%s", modules);
    const char *env[] = {env_path, NULL};
    run_cmd(argv, env, timeout_s, r);
}

int start_node(const char *script, const char *arg, pid_t *pid)
{
    char modules[1024] = "";
    if (node_modules(script, modules, sizeof modules))
        return 0;
    int out[2];
    if (pipe(out))
        abort();
    *pid = fork();
    if (*pid == 0) {
        dup2(out[1], 1);
        close(out[0]), close(out[1]);
        setenv("NODE_PATH", modules, 1);
        execlp("node", "node", script, arg, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char line[128] = "";
    int port = 0;
    FILE *f = fdopen(out[0], "r");
    if (!fgets(line, sizeof line, f) || sscanf(line, "listening %d", &port) != 1)
        fprintf(stderr, "%s did not start\n", script);
    fclose(f);
    return port;
}

int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
