/*
 * probe.h - one way to read an event, over the Jansson tree or over the
 * event read in place (slsrt/doc.h), so that the rules that need more than
 * a field (detection, record checks and identifiers, the batch loop) are
 * written once and serve both (private).
 *
 * A value is a json_t pointer or a document node; 0 is none.
 */
#ifndef SLSRT_EVENTS_PROBE_H
#define SLSRT_EVENTS_PROBE_H

#include <stdint.h>

#include <slsrt/events.h>

typedef struct slsrt__probe {
    uintptr_t (*get)(const struct slsrt__probe *p, uintptr_t v, const char *key); /* member, or 0 */
    slsrt_doc_type (*type)(const struct slsrt__probe *p, uintptr_t v);
    const char *(*str)(const struct slsrt__probe *p, uintptr_t v); /* a string's text, or NULL */
    size_t (*count)(const struct slsrt__probe *p, uintptr_t array);
    /* Element i of array; prev is element i - 1 (0 for i == 0): the tree
     * indexes, the document steps. */
    uintptr_t (*at)(const struct slsrt__probe *p, uintptr_t array, size_t i, uintptr_t prev);
    const slsrt_doc *doc;
} slsrt__probe;

extern const slsrt__probe slsrt__tree_probe;
slsrt__probe slsrt__doc_probe(const slsrt_doc *doc);

static inline const char *slsrt__probe_str(const slsrt__probe *p, uintptr_t v, const char *key)
{
    return p->str(p, p->get(p, v, key));
}

/* v.key when it is an object, else 0. */
static inline uintptr_t slsrt__probe_obj(const slsrt__probe *p, uintptr_t v, const char *key)
{
    uintptr_t m = p->get(p, v, key);
    return p->type(p, m) == SLSRT_DOC_OBJECT ? m : 0;
}

/* The event's records: its "Records" (Firehose: "records") array, or the
 * event itself when it is an object without one (array 0 then). */
size_t slsrt__records(const slsrt__probe *p, uintptr_t event, uintptr_t *array);
uintptr_t slsrt__record_at(const slsrt__probe *p, uintptr_t event, uintptr_t array, size_t i, uintptr_t prev);

slsrt_event_source slsrt__detect(const slsrt__probe *p, uintptr_t event);
slsrt_status slsrt__record_check(const slsrt__probe *p, slsrt_event_source source, uintptr_t record,
                                 const char **why);
const char *slsrt__record_id(const slsrt__probe *p, slsrt_event_source source, uintptr_t record);

/* An SQS source ARN names a FIFO queue. */
int slsrt__sqs_arn_is_fifo(const char *arn);

#endif
