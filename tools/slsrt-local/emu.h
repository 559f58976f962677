/*
 * emu.h - slsrt-local, the local Lambda emulator: shared state.
 *
 * One sandbox (the bootstrap process) serves up to --concurrency
 * invocations at a time.  The Runtime API server threads and the invokers
 * meet on `mu`/`cv`.
 */
#ifndef SLSRT_LOCAL_EMU_H
#define SLSRT_LOCAL_EMU_H

#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EMU_MAX_PAYLOAD (6u * 1024 * 1024)          /* invoke request limit */
#define EMU_MAX_RESPONSE (6u * 1024 * 1024 + 100)   /* runtime response limit */
#define EMU_MAX_STREAM (200ull * 1024 * 1024)      /* streamed response limit */
#define EMU_INIT_TIMEOUT_MS 10000

enum api_call { CALL_NEXT, CALL_RESPONSE, CALL_ERROR, CALL_INIT_ERROR, CALL_COUNT };

enum fault_action {
    FAULT_STATUS, FAULT_DROP, FAULT_DELAY, /* answered by the Runtime API server */
    FAULT_GARBAGE, FAULT_TRUNCATE, FAULT_HEADERS_ONLY, FAULT_BIG_HEADERS /* by the byte-level proxy */
};

struct fault {
    enum api_call call;
    enum fault_action action;
    int value;          /* status code or delay in ms */
    unsigned from, to;  /* 1-based occurrence range of that call; 0 = unbounded */
};

struct options {
    const char *function_name, *region, *handler, *layer_dir;
    const char *log_format, *log_level, *client_context, *cognito_identity, *tenant_id;
    int memory_mb, concurrency;
    double timeout_s;
    int send_invocation_id, send_trace, trace_sampled, quiet;
    int snap_start;       /* AWS_LAMBDA_INITIALIZATION_TYPE=snap-start: the restore calls are served */
    const char *az_id;    /* what the metadata endpoint says (default local-az1) */
    int rss_every; /* log the bootstrap's resident memory every N invocations */
    int graceful_stop_ms; /* SIGTERM and this long to exit on stop (for valgrind, coverage) */
    int idle_timeout_s; /* serve: a client connection idle this long is closed */
    char **env;  /* extra KEY=VALUE pairs */
    size_t nenv;
    struct fault *faults;
    size_t nfaults;
    char **command; /* the bootstrap and its arguments */
};

enum inv_state { INV_QUEUED, INV_RUNNING, INV_DONE };

struct invocation {
    struct invocation *next; /* in emu.inflight */
    unsigned generation;     /* of the sandbox running it */
    char id[40], invocation_id[40], trace_id[128];
    const char *event;
    size_t event_len;
    int64_t deadline_ms;
    int stream_fd;      /* where a streamed response goes as it arrives */
    int streaming;      /* the runtime is streaming its response */
    enum inv_state state;
    /* The result: payload or error document. */
    char *result;
    size_t result_len;
    char *content_type;
    int is_error;
    char error_type[128];
    /* For the REPORT line. */
    int64_t start_us, end_us;
    double init_ms; /* > 0 on a cold start */
    int init_failed; /* init_ms is that of a failed init */
    long max_rss_kb;
};

