/*
 * batch.c - partial batch responses for SQS, Kinesis and DynamoDB
 * Streams: records handled one by one, failures reported by identifier,
 * the event read as a Jansson tree or in place (probe.h).
 *
 * A record handler that crashes (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT)
 * is caught: that record and every later one are reported as failed, the
 * response is written into memory reserved before the first record (so
 * nothing allocates after the crash), and the process exits once it is
 * posted, since its memory can no longer be trusted.
 */
#include <slsrt/events.h>

#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_write.h"
#include "log/log.h"
#include "core/runtime_internal.h"
#include "probe.h"

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NSIGNALS (sizeof crash_signals / sizeof crash_signals[0])

static __thread sigjmp_buf *crash_jump;
static __thread volatile sig_atomic_t crash_signal;

static void on_crash(int sig)
{
    if (crash_jump) {
        crash_signal = sig;
        siglongjmp(*crash_jump, 1);
    }
    signal(sig, SIG_DFL); /* not in a record handler: die as the signal says */
    raise(sig);
}

/* Catch crashes on an alternate stack (a stack overflow is a crash too). */
static void catch_crashes(struct sigaction *saved, stack_t *saved_stack)
{
    static __thread char *alt;
    if (!alt)
        alt = malloc(SIGSTKSZ * 4);
    stack_t st = {.ss_sp = alt, .ss_size = SIGSTKSZ * 4};
    sigaltstack(alt ? &st : NULL, saved_stack);
    struct sigaction sa = {.sa_handler = on_crash, .sa_flags = SA_ONSTACK | SA_NODEFER};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NSIGNALS; i++)
        sigaction(crash_signals[i], &sa, &saved[i]);
}

static void release_crashes(const struct sigaction *saved, const stack_t *saved_stack)
{
    for (size_t i = 0; i < NSIGNALS; i++)
        sigaction(crash_signals[i], &saved[i], NULL);
    sigaltstack(saved_stack, NULL);
}

static int batch_source(slsrt_event_source s)
{
    return s == SLSRT_SOURCE_SQS || s == SLSRT_SOURCE_KINESIS || s == SLSRT_SOURCE_DYNAMODB;
}

/* Append {"itemIdentifier": id} into room reserved beforehand: no allocation. */
static void report(slsrt__buf *out, int *first, const char *id)
{
    const char *sep = *first ? "" : ",";
    *first = 0;
    slsrt__buf_append(out, sep, strlen(sep));
    slsrt__buf_append(out, "{\"itemIdentifier\":", 18);
    slsrt__json_write_string(out, id, strlen(id)); /* every byte kept: it must match the record's id */
    slsrt__buf_append(out, "}", 1);
}

/* A batch, read through the tree or the document, and its handler. */
struct batch {
    const slsrt__probe *p;
    uintptr_t event, array;
    size_t n;
    slsrt_record_fn tree_fn;
    slsrt_doc_record_fn doc_fn;
    void *user_data;
};

static int call(const struct batch *b, slsrt_invocation *inv, slsrt_event_source source, uintptr_t record)
{
    if (b->tree_fn)
        return b->tree_fn(inv, source, (const json_t *)record, b->user_data);
    return b->doc_fn(inv, source, b->p->doc, (slsrt_doc_node)record, b->user_data);
}

/* Room for the answer if every record failed: the most it can take; 0 when
 * a record has no identifier (*missing says which). */
static size_t worst_case(const struct batch *b, slsrt_event_source source, size_t *missing)
{
    size_t room = 64;
    uintptr_t r = 0;
    for (size_t i = 0; i < b->n; i++) {
        r = slsrt__record_at(b->p, b->event, b->array, i, r);
        const char *id = slsrt__record_id(b->p, source, r);
        if (!id) {
            *missing = i;
            return 0;
        }
        room += 24 + 6 * strlen(id);
    }
    return room;
}

