/*
 * doc.c - JSON read in place (slsrt/doc.h): the public face of the token
 * index (util/json_index.c), for the invocation's event and for any text.
 */
#include <slsrt/doc.h>

#include <stdlib.h>
#include <string.h>

#include "runtime_internal.h"
#include "util/json_index.h"

struct slsrt_doc {
    slsrt__json_index x;
};

static slsrt_doc *parse(const char *text, size_t len, slsrt_status *status)
{
    slsrt_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        return *status = SLSRT_ENOMEM, NULL;
    if (slsrt__json_index_build(&doc->x, text, len)) {
        free(doc);
        return *status = SLSRT_EJSON, NULL;
    }
    *status = SLSRT_OK;
    return doc;
}

slsrt_doc *slsrt_doc_parse(const char *text, size_t len, slsrt_status *status)
{
    slsrt_status dummy;
    if (!status)
        status = &dummy;
    if (!text && len)
        return *status = SLSRT_EINVAL, NULL;
    return parse(text ? text : "", len, status);
}

void slsrt_doc_free(slsrt_doc *doc)
{
    if (!doc)
        return;
    slsrt__json_index_free(&doc->x);
    free(doc);
}

const slsrt_doc *slsrt_invocation_doc(slsrt_invocation *inv, slsrt_status *status)
{
    slsrt_status dummy;
    if (!status)
        status = &dummy;
    if (!inv)
        return *status = SLSRT_EINVAL, NULL;
    if (inv->doc)
        return *status = SLSRT_OK, inv->doc;
    inv->doc = parse(inv->event ? inv->event : "", inv->event ? inv->event_len : 0, status);
    if (*status != SLSRT_EJSON)
        return inv->doc;
    /* Text slsrt's reader refuses may still be JSON to jansson (which also
     * sets the invocation's Runtime.InvalidEventJSON when it is not): its
     * tree, as text, decides. */
    json_t *event = slsrt_invocation_event_json(inv);
    char *text = event ? json_dumps(event, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    if (text)
        inv->doc = parse(text, strlen(text), status);
    else
        *status = event ? SLSRT_ENOMEM : SLSRT_EJSON;
    free(text);
    return inv->doc;
}

const slsrt__json_index *slsrt__doc_index(const slsrt_doc *doc) { return &doc->x; }

/* node names a value of doc. */
static int valid(const slsrt_doc *doc, slsrt_doc_node node) { return doc && node && node < doc->x.ntok; }

slsrt_doc_node slsrt_doc_root(const slsrt_doc *doc) { return doc ? 1 : 0; }

slsrt_doc_type slsrt_doc_type_of(const slsrt_doc *doc, slsrt_doc_node node)
{
    return valid(doc, node) ? (slsrt_doc_type)doc->x.tok[node].kind : SLSRT_DOC_NONE;
}

slsrt_doc_node slsrt_doc_get(const slsrt_doc *doc, slsrt_doc_node object, const char *key)
{
    return valid(doc, object) ? slsrt__json_index_get(&doc->x, object, key) : 0;
}

slsrt_doc_node slsrt_doc_pointer(const slsrt_doc *doc, slsrt_doc_node node, const char *pointer)
{
    return valid(doc, node) ? slsrt__json_index_pointer(&doc->x, node, pointer) : 0;
}

size_t slsrt_doc_count(const slsrt_doc *doc, slsrt_doc_node node)
{
    uint32_t kind = slsrt_doc_type_of(doc, node);
    return kind == SLSRT_DOC_ARRAY || kind == SLSRT_DOC_OBJECT ? doc->x.tok[node].n : 0;
}

/* In an object a member's value follows its name's token. */
static slsrt_doc_node value_at(const slsrt_doc *doc, uint32_t container, uint32_t t)
{
    return doc->x.tok[container].kind == SLSRT__JSON_OBJECT ? t + 1 : t;
}

slsrt_doc_node slsrt_doc_first(const slsrt_doc *doc, slsrt_doc_node node)
{
    return slsrt_doc_count(doc, node) ? value_at(doc, node, node + 1) : 0;
}

slsrt_doc_node slsrt_doc_next(const slsrt_doc *doc, slsrt_doc_node node)
{
    if (!valid(doc, node) || !doc->x.tok[node].up)
        return 0;
    uint32_t up = doc->x.tok[node].up, after = doc->x.tok[node].next;
    return after < doc->x.tok[up].next ? value_at(doc, up, after) : 0;
}

const char *slsrt_doc_key(const slsrt_doc *doc, slsrt_doc_node node, size_t *len)
{
    if (!valid(doc, node) || doc->x.tok[doc->x.tok[node].up].kind != SLSRT__JSON_OBJECT)
        return NULL; /* the top's up is token 0, which is no object */
    return slsrt__json_index_string(&doc->x, node - 1, len);
}

const char *slsrt_doc_string(const slsrt_doc *doc, slsrt_doc_node node, size_t *len)
{
    return valid(doc, node) ? slsrt__json_index_string(&doc->x, node, len) : NULL;
}

slsrt_status slsrt_doc_integer(const slsrt_doc *doc, slsrt_doc_node node, json_int_t *out)
{
    json_int_t i;
    double d;
    if (!out || !valid(doc, node) || slsrt__json_index_number(&doc->x, node, &i, &d) != 1)
        return SLSRT_EINVAL;
    *out = i;
    return SLSRT_OK;
}

slsrt_status slsrt_doc_real(const slsrt_doc *doc, slsrt_doc_node node, double *out)
{
    json_int_t i;
    double d;
    int kind = out && valid(doc, node) ? slsrt__json_index_number(&doc->x, node, &i, &d) : 0;
    if (!kind)
        return SLSRT_EINVAL;
    *out = kind == 1 ? (double)i : d;
    return SLSRT_OK;
}

json_t *slsrt_doc_to_json(const slsrt_doc *doc, slsrt_doc_node node)
{
    return valid(doc, node) ? slsrt__json_index_value(&doc->x, node) : NULL;
}

slsrt_status slsrt_response_set_doc(slsrt_response *res, const slsrt_doc *doc, slsrt_doc_node node)
{
    if (!res || !valid(doc, node))
        return SLSRT_EINVAL;
    if (res->stream)
        return SLSRT_ESTATE;
    slsrt__buf_clear(&res->body);
    json_decref(res->json);
    res->json = NULL;
    free(res->content_type);
    res->content_type = NULL;
    int rc = slsrt__json_index_write(&res->body, &doc->x, node);
    res->has_body = rc == SLSRT_OK;
    if (rc)
        slsrt__buf_clear(&res->body);
    return rc;
}
