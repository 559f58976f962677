/* event_s3.c - S3 notification records. */
#include <slsrt/events.h>

#include "event_fields.h"

static const json_t *object(const json_t *r) { return slsrt__obj(slsrt__obj(r, "s3"), "object"); }

const char *slsrt_s3_bucket(const json_t *r) { return slsrt__str(slsrt__obj(slsrt__obj(r, "s3"), "bucket"), "name"); }
const char *slsrt_s3_event_name(const json_t *r) { return slsrt__str(r, "eventName"); }
const char *slsrt_s3_event_time(const json_t *r) { return slsrt__str(r, "eventTime"); }
const char *slsrt_s3_key_raw(const json_t *r) { return slsrt__str(object(r), "key"); }
const char *slsrt_s3_etag(const json_t *r) { return slsrt__str(object(r), "eTag"); }
const char *slsrt_s3_version_id(const json_t *r) { return slsrt__str(object(r), "versionId"); }

int64_t slsrt_s3_size(const json_t *r)
{
    const json_t *size = json_object_get(object(r), "size");
    return json_is_integer(size) ? (int64_t)json_integer_value(size) : -1;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* S3 encodes keys as application/x-www-form-urlencoded: %XX, and '+' for space. */
slsrt_status slsrt_s3_key(const json_t *r, char *buf, size_t size, size_t *len)
{
    const char *raw = slsrt_s3_key_raw(r);
    if (!raw)
        return SLSRT_EINVAL;
    size_t n = 0;
    for (const char *p = raw; *p; p++, n++) {
        char c = *p;
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
            if (lo < 0)
                return SLSRT_EINVAL;
            c = (char)(hi * 16 + lo);
            p += 2;
        }
        if (buf && n + 1 < size)
            buf[n] = c;
    }
    if (len)
        *len = n;
    if (!buf || n + 1 > size)
        return SLSRT_ETOOBIG;
    buf[n] = '\0';
    return SLSRT_OK;
}
