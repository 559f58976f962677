/*
 * rules.c - a flag's value from its rules: the first rule whose conditions
 * all hold gives when_match, else the default.  The actions and their
 * meaning are Powertools for AWS Lambda's, so a document evaluates the same
 * in a C function as in a Python or TypeScript one.
 */
#include <slsrt/flags.h>
#include "flags_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tz.h"

/* a < b: -1, a == b: 0, a > b: 1; 2 when they cannot be ordered (numbers with numbers, strings with strings). */
static int order(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        double x = json_number_value(a), y = json_number_value(b);
        return x < y ? -1 : x > y;
    }
    if (json_is_string(a) && json_is_string(b)) {
        int c = strcmp(json_string_value(a), json_string_value(b));
        return c < 0 ? -1 : c > 0;
    }
    return 2;
}

static int contains(const json_t *list, const json_t *v)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        if (json_equal(item, v))
            return 1;
    }
    return 0;
}

/* How many items of `items` are in `list`; -1 when items is not a list. */
static int count_in(const json_t *items, const json_t *list)
{
    if (!json_is_array(items))
        return -1;
    int n = 0;
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) n += contains(list, item);
    return n;
}

static int affix(const json_t *ctx, const json_t *value, int at_end)
{
    const char *s = json_string_value(ctx), *a = json_string_value(value);
    if (!s || !a)
        return 0;
    size_t n = strlen(s), m = strlen(a);
    return m <= n && !memcmp(at_end ? s + n - m : s, a, m);
}

/* MODULO_RANGE: START <= ctx % BASE <= END; a string is bucketed by its FNV-1a hash. */
static int modulo_range(const json_t *ctx, const json_t *range)
{
    json_int_t base = json_integer_value(json_object_get(range, "BASE"));
    json_int_t start = json_integer_value(json_object_get(range, "START"));
    json_int_t end = json_integer_value(json_object_get(range, "END"));
    if (base <= 0)
        return 0;
    uint64_t v;
    if (json_is_integer(ctx) && json_integer_value(ctx) >= 0) {
        v = (uint64_t)json_integer_value(ctx);
    } else if (json_is_string(ctx)) {
        uint32_t h = 2166136261u;
        for (const unsigned char *p = (const unsigned char *)json_string_value(ctx); *p; p++)
            h = (h ^ *p) * 16777619u;
        v = h;
    } else {
        return 0;
    }
    json_int_t bucket = (json_int_t)(v % (uint64_t)base);
    return bucket >= start && bucket <= end;
}

/* ---- time windows: the clock, not the context ---------------------------- */

