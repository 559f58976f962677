/*
 * batch - slsrt_batch_process with a record handler that fails the records
 * whose identifiers are listed in BATCH_FAIL (comma-separated), so tests can
 * pick failures in SQS, Kinesis and DynamoDB Streams batches alike, and
 * crashes (a wild write) on the one named in BATCH_CRASH.
 */
#include <slsrt/slsrt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int on_record(slsrt_invocation *inv, slsrt_event_source source, const json_t *record, void *user_data)
{
    (void)inv;
    const char *fail = user_data, *id = slsrt_record_id(source, record), *crash = getenv("BATCH_CRASH");
    static volatile uintptr_t wild = 8; /* an address nothing is mapped at */
    if (crash && strcmp(crash, id) == 0)
        *(volatile int *)wild = 1;
    size_t n = strlen(id);
    for (const char *p = fail; p && (p = strstr(p, id)); p += n)
        if ((p == fail || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return -1;
    return 0;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    const char *fail = getenv("BATCH_FAIL");
    return slsrt_batch_process(inv, res, on_record, (void *)(fail ? fail : ""));
}

SLSRT_MAIN(handler)
