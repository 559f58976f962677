/*
 * sandbox.c - the bootstrap process: started with the environment Lambda
 * gives a function, its output sent to our stderr (stdout carries only
 * responses), killed on timeout and started again on the next invoke.
 */
#include "emu.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/*
 * Variables a developer's shell passes through, as Lambda passes its own
 * (a trailing '*' takes every name that starts so): credentials, endpoint
 * overrides that point a function at local stand-ins for AWS, tool options.
 */
static const char *const passthrough[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_CONTAINER_*", /* CREDENTIALS_FULL_URI, _RELATIVE_URI, AUTHORIZATION_TOKEN, _TOKEN_FILE */
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_*",
    "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "VALGRIND_OPTS", "HOME",
    NULL,
};

static int passed_through(const char *name, size_t len)
{
    for (const char *const *p = passthrough; *p; p++) {
        size_t n = strlen(*p);
        if ((*p)[n - 1] == '*' ? len >= n - 1 && !strncmp(name, *p, n - 1) : len == n && !strncmp(name, *p, n))
            return 1;
    }
    return 0;
}

struct env {
    char **vars;
    size_t n, cap;
};

static void env_put(struct env *env, const char *name, const char *value)
{
    if (!value)
        return;
    size_t len = strlen(name);
    char *kv = malloc(len + strlen(value) + 2);
    if (!kv)
        return;
    sprintf(kv, "%s=%s", name, value);
    for (size_t i = 0; i < env->n; i++)
        if (strncmp(env->vars[i], kv, len + 1) == 0) {
            free(env->vars[i]);
            env->vars[i] = kv;
            return;
        }
    if (env->n + 2 > env->cap) {
        env->cap = env->cap ? env->cap * 2 : 64;
        char **p = realloc(env->vars, env->cap * sizeof *p);
        if (!p) {
            free(kv);
            return;
        }
        env->vars = p;
    }
    env->vars[env->n++] = kv;
    env->vars[env->n] = NULL;
}

static void env_free(struct env *env)
{
    for (size_t i = 0; i < env->n; i++)
        free(env->vars[i]);
    free(env->vars);
}

static void dir_of(const char *path, char *out, size_t n)
{
    char *abs = realpath(path, NULL);
    snprintf(out, n, "%s", abs ? abs : path);
    free(abs);
    char *slash = strrchr(out, '/');
    if (slash && slash != out)
        *slash = '\0';
    else if (!slash)
        snprintf(out, n, ".");
}

