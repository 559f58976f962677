/* event_fields.h - reading fields of event JSON: the tree's and the document's (private). */
#ifndef SLSRT_EVENT_FIELDS_H
#define SLSRT_EVENT_FIELDS_H

#include <jansson.h>
#include <slsrt/doc.h>

/* obj.key as a string, or NULL when obj is not an object or the member is not a string. */
static inline const char *slsrt__str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* obj.a.b as a string (two levels). */
static inline const char *slsrt__str2(const json_t *obj, const char *a, const char *b)
{
    return json_string_value(json_object_get(json_object_get(obj, a), b));
}

static inline const json_t *slsrt__obj(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_object(v) ? v : NULL;
}

/* The same three over a document's node. */
static inline const char *slsrt__dstr(const slsrt_doc *d, slsrt_doc_node n, const char *key)
{
    return slsrt_doc_string(d, slsrt_doc_get(d, n, key), NULL);
}

static inline const char *slsrt__dstr2(const slsrt_doc *d, slsrt_doc_node n, const char *a, const char *b)
{
    return slsrt_doc_string(d, slsrt_doc_get(d, slsrt_doc_get(d, n, a), b), NULL);
}

static inline slsrt_doc_node slsrt__dobj(const slsrt_doc *d, slsrt_doc_node n, const char *key)
{
    slsrt_doc_node v = slsrt_doc_get(d, n, key);
    return slsrt_doc_type_of(d, v) == SLSRT_DOC_OBJECT ? v : 0;
}

#endif
