/*
 * json_alloc.c - jansson's allocations through a per-thread cache of small
 * chunks in front of malloc.
 *
 * Why: a JSON event is many small values (a 256 KB document is ~26 k values,
 * ~80 k allocations, and as many frees when the invocation ends).  glibc's
 * tcache keeps 7 chunks a size; the rest go through its bins, and freeing a
 * chunk that coalesces to 64 KB consolidates every fastbin: 45 % of a JSON
 * echo was malloc and free.  Here a freed chunk of up to 264 bytes goes on
 * its thread's stack for its size, and the next value of that size takes it
 * back: a warm invocation builds its event in memory the previous one
 * freed, a handful of instructions a chunk.
 *
 * Safe to share with code that knows nothing of it: every chunk is a glibc
 * malloc chunk (the class is derived from malloc_usable_size, never from a
 * header of ours), so a string from json_dumps can still be given to free()
 * and a pointer malloc returned can be given to json's free.  The functions
 * are installed only where jansson still has malloc and free, so a function
 * that set its own keeps them.  All threads together keep at most half the
 * function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE; 64 MB without it): a
 * thread takes it from the process's budget a GRANT at a time, and gives
 * its chunks and its grants back when it exits.  Cached chunks serve JSON
 * values only, where malloc could have merged them for anything: after an
 * invocation that left a thread holding an eighth of the function's memory
 * or more, while the process is resident over three quarters of it, they
 * go back to malloc (slsrt__json_alloc_settle).  Builds with a sanitizer
 * leave jansson on malloc, so it sees every free.
 */
#include <fcntl.h>
#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "json_alloc.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NO_CACHE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define NO_CACHE 1
#endif
#endif

#ifndef NO_CACHE

/* A class is what malloc makes of one chunk size (usable 24, 40, ... 264
 * bytes on 64-bit glibc): a value asks for the whole chunk, not more. */
#define CLASSES 16
#define CLASS_SIZE(c) (24 + ((size_t)(c) << 4))
#define GRANT ((size_t)1 << 20) /* budget a thread takes at a time */

enum { UNSEEN, LIVE, GONE };

static __thread struct {
    void *stack[CLASSES]; /* a free chunk's first word links the next */
    size_t bytes, granted; /* bytes cached; budget taken */
    int state;
} tc __attribute__((tls_model("initial-exec")));

static size_t budget; /* bytes no thread has taken yet */

static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

static void drain(void)
{
    for (int c = 0; c < CLASSES; c++) {
        while (tc.stack[c]) {
            void *p = tc.stack[c];
            tc.stack[c] = *(void **)p;
            free(p);
        }
    }
    tc.bytes = 0;
    __atomic_add_fetch(&budget, tc.granted, __ATOMIC_RELAXED);
    tc.granted = 0;
}

/* Room for n more bytes: from the thread's grants, else a new grant. */
static int room(size_t n)
{
    if (tc.bytes + n <= tc.granted)
        return 1;
    size_t left = __atomic_load_n(&budget, __ATOMIC_RELAXED);
    while (left >= GRANT)
        if (__atomic_compare_exchange_n(&budget, &left, left - GRANT, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
            tc.granted += GRANT;
            return 1;
        }
    return 0;
}

static void thread_gone(void *unused)
{
    (void)unused;
    drain();
    tc.state = GONE; /* later frees (other destructors) go straight to free() */
}

static void make_exit_key(void)
{
    if (pthread_key_create(&exit_key, thread_gone) != 0)
        exit_key = (pthread_key_t)-1;
}

/* The first chunk a thread keeps arms its exit destructor. */
static int arm(void)
{
    pthread_once(&exit_once, make_exit_key);
    if (exit_key == (pthread_key_t)-1 || pthread_setspecific(exit_key, &tc) != 0) {
        tc.state = GONE;
        return 0;
    }
    tc.state = LIVE;
    return 1;
}

static void *cached_malloc(size_t n)
{
    size_t c = n <= CLASS_SIZE(0) ? 0 : (n - 9) >> 4; /* the smallest class holding n */
    if (c < CLASSES) {
        void *p = tc.stack[c];
        if (p) {
            tc.stack[c] = *(void **)p;
            tc.bytes -= CLASS_SIZE(c);
            return p;
        }
        return malloc(CLASS_SIZE(c));
    }
    return malloc(n);
}

static void cached_free(void *p)
{
    if (!p)
        return;
    /* A class no larger than the chunk: chunks malloc gave others are
     * welcome too. */
    size_t usable = malloc_usable_size(p), c = (usable - CLASS_SIZE(0)) >> 4;
    if (usable >= CLASS_SIZE(0) && c < CLASSES && (tc.state == LIVE || (tc.state == UNSEEN && arm())) &&
        room(CLASS_SIZE(c))) {
        *(void **)p = tc.stack[c];
        tc.stack[c] = p;
        tc.bytes += CLASS_SIZE(c);
        return;
    }
    free(p);
}

__attribute__((constructor)) static void install(void)
{
    json_malloc_t m;
    json_free_t f;
    json_get_alloc_funcs(&m, &f);
    if (m != malloc || f != free)
        return;
    const char *mb = getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    long n = mb ? strtol(mb, NULL, 10) : 0;
    budget = (size_t)(n > 0 ? n : 128) << 19; /* half of n MB */
    json_set_alloc_funcs(cached_malloc, cached_free);
}

void slsrt__json_alloc_release(void)
{
    if (tc.state == LIVE)
        drain();
}

/* Resident bytes of the process, or 0 when /proc cannot say. */
static size_t resident(void)
{
    char buf[128];
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    unsigned long size, pages;
    return sscanf(buf, "%lu %lu", &size, &pages) == 2 ? pages * (size_t)sysconf(_SC_PAGESIZE) : 0;
}

void slsrt__json_alloc_settle(size_t limit)
{
    if (tc.state == LIVE && limit && tc.bytes >= limit / 8 && resident() > limit / 4 * 3)
        drain();
}

size_t slsrt__json_alloc_cached(void) { return tc.bytes; }
size_t slsrt__json_alloc_budget(void) { return __atomic_load_n(&budget, __ATOMIC_RELAXED); }

#else

void slsrt__json_alloc_release(void) {}
void slsrt__json_alloc_settle(size_t limit) { (void)limit; }
size_t slsrt__json_alloc_cached(void) { return (size_t)-1; }
size_t slsrt__json_alloc_budget(void) { return 0; }

#endif
