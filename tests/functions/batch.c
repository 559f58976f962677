/*
 * batch - slsrt_batch_process with a record handler that fails the records
 * whose identifiers are listed in BATCH_FAIL (comma-separated), so tests can
 * pick failures in SQS, Kinesis and DynamoDB Streams batches alike, and
 * crashes (a wild write) on the one named in BATCH_CRASH.  With BATCH_DOC
 * set it reads the batch in place (slsrt_batch_process_doc), so every test
 * runs both ways and must see the same answers.
 */
#include <slsrt/slsrt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 0, or -1 when id is to fail; crashes when it is to crash (its own frame:
 * tests/support/valgrind.supp names it). */
__attribute__((noinline)) static int record_outcome(const char *fail, const char *id)
{
    const char *crash = getenv("BATCH_CRASH");
    static volatile uintptr_t wild = 8; /* an address nothing is mapped at */
    if (crash && strcmp(crash, id) == 0)
        *(volatile int *)wild = 1;
    size_t n = strlen(id);
    for (const char *p = fail; p && (p = strstr(p, id)); p += n)
        if ((p == fail || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return -1;
    return 0;
}

static int on_record(slsrt_invocation *inv, slsrt_event_source source, const json_t *record, void *user_data)
{
    (void)inv;
    return record_outcome(user_data, slsrt_record_id(source, record));
}

static int on_node(slsrt_invocation *inv, slsrt_event_source source, const slsrt_doc *doc, slsrt_doc_node record,
                   void *user_data)
{
    (void)inv;
    return record_outcome(user_data, slsrt_doc_record_id(doc, source, record));
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    const char *fail = getenv("BATCH_FAIL");
    void *ids = (void *)(fail ? fail : "");
    if (getenv("BATCH_DOC"))
        return slsrt_batch_process_doc(inv, res, on_node, ids);
    return slsrt_batch_process(inv, res, on_record, ids);
}

SLSRT_MAIN(handler)
