/*
 * trace_env.c - _X_AMZN_TRACE_ID for single-concurrency functions.
 *
 * setenv() would copy every new trace id and glibc keeps every value it ever
 * set, so the process would grow with each invocation.  Instead one buffer
 * is put into the environment once and rewritten in place.
 */
#include "runtime_internal.h"

#include <stdlib.h>
#include <string.h>

#define NAME "_X_AMZN_TRACE_ID="
#define NAME_LEN (sizeof NAME - 1)
#define VALUE_MAX 1024

void slsrt__trace_env_update(slsrt_runtime *rt, const char *trace_id)
{
    if (!trace_id) {
        slsrt__trace_env_clear(rt);
        return;
    }
    size_t n = strlen(trace_id);
    if (n >= VALUE_MAX) { /* unusually long: let libc copy it */
        slsrt__trace_env_clear(rt);
        setenv("_X_AMZN_TRACE_ID", trace_id, 1);
        return;
    }
    if (!rt->trace_env) {
        rt->trace_env = malloc(NAME_LEN + VALUE_MAX);
        if (!rt->trace_env)
            return;
        memcpy(rt->trace_env, NAME, NAME_LEN);
    }
    memcpy(rt->trace_env + NAME_LEN, trace_id, n + 1);
    if (!rt->trace_env_set && putenv(rt->trace_env) == 0)
        rt->trace_env_set = 1;
}

void slsrt__trace_env_clear(slsrt_runtime *rt)
{
    if (getenv("_X_AMZN_TRACE_ID"))
        unsetenv("_X_AMZN_TRACE_ID");
    rt->trace_env_set = 0;
}
