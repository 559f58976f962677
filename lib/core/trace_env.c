/*
 * trace_env.c - _X_AMZN_TRACE_ID for single-concurrency functions.
 *
 * setenv() would copy every new trace id and glibc keeps every value it ever
 * set, so the process would grow with each invocation.  Instead one buffer
 * of ours is put into the environment and rewritten in place; a longer id
 * gets a larger buffer that replaces it.
 */
#include "runtime_internal.h"

#include <stdlib.h>
#include <string.h>

#define NAME "_X_AMZN_TRACE_ID="
#define NAME_LEN (sizeof NAME - 1)
#define FIRST_CAP 256

void slsrt__trace_env_update(slsrt_runtime *rt, const char *trace_id)
{
    if (!trace_id) {
        slsrt__trace_env_clear(rt);
        return;
    }
    size_t n = strlen(trace_id);
    if (NAME_LEN + n >= rt->trace_env_cap) {
        /* A longer id: a larger buffer replaces the old one in the environment,
         * which then holds no pointer to the old one and it can go. */
        size_t cap = rt->trace_env_cap ? rt->trace_env_cap : FIRST_CAP;
        while (cap <= NAME_LEN + n)
            cap *= 2;
        char *bigger = malloc(cap);
        if (!bigger)
            return;
        memcpy(bigger, NAME, NAME_LEN);
        memcpy(bigger + NAME_LEN, trace_id, n + 1);
        if (putenv(bigger) != 0) {
            free(bigger);
            return;
        }
        free(rt->trace_env);
        rt->trace_env = bigger;
        rt->trace_env_cap = cap;
        rt->trace_env_set = 1;
        return;
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
