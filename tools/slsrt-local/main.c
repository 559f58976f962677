/*
 * main.c - slsrt-local: run Lambda functions on this machine.
 *
 *   slsrt-local invoke [options] --event FILE [--event FILE...] -- ./bootstrap [args]
 *   slsrt-local serve  [options] --port N -- ./bootstrap [args]
 *   slsrt-local start-api [options] --port N [--source S] [--routes FILE] -- ./bootstrap [args]
 *   slsrt-local watch [options] [--build CMD] [--http PORT] [--serve PORT] -- ./bootstrap [args]
 *   slsrt-local info   [--format terraform] -- ./bootstrap
 *   slsrt-local event  SOURCE [--set PATH=VALUE]...
 *   slsrt-local new    NAME [--kind json|http|events] [--dir PARENT]
 */
#include "emu.h"

#include <getopt.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <slsrt/common.h>

static void usage(FILE *out)
{
    fputs("usage: slsrt-local invoke [options] --event FILE [--event FILE...] -- BOOTSTRAP [ARGS]\n"
          "       slsrt-local serve  [options] [--port N] -- BOOTSTRAP [ARGS]\n"
          "       slsrt-local start-api [options] [--port N] [--source S] [--routes FILE] -- BOOTSTRAP [ARGS]\n"
          "       slsrt-local watch [options] [--build CMD] [--http PORT] [--serve PORT] -- BOOTSTRAP [ARGS]\n"
          "       slsrt-local info   [--format terraform] -- BOOTSTRAP   (its --info, run with the layer)\n"
          "       slsrt-local event  SOURCE [--set PATH=VALUE]...   (a sample event; --list)\n"
          "       slsrt-local new    NAME [--kind json|http|events] [--dir PARENT]   (a project)\n"
          "       slsrt-local durable list|get|history|stop|callback ...   (durable executions; durable --help)\n"
          "       slsrt-local --version\n"
          "\n"
          "Plays the Lambda service for a custom-runtime bootstrap: serves it the\n"
          "Runtime API, sets the environment Lambda sets, enforces timeouts and\n"
          "payload limits, restarts it when it exits.  invoke prints each response\n"
          "(or error document) on one line of stdout; logs and START/END/REPORT\n"
          "lines go to stderr; it exits 1 when an invocation (or the init) failed,\n"
          "2 on bad usage, 3 when the runtime broke the Runtime API contract.\n"
          "serve exposes POST\n"
          "/2015-03-31/functions/function/invocations like AWS's emulator.\n"
          "start-api puts plain HTTP in front: each request becomes the event of\n"
          "--source (apigw-v2, apigw-v1, alb, function-url; default apigw-v2), the\n"
          "answer the HTTP response; --routes FILE lists \"METHOD /path/{param}\" lines.\n"
          "watch rebuilds (--build CMD, default make) when the sources under the\n"
          "current folder change and restarts the function, serving start-api's\n"
          "front on --http PORT (default 3000) and serve's on --serve PORT.\n"
          "\n"
          "options:\n"
          "  --event FILE          event payload (repeatable; '-' for stdin)\n"
          "  --repeat N            invoke each event N times (default 1)\n"
          "  --port N              serve, start-api: port on 127.0.0.1 (default 9000, 3000;\n"
          "                        0 = any)\n"
          "  --timeout SECONDS     function timeout (default: what BOOTSTRAP --info\n"
          "                        declares, else 3)\n"
          "  --memory MB           memory size (default: --info's, else 128); a function\n"
          "                        over it is stopped, as Lambda does\n"
          "  --function-name NAME  (default: the bootstrap's directory name)\n"
          "  --region REGION       (default us-east-1)\n"
          "  --handler NAME        _HANDLER (default bootstrap)\n"
          "  --env KEY=VALUE       extra environment variable (repeatable)\n"
          "  --log-format Text|JSON, --log-level LEVEL\n"
          "  --layer DIR           directory whose lib/ is on LD_LIBRARY_PATH (like /opt)\n"
          "  --client-context JSON, --cognito-identity JSON, --tenant-id ID\n"
          "  --trace-sampled       mark the X-Ray trace header Sampled=1\n"
          "  --no-trace-header     send no Lambda-Runtime-Trace-Id\n"
          "  --no-invocation-id    do not send Lambda-Runtime-Invocation-Id\n"
          "  --fault SPEC          CALL:ACTION[@N|@N+|@N-M], CALL one of next, response,\n"
          "                        error, init-error; ACTION a status, drop, delay=MS,\n"
          "                        garbage, truncate, headers-only or big-headers\n"
          "  --concurrency N       up to N invocations at once (Lambda Managed Instances):\n"
          "                        sets AWS_LAMBDA_MAX_CONCURRENCY; invoke runs the events\n"
          "                        N at a time, serve takes N requests at a time\n"
          "  --rss-every N         log the bootstrap's resident memory every N invocations\n"
          "  --idle-timeout S      serve: close a client connection idle for S seconds\n"
          "                        (default 60)\n"
          "  --graceful-stop MS    on stop, SIGTERM and MS to exit before SIGKILL (so valgrind\n"
          "                        or a coverage tool can write its report)\n"
          "  --quiet               no START/END/REPORT lines\n"
          "  --durable             serve, invoke: the function is durable: each invoke (each\n"
          "                        --event) starts a durable execution; slsrt-local serves the\n"
          "                        durable execution API (checkpoints, state, callbacks,\n"
          "                        GetDurableExecution[History], List..., Stop...) on --port\n"
          "                        (invoke: any free port unless --port)\n"
          "  --state FILE          --durable: keep the executions in FILE across restarts\n"
          "  --time-scale N        --durable: waits and retry delays run N times faster\n"
          "  --snap-start          AWS_LAMBDA_INITIALIZATION_TYPE=snap-start: the runtime's\n"
          "                        /runtime/restore/next is answered (snapshot and restore)\n"
          "  --az-id ID            what the metadata endpoint (AWS_LAMBDA_METADATA_API) says\n"
          "                        (default local-az1)\n",
          out);
}

