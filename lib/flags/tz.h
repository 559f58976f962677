/* tz.h - local time in a named zone, thread-safe, from the TZif files (private). */
#ifndef SLSRT_FLAGS_TZ_H
#define SLSRT_FLAGS_TZ_H

#include <stdint.h>

struct slsrt__tm {
    int64_t year;
    int month, day, hour, minute, second, weekday; /* month 1-12, weekday 0 = Sunday */
};

/* The zone's offset east of UTC in seconds at epoch second t ("UTC" or NULL: 0).  0, or -1 for an unknown zone. */
int slsrt__tz_offset(const char *zone, int64_t t, int32_t *offset);
/* t shifted by offset, as a calendar date and time. */
void slsrt__tz_local(int64_t t, int32_t offset, struct slsrt__tm *tm);
/* The epoch second of a UTC calendar date and time. */
int64_t slsrt__tz_epoch(int64_t year, int month, int day, int hour, int minute, int second);

#endif
