/* crash.h - crash reports for fatal signals (private). */
#ifndef SLSRT_CRASH_H
#define SLSRT_CRASH_H

#include <stddef.h>
#include <sys/socket.h>

#include "rapi_client.h"

/* What a thread's crash report needs, ready before any crash. */
typedef struct slsrt__crash {
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char host[256];
    char request_id[128], invocation_id[128];
    int armed, in_init;
    void *alt_stack;
} slsrt__crash;

/* Once per process: the signal handlers. */
void slsrt__crash_install(void);
/* Once per serving thread: its alternate stack and the API's address. */
void slsrt__crash_thread(slsrt__crash *c, const slsrt__rapi *api);
void slsrt__crash_arm_init(slsrt__crash *c);
void slsrt__crash_arm_invocation(slsrt__crash *c, const char *request_id, const char *invocation_id);
void slsrt__crash_disarm(slsrt__crash *c);
/* The thread's report and alternate stack go (call on the thread that made them). */
void slsrt__crash_release(slsrt__crash *c);

#endif