/* The memory and timeout the function declares (its --info), where no flag set them. */
static void apply_info(struct emu *e, struct options *o, int memory_given, int timeout_given)
{
    char *text = sandbox_info(e, NULL);
    json_t *info = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    json_int_t mb = json_integer_value(json_object_get(info, "memory"));
    double timeout = json_number_value(json_object_get(info, "timeout"));
    int used = 0;
    if (!memory_given && mb >= 128 && mb <= 10240)
        o->memory_mb = (int)mb, used = 1;
    if (!timeout_given && timeout >= 1 && timeout <= 900)
        o->timeout_s = timeout, used = 1;
    if (used) /* what it declares; a flag given wins over it */
        emu_log("slsrt-local: %s declares %lld MB and %g s (its --info; --memory and --timeout override)",
                o->function_name, (long long)mb, timeout);
    json_decref(info);
}

static const char *default_name(const char *bootstrap)
{
    static char name[128];
    char *abs = realpath(bootstrap, NULL);
    const char *p = abs ? abs : bootstrap;
    const char *end = strrchr(p, '/');
    const char *start = end;
    if (end)
        while (start > p && start[-1] != '/')
            start--;
    if (!end || start == end)
        snprintf(name, sizeof name, "function");
    else
        snprintf(name, sizeof name, "%.*s", (int)(end - start), start);
    free(abs);
    return name;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version")) {
        printf("slsrt-local %s\n", SLSRT_VERSION_STRING);
        return 0;
    }
    if (!strcmp(cmd, "event"))
        return cmd_event(argc - 2, argv + 2);
    if (!strcmp(cmd, "new"))
        return cmd_new(argc - 2, argv + 2);
    if (!strcmp(cmd, "durable"))
        return cmd_durable(argc - 2, argv + 2);
    int api = strcmp(cmd, "start-api") == 0, watch = strcmp(cmd, "watch") == 0, info = strcmp(cmd, "info") == 0;
    int serve = api || watch || strcmp(cmd, "serve") == 0;
    if (!serve && !info && strcmp(cmd, "invoke") != 0) {
        fprintf(stderr, "slsrt-local: unknown command '%s'\n", cmd);
        usage(stderr);
        return 2;
    }

    struct options o = {.region = "us-east-1", .handler = "bootstrap", .memory_mb = 128, .timeout_s = 3, .concurrency = 1,
                        .send_invocation_id = 1, .send_trace = 1, .idle_timeout_s = 60};
    const char **events = calloc((size_t)argc, sizeof *events);
    o.env = calloc((size_t)argc, sizeof *o.env);
    o.faults = calloc((size_t)argc, sizeof *o.faults);
    size_t nevents = 0;
    int port = api ? 3000 : 9000, repeat = 1, status = 2;
    const char *source = NULL, *routes = NULL;
    int memory_given = 0, timeout_given = 0;
    struct watch_options wo = {.http_port = -1, .serve_port = -1};
    struct durable_options dopt = {.time_scale = 1};
    int port_given = 0;
    enum { O_EVENT = 1, O_REPEAT, O_PORT, O_TIMEOUT, O_MEMORY, O_NAME, O_REGION, O_HANDLER, O_ENV,
           O_LOGFMT, O_LOGLVL, O_LAYER, O_CC, O_COGNITO, O_TENANT, O_SAMPLED, O_NOTRACE, O_NOINVID, O_FAULT, O_QUIET, O_CONCURRENCY, O_RSS, O_GRACEFUL, O_IDLE,
           O_SOURCE, O_ROUTES, O_BUILD, O_HTTP, O_SERVE, O_DURABLE, O_STATE, O_TIMESCALE, O_SNAPSTART, O_AZ };
    static const struct option longopts[] = {
        {"event", 1, 0, O_EVENT}, {"repeat", 1, 0, O_REPEAT}, {"port", 1, 0, O_PORT},
        {"timeout", 1, 0, O_TIMEOUT}, {"memory", 1, 0, O_MEMORY}, {"function-name", 1, 0, O_NAME},
        {"region", 1, 0, O_REGION}, {"handler", 1, 0, O_HANDLER}, {"env", 1, 0, O_ENV},
        {"log-format", 1, 0, O_LOGFMT}, {"log-level", 1, 0, O_LOGLVL}, {"layer", 1, 0, O_LAYER},
        {"client-context", 1, 0, O_CC}, {"cognito-identity", 1, 0, O_COGNITO}, {"tenant-id", 1, 0, O_TENANT},
        {"trace-sampled", 0, 0, O_SAMPLED}, {"no-trace-header", 0, 0, O_NOTRACE}, {"no-invocation-id", 0, 0, O_NOINVID}, {"fault", 1, 0, O_FAULT},
        {"quiet", 0, 0, O_QUIET}, {"concurrency", 1, 0, O_CONCURRENCY}, {"rss-every", 1, 0, O_RSS}, {"graceful-stop", 1, 0, O_GRACEFUL},
        {"idle-timeout", 1, 0, O_IDLE}, {"source", 1, 0, O_SOURCE}, {"format", 1, 0, O_SOURCE}, {"routes", 1, 0, O_ROUTES},
        {"build", 1, 0, O_BUILD}, {"http", 1, 0, O_HTTP}, {"serve", 1, 0, O_SERVE}, {"durable", 0, 0, O_DURABLE},
        {"state", 1, 0, O_STATE}, {"time-scale", 1, 0, O_TIMESCALE}, {"snap-start", 0, 0, O_SNAPSTART},
        {"az-id", 1, 0, O_AZ}, {0, 0, 0, 0}};
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
        switch (c) {
        case O_EVENT: events[nevents++] = optarg; break;
        case O_REPEAT: repeat = atoi(optarg); break;
        case O_PORT: port = atoi(optarg), port_given = 1; break;
        case O_TIMEOUT: o.timeout_s = atof(optarg), timeout_given = 1; break;
        case O_MEMORY: o.memory_mb = atoi(optarg), memory_given = 1; break;
        case O_NAME: o.function_name = optarg; break;
        case O_REGION: o.region = optarg; break;
        case O_HANDLER: o.handler = optarg; break;
        case O_ENV:
            if (!strchr(optarg, '=')) {
                fprintf(stderr, "slsrt-local: --env wants KEY=VALUE, got '%s'\n", optarg);
                goto out;
            }
            o.env[o.nenv++] = optarg;
            break;
        case O_LOGFMT: o.log_format = optarg; break;
        case O_LOGLVL: o.log_level = optarg; break;
        case O_LAYER: o.layer_dir = optarg; break;
        case O_CC: o.client_context = optarg; break;
        case O_COGNITO: o.cognito_identity = optarg; break;
        case O_TENANT: o.tenant_id = optarg; break;
        case O_SAMPLED: o.trace_sampled = 1; break;
        case O_NOTRACE: o.send_trace = 0; break;
        case O_NOINVID: o.send_invocation_id = 0; break;
        case O_QUIET: o.quiet = 1; break;
        case O_CONCURRENCY: o.concurrency = atoi(optarg); break;
        case O_RSS: o.rss_every = atoi(optarg); break;
        case O_GRACEFUL: o.graceful_stop_ms = atoi(optarg); break;
        case O_IDLE: o.idle_timeout_s = atoi(optarg); break;
        case O_SOURCE: source = optarg; break;
        case O_ROUTES: routes = optarg; break;
        case O_BUILD: wo.build = optarg; break;
        case O_HTTP: wo.http_port = atoi(optarg); break;
        case O_SERVE: wo.serve_port = atoi(optarg); break;
        case O_DURABLE: dopt.on = 1; break;
        case O_STATE: dopt.state_file = optarg; break;
        case O_TIMESCALE: dopt.time_scale = atof(optarg); break;
        case O_SNAPSTART: o.snap_start = 1; break;
        case O_AZ: o.az_id = optarg; break;
        case O_FAULT:
            if (fault_parse(optarg, &o.faults[o.nfaults]) != 0) {
                fprintf(stderr, "slsrt-local: bad --fault '%s' (CALL:ACTION[@N|@N+|@N-M])\n", optarg);
                goto out;
            }
            o.nfaults++;
            break;
        default: usage(stderr); goto out;
        }
    }
    if (optind < argc && strcmp(argv[optind], "--") == 0)
        optind++;
    if (optind >= argc || (!serve && !info && nevents == 0) || repeat < 1 || o.timeout_s <= 0 || o.memory_mb <= 0 ||
        o.concurrency < 1 || o.concurrency > 64 || dopt.time_scale <= 0 || (dopt.on && (api || watch)) ||
        o.idle_timeout_s < 1) {
        usage(stderr);
        goto out;
    }
    o.command = argv + optind;
    if (!o.function_name)
        o.function_name = default_name(o.command[0]);

    /* The server threads inherit this mask: signals reach only sigwait(). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (serve)
        pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* serve holds a descriptor per client: take all the system allows. */
    struct rlimit nofile;
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
        nofile.rlim_cur = nofile.rlim_max;
        setrlimit(RLIMIT_NOFILE, &nofile);
    }

    struct emu e;
    emu_init(&e, &o);
    if (rapi_start(&e) != 0 || proxy_start(&e) != 0) {
        fprintf(stderr, "slsrt-local: cannot start the Runtime API server\n");
        goto out;
    }
    e.qemu = sandbox_foreign(o.command[0], &e.qemu_sysroot);
    if (e.qemu)
        emu_log("slsrt-local: %s is built for the other architecture: running it under %s", o.command[0], e.qemu);
    if (info) { /* what the bootstrap declares, wherever its library is and whatever its architecture */
        char *text = sandbox_info(&e, source);
        if (text)
            fputs(text, stdout);
        else
            emu_log("slsrt-local: %s did not answer --info", o.command[0]);
        status = text ? 0 : 1;
        free(text);
        emu_shutdown(&e);
        goto out;
    }
    if (!memory_given || !timeout_given)
        apply_info(&e, &o, memory_given, timeout_given);
    /* A wrapper's own memory is not the function's. */
    const char *base = strrchr(o.command[0], '/');
    base = base ? base + 1 : o.command[0];
    e.enforce_memory = strcmp(base, "valgrind") && strncmp(base, "qemu-", 5) && !e.qemu;
    if (watch) {
        wo.source = source, wo.routes = routes;
        if (wo.http_port < 0 && wo.serve_port < 0)
            wo.http_port = 3000;
        status = cmd_watch(&e, &wo);
    } else {
        status = dopt.on && serve ? cmd_serve_durable(&e, port, &dopt)
                 : dopt.on        ? cmd_invoke_durable(&e, events, nevents, port_given ? port : 0, &dopt)
                 : api            ? cmd_api(&e, port, source, routes)
                 : serve          ? cmd_serve(&e, port)
                                  : cmd_invoke(&e, events, nevents, repeat);
    }
    emu_shutdown(&e);
    if (e.violations) {
        emu_log("slsrt-local: the runtime broke the Runtime API contract %u time(s)", e.violations);
        status = 3; /* over an invocation's failure too: a broken contract is the runtime's bug */
    }
out:
    free(events);
    free(o.env);
    free(o.faults);
    return status;
}
