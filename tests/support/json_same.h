/* json_same.h - two jansson values identical: types, integer and real bits,
 * string bytes, array items and object keys in the same order.  Stricter
 * than json_equal, which takes 0.0 for -0.0 and ignores key order. */
#ifndef SLSRT_TEST_JSON_SAME_H
#define SLSRT_TEST_JSON_SAME_H

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline int json_same(const json_t *a, const json_t *b)
{
    if (!a || !b || json_typeof(a) != json_typeof(b))
        return a == b;
    switch (json_typeof(a)) {
    case JSON_INTEGER:
        return json_integer_value(a) == json_integer_value(b);
    case JSON_REAL: {
        double x = json_real_value(a), y = json_real_value(b);
        return memcmp(&x, &y, sizeof x) == 0;
    }
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!json_same(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    case JSON_OBJECT: {
        if (json_object_size(a) != json_object_size(b))
            return 0;
        void *i = json_object_iter((json_t *)a), *j = json_object_iter((json_t *)b);
        for (; i && j; i = json_object_iter_next((json_t *)a, i), j = json_object_iter_next((json_t *)b, j))
            if (strcmp(json_object_iter_key(i), json_object_iter_key(j)) ||
                !json_same(json_object_iter_value(i), json_object_iter_value(j)))
                return 0;
        return !i && !j;
    }
    default:
        return 1;
    }
}

/* The writer's text for the real d (ours) next to the printf search's: the
 * same bytes, or, for a power of two, fewer digits that read back as d too
 * (the search rounds its 16 digits away from the narrower gap below). */
static inline int real_texts_agree(double d, const char *ours, const char *search)
{
    if (strcmp(ours, search) == 0)
        return 1;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return (bits & ((1ull << 52) - 1)) == 0 && strlen(ours) < strlen(search) && strtod(ours, NULL) == d;
}

#endif
