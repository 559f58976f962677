/* random.h - fast per-thread pseudo-random numbers for ids and jitter,
 * never for secrets (private). */
#ifndef SLSRT_RANDOM_H
#define SLSRT_RANDOM_H

#include <stdint.h>

/* The next number of this thread's xorshift64*, seeded once from getrandom. */
uint64_t slsrt__random(void);

#endif
