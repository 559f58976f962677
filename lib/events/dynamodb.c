/*
 * dynamodb.c - DynamoDB Streams records and attribute values.
 *
 * Numbers: DynamoDB keeps up to 38 significant digits, a double 15 to 17.
 * A number becomes a JSON number only when that loses nothing (an integer
 * that fits 64 bits, or at most 15 significant digits); otherwise it stays
 * the string DynamoDB sent, so no digit is ever changed silently.
 */
#include <slsrt/events.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_fields.h"

#define MAX_DEPTH 64 /* DynamoDB allows 32 levels */

static const json_t *stream(const json_t *r) { return slsrt__obj(r, "dynamodb"); }

const char *slsrt_ddb_event_name(const json_t *r) { return slsrt__str(r, "eventName"); }
const char *slsrt_ddb_event_id(const json_t *r) { return slsrt__str(r, "eventID"); }
const char *slsrt_ddb_sequence_number(const json_t *r) { return slsrt__str(stream(r), "SequenceNumber"); }

static json_t *image(const json_t *r, const char *name)
{
    const json_t *item = slsrt__obj(stream(r), name);
    return item ? slsrt_ddb_unmarshal_item(item, 0, NULL) : NULL;
}

json_t *slsrt_ddb_keys(const json_t *r) { return image(r, "Keys"); }
json_t *slsrt_ddb_new_image(const json_t *r) { return image(r, "NewImage"); }
json_t *slsrt_ddb_old_image(const json_t *r) { return image(r, "OldImage"); }

/* Read in place: only the image asked for becomes a tree, then plain JSON. */
static slsrt_doc_node doc_stream(const slsrt_doc *d, slsrt_doc_node r) { return slsrt__dobj(d, r, "dynamodb"); }

const char *slsrt_doc_ddb_event_name(const slsrt_doc *d, slsrt_doc_node r) { return slsrt__dstr(d, r, "eventName"); }
const char *slsrt_doc_ddb_event_id(const slsrt_doc *d, slsrt_doc_node r) { return slsrt__dstr(d, r, "eventID"); }

const char *slsrt_doc_ddb_sequence_number(const slsrt_doc *d, slsrt_doc_node r)
{
    return slsrt__dstr(d, doc_stream(d, r), "SequenceNumber");
}

static json_t *doc_image(const slsrt_doc *d, slsrt_doc_node r, const char *name)
{
    json_t *item = slsrt_doc_to_json(d, slsrt__dobj(d, doc_stream(d, r), name));
    json_t *plain = item ? slsrt_ddb_unmarshal_item(item, 0, NULL) : NULL;
    json_decref(item);
    return plain;
}

json_t *slsrt_doc_ddb_keys(const slsrt_doc *d, slsrt_doc_node r) { return doc_image(d, r, "Keys"); }
json_t *slsrt_doc_ddb_new_image(const slsrt_doc *d, slsrt_doc_node r) { return doc_image(d, r, "NewImage"); }
json_t *slsrt_doc_ddb_old_image(const slsrt_doc *d, slsrt_doc_node r) { return doc_image(d, r, "OldImage"); }

/* Digits, an optional '-', '.', and exponent: what DynamoDB sends for N. */
static json_t *number(const char *text, int flags)
{
    const char *p = text;
    if (*p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return NULL;
    int digits = 0, integer = 1, leading = 1, exponent = 0;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (*p != '0')
                leading = 0;
            digits += !leading && !exponent;
        } else if (*p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-') {
            integer = 0;
            exponent |= *p == 'e' || *p == 'E';
        } else {
            return NULL;
        }
    }
    if (flags & SLSRT_DDB_NUMBERS_AS_STRINGS)
        return json_string(text);
    errno = 0;
    char *end;
    if (integer) {
        long long v = strtoll(text, &end, 10);
        return errno == 0 && *end == '\0' ? json_integer(v) : json_string(text);
    }
    double d = strtod(text, &end);
    if (*end != '\0')
        return NULL;
    return digits <= 15 && isfinite(d) && errno == 0 ? json_real(d) : json_string(text);
}

static json_t *value(const json_t *av, int flags, int depth);