struct emu {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const struct options *opt;
    struct MHD_Daemon *rapi;
    int rapi_port;
    int proxy_port; /* > 0: the bootstrap talks to the fault proxy */
    int stopping;
    /* The sandbox. */
    pid_t pid;
    int exit_status;      /* as from waitpid, valid once pid is 0 after a run */
    int64_t spawn_us, init_done_us;
    int cold;             /* the next REPORT carries Init Duration */
    char *init_error;     /* body posted to /init/error */
    int64_t init_error_us;
    char init_error_type[128];
    char log_stream[96];
    char durable_endpoint[64]; /* "http://127.0.0.1:N" when serving the durable API (durable.c) */
    char metadata_token[40];   /* AWS_LAMBDA_METADATA_TOKEN of the sandboxes */
    struct invocation *inflight; /* queued and running, oldest first */
    unsigned generation;  /* counts sandboxes started */
    unsigned served;      /* invocations this sandbox picked up */
    unsigned extensions;  /* registered in this sandbox: SIGTERM at shutdown */
    unsigned calls[CALL_COUNT]; /* over the emulator's life: --fault @N counts these */
    unsigned violations;  /* contract breaches seen from the runtime */
    unsigned restores;    /* SnapStart restores served */
    int paused;           /* watch is rebuilding: invocations wait (cv) */
    int enforce_memory;   /* stop a bootstrap over --memory (not under valgrind or qemu) */
    const char *qemu, *qemu_sysroot; /* run the bootstrap under qemu-user (another architecture) */
    char done_ids[16][40]; /* recently answered, to catch a second answer */
    unsigned done_next;
};

/* rapi_server.c */
int rapi_start(struct emu *e);
void rapi_stop(struct emu *e);

/* sandbox.c */
int sandbox_spawn(struct emu *e);          /* with e->mu held */
void sandbox_kill(struct emu *e);          /* with e->mu held */
/* SIGTERM, grace_ms to exit, then SIGKILL, as Lambda's shutdown phase; mu held. */
void sandbox_terminate(struct emu *e, int grace_ms);
int sandbox_reap(struct emu *e);           /* with e->mu held: 1 if it exited */
long sandbox_max_rss_kb(pid_t pid);
long sandbox_rss_kb(pid_t pid); /* now, not the peak */
void sandbox_describe_exit(int status, char *out, size_t n);
/* The qemu-user that runs path when it is built for the other architecture
 * (NULL when it is this machine's, or no qemu is installed); its sysroot. */
const char *sandbox_foreign(const char *path, const char **sysroot);
/* `BOOTSTRAP --info [--format FORMAT]` (new text), NULL when it has none. */
char *sandbox_info(struct emu *e, const char *format);

/* invoke.c */
/* Run one event through the sandbox; fills inv's result.  Thread-safe. */
void emu_invoke(struct emu *e, struct invocation *inv, const char *event, size_t len, int stream_fd);
void emu_init(struct emu *e, const struct options *opt);
void emu_shutdown(struct emu *e);
/* The bootstrap was found dead with nothing in flight (mu held): log it, wake its poll. */
void emu_note_idle_exit(struct emu *e);
void invocation_free(struct invocation *inv);

/* faults.c */
int fault_parse(const char *spec, struct fault *out);
/* The fault for this occurrence of a call, among the server's or the proxy's kinds. */
const struct fault *fault_match(const struct emu *e, enum api_call call, unsigned occurrence, int byte_level);
int fault_byte_level(const struct fault *f);

/* proxy.c: a TCP proxy in front of the Runtime API for byte-level faults. */
int proxy_start(struct emu *e);
/* rapi_server.c: fail a running invocation whose /next answer was mangled. */
void rapi_fail_injected(struct emu *e, const char *request_id, const char *what);

