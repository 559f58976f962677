/* json_alloc.h - jansson's small chunks cached per thread (private). */
#ifndef SLSRT_JSON_ALLOC_H
#define SLSRT_JSON_ALLOC_H

#include <stddef.h>

/* Give the calling thread's cached chunks back to free(): when the runtime
 * is freed, so a process that ends after slsrt_run holds nothing of ours.
 * Threads that exit give theirs back by themselves. */
void slsrt__json_alloc_release(void);

/* After an invocation, in its thread: give the cached chunks back to malloc
 * when they are an eighth of limit (the function's memory, bytes) or more
 * and the process is resident over three quarters of limit.  0: no limit. */
void slsrt__json_alloc_settle(size_t limit);

/* For the tests: bytes the calling thread holds ((size_t)-1 where the
 * cache is not built in: sanitizers), and the budget no thread has taken. */
size_t slsrt__json_alloc_cached(void);
size_t slsrt__json_alloc_budget(void);

#endif