static json_t *each(const json_t *array, int flags, int depth, json_t *(*one)(const json_t *, int, int))
{
    if (!json_is_array(array))
        return NULL;
    json_t *out = json_array();
    size_t i;
    const json_t *v;
    json_array_foreach(array, i, v) {
        json_t *x = one(v, flags, depth);
        if (!x || json_array_append_new(out, x) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static json_t *set_string(const json_t *v, int flags, int depth)
{
    (void)flags, (void)depth;
    return json_is_string(v) ? json_string(json_string_value(v)) : NULL;
}

static json_t *set_number(const json_t *v, int flags, int depth)
{
    (void)depth;
    return json_is_string(v) ? number(json_string_value(v), flags) : NULL;
}

static json_t *item(const json_t *map, int flags, int depth)
{
    if (!json_is_object(map))
        return NULL;
    json_t *out = json_object();
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)map, key, v) {
        json_t *x = value(v, flags, depth + 1);
        if (!x || json_object_set_new(out, key, x) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static json_t *list_value(const json_t *v, int flags, int depth)
{
    return value(v, flags, depth + 1);
}

/* One attribute value: an object with exactly one type key. */
static json_t *value(const json_t *av, int flags, int depth)
{
    if (!json_is_object(av) || json_object_size(av) != 1 || depth > MAX_DEPTH)
        return NULL;
    const char *type = json_object_iter_key(json_object_iter((json_t *)av));
    const json_t *v = json_object_iter_value(json_object_iter((json_t *)av));
    if (strcmp(type, "S") == 0 || strcmp(type, "B") == 0)
        return set_string(v, flags, depth);
    if (strcmp(type, "N") == 0)
        return set_number(v, flags, depth);
    if (strcmp(type, "BOOL") == 0)
        return json_is_boolean(v) ? json_boolean(json_is_true(v)) : NULL;
    if (strcmp(type, "NULL") == 0)
        return json_is_true(v) ? json_null() : NULL;
    if (strcmp(type, "M") == 0)
        return item(v, flags, depth);
    if (strcmp(type, "L") == 0)
        return each(v, flags, depth, list_value);
    if (strcmp(type, "SS") == 0 || strcmp(type, "BS") == 0)
        return each(v, flags, depth, set_string);
    if (strcmp(type, "NS") == 0)
        return each(v, flags, depth, set_number);
    return NULL;
}

static json_t *done(json_t *out, slsrt_status *status)
{
    if (status)
        *status = out ? SLSRT_OK : SLSRT_EINVAL;
    return out;
}

json_t *slsrt_ddb_unmarshal_item(const json_t *map, int flags, slsrt_status *status)
{
    return done(item(map, flags, 0), status);
}

json_t *slsrt_ddb_unmarshal_value(const json_t *av, int flags, slsrt_status *status)
{
    return done(value(av, flags, 0), status);
}

static json_t *marshal(const json_t *v, int depth);
static json_t *marshal_map(const json_t *plain, int depth);

static json_t *tagged(const char *type, json_t *v)
{
    json_t *av = v ? json_object() : NULL;
    if (av && json_object_set_new(av, type, v) == 0)
        return av;
    json_decref(av);
    return NULL;
}

static json_t *marshal(const json_t *v, int depth)
{
    char num[40];
    if (depth > MAX_DEPTH)
        return NULL;
    switch (json_typeof(v)) {
    case JSON_STRING:
        return tagged("S", json_string(json_string_value(v)));
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return tagged("N", json_string(num));
    case JSON_REAL:
        for (int prec = 15; prec <= 17; prec++) { /* the shortest text that reads back the same */
            snprintf(num, sizeof num, "%.*g", prec, json_real_value(v));
            if (strtod(num, NULL) == json_real_value(v))
                break;
        }
        return tagged("N", json_string(num));
    case JSON_TRUE:
    case JSON_FALSE:
        return tagged("BOOL", json_boolean(json_is_true(v)));
    case JSON_NULL:
        return tagged("NULL", json_true());
    case JSON_ARRAY: {
        json_t *list = json_array();
        size_t i;
        const json_t *x;
        json_array_foreach(v, i, x) {
            if (json_array_append_new(list, marshal(x, depth + 1)) != 0) {
                json_decref(list);
                return NULL;
            }
        }
        return tagged("L", list);
    }
    case JSON_OBJECT: {
        json_t *map = marshal_map(v, depth + 1);
        return map ? tagged("M", map) : NULL;
    }
    }
    return NULL;
}

static json_t *marshal_map(const json_t *plain, int depth)
{
    if (!json_is_object(plain))
        return NULL;
    json_t *out = json_object();
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)plain, key, v) {
        if (json_object_set_new(out, key, marshal(v, depth + 1)) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

json_t *slsrt_ddb_marshal_item(const json_t *plain)
{
    return marshal_map(plain, 0);
}