static void build_env(struct emu *e, struct env *env)
{
    const struct options *o = e->opt;
    char buf[8192], task_root[1024], layer[1024];

    dir_of(o->command[0], task_root, sizeof task_root);
    if (o->layer_dir)
        snprintf(layer, sizeof layer, "%s", o->layer_dir);
    else { /* built next to the library: <build>/bin/slsrt-local -> <build> */
        char self[1024];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        self[n > 0 ? n : 0] = '\0';
        dir_of(self, buf, sizeof buf);
        dir_of(buf, layer, sizeof layer);
    }

    snprintf(buf, sizeof buf, "127.0.0.1:%d", e->proxy_port > 0 ? e->proxy_port : e->rapi_port);
    env_put(env, "AWS_LAMBDA_RUNTIME_API", buf);
    env_put(env, "AWS_LAMBDA_FUNCTION_NAME", o->function_name);
    env_put(env, "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    snprintf(buf, sizeof buf, "%d", o->memory_mb);
    env_put(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", buf);
    snprintf(buf, sizeof buf, "/aws/lambda/%s", o->function_name);
    env_put(env, "AWS_LAMBDA_LOG_GROUP_NAME", buf);
    env_put(env, "AWS_LAMBDA_LOG_STREAM_NAME", e->log_stream);
    env_put(env, "AWS_REGION", o->region);
    env_put(env, "AWS_DEFAULT_REGION", o->region);
    env_put(env, "AWS_LAMBDA_INITIALIZATION_TYPE", o->snap_start ? "snap-start" : "on-demand");
    snprintf(buf, sizeof buf, "127.0.0.1:%d", e->rapi_port); /* the metadata endpoint shares the server */
    env_put(env, "AWS_LAMBDA_METADATA_API", buf);
    env_put(env, "AWS_LAMBDA_METADATA_TOKEN", e->metadata_token);
    env_put(env, "AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR");
    env_put(env, "LAMBDA_TASK_ROOT", task_root);
    env_put(env, "LAMBDA_RUNTIME_DIR", task_root);
    env_put(env, "_HANDLER", o->handler);
    env_put(env, "TZ", ":UTC");
    env_put(env, "LANG", "en_US.UTF-8");
    env_put(env, "AWS_LAMBDA_LOG_FORMAT", o->log_format);
    env_put(env, "AWS_LAMBDA_LOG_LEVEL", o->log_level);
    if (o->concurrency > 1) {
        snprintf(buf, sizeof buf, "%d", o->concurrency);
        env_put(env, "AWS_LAMBDA_MAX_CONCURRENCY", buf);
    }
    snprintf(buf, sizeof buf, "%s:%s/lib:%s/lib", task_root, task_root, layer);
    env_put(env, "LD_LIBRARY_PATH", buf);
    const char *path = getenv("PATH");
    snprintf(buf, sizeof buf, "%s:%s/bin", path ? path : "/usr/local/bin:/usr/bin:/bin", layer);
    env_put(env, "PATH", buf);
    for (char **e = environ; *e; e++) {
        char *eq = strchr(*e, '=');
        if (eq && passed_through(*e, (size_t)(eq - *e))) {
            snprintf(buf, sizeof buf, "%.*s", (int)(eq - *e), *e);
            env_put(env, buf, eq + 1);
        }
    }
    if (e->durable_endpoint[0]) { /* the durable execution service is this emulator */
        env_put(env, "AWS_ENDPOINT_URL_LAMBDA", e->durable_endpoint);
        if (!getenv("AWS_ACCESS_KEY_ID") && !getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
            env_put(env, "AWS_ACCESS_KEY_ID", "SLSRTLOCALKEY");
            env_put(env, "AWS_SECRET_ACCESS_KEY", "slsrt-local-secret");
        }
    }
    for (size_t i = 0; i < o->nenv; i++) {
        char *eq = strchr(o->env[i], '=');
        snprintf(buf, sizeof buf, "%.*s", (int)(eq - o->env[i]), o->env[i]);
        env_put(env, buf, eq + 1);
    }
}

const char *sandbox_foreign(const char *path, const char **sysroot)
{
    unsigned char head[20] = {0};
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    if (got < 20 || memcmp(head, "\177ELF", 4))
        return NULL;
    unsigned machine = head[18] | (unsigned)head[19] << 8;
#if defined(__x86_64__)
    const char *qemu = machine == 0xb7 ? "qemu-aarch64" : NULL;
    *sysroot = "/usr/aarch64-linux-gnu";
#elif defined(__aarch64__)
    const char *qemu = machine == 0x3e ? "qemu-x86_64" : NULL;
    *sysroot = "/usr/x86_64-linux-gnu";
#else
    const char *qemu = NULL;
    *sysroot = NULL;
#endif
    char where[512];
    snprintf(where, sizeof where, "command -v %s >/dev/null 2>&1", qemu ? qemu : "true");
    return qemu && system(where) == 0 ? qemu : NULL;
}

int sandbox_spawn(struct emu *e)
{
    struct env env = {0};
    time_t t = time(NULL);
    struct tm tm;
    char hex[33];
    gmtime_r(&t, &tm);
    random_hex(hex, 32);
    snprintf(e->log_stream, sizeof e->log_stream, "%04d/%02d/%02d/[$LATEST]%s", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, hex);
    build_env(e, &env);

    free(e->init_error);
    e->init_error = NULL;
    e->init_done_us = 0;
    e->spawn_us = now_us();
    e->cold = 1;
    e->served = 0;
    e->extensions = 0;
    e->generation++;
    pid_t pid = fork();
    if (pid < 0) {
        env_free(&env);
        return -1;
    }
    if (pid == 0) {
        /* Lambda's sandbox starts with default signal handling. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        dup2(STDERR_FILENO, STDOUT_FILENO);
        if (e->qemu) { /* a bootstrap for the other architecture, under qemu-user */
            size_t n = 0;
            while (e->opt->command[n])
                n++;
            const char **argv = calloc(n + 4, sizeof *argv);
            argv[0] = e->qemu, argv[1] = "-L", argv[2] = e->qemu_sysroot;
            memcpy(argv + 3, e->opt->command, (n + 1) * sizeof *argv);
            execvpe(e->qemu, (char *const *)argv, env.vars);
        }
        execvpe(e->opt->command[0], e->opt->command, env.vars);
        fprintf(stderr, "slsrt-local: cannot run %s: %s\n", e->opt->command[0], strerror(errno));
        _exit(127);
    }
    env_free(&env);
    e->pid = pid;
    return 0;
}

int sandbox_reap(struct emu *e)
{
    if (!e->pid)
        return 1;
    int status;
    pid_t r = waitpid(e->pid, &status, WNOHANG);
    if (r == e->pid || (r < 0 && errno == ECHILD)) {
        e->exit_status = r == e->pid ? status : 0;
        e->pid = 0;
        return 1;
    }
    return 0;
}

void sandbox_kill(struct emu *e)
{
    if (!e->pid)
        return;
    kill(e->pid, SIGKILL);
    int status;
    while (waitpid(e->pid, &status, 0) < 0 && errno == EINTR)
        ;
    e->exit_status = status;
    e->pid = 0;
}

void sandbox_terminate(struct emu *e, int grace_ms)
{
    if (!e->pid)
        return;
    emu_log("slsrt-local: shutting down: SIGTERM to the bootstrap (%s), %d ms to exit",
            e->extensions ? "an extension is registered" : "--graceful-stop", grace_ms);
    kill(e->pid, SIGTERM);
    for (int waited = 0; waited < grace_ms; waited += 10) {
        if (sandbox_reap(e))
            return;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    emu_log("slsrt-local: the bootstrap did not exit within %d ms; SIGKILL", grace_ms);
    sandbox_kill(e);
}

static long status_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    long kb = 0;
    size_t n = strlen(field);
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            kb = strtol(line + n + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

long sandbox_max_rss_kb(pid_t pid) { return status_kb(pid, "VmHWM"); }
long sandbox_rss_kb(pid_t pid) { return status_kb(pid, "VmRSS"); }

void sandbox_describe_exit(int status, char *out, size_t n)
{
    if (WIFEXITED(status))
        snprintf(out, n, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, n, "signal: %s", strsignal(WTERMSIG(status)));
    else
        snprintf(out, n, "status %d", status);
}

/*
 * What `BOOTSTRAP --info [--format FORMAT]` prints, run with the sandbox's environment (so
 * it finds the library), under qemu-user when the binary is for the other
 * architecture and qemu is installed.  New text, or NULL when it cannot run
 * or says nothing in 5 s.  A wrapped command (valgrind, qemu) is not asked.
 */
char *sandbox_info(struct emu *e, const char *format)
{
    const char *cmd = e->opt->command[0], *base = strrchr(cmd, '/');
    base = base ? base + 1 : cmd;
    if (!strcmp(base, "valgrind") || !strncmp(base, "qemu-", 5))
        return NULL;
    char head[4] = "";
    FILE *f = fopen(cmd, "rb");
    int elf = f && fread(head, 1, 4, f) == 4 && !memcmp(head, "\177ELF", 4);
    if (f)
        fclose(f);
    if (!elf) /* a script: asking it would run it */
        return NULL;
    int out[2];
    if (pipe(out) != 0)
        return NULL;
    struct env env = {0};
    build_env(e, &env);
    /* A runtime that does not know --info finds no Runtime API and ends at once. */
    env_put(&env, "AWS_LAMBDA_RUNTIME_API", "127.0.0.1:1");
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        dup2(out[1], STDOUT_FILENO);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDERR_FILENO);
        close(out[0]), close(out[1]);
        const char *f = format ? "--format" : NULL;
        if (e->qemu)
            execvpe(e->qemu, (char *[]){(char *)e->qemu, "-L", (char *)e->qemu_sysroot, (char *)cmd, "--info", (char *)f,
                                     (char *)format, NULL},
                    env.vars);
        else
            execve(cmd, (char *[]){(char *)cmd, "--info", (char *)f, (char *)format, NULL}, env.vars);
        _exit(127);
    }
    env_free(&env);
    close(out[1]);
    char *text = malloc(65536);
    size_t n = 0;
    struct pollfd p = {.fd = out[0], .events = POLLIN};
    while (text && n < 65535 && poll(&p, 1, 5000) > 0) {
        ssize_t r = read(out[0], text + n, 65535 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(out[0]);
    int status = 0;
    if (pid > 0) {
        kill(pid, SIGKILL); /* done or stuck: either way, gone */
        waitpid(pid, &status, 0);
    }
    if (!text || !n) {
        free(text);
        return NULL;
    }
    text[n] = '\0';
    return text;
}
