/* embedded.h - files compiled into slsrt-local (scripts/embed-files). */
#ifndef SLSRT_LOCAL_EMBEDDED_H
#define SLSRT_LOCAL_EMBEDDED_H

struct embedded {
    const char *path, *text;
};

/* Each ends with {0, 0}. */
extern const struct embedded samples[];   /* samples/<source>.json: `event` */
extern const struct embedded templates[]; /* templates/...: `new` */

/* The text of path in list, or NULL. */
const char *embedded_text(const struct embedded *list, const char *path);

#endif
