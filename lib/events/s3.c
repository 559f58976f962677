/* s3.c - S3 notification records. */
#include <slsrt/events.h>

#include <stdlib.h>
#include <string.h>

#include "event_fields.h"
#include "util/url.h"

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

/* S3 encodes keys as application/x-www-form-urlencoded: %XX, and '+' for space. */
static slsrt_status decode_key(const char *key, size_t raw, char *buf, size_t size, size_t *len)
{
    if (!key)
        return SLSRT_EINVAL;
    char *tmp = malloc(raw + 1);
    if (!tmp)
        return SLSRT_ENOMEM;
    size_t n = slsrt__url_decode(key, raw, tmp, 1);
    slsrt_status rc = SLSRT_OK;
    if (n == (size_t)-1)
        rc = SLSRT_EINVAL;
    else if (!buf || n + 1 > size)
        rc = SLSRT_ETOOBIG;
    else
        memcpy(buf, tmp, n + 1);
    if (len && n != (size_t)-1)
        *len = n;
    free(tmp);
    return rc;
}

slsrt_status slsrt_s3_key(const json_t *r, char *buf, size_t size, size_t *len)
{
    const json_t *key = json_object_get(object(r), "key");
    return decode_key(json_string_value(key), json_string_length(key), buf, size, len);
}

/* ---- the same, read in place ---- */

static slsrt_doc_node doc_object(const slsrt_doc *d, slsrt_doc_node r)
{
    return slsrt__dobj(d, slsrt__dobj(d, r, "s3"), "object");
}

const char *slsrt_doc_s3_bucket(const slsrt_doc *d, slsrt_doc_node r)
{
    return slsrt__dstr(d, slsrt__dobj(d, slsrt__dobj(d, r, "s3"), "bucket"), "name");
}

const char *slsrt_doc_s3_event_name(const slsrt_doc *d, slsrt_doc_node r) { return slsrt__dstr(d, r, "eventName"); }
const char *slsrt_doc_s3_event_time(const slsrt_doc *d, slsrt_doc_node r) { return slsrt__dstr(d, r, "eventTime"); }
const char *slsrt_doc_s3_etag(const slsrt_doc *d, slsrt_doc_node r) { return slsrt__dstr(d, doc_object(d, r), "eTag"); }

const char *slsrt_doc_s3_key_raw(const slsrt_doc *d, slsrt_doc_node r)
{
    return slsrt__dstr(d, doc_object(d, r), "key");
}

const char *slsrt_doc_s3_version_id(const slsrt_doc *d, slsrt_doc_node r)
{
    return slsrt__dstr(d, doc_object(d, r), "versionId");
}

int64_t slsrt_doc_s3_size(const slsrt_doc *d, slsrt_doc_node r)
{
    json_int_t size;
    return slsrt_doc_integer(d, slsrt_doc_get(d, doc_object(d, r), "size"), &size) ? -1 : (int64_t)size;
}

slsrt_status slsrt_doc_s3_key(const slsrt_doc *d, slsrt_doc_node r, char *buf, size_t size, size_t *len)
{
    size_t raw = 0;
    const char *key = slsrt_doc_string(d, slsrt_doc_get(d, doc_object(d, r), "key"), &raw);
    return decode_key(key, raw, buf, size, len);
}