static int process(slsrt_invocation *inv, slsrt_response *res, struct batch *b, const char *api)
{
    slsrt_event_source source = slsrt__detect(b->p, b->event);
    if (!batch_source(source) || (!b->tree_fn && !b->doc_fn))
        return slsrt_response_fail(res, "Runtime.InvalidBatch",
                                   "%s takes SQS, Kinesis or DynamoDB Streams events, not %s", api,
                                   slsrt_event_source_name(source));

    b->n = slsrt__records(b->p, b->event, &b->array);
    size_t n = b->n, missing = 0, room = worst_case(b, source, &missing);
    if (!room)
        return slsrt_response_fail(res, "Runtime.InvalidBatch",
                                   "record %zu of the %s batch has no identifier to report; failing the "
                                   "whole batch so that it is retried",
                                   missing, slsrt_event_source_name(source));
    int rc = slsrt_response_set_body(res, "", 0, NULL);
    if (rc != SLSRT_OK || slsrt__buf_reserve(&res->body, room))
        return SLSRT_ENOMEM;

    slsrt__buf *out = &res->body;
    slsrt__buf_append(out, "{\"batchItemFailures\":[", 22);
    int first = 1;
    volatile size_t failed = 0, i = 0;
    volatile uintptr_t record = 0;
    volatile int stopped = 0; /* a FIFO queue after its first failure, or after a crash */
    struct sigaction saved[NSIGNALS];
    stack_t saved_stack;
    sigjmp_buf jump;
    catch_crashes(saved, &saved_stack);
    for (; i < n; i++) {
        record = slsrt__record_at(b->p, b->event, b->array, i, record);
        const char *id = slsrt__record_id(b->p, source, record), *why = NULL;
        int ok = 0;
        if (stopped) {
            ok = 0;
        } else if (slsrt__record_check(b->p, source, record, &why) != SLSRT_OK) {
            slsrt__log(SLSRT_LOG_ERROR, "record %s: %s; reported as failed", id, why);
        } else if (sigsetjmp(jump, 1) == 0) {
            crash_jump = &jump;
            ok = call(b, inv, source, record) == 0;
            crash_jump = NULL;
            if (!ok)
                slsrt__log(SLSRT_LOG_WARN, "record %s failed", id);
        } else {
            crash_jump = NULL;
            slsrt__log(SLSRT_LOG_FATAL, "record %s crashed the handler (%s); it and the %zu records after it are "
                                        "reported as failed, and the process exits after answering",
                       id, strsignal(crash_signal), n - i - 1);
            inv->rt->exit_after_post = 1;
            stopped = 1;
        }
        if (!ok) {
            failed++;
            report(out, &first, id);
            if (source == SLSRT_SOURCE_SQS && slsrt__sqs_arn_is_fifo(slsrt__probe_str(b->p, record, "eventSourceARN")))
                stopped = 1;
        }
    }
    release_crashes(saved, &saved_stack);
    slsrt__buf_append(out, "]}", 2);
    if (failed)
        slsrt__log(SLSRT_LOG_INFO, "batch of %zu %s records: %zu failed", n, slsrt_event_source_name(source),
                   (size_t)failed);
    return SLSRT_OK;
}

int slsrt_batch_process(slsrt_invocation *inv, slsrt_response *res, slsrt_record_fn fn, void *user_data)
{
    json_t *event = slsrt_invocation_event_json(inv);
    if (!event)
        return SLSRT_EJSON;
    struct batch b = {&slsrt__tree_probe, (uintptr_t)event, 0, 0, fn, NULL, user_data};
    return process(inv, res, &b, "slsrt_batch_process");
}

int slsrt_batch_process_doc(slsrt_invocation *inv, slsrt_response *res, slsrt_doc_record_fn fn, void *user_data)
{
    slsrt_status status = SLSRT_EJSON;
    const slsrt_doc *doc = slsrt_invocation_doc(inv, &status);
    if (!doc)
        return status;
    slsrt__probe p = slsrt__doc_probe(doc);
    struct batch b = {&p, slsrt_doc_root(doc), 0, 0, NULL, fn, user_data};
    return process(inv, res, &b, "slsrt_batch_process_doc");
}
