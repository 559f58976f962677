/* hooks.c - the hooks the layers above the core register (see hooks.h). */
#include "hooks.h"

#include <stdlib.h>

/* Filled by constructors, before any thread exists; read-only after. */
static const slsrt__hooks *registered[SLSRT__MAX_HOOKS];
static int nregistered;

void slsrt__hooks_register(const slsrt__hooks *hooks)
{
    if (nregistered == SLSRT__MAX_HOOKS)
        abort();
    registered[nregistered++] = hooks;
}

int slsrt__hooks_init(slsrt_runtime *rt)
{
    for (int i = 0; i < nregistered; i++)
        if (registered[i]->init && registered[i]->init(rt) != 0)
            return SLSRT_EHANDLER;
    return 0;
}

void slsrt__hooks_invocation_done(slsrt_invocation *inv, int first)
{
    for (int i = 0; i < nregistered; i++)
        if (registered[i]->invocation_done)
            registered[i]->invocation_done(inv, first);
}

void slsrt__hooks_invocation_reset(slsrt_invocation *inv)
{
    for (int i = 0; i < nregistered; i++)
        if (registered[i]->invocation_reset)
            registered[i]->invocation_reset(inv);
}

void slsrt__hooks_runtime_free(slsrt_runtime *rt)
{
    for (int i = 0; i < nregistered; i++)
        if (registered[i]->runtime_free)
            registered[i]->runtime_free(rt);
}

void slsrt__hooks_restore(slsrt_runtime *rt)
{
    for (int i = 0; i < nregistered; i++)
        if (registered[i]->restore)
            registered[i]->restore(rt);
}
