/* report.c - Lambda's START / END / REPORT lines, on stderr. */
#include "emu.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void report_start(const struct emu *e, const struct invocation *inv)
{
    if (!e->opt->quiet)
        emu_log("START RequestId: %s Version: $LATEST", inv->id);
}

void report_end(const struct emu *e, const struct invocation *inv)
{
    if (inv->is_error && !strcmp(inv->error_type, "Runtime.Crash"))
        symbolize_crash(inv); /* --quiet or not: it is what the author needs */
    if (e->opt->quiet)
        return;
    double ms = (double)(inv->end_us - inv->start_us) / 1000.0;
    /* provided.* runtimes are billed for init too, per whole millisecond */
    long billed = (long)ceil(ms + inv->init_ms);
    if (billed < 1)
        billed = 1;
    char init[48] = "";
    if (inv->init_failed)
        emu_log("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: %s", inv->init_ms,
                inv->error_type);
    else if (inv->init_ms > 0)
        snprintf(init, sizeof init, "\tInit Duration: %.2f ms", inv->init_ms);
    emu_log("END RequestId: %s", inv->id);
    emu_log("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %ld ms\tMemory Size: %d MB\t"
            "Max Memory Used: %ld MB%s",
            inv->id, ms, billed, e->opt->memory_mb, (inv->max_rss_kb + 1023) / 1024, init);
    if (inv->is_error)
        emu_log("slsrt-local: invocation %s failed with %s", inv->id, inv->error_type);
}
