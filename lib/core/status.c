/* status.c - status messages and the library's version. */
#include <slsrt/common.h>

const char *slsrt_strerror(slsrt_status status)
{
    switch (status) {
    case SLSRT_OK: return "success";
    case SLSRT_EINVAL: return "invalid argument";
    case SLSRT_ENOMEM: return "out of memory";
    case SLSRT_EIO: return "connection failed";
    case SLSRT_EPROTO: return "protocol error";
    case SLSRT_EJSON: return "invalid JSON";
    case SLSRT_ETOOBIG: return "payload too large";
    case SLSRT_ESTATE: return "not valid in this state";
    case SLSRT_EHANDLER: return "handler failed";
    case SLSRT_ENOTFOUND: return "not found";
    case SLSRT_ESUSPENDED: return "durable execution suspended";
    case SLSRT_EDURABLE: return "durable operation failed";
    default: return "unknown error";
    }
}

const char *slsrt_version(void)
{
    return SLSRT_VERSION_STRING;
}
