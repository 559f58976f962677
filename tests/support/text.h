/* text.h - a growing, NUL-terminated byte buffer for tests that write JSON
 * by hand or read sample files (header only). */
#ifndef SLSRT_TEST_TEXT_H
#define SLSRT_TEST_TEXT_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *data; size_t len, cap; } text;

static inline void put(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->data = realloc(t->data, t->cap);
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static inline void puts_(text *t, const char *s) { put(t, s, strlen(s)); }

/* The whole file; 0 when it cannot be opened. */
static inline int text_read_file(text *t, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char buf[4096];
    for (size_t got; (got = fread(buf, 1, sizeof buf, f));)
        put(t, buf, got);
    fclose(f);
    if (!t->data)
        put(t, "", 0);
    return 1;
}

/* fn(text, len, path, arg) on every *.json file of dir (none when dir is
 * not there); how many.  Returns early with what it has when a file cannot
 * be read: the caller's count says so. */
static inline size_t text_each_json(const char *dir, void (*fn)(const char *, size_t, const char *, void *), void *arg)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!strstr(e->d_name, ".json"))
            continue;
        char path[2400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        text t = {0};
        if (!text_read_file(&t, path))
            break;
        fn(t.data, t.len, path, arg);
        free(t.data);
        n++;
    }
    if (d)
        closedir(d);
    return n;
}

#endif
