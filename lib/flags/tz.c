/*
 * tz.c - the UTC offset of a named time zone at an instant, read from the
 * system's TZif files (/usr/share/zoneinfo) without touching TZ or
 * localtime: setenv("TZ") is not thread-safe, and flags are evaluated on
 * every worker at once.  The 64-bit transitions of a version 2+ file, and
 * its POSIX rule (the footer) for instants after the last transition.
 */
#include "tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ZONES 16

struct rule_date {
    char kind;        /* 'M' month.week.day, 'J' julian 1..365 without Feb 29, 'D' zero-based day */
    int m, w, d, n;
    int32_t at;       /* seconds after local midnight */
};

struct zone {
    char name[64];
    int64_t *times;
    unsigned char *types;
    int32_t *offsets; /* of each type */
    uint32_t ntimes, ntypes;
    /* The footer: std and dst offsets (east of UTC), the dst period. */
    int has_rule, has_dst;
    int32_t std_off, dst_off;
    struct rule_date start, end;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct zone zones[MAX_ZONES];
static int nzones;

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static int64_t be64(const unsigned char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

/* [+-]hh[:mm[:ss]] as seconds; NULL on a malformed one. */
static const char *hms(const char *p, int32_t *out)
{
    int sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (*p < '0' || *p > '9')
        return NULL;
    int32_t h = (int32_t)strtol(p, (char **)&p, 10), m = 0, s = 0;
    if (*p == ':')
        m = (int32_t)strtol(p + 1, (char **)&p, 10);
    if (*p == ':')
        s = (int32_t)strtol(p + 1, (char **)&p, 10);
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

/* A zone abbreviation: letters, or <...>. */
static const char *abbrev(const char *p)
{
    if (*p == '<') {
        const char *e = strchr(p, '>');
        return e ? e + 1 : NULL;
    }
    const char *s = p;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    return p - s >= 3 ? p : NULL;
}

static const char *rule_date(const char *p, struct rule_date *r)
{
    r->at = 7200; /* 02:00 unless said */
    if (*p == 'M') {
        r->kind = 'M';
        r->m = (int)strtol(p + 1, (char **)&p, 10);
        if (*p++ != '.')
            return NULL;
        r->w = (int)strtol(p, (char **)&p, 10);
        if (*p++ != '.')
            return NULL;
        r->d = (int)strtol(p, (char **)&p, 10);
        if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d < 0 || r->d > 6)
            return NULL;
    } else if (*p == 'J') {
        r->kind = 'J';
        r->n = (int)strtol(p + 1, (char **)&p, 10);
    } else if (*p >= '0' && *p <= '9') {
        r->kind = 'D';
        r->n = (int)strtol(p, (char **)&p, 10);
    } else {
        return NULL;
    }
    if (*p == '/')
        p = hms(p + 1, &r->at);
    return p;
}

/* "CET-1CEST,M3.5.0,M10.5.0/3": POSIX offsets are west of UTC. */
static int parse_rule(const char *s, struct zone *z)
{
    const char *p = abbrev(s);
    int32_t west;
    if (!p || !(p = hms(p, &west)))
        return -1;
    z->std_off = -west;
    z->has_rule = 1;
    if (!*p)
        return 0;
    if (!(p = abbrev(p)))
        return -1;
    z->dst_off = z->std_off + 3600;
    if (*p && *p != ',') {
        if (!(p = hms(p, &west)))
            return -1;
        z->dst_off = -west;
    }
    if (*p++ != ',' || !(p = rule_date(p, &z->start)) || *p++ != ',' || !(p = rule_date(p, &z->end)))
        return -1;
    z->has_dst = 1;
    return 0;
}

static int leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* The local day (days since the epoch) a rule date falls on in year y. */
static int64_t rule_day(const struct rule_date *r, int64_t y)
{
    int64_t jan1 = days_from_civil(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->n - 1 + (leap(y) && r->n >= 60);
    if (r->kind == 'D')
        return jan1 + r->n;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t first = days_from_civil(y, r->m, 1);
    int wday = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
    int64_t day = first + (r->d - wday + 7) % 7 + 7 * (r->w - 1);
    int last = mdays[r->m - 1] + (r->m == 2 && leap(y));
    while (day >= first + last)
        day -= 7; /* week 5: the last such day */
    return day;
}

static int32_t rule_offset(const struct zone *z, int64_t t)
{
    if (!z->has_dst)
        return z->std_off;
    int64_t y;
    int m, d;
    civil_from_days((t + z->std_off) / 86400 - ((t + z->std_off) % 86400 < 0), &y, &m, &d);
    /* Transitions are given in the local time then in force. */
    int64_t start = rule_day(&z->start, y) * 86400 + z->start.at - z->std_off;
    int64_t end = rule_day(&z->end, y) * 86400 + z->end.at - z->dst_off;
    int in_dst = start < end ? t >= start && t < end : !(t >= end && t < start); /* southern: across the year end */
    return in_dst ? z->dst_off : z->std_off;
}

static void zone_free(struct zone *z)
{
    free(z->times);
    free(z->types);
    free(z->offsets);
    memset(z, 0, sizeof *z);
}

static int load(const char *name, struct zone *z)
{
    char path[256];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned char *data = NULL;
    size_t len = 0, cap = 0;
    for (size_t got; cap < (1u << 20);) {
        if (len == cap) {
            unsigned char *bigger = realloc(data, cap = cap ? cap * 2 : 4096);
            if (!bigger)
                break;
            data = bigger;
        }
        if (!(got = fread(data + len, 1, cap - len, f)))
            break;
        len += got;
    }
    fclose(f);
    int rc = -1;
    if (len < 44 || memcmp(data, "TZif", 4) || data[4] < '2')
        goto out;
    /* Skip the 32-bit block to the version 2 header. */
    uint32_t c[6];
    for (int i = 0; i < 6; i++)
        c[i] = be32(data + 20 + 4 * i);
    size_t v1 = (size_t)c[3] * 5 + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * 8 + c[1] + c[0];
    const unsigned char *h = data + 44 + v1;
    if ((size_t)(h - data) + 44 > len || memcmp(h, "TZif", 4))
        goto out;
    for (int i = 0; i < 6; i++)
        c[i] = be32(h + 20 + 4 * i);
    const unsigned char *p = h + 44;
    size_t body = (size_t)c[3] * 9 + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * 12 + c[1] + c[0];
    if ((size_t)(p - data) + body > len || !c[4])
        goto out;
    z->ntimes = c[3], z->ntypes = c[4];
    z->times = malloc(sizeof *z->times * (z->ntimes + 1));
    z->types = malloc(z->ntimes + 1);
    z->offsets = malloc(sizeof *z->offsets * z->ntypes);
    if (!z->times || !z->types || !z->offsets)
        goto out;
    for (uint32_t i = 0; i < z->ntimes; i++)
        z->times[i] = be64(p + 8 * i);
    for (uint32_t i = 0; i < z->ntimes; i++)
        if ((z->types[i] = p[8 * z->ntimes + i]) >= z->ntypes)
            goto out;
    const unsigned char *tt = p + 9 * z->ntimes;
    for (uint32_t i = 0; i < z->ntypes; i++)
        z->offsets[i] = (int32_t)be32(tt + 6 * i);
    const char *footer = (const char *)p + body;
    if ((size_t)((const unsigned char *)footer - data) + 2 < len && *footer == '\n') {
        char rule[128];
        size_t n = strcspn(footer + 1, "\n");
        snprintf(rule, sizeof rule, "%.*s", (int)(n < sizeof rule ? n : sizeof rule - 1), footer + 1);
        if (*rule && parse_rule(rule, z))
            goto out;
    }
    snprintf(z->name, sizeof z->name, "%s", name);
    rc = 0;
out:
    free(data);
    if (rc)
        zone_free(z);
    return rc;
}

static int valid_name(const char *name)
{
    if (!name || !*name || strlen(name) >= 64 || strstr(name, "..") || *name == '/')
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
            return 0;
    return 1;
}

int slsrt__tz_offset(const char *name, int64_t t, int32_t *offset)
{
    if (!name || !strcmp(name, "UTC") || !strcmp(name, "Etc/UTC")) {
        *offset = 0;
        return 0;
    }
    if (!valid_name(name))
        return -1;
    pthread_mutex_lock(&mu);
    struct zone *z = NULL;
    for (int i = 0; i < nzones && !z; i++)
        if (!strcmp(zones[i].name, name))
            z = &zones[i];
    if (!z && nzones < MAX_ZONES && load(name, &zones[nzones]) == 0)
        z = &zones[nzones++];
    int rc = -1;
    if (z) {
        rc = 0;
        if (z->ntimes && t >= z->times[0] && !(z->has_rule && t >= z->times[z->ntimes - 1])) {
            uint32_t lo = 0, hi = z->ntimes; /* the last transition at or before t */
            while (hi - lo > 1) {
                uint32_t mid = (lo + hi) / 2;
                if (z->times[mid] <= t)
                    lo = mid;
                else
                    hi = mid;
            }
            *offset = z->offsets[z->types[lo]];
        } else if (z->has_rule && (!z->ntimes || t >= z->times[z->ntimes - 1])) {
            *offset = rule_offset(z, t);
        } else {
            *offset = z->offsets[0]; /* before the first transition */
        }
    }
    pthread_mutex_unlock(&mu);
    return rc;
}

void slsrt__tz_local(int64_t t, int32_t offset, struct slsrt__tm *tm)
{
    int64_t local = t + offset;
    int64_t days = local / 86400 - (local % 86400 < 0);
    int64_t secs = local - days * 86400;
    civil_from_days(days, &tm->year, &tm->month, &tm->day);
    tm->hour = (int)(secs / 3600), tm->minute = (int)(secs / 60 % 60), tm->second = (int)(secs % 60);
    tm->weekday = (int)(((days + 4) % 7 + 7) % 7); /* 0 = Sunday */
}

int64_t slsrt__tz_epoch(int64_t y, int m, int d, int hh, int mm, int ss)
{
    return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}
