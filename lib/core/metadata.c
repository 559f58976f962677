/*
 * metadata.c - the execution environment's metadata endpoint
 * (AWS_LAMBDA_METADATA_API, with AWS_LAMBDA_METADATA_TOKEN as a bearer
 * token): its Availability Zone ID, read once and kept until a SnapStart
 * restore (a restored copy may run in another zone).
 */
#include "runtime_internal.h"
#include "hooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_read.h"

slsrt_status slsrt_runtime_availability_zone_id(slsrt_runtime *rt, char *out, size_t size)
{
    if (!rt || !out || !size)
        return SLSRT_EINVAL;
    const char *api = getenv("AWS_LAMBDA_METADATA_API"), *token = getenv("AWS_LAMBDA_METADATA_TOKEN");
    if (!api || !*api || !token)
        return SLSRT_ENOTFOUND;
    pthread_mutex_lock(&rt->metadata_lock);
    slsrt_status rc = SLSRT_OK;
    if (!rt->az_id[0]) {
        slsrt__rapi c;
        char auth[600];
        snprintf(auth, sizeof auth, "Bearer %s", token);
        rc = slsrt__rapi_init(&c, api);
        if (rc == SLSRT_OK) {
            rc = slsrt__rapi_begin_api(&c, "GET", "/2026-01-15", "/metadata/execution-environment");
            if (rc == SLSRT_OK)
                rc = slsrt__rapi_header(&c, "Authorization", auth);
            if (rc == SLSRT_OK)
                rc = slsrt__rapi_send(&c, NULL, 0, 1);
            json_t *doc = rc == SLSRT_OK && c.head.status == 200 ? slsrt__json_read(c.body, c.body_len, 0, NULL) : NULL;
            const char *az = json_string_value(json_object_get(doc, "AvailabilityZoneID"));
            if (az)
                snprintf(rt->az_id, sizeof rt->az_id, "%s", az);
            else
                rc = SLSRT_EIO;
            json_decref(doc);
            slsrt__rapi_close(&c);
        }
    }
    if (rc == SLSRT_OK)
        rc = snprintf(out, size, "%s", rt->az_id) < (int)size ? SLSRT_OK : SLSRT_ETOOBIG;
    pthread_mutex_unlock(&rt->metadata_lock);
    return rc;
}

static void forget(slsrt_runtime *rt)
{
    pthread_mutex_lock(&rt->metadata_lock);
    rt->az_id[0] = '\0';
    pthread_mutex_unlock(&rt->metadata_lock);
}

static const slsrt__hooks metadata_hooks = {.restore = forget};
SLSRT__REGISTER_HOOKS(metadata_hooks)