/* util.c */
int64_t now_ms(void);
int64_t now_us(void); /* monotonic */
void random_hex(char *out, size_t nhex);
void make_uuid(char *out);
char *error_doc(const char *type, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void emu_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* report.c */
void report_start(const struct emu *e, const struct invocation *inv);
void report_end(const struct emu *e, const struct invocation *inv);

/* symbolize.c: a crash report's frames as function at file:line, on stderr. */
void symbolize_crash(const struct invocation *inv);

/* front.c: one invocation for an HTTP client, on its own thread.  job_start
 * returns once the result is in, or once the function started streaming
 * (then read the stream with job_read_stream, an MHD content reader, and
 * free with job_free, its MHD free callback). */
struct job {
    struct emu *e;
    sem_t *slots; /* --concurrency invocations at a time */
    struct invocation inv;
    const char *event;
    size_t len;
    int pipe[2];
    int done; /* under emu.mu */
    pthread_t thread;
};
struct job *job_start(struct emu *e, sem_t *slots, const char *event, size_t len);
/* A request body as it arrives: kept up to EMU_MAX_PAYLOAD, counted all through. */
struct body {
    char *data;
    size_t len, cap, total;
};
int body_add(struct body *b, const char *data, size_t n); /* -1: no memory */
ssize_t job_read_stream(void *cls, uint64_t pos, char *buf, size_t max);
void job_free(void *cls);

/* Wait for SIGINT or SIGTERM, reaping a bootstrap that dies while idle and
 * calling tick(arg) (may be NULL) every 200 ms. */
void emu_wait_for_stop(struct emu *e, void (*tick)(void *), void *arg);

/* http_event.c: a plain HTTP request as an HTTP source's event. */
enum http_source { HTTP_APIGW_V2, HTTP_APIGW_V1, HTTP_ALB, HTTP_FUNCTION_URL };
struct http_header {
    const char *name, *value;
};
struct http_request {
    enum http_source source;
    const char *method, *path, *query; /* path and query as sent; query may be NULL */
    const struct http_header *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
};
struct route_match {
    char route_key[1024], resource[1024];
    struct json_t *params; /* pathParameters (new reference) */
};
int http_source_parse(const char *name); /* -1 when unknown */
const char *http_source_name(enum http_source s);
/* The event (new text, free()). */
char *http_event(const struct http_request *r, const struct route_match *m);
/* s[0..n) with %XX decoded ('+' stays), as a new string. */
char *http_decoded(const char *s, size_t n);

/* routes.c */
struct route {
    char method[16], path[900]; /* path "": $default */
};
struct routes {
    struct route *list;
    size_t n;
};
int routes_load(const char *file, struct routes *out);
/* 0 with m filled (m->params always set), -1 when no route takes it. */
int routes_match(const struct routes *rs, const char *method, const char *path, struct route_match *m);

/* cmd_serve.c: the invoke endpoint of serve (and watch --serve). */
struct durable;
struct serve {
    struct emu *e;
    sem_t slots; /* --concurrency invocations at a time */
    struct durable *durable; /* --durable: the durable execution service too */
};
struct MHD_Daemon *serve_start(struct serve *s, int port, unsigned *bound);
void serve_stop(struct serve *s, struct MHD_Daemon *d);

/* cmd_api.c: the HTTP front of start-api (and watch --http). */
struct api {
    struct emu *e;
    sem_t slots;
    enum http_source source;
    struct routes routes;
};
/* e's front for the --source and --routes given (either may be NULL); -1 logged. */
int api_configure(struct api *api, struct emu *e, const char *source, const char *routes_file);
struct MHD_Daemon *api_start(struct api *api, int port, unsigned *bound);
void api_stop(struct api *api, struct MHD_Daemon *d);
int cmd_api(struct emu *e, int port, const char *source, const char *routes_file);

/* cmd_watch.c */
struct watch_options {
    const char *build; /* shell command, default "make" */
    int http_port, serve_port; /* -1: not served */
    const char *source, *routes;
};
int cmd_watch(struct emu *e, const struct watch_options *w);

/* cmd_invoke.c, cmd_serve.c, cmd_event.c */
int cmd_invoke(struct emu *e, const char *const *events, size_t nevents, int repeat);
int cmd_serve(struct emu *e, int port);
int cmd_event(int argc, char **argv); /* the arguments after "event" */
int cmd_new(int argc, char **argv);   /* the arguments after "new" */
int cmd_durable(int argc, char **argv); /* the arguments after "durable" */

/* --durable: the durable execution service in front of the function. */
struct durable_options {
    int on;
    double time_scale;
    const char *state_file;
};
int cmd_serve_durable(struct emu *e, int port, const struct durable_options *dopt);
int cmd_invoke_durable(struct emu *e, const char *const *events, size_t nevents, int port,
                       const struct durable_options *dopt);
/* cmd_invoke.c */
char *read_event_file(const char *path, size_t *len);

#endif