/* "HH:MM" as minutes after midnight, or -1. */
static int minutes(const char *s)
{
    int h, m;
    char extra;
    if (!s || sscanf(s, "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
        return -1;
    return h * 60 + m;
}

/* "YYYY-MM-DDTHH:MM[:SS][Z|+hh:mm]" as an epoch second; a time without an
 * offset is in `zone`.  0 when it parses, -1 when not. */
static int instant(const char *s, const char *zone, int64_t *out)
{
    int y, mo, d, h, mi, se = 0, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5)
        return -1;
    s += n;
    if (*s == ':' && sscanf(s, ":%2d%n", &se, &n) == 1)
        s += n;
    if (*s == '.') /* fractions of a second: ignored */
        s += strspn(s + 1, "0123456789") + 1;
    int64_t local = slsrt__tz_epoch(y, mo, d, h, mi, se);
    if (*s == 'Z' && !s[1]) {
        *out = local;
        return 0;
    }
    int oh, om;
    if ((*s == '+' || *s == '-') && sscanf(s + 1, "%2d:%2d", &oh, &om) == 2) {
        *out = local - (*s == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        return 0;
    }
    if (*s)
        return -1;
    /* Naive: local in the zone (the offset at that wall time; one hour
     * around a transition may land an hour off, as in any wall-clock rule). */
    int32_t off;
    if (slsrt__tz_offset(zone, local, &off) || slsrt__tz_offset(zone, local - off, &off))
        return -1;
    *out = local - off;
    return 0;
}

static int schedule(const char *action, const json_t *value, int64_t now)
{
    const char *zone = json_string_value(json_object_get(value, "TIMEZONE"));
    int32_t off;
    if (slsrt__tz_offset(zone ? zone : "UTC", now, &off))
        return 0; /* an unknown zone: never */
    struct slsrt__tm tm;
    slsrt__tz_local(now, off, &tm);
    if (!strcmp(action, "SCHEDULE_BETWEEN_TIME_RANGE")) {
        int start = minutes(json_string_value(json_object_get(value, "START")));
        int end = minutes(json_string_value(json_object_get(value, "END")));
        int at = tm.hour * 60 + tm.minute;
        if (start < 0 || end < 0)
            return 0;
        return start <= end ? at >= start && at <= end : at >= start || at <= end; /* across midnight */
    }
    if (!strcmp(action, "SCHEDULE_BETWEEN_DATETIME_RANGE")) {
        int64_t start, end;
        return !instant(json_string_value(json_object_get(value, "START")), zone, &start) &&
               !instant(json_string_value(json_object_get(value, "END")), zone, &end) && now >= start && now <= end;
    }
    static const char *const names[] = {"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"};
    size_t i;
    json_t *day;
    json_array_foreach(json_object_get(value, "DAYS"), i, day) {
        if (json_is_string(day) && !strcasecmp(json_string_value(day), names[tm.weekday]))
            return 1;
    }
    return 0;
}

static int holds(const json_t *condition, const json_t *context, int64_t now)
{
    const char *action = json_string_value(json_object_get(condition, "action"));
    const char *key = json_string_value(json_object_get(condition, "key"));
    const json_t *value = json_object_get(condition, "value");
    if (action && value && !strncmp(action, "SCHEDULE_BETWEEN_", 17))
        return schedule(action, value, now);
    const json_t *ctx = key ? json_object_get(context, key) : NULL;
    if (!action || !ctx || !value)
        return 0;
    int o = order(ctx, value);
    if (!strcmp(action, "EQUALS"))
        return json_equal((json_t *)ctx, (json_t *)value);
    if (!strcmp(action, "NOT_EQUALS"))
        return !json_equal((json_t *)ctx, (json_t *)value);
    if (!strcmp(action, "KEY_GREATER_THAN_VALUE"))
        return o == 1;
    if (!strcmp(action, "KEY_GREATER_THAN_OR_EQUAL_VALUE"))
        return o == 1 || o == 0;
    if (!strcmp(action, "KEY_LESS_THAN_VALUE"))
        return o == -1;
    if (!strcmp(action, "KEY_LESS_THAN_OR_EQUAL_VALUE"))
        return o == -1 || o == 0;
    if (!strcmp(action, "STARTSWITH"))
        return affix(ctx, value, 0);
    if (!strcmp(action, "ENDSWITH"))
        return affix(ctx, value, 1);
    if (!strcmp(action, "IN") || !strcmp(action, "KEY_IN_VALUE"))
        return json_is_array(value) && contains(value, ctx);
    if (!strcmp(action, "NOT_IN") || !strcmp(action, "KEY_NOT_IN_VALUE"))
        return json_is_array(value) && !contains(value, ctx);
    if (!strcmp(action, "VALUE_IN_KEY"))
        return json_is_array(ctx) && contains(ctx, value);
    if (!strcmp(action, "VALUE_NOT_IN_KEY"))
        return json_is_array(ctx) && !contains(ctx, value);
    if (!strcmp(action, "ALL_IN_VALUE"))
        return json_is_array(value) && count_in(ctx, value) == (int)json_array_size(ctx);
    if (!strcmp(action, "ANY_IN_VALUE"))
        return json_is_array(value) && count_in(ctx, value) > 0;
    if (!strcmp(action, "NONE_IN_VALUE"))
        return json_is_array(value) && count_in(ctx, value) == 0;
    if (!strcmp(action, "MODULO_RANGE"))
        return modulo_range(ctx, value);
    return 0; /* an action this version does not know never holds */
}

json_t *slsrt_flags_evaluate(const json_t *document, const char *name, const json_t *context)
{
    return slsrt__flags_evaluate_at(document, name, context, (int64_t)time(NULL));
}

json_t *slsrt__flags_evaluate_at(const json_t *document, const char *name, const json_t *context, int64_t now)
{
    json_t *flag = name ? json_object_get(document, name) : NULL;
    if (!json_is_object(flag))
        return NULL;
    const char *rule_name;
    json_t *rule;
    json_object_foreach(json_object_get(flag, "rules"), rule_name, rule) {
        json_t *conditions = json_object_get(rule, "conditions");
        int all = json_is_array(conditions) && json_array_size(conditions) > 0;
        size_t i;
        json_t *c;
        json_array_foreach(conditions, i, c) {
            if (!all)
                break;
            all = holds(c, context, now);
        }
        if (all && json_object_get(rule, "when_match"))
            return json_incref(json_object_get(rule, "when_match"));
    }
    json_t *def = json_object_get(flag, "default");
    return json_incref(def ? def : json_null());
}
