/* probe.c - the two ways to read an event: the Jansson tree and the document. */
#include "probe.h"

/* ---- the tree ---- */

static uintptr_t tree_get(const slsrt__probe *p, uintptr_t v, const char *key)
{
    (void)p;
    return (uintptr_t)json_object_get((const json_t *)v, key);
}

static slsrt_doc_type tree_type(const slsrt__probe *p, uintptr_t v)
{
    (void)p;
    if (!v)
        return SLSRT_DOC_NONE;
    switch (json_typeof((const json_t *)v)) {
    case JSON_OBJECT: return SLSRT_DOC_OBJECT;
    case JSON_ARRAY: return SLSRT_DOC_ARRAY;
    case JSON_STRING: return SLSRT_DOC_STRING;
    case JSON_INTEGER: return SLSRT_DOC_INTEGER;
    case JSON_REAL: return SLSRT_DOC_REAL;
    case JSON_TRUE: return SLSRT_DOC_TRUE;
    case JSON_FALSE: return SLSRT_DOC_FALSE;
    default: return SLSRT_DOC_NULL;
    }
}

static const char *tree_str(const slsrt__probe *p, uintptr_t v)
{
    (void)p;
    return json_string_value((const json_t *)v);
}

static size_t tree_count(const slsrt__probe *p, uintptr_t a)
{
    (void)p;
    return json_array_size((const json_t *)a);
}

static uintptr_t tree_at(const slsrt__probe *p, uintptr_t a, size_t i, uintptr_t prev)
{
    (void)p, (void)prev;
    return (uintptr_t)json_array_get((const json_t *)a, i);
}

const slsrt__probe slsrt__tree_probe = {tree_get, tree_type, tree_str, tree_count, tree_at, NULL};

/* ---- the document ---- */

static uintptr_t doc_get(const slsrt__probe *p, uintptr_t v, const char *key)
{
    return slsrt_doc_get(p->doc, (slsrt_doc_node)v, key);
}

static slsrt_doc_type doc_type(const slsrt__probe *p, uintptr_t v)
{
    return slsrt_doc_type_of(p->doc, (slsrt_doc_node)v);
}

static const char *doc_str(const slsrt__probe *p, uintptr_t v)
{
    return slsrt_doc_string(p->doc, (slsrt_doc_node)v, NULL);
}

static size_t doc_count(const slsrt__probe *p, uintptr_t a)
{
    return slsrt_doc_count(p->doc, (slsrt_doc_node)a); /* only ever asked of an array */
}

static uintptr_t doc_at(const slsrt__probe *p, uintptr_t a, size_t i, uintptr_t prev)
{
    return i == 0 ? slsrt_doc_first(p->doc, (slsrt_doc_node)a) : slsrt_doc_next(p->doc, (slsrt_doc_node)prev);
}

slsrt__probe slsrt__doc_probe(const slsrt_doc *doc)
{
    slsrt__probe p = {doc_get, doc_type, doc_str, doc_count, doc_at, doc};
    return p;
}
