/*
 * cmd_new.c - `slsrt-local new NAME [--kind json|http|events] [--dir PARENT]`:
 * a function project that builds and passes its test at once — main.c, a
 * Makefile that builds for the declared architecture and refuses to zip
 * another, a sample event with its expected answer, a README.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "embedded.h"
#include "emu.h"

static const char usage_text[] =
    "usage: slsrt-local new NAME [--kind json|http|events] [--dir PARENT]\n"
    "\n"
    "Writes PARENT/NAME (default ./NAME), a function project for slsrt:\n"
    "  json    any JSON event in, JSON out (the default)\n"
    "  http    a router for API Gateway, ALB or a Function URL\n"
    "  events  an SQS listener with partial batch failures\n"
    "Then: cd NAME && make test (slsrt-local), make zip (function.zip for ARCH,\n"
    "arm64 unless the Makefile or the command line says otherwise).\n";

static const char readme[] =
    "# @NAME@\n"
    "\n"
    "A @KIND@ function on slsrt, the C runtime for AWS Lambda.\n"
    "\n"
    "    make                 # ./bootstrap for ARCH (arm64 unless you say ARCH=x86_64)\n"
    "    make test            # events/sample.json on slsrt-local, a build for this machine\n"
    "    make zip             # function.zip for provided.al2023 with the slsrt layer\n"
    "    slsrt-local watch --build 'make .test/bootstrap' --http 3000 -- .test/bootstrap\n"
    "                         # rebuilt and restarted on every save; plain HTTP on :3000\n"
    "                         # (--serve 9000: the invoke endpoint, for any event)\n"
    "    slsrt-local info -- ./bootstrap   # what it needs (memory, timeout, sources, permissions)\n"
    "\n"
    "Keep ARCH, the architecture in main.c's SLSRT_MAIN_WITH_INFO declaration and\n"
    "the deployment's in step: `make zip` refuses a bootstrap of another one, and\n"
    "the slsrt CDK construct refuses it at synth.\n";

/* text with @NAME@ and @KIND@ replaced, written to dir/file. */
static int write_from(const char *dir, const char *file, const char *text, const char *name, const char *kind)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (const char *p = text; *p;) {
        if (!strncmp(p, "@NAME@", 6)) {
            fputs(name, f), p += 6;
        } else if (!strncmp(p, "@KIND@", 6)) {
            fputs(kind, f), p += 6;
        } else {
            fputc(*p++, f);
        }
    }
    return fclose(f);
}

static int valid_name(const char *name)
{
    if (!*name || *name == '-' || strlen(name) > 64)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '_'))
            return 0;
    return 1;
}

int cmd_new(int argc, char **argv)
{
    const char *name = NULL, *kind = "json", *parent = ".";
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--kind") && i + 1 < argc) {
            kind = argv[++i];
        } else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
            parent = argv[++i];
        } else if (argv[i][0] != '-' && !name) {
            name = argv[i];
        } else {
            fprintf(stderr, "slsrt-local: new: unexpected '%s'\n%s", argv[i], usage_text);
            return 2;
        }
    }
    if (!name || !valid_name(name)) {
        fprintf(stderr, "slsrt-local: new: %s%s", name ? "a name is letters, digits, - and _ (not first)\n" : "",
                usage_text);
        return 2;
    }
    char main_c[64], event[64], expected[64];
    snprintf(main_c, sizeof main_c, "%s/main.c", kind);
    snprintf(event, sizeof event, "%s/sample-event.json", kind);
    snprintf(expected, sizeof expected, "%s/expected.txt", kind);
    if (!embedded_text(templates, main_c)) {
        fprintf(stderr, "slsrt-local: new: --kind is json, http or events, not '%s'\n", kind);
        return 2;
    }
    char dir[4096], events[4200];
    snprintf(dir, sizeof dir, "%s/%s", parent, name);
    snprintf(events, sizeof events, "%s/events", dir);
    if (mkdir(dir, 0755) != 0 || mkdir(events, 0755) != 0) {
        fprintf(stderr, "slsrt-local: new: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    int rc = write_from(dir, "main.c", embedded_text(templates, main_c), name, kind) |
             write_from(dir, "Makefile", embedded_text(templates, "Makefile"), name, kind) |
             write_from(dir, "events/sample.json", embedded_text(templates, event), name, kind) |
             write_from(dir, "events/expected.txt", embedded_text(templates, expected), name, kind) |
             write_from(dir, "README.md", readme, name, kind);
    if (rc) {
        fprintf(stderr, "slsrt-local: new: cannot write the project in %s\n", dir);
        return 1;
    }
    printf("created %s (%s): cd %s && make test\n", dir, kind, dir);
    return 0;
}
