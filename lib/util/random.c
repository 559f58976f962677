/* random.c - a per-thread xorshift64*: X-Ray ids need to be unique and
 * backoff jitter spread out, neither secret, and neither worth a syscall. */
#include "random.h"

#include <sys/random.h>
#include <time.h>

static __thread uint64_t state;

void slsrt__random_reseed(void) { state = 0; }

uint64_t slsrt__random(void)
{
    while (!state) {
        if (getrandom(&state, sizeof state, 0) != sizeof state)
            state = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&state;
    }
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1DULL;
}
