/*
 * hooks.h - how the layers above the core take part in the runtime's life
 * without the core naming them (private).
 *
 * A layer that keeps state in the runtime or in an invocation (AWS, HTTP,
 * X-Ray, metrics) registers one set of hooks, from a constructor in the
 * file that makes that state, so the hooks are linked wherever the state
 * can exist.  The core calls each set in the order registered; any hook
 * may be NULL.
 */
#ifndef SLSRT_HOOKS_H
#define SLSRT_HOOKS_H

#include <slsrt/runtime.h>

typedef struct slsrt__hooks {
    /* Before the user's init hook.  Nonzero fails the init; the hook has
     * recorded the error with slsrt_runtime_fail(). */
    int (*init)(slsrt_runtime *rt);
    /* The handler returned and its result is not posted yet: end and write
     * what the invocation left open.  `first`: the sandbox's first one. */
    void (*invocation_done)(slsrt_invocation *inv, int first);
    /* The invocation is over: free what the layer kept in it. */
    void (*invocation_reset)(slsrt_invocation *inv);
    /* The runtime is being freed (its workers are stopped, not yet freed). */
    void (*runtime_free)(slsrt_runtime *rt);
    /* SnapStart: the process was restored from a snapshot (another machine,
     * another time): drop what must not be reused, before the user's hooks. */
    void (*restore)(slsrt_runtime *rt);
} slsrt__hooks;

/* At most SLSRT__MAX_HOOKS sets; more is a build mistake (abort()). */
#define SLSRT__MAX_HOOKS 8
void slsrt__hooks_register(const slsrt__hooks *hooks);

#define SLSRT__REGISTER_HOOKS(hooks)                                                                        \
    __attribute__((constructor)) static void register_##hooks(void) { slsrt__hooks_register(&hooks); }

/* The core's side: run every registered hook of one kind. */
int slsrt__hooks_init(slsrt_runtime *rt);
void slsrt__hooks_invocation_done(slsrt_invocation *inv, int first);
void slsrt__hooks_invocation_reset(slsrt_invocation *inv);
void slsrt__hooks_runtime_free(slsrt_runtime *rt);
void slsrt__hooks_restore(slsrt_runtime *rt);

#endif
