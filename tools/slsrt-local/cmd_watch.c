/*
 * cmd_watch.c - `slsrt-local watch [--build CMD] [--http PORT] [--serve PORT]
 * -- ./bootstrap`: the edit-and-run loop.  The sources under the current
 * folder (C and C++ files, headers, Makefiles) and the bootstrap itself are
 * polled; a change runs the build (default `make`) and, when the build
 * succeeds, the next invocation starts the new binary.  The endpoints stay
 * up throughout: a request that arrives during a rebuild waits for it.
 */
#include "emu.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define POLL_MS 250
#define MAX_DEPTH 6

static int watched_name(const char *name)
{
    static const char *const suffixes[] = {".c", ".h", ".cc", ".cpp", ".hpp", ".mk"};
    if (!strcmp(name, "Makefile") || !strcmp(name, "makefile") || !strcmp(name, "GNUmakefile"))
        return 1;
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof suffixes / sizeof *suffixes; i++)
        if (!strcmp(dot, suffixes[i]))
            return 1;
    return 0;
}

/* A fingerprint of the sources: their count and modification times. */
static unsigned long long sources_state(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    unsigned long long state = 0;
    struct dirent *ent;
    char path[4096];
    while ((ent = readdir(d))) {
        /* Hidden folders, build output and npm's trees are not sources. */
        if (ent->d_name[0] == '.' || !strcmp(ent->d_name, "build") || !strcmp(ent->d_name, "node_modules"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
            state += sources_state(path, depth + 1) * 31;
        else if (S_ISREG(st.st_mode) && watched_name(ent->d_name))
            state += 1 + (unsigned long long)st.st_mtim.tv_sec * 1000000007ull + (unsigned long long)st.st_mtim.tv_nsec +
                     (unsigned long long)st.st_size;
    }
    closedir(d);
    return state;
}

static long long binary_mtime(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec : -1;
}

/* The build command through the shell, its output on our stderr; its exit status. */
static int build(const char *command)
{
    emu_log("slsrt-local: watch: building (%s)", command);
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL); /* main.c blocked them for the server's threads */
        dup2(2, 1);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    int status = -1;
    while (pid > 0 && waitpid(pid, &status, 0) < 0)
        ;
    return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

struct watcher {
    struct emu *e;
    const char *build, *bootstrap;
    unsigned long long sources;
    long long binary;
};

/* Called between signals: rebuild and restart on a change. */
static void on_tick(void *arg)
{
    struct watcher *w = arg;
    struct emu *e = w->e;
    unsigned long long sources = sources_state(".", 0);
    long long binary = binary_mtime(w->bootstrap);
    if (sources == w->sources && binary == w->binary)
        return;
    pthread_mutex_lock(&e->mu);
    e->paused = 1; /* new invocations wait for the new binary */
    while (e->inflight)
        pthread_cond_wait(&e->cv, &e->mu);
    pthread_mutex_unlock(&e->mu);

    int ok = 1;
    if (sources != w->sources) {
        ok = build(w->build) == 0;
        emu_log("slsrt-local: watch: %s", ok ? "built" : "the build failed; still serving the last good binary");
    }
    pthread_mutex_lock(&e->mu);
    w->sources = sources_state(".", 0); /* what the build itself wrote counts as seen */
    long long now = binary_mtime(w->bootstrap);
    if (ok && now != w->binary && e->pid) {
        sandbox_kill(e);
        emu_log("slsrt-local: watch: %s changed; the next invocation starts it", w->bootstrap);
        pthread_cond_broadcast(&e->cv); /* the old sandbox's long poll lets go */
    }
    w->binary = now;
    e->paused = 0;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
}

int cmd_watch(struct emu *e, const struct watch_options *o)
{
    struct watcher w = {.e = e, .build = o->build ? o->build : "make", .bootstrap = e->opt->command[0]};
    if (build(w.build) != 0)
        emu_log("slsrt-local: watch: the first build failed; fix it and save: watching");
    w.sources = sources_state(".", 0);
    w.binary = binary_mtime(w.bootstrap);

    struct api api;
    struct serve serve = {.e = e};
    struct MHD_Daemon *http = NULL, *invoke = NULL;
    unsigned bound;
    if (api_configure(&api, e, o->source, o->routes) != 0)
        return 2;
    if (o->serve_port >= 0) {
        if (!(invoke = serve_start(&serve, o->serve_port, &bound))) {
            emu_log("slsrt-local: cannot listen on 127.0.0.1:%d", o->serve_port);
            return 2;
        }
        emu_log("slsrt-local: serving http://127.0.0.1:%u/2015-03-31/functions/function/invocations", bound);
    }
    if (o->http_port >= 0) {
        if (!(http = api_start(&api, o->http_port, &bound))) {
            emu_log("slsrt-local: cannot listen on 127.0.0.1:%d", o->http_port);
            if (invoke)
                serve_stop(&serve, invoke);
            return 2;
        }
        emu_log("slsrt-local: serving http://127.0.0.1:%u/ as %s", bound, http_source_name(api.source));
    }
    emu_log("slsrt-local: watch: rebuilding with '%s' when the sources under %s change", w.build, ".");
    emu_wait_for_stop(e, on_tick, &w);
    emu_shutdown(e);
    if (http)
        api_stop(&api, http);
    if (invoke)
        serve_stop(&serve, invoke);
    return 0;
}
