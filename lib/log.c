/*
 * log.c - the runtime's own messages, one line each on stderr.
 *
 * Lambda forwards stderr to CloudWatch line by line, so a message must never
 * span lines: newlines become "\r" in text mode (CloudWatch renders them) and
 * JSON escapes in JSON mode.  Each line leaves in one write(2) so lines from
 * several threads never interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static int json_format;
static enum slsrt__log_level min_level = SLSRT__LOG_INFO;
static __thread const char *thread_request_id;

static const char *const level_names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

void slsrt__log_configure(void)
{
    const char *fmt = getenv("AWS_LAMBDA_LOG_FORMAT");
    json_format = fmt && strcasecmp(fmt, "JSON") == 0;
    min_level = SLSRT__LOG_INFO;
    const char *lvl = getenv("AWS_LAMBDA_LOG_LEVEL");
    if (lvl)
        for (int i = 0; i <= SLSRT__LOG_FATAL; i++)
            if (strcasecmp(lvl, level_names[i]) == 0)
                min_level = (enum slsrt__log_level)i;
}

void slsrt__log_set_request_id(const char *request_id)
{
    thread_request_id = request_id;
}

/*
 * Bounded line builder.  A piece that does not fit is dropped whole, so an
 * escape or a UTF-8 sequence is never cut; TAIL_ROOM bytes stay free for the
 * closing characters.
 */
#define TAIL_ROOM 4
struct line {
    char buf[4096];
    size_t len;
};

static void put(struct line *l, const char *s, size_t n)
{
    if (n > sizeof l->buf - TAIL_ROOM - l->len)
        return;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void put_tail(struct line *l, const char *s)
{
    size_t n = strlen(s);
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void put_str(struct line *l, const char *s)
{
    put(l, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
    size_t n;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    else if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if (n == 3 && ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f)))
        return 0; /* overlong or surrogate */
    if (n == 4 && ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f)))
        return 0;
    return n;
}

/* Text in either mode: control characters escaped, invalid UTF-8 replaced. */
static void put_escaped(struct line *l, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t avail = strlen(text);
    while (avail) {
        size_t n = utf8_len(s, avail);
        if (n == 0) {
            put_str(l, "\xef\xbf\xbd"); /* U+FFFD */
            n = 1;
        } else if (*s == '\n') {
            put_str(l, json_format ? "\\n" : "\r");
        } else if (json_format && (*s == '"' || *s == '\\')) {
            char esc[2] = {'\\', (char)*s};
            put(l, esc, 2);
        } else if (*s < 0x20 || *s == 0x7f) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", *s);
            put_str(l, esc);
        } else {
            put(l, (const char *)s, n);
        }
        s += n;
        avail -= n;
    }
}

static void put_timestamp(struct line *l)
{
    struct timespec ts;
    struct tm tm;
    char tmp[40];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(tmp + n, sizeof tmp - n, ".%03ldZ", ts.tv_nsec / 1000000);
    put_str(l, tmp);
}

void slsrt__log(enum slsrt__log_level level, const char *fmt, ...)
{
    if (level < min_level)
        return;
    char message[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);

    struct line l = {.len = 0};
    if (json_format) {
        put_str(&l, "{\"timestamp\":\"");
        put_timestamp(&l);
        put_str(&l, "\",\"level\":\"");
        put_str(&l, level_names[level]);
        if (thread_request_id) {
            put_str(&l, "\",\"requestId\":\"");
            put_escaped(&l, thread_request_id);
        }
        put_str(&l, "\",\"logger\":\"slsrt\",\"message\":\"");
        put_escaped(&l, message);
        put_tail(&l, "\"}");
    } else {
        put_timestamp(&l);
        put_str(&l, "\t");
        put_escaped(&l, thread_request_id ? thread_request_id : "-");
        put_str(&l, "\t");
        put_str(&l, level_names[level]);
        put_str(&l, "\tslsrt: ");
        put_escaped(&l, message);
    }
    put_tail(&l, "\n");
    ssize_t ignored = write(STDERR_FILENO, l.buf, l.len);
    (void)ignored;
}
