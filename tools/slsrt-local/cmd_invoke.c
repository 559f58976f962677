/*
 * cmd_invoke.c - `slsrt-local invoke --event FILE... -- ./bootstrap`:
 * each event in turn; every payload (or error document) on its own line of
 * stdout, the function's logs and Lambda's report lines on stderr.
 */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *data = malloc(cap);
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n < cap)
            continue;
        char *bigger = realloc(data, cap * 2);
        if (!bigger)
            free(data);
        data = bigger;
        cap *= 2;
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return data;
}

int cmd_invoke(struct emu *e, const char *const *events, size_t nevents, int repeat)
{
    int failed = 0;
    for (size_t i = 0; i < nevents; i++) {
        size_t len;
        char *event = read_file(events[i], &len);
        if (!event) {
            emu_log("slsrt-local: cannot read event %s", events[i]);
            return 2;
        }
        for (int r = 0; r < repeat; r++) {
            struct invocation inv;
            emu_invoke(e, &inv, event, len);
            report_end(e, &inv);
            fwrite(inv.result ? inv.result : "", 1, inv.result_len, stdout);
            fputc('\n', stdout);
            fflush(stdout);
            failed |= inv.is_error;
            invocation_free(&inv);
        }
        free(event);
    }
    (void)failed;
    return 0;
}
