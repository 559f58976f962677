/* random.h - fast per-thread pseudo-random numbers for ids and jitter,
 * never for secrets (private). */
#ifndef SLSRT_RANDOM_H
#define SLSRT_RANDOM_H

#include <stdint.h>

/* The next number of this thread's xorshift64*, seeded once from getrandom. */
uint64_t slsrt__random(void);
/* Draw a new seed on this thread's next call (after a SnapStart restore: every
 * restored copy would otherwise repeat the same sequence). */
void slsrt__random_reseed(void);

#endif
