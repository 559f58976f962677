/*
 * slsrt/doc.h - JSON read in place: the event (or any text) as a read-only
 * document, without a Jansson tree.
 *
 * A Jansson tree costs about 130 bytes and a few hundred instructions a
 * value: a 5 MB event is a 65 MB tree.  A document is one validating pass
 * over the text, 20 bytes a value and one copy of the text, in which the
 * strings are decoded.  Use it to read a few members of a large event, to
 * walk a large array, or to answer with (part of) the event as it came;
 * slsrt_doc_to_json() gives a Jansson value of any node when one is needed.
 *
 * It takes exactly the texts slsrt_invocation_event_json() takes (with the
 * same limits: nesting to 2048 levels, integers within json_int_t, no
 * "\u0000" in strings), and a name repeated in an object reads as Jansson
 * reads it: slsrt_doc_get() finds the last member of that name.
 *
 * A node is a value in one document: a number that is never 0 (0 is "no
 * node": what a lookup that finds nothing returns, and what every function
 * takes).  Strings returned are NUL-terminated and borrowed from the
 * document; nodes and strings live as long as it does.  Functions given a
 * NULL document or node 0 return NULL, 0 or SLSRT_EINVAL.  A document is
 * read-only: any number of threads may read one at once.
 */
#ifndef SLSRT_DOC_H
#define SLSRT_DOC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <slsrt/common.h>
#include <slsrt/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct slsrt_doc slsrt_doc;
typedef uint32_t slsrt_doc_node;

/* New types are only ever added at the end. */
typedef enum slsrt_doc_type {
    SLSRT_DOC_NONE = 0, /* node 0 */
    SLSRT_DOC_NULL,
    SLSRT_DOC_FALSE,
    SLSRT_DOC_TRUE,
    SLSRT_DOC_INTEGER, /* a number without fraction or exponent, as Jansson types it */
    SLSRT_DOC_REAL,
    SLSRT_DOC_STRING,
    SLSRT_DOC_ARRAY,
    SLSRT_DOC_OBJECT
} slsrt_doc_type;

/*
 * The invocation's event as a document, made on first call (later calls
 * return the same one).  Borrowed: it lives until the handler returns.
 * NULL with *status (may be NULL) SLSRT_EJSON when the event is not JSON,
 * SLSRT_ENOMEM, or SLSRT_EINVAL for a NULL invocation.
 */
SLSRT_API const slsrt_doc *slsrt_invocation_doc(slsrt_invocation *inv, slsrt_status *status);

/* Any text (a message body, a file): new, free it with slsrt_doc_free.  The
 * document keeps its own copy: text may go right after.  NULL with *status
 * (may be NULL) SLSRT_EJSON when the text is not JSON, or SLSRT_ENOMEM. */
SLSRT_API slsrt_doc *slsrt_doc_parse(const char *text, size_t len, slsrt_status *status);
SLSRT_API void slsrt_doc_free(slsrt_doc *doc);

/* The top value. */
SLSRT_API slsrt_doc_node slsrt_doc_root(const slsrt_doc *doc);
SLSRT_API slsrt_doc_type slsrt_doc_type_of(const slsrt_doc *doc, slsrt_doc_node node);

/* Object's member named key (the last of that name); 0 when there is none
 * or node is not an object.  O(members). */
SLSRT_API slsrt_doc_node slsrt_doc_get(const slsrt_doc *doc, slsrt_doc_node object, const char *key);
/* The node a JSON Pointer (RFC 6901: "/items/0/id", "~0" for '~' and "~1"
 * for '/' in names) leads to from node; "" is node itself; 0 when it leads
 * nowhere or is not a pointer. */
SLSRT_API slsrt_doc_node slsrt_doc_pointer(const slsrt_doc *doc, slsrt_doc_node node, const char *pointer);

/*
 * Walking: an array's elements, or an object's members' values, in the
 * order written (a repeated name too: slsrt_doc_key says which).
 *     for (slsrt_doc_node v = slsrt_doc_first(doc, n); v; v = slsrt_doc_next(doc, v))
 * count is how many there are; first is 0 for an empty container or a
 * scalar; next is 0 after the last.  Each is O(1).
 */
SLSRT_API size_t slsrt_doc_count(const slsrt_doc *doc, slsrt_doc_node node);
SLSRT_API slsrt_doc_node slsrt_doc_first(const slsrt_doc *doc, slsrt_doc_node node);
SLSRT_API slsrt_doc_node slsrt_doc_next(const slsrt_doc *doc, slsrt_doc_node node);
/* The name of the member whose value node is; NULL when node is not the
 * value of an object's member.  *len (may be NULL) gets its length. */
SLSRT_API const char *slsrt_doc_key(const slsrt_doc *doc, slsrt_doc_node node, size_t *len);

/* A string's text; NULL when node is not a string.  *len (may be NULL) gets
 * its length (it holds no NUL: JSON's "\u0000" is refused). */
SLSRT_API const char *slsrt_doc_string(const slsrt_doc *doc, slsrt_doc_node node, size_t *len);
/* An integer's value: SLSRT_OK, or SLSRT_EINVAL (and *out untouched) when
 * node is not an integer. */
SLSRT_API slsrt_status slsrt_doc_integer(const slsrt_doc *doc, slsrt_doc_node node, json_int_t *out);
/* A number's value, integer or real, as a double (Jansson's json_number_value):
 * SLSRT_OK, or SLSRT_EINVAL when node is not a number. */
SLSRT_API slsrt_status slsrt_doc_real(const slsrt_doc *doc, slsrt_doc_node node, double *out);

/* The Jansson value of node, as slsrt_invocation_event_json() would have
 * built it: new (json_decref it), or NULL for node 0 or out of memory. */
SLSRT_API json_t *slsrt_doc_to_json(const slsrt_doc *doc, slsrt_doc_node node);

/*
 * Answer with node, written compactly: strings escaped as the response
 * writer escapes them, numbers as they were written, members in their
 * order (repeats kept).  The text is made now, into the response: doc may
 * be freed right after.  SLSRT_OK, SLSRT_EINVAL (no node), SLSRT_ENOMEM,
 * or SLSRT_ESTATE when the response is streaming.
 */
SLSRT_API slsrt_status slsrt_response_set_doc(slsrt_response *res, const slsrt_doc *doc, slsrt_doc_node node);

#ifdef __cplusplus
}
#endif

#endif
