/* harness.h - helpers for tests that run real processes (slsrt-local, bootstraps). */
#ifndef SLSRT_TEST_HARNESS_H
#define SLSRT_TEST_HARNESS_H

#include <check.h>
#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

struct run {
    int status;  /* exit code, 128+signal, or -1 on timeout */
    char *out;   /* stdout, NUL-terminated */
    size_t out_len; /* its length, NUL bytes and all */
    char *err;   /* stderr, NUL-terminated */
};

/*
 * Credentials every run carries (unless a test sets its own): no log line
 * of any run may ever show them (scripts/check-secrets reads every run's
 * stderr, which run_cmd keeps in <build>/test-logs/).
 */
#define TEST_ACCESS_KEY "AKIASLSRTTESTKEY0001"
#define TEST_SECRET_KEY "slsrtTestSecret/NeverLogMe+0123456789abcdefgh"
#define TEST_SESSION_TOKEN "slsrtTestSessionToken//NeverLogMe//IQoJb3JpZ2luX2VjEJr"

/* The build folder (BUILD in the environment, default "build"). */
const char *build_dir(void);
/* "<build>/<rel>" in a static buffer rotated over 8 slots. */
const char *build_path(const char *rel);

/*
 * Run argv (argv[0] a path) with extra environment KEY=VALUE pairs (NULL-
 * terminated list or NULL), capturing output; kill it after timeout_s.
 */
void run_cmd(const char *const *argv, const char *const *env, double timeout_s, struct run *r);
/* slsrt-local with args (NULL-terminated), e.g. {"invoke", "--event", f, "--", bootstrap, NULL}. */
void run_local(const char *const *args, double timeout_s, struct run *r);
void run_free(struct run *r);
/*
 * The shape most tests share: slsrt-local with args (20 s at most), which
 * must exit 0, or the test fails showing the end of its stderr.  r keeps the
 * outputs for the test's own checks (run_free() it).
 */
void local_ok(const char *const *args, struct run *r);
/* The same, where some invocation fails on purpose: slsrt-local exits 1
 * then (and 0 when none did); anything else fails the test. */
void local_ran(const char *const *args, struct run *r);
/* local_ok(), then the first answer (stdout's line 0) as JSON, which must
 * parse.  New reference. */
json_t *local_json(const char *const *args, struct run *r);
/* Append the SLSRT_WRAP command's words (e.g. qemu) to argv[0..n); returns the new n. */
size_t wrap_command(const char **argv, size_t n);

/* Write text to a new temporary file; returns its path (static slots). */
const char *temp_file(const char *text);
/* A temporary file of n bytes of 'a' wrapped as a JSON string. */
const char *temp_big_event(size_t n);

/* Line i (0-based) of text parsed as JSON; NULL when absent or invalid. New reference. */
json_t *json_line(const char *text, int i);
/* Count of lines of text containing needle. */
int count_lines(const char *text, const char *needle);

/*
 * Start `slsrt-local serve --port 0 ... -- bootstrap` in the background and
 * wait for its "serving" line; returns the port (0 on failure), *pid set.
 */
int start_serve(const char *const *args, int *pid);
/* The same for another serving command ("start-api", "watch"). */
int start_local(const char *command, const char *const *args, int *pid);
/* The same, run in the folder dir (watch watches its working folder). */
int start_local_in(const char *dir, const char *command, const char *const *args, int *pid);
/* One HTTP/1.1 request to 127.0.0.1:port; returns the whole raw response (free()). */
char *http_request(int port, const char *method, const char *path, const char *body, size_t body_len);
/* The same, sent byte for byte: target as given, then `headers` ("Name:
 * value\r\n" lines; NULL: "Host: localhost"), Content-Length, the body.
 * NULL when nothing listens. */
char *http_request_raw(int port, const char *method, const char *target, const char *headers, const void *body,
                       size_t body_len);
/* A raw response's status (0 when none) and body (borrowed, "" when none). */
int http_status(const char *response);
const char *http_body(const char *response);

/*
 * Start `node script arg` (arg may be NULL) with the test tools of
 * tests/node installed (npm); it prints "listening <port>" when ready.
 * Returns the port, 0 on failure; *pid is the server's.
 */
int start_node(const char *script, const char *arg, pid_t *pid);
/* Run `node script args...` (NULL-terminated) with the same tools, to its end. */
void run_node(const char *script, const char *const *args, double timeout_s, struct run *r);

/* Run a Check suite (its summary line printed); the exit status for main(). */
int run_suite(Suite *s);

/* The folder of public sample data (../shared/fixtures), or NULL when absent. */
const char *fixtures_dir(void);
/* fn(text, len, path, arg) on every public sample event (fixtures_dir()/events,
 * at least one asserted); without the folder, a line that test skipped them. */
void each_fixture_event(const char *test, void (*fn)(const char *, size_t, const char *, void *), void *arg);

#endif
