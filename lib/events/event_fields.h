/* event_fields.h - reading fields of event JSON in place (private). */
#ifndef SLSRT_EVENT_FIELDS_H
#define SLSRT_EVENT_FIELDS_H

#include <jansson.h>

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

#endif
