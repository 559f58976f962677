/*
 * crash - crashes on request, to try crash reports locally:
 * {"crash": "segv" | "abort" | "fpe" | "overflow"}; anything else is answered.
 *
 * The function posts Runtime.Crash with the signal and a backtrace, logs the
 * same, and dies of the signal; the next invocation gets a new sandbox.
 * Backtraces name functions the executable exports: this example links with
 * -rdynamic, and keeps its crashing functions out of line and unstatic.
 */
#include <signal.h>
#include <slsrt/slsrt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noipa)) void crash_segv(void);
__attribute__((noipa)) int crash_fpe(int divisor);
__attribute__((noipa)) int crash_overflow(int depth);

void crash_segv(void)
{
    static volatile uintptr_t nowhere = 16;
    *(volatile int *)nowhere = 1;
}

int crash_fpe(int divisor)
{
    raise(SIGFPE); /* x86 and arm64 differ on integer division by zero; the signal does not */
    return 1 / divisor;
}

int crash_overflow(int depth)
{
    static volatile int limit = 1 << 30;
    volatile char frame[8192];
    frame[0] = (char)depth;
    return depth > limit ? 0 : crash_overflow(depth + 1) + frame[0];
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    if (!event)
        return SLSRT_EJSON;
    const char *how = json_string_value(json_object_get(event, "crash"));
    if (how && strcmp(how, "segv") == 0)
        crash_segv();
    else if (how && strcmp(how, "abort") == 0)
        abort();
    else if (how && strcmp(how, "fpe") == 0)
        return crash_fpe(0);
    else if (how && strcmp(how, "overflow") == 0)
        return crash_overflow(0);
    return slsrt_response_set_json(res, json_pack("{s:s}", "crashed", "no"));
}

SLSRT_MAIN(handler)
