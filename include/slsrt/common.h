/*
 * slsrt/common.h - export macro, version and status codes shared by every
 * slsrt header.
 *
 * Status convention: functions that can fail return an slsrt status, 0
 * (SLSRT_OK) on success and a negative SLSRT_E* code on failure, or return
 * NULL.  slsrt_strerror() turns a code into a static English message.
 * Codes are part of the ABI: new ones are only ever added.
 */
#ifndef SLSRT_COMMON_H
#define SLSRT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SLSRT_BUILDING) && defined(__GNUC__)
#define SLSRT_API __attribute__((visibility("default")))
#else
#define SLSRT_API
#endif

#if defined(__GNUC__)
#define SLSRT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SLSRT_PRINTF(fmt, args)
#endif

/* The version of the headers a program was compiled against. */
#define SLSRT_VERSION_MAJOR 1
#define SLSRT_VERSION_MINOR 13
#define SLSRT_VERSION_PATCH 0
#define SLSRT_VERSION_STRING "1.13.0"

enum slsrt_status_code {
    SLSRT_OK = 0,
    SLSRT_EINVAL = -1,    /* an argument is invalid (NULL, bad header, ...) */
    SLSRT_ENOMEM = -2,    /* out of memory */
    SLSRT_EIO = -3,       /* a socket or connection failed */
    SLSRT_EPROTO = -4,    /* the peer broke HTTP or the Runtime API contract */
    SLSRT_EJSON = -5,     /* a payload is not valid JSON */
    SLSRT_ETOOBIG = -6,   /* a payload is over its limit */
    SLSRT_ESTATE = -7,    /* the call is not valid at this point */
    SLSRT_EHANDLER = -8,  /* a handler or init hook reported a failure */
    SLSRT_ENOTFOUND = -9, /* the thing asked for is absent */
    SLSRT_ESUSPENDED = -10, /* a durable execution stops here and resumes later: pass it up */
    SLSRT_EDURABLE = -11  /* a durable operation failed for good (slsrt_durable_error_type) */
};

/* A status: 0 or one of the negative slsrt_status_code values. */
typedef int slsrt_status;

/* Static, never NULL; an unknown code gives "unknown error". */
SLSRT_API const char *slsrt_strerror(slsrt_status status);

/* The version of the library loaded at run time, e.g. "1.0.0". Static. */
SLSRT_API const char *slsrt_version(void);

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_COMMON_H */
