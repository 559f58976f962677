/*
 * log.c - log lines, the runtime's own and the function's, one per call on
 * stderr.
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

#include "util/json_real.h"
#include "util/random.h"

static int json_format;
static slsrt_log_level min_level = SLSRT_LOG_INFO;

/* Per-invocation features, configured once (before invocations start). */
static struct {
    int on;
    slsrt_log_buffering config;
} buffering;
static double sample_rate;
static char *correlation_pointer;

/*
 * This thread's invocation: its ids, whether it is in the sample, its
 * correlation id, the lines kept back.  One block in the initial-exec model:
 * the library is linked, never dlopen'ed, so each use is one
 * thread-pointer-relative load instead of a __tls_get_addr call.
 */
static __thread struct {
    const char *request_id, *trace_root;
    int sampled;
    char correlation[256];
    struct {
        char *data;
        size_t len, cap;
    } kept;
} th __attribute__((tls_model("initial-exec")));

static const char *const level_names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

void slsrt__log_configure(void)
{
    const char *fmt = getenv("AWS_LAMBDA_LOG_FORMAT");
    json_format = fmt && strcasecmp(fmt, "JSON") == 0;
    min_level = SLSRT__LOG_INFO;
    const char *rate = getenv("SLSRT_LOG_SAMPLE_RATE");
    if (!rate)
        rate = getenv("POWERTOOLS_LOGGER_SAMPLE_RATE");
    if (rate)
        slsrt_log_set_sample_rate(atof(rate));
    const char *lvl = getenv("AWS_LAMBDA_LOG_LEVEL");
    if (lvl)
        for (int i = 0; i <= SLSRT__LOG_FATAL; i++)
            if (strcasecmp(lvl, level_names[i]) == 0)
                min_level = (slsrt_log_level)i;
}

void slsrt__log_set_context(const char *request_id, const char *trace_root)
{
    th.request_id = request_id;
    th.trace_root = trace_root && *trace_root ? trace_root : NULL;
    /* Each invocation draws once whether it is in the sample. */
    th.sampled = request_id && sample_rate > 0 &&
                     (double)(slsrt__random() >> 11) / 9007199254740992.0 < sample_rate;
}

/* The level lines go out at, for this thread's invocation. */
static slsrt_log_level threshold(void)
{
    return th.sampled && min_level > SLSRT_LOG_DEBUG ? SLSRT_LOG_DEBUG : min_level;
}

static int buffered(slsrt_log_level level)
{
    return buffering.on && th.request_id && !th.sampled && level <= buffering.config.at_or_below;
}

int slsrt_log_enabled(slsrt_log_level level)
{
    return level <= SLSRT_LOG_FATAL && (level >= threshold() || buffered(level));
}

void slsrt_log_set_buffering(const slsrt_log_buffering *b)
{
    buffering.on = b != NULL;
    if (b) {
        buffering.config = *b;
        if (!buffering.config.at_or_below)
            buffering.config.at_or_below = SLSRT_LOG_DEBUG;
        if (!buffering.config.max_bytes)
            buffering.config.max_bytes = 20480;
    }
}

void slsrt_log_set_sample_rate(double rate)
{
    sample_rate = rate < 0 ? 0 : rate > 1 ? 1 : rate;
}

void slsrt_log_set_correlation_pointer(const char *pointer)
{
    char *copy = pointer ? strdup(pointer) : NULL;
    free(correlation_pointer);
    correlation_pointer = copy;
}

const char *slsrt__log_correlation_pointer(void) { return correlation_pointer; }

void slsrt_log_set_correlation_id(const char *id)
{
    snprintf(th.correlation, sizeof th.correlation, "%s", id ? id : "");
}

/* Keep a built line back, dropping the oldest lines past the budget. */
static void keep(const char *line, size_t n)
{
    size_t budget = buffering.config.max_bytes;
    if (n > budget)
        return;
    while (th.kept.len + n > budget) {
        char *nl = memchr(th.kept.data, '\n', th.kept.len);
        size_t first = nl ? (size_t)(nl - th.kept.data) + 1 : th.kept.len;
        memmove(th.kept.data, th.kept.data + first, th.kept.len - first);
        th.kept.len -= first;
    }
    if (th.kept.len + n > th.kept.cap) {
        size_t cap = th.kept.len + n > 2 * th.kept.cap ? th.kept.len + n : 2 * th.kept.cap;
        char *grown = realloc(th.kept.data, cap);
        if (!grown)
            return;
        th.kept.data = grown, th.kept.cap = cap;
    }
    memcpy(th.kept.data + th.kept.len, line, n);
    th.kept.len += n;
}

void slsrt_log_flush_buffer(void)
{
    for (size_t off = 0; off < th.kept.len;) { /* one write a line, as every line */
        char *nl = memchr(th.kept.data + off, '\n', th.kept.len - off);
        size_t n = nl ? (size_t)(nl - th.kept.data) + 1 - off : th.kept.len - off;
        ssize_t ignored = write(STDERR_FILENO, th.kept.data + off, n);
        (void)ignored;
        off += n;
    }
    th.kept.len = 0;
}

void slsrt__log_end_invocation(int failed)
{
    if (th.kept.data) {
        if (failed)
            slsrt_log_flush_buffer();
        free(th.kept.data);
        th.kept.data = NULL;
        th.kept.len = th.kept.cap = 0;
    }
    th.correlation[0] = '\0';
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

static int standard_key(const char *key)
{
    static const char *const keys[] = {"timestamp", "level", "requestId", "message", "traceId", "logger",
                                       "correlationId"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(key, keys[i]) == 0)
            return 1;
    return 0;
}

/* A field value: JSON text in JSON mode, the bare string or number in text mode. */
static void put_value(struct line *l, const json_t *v)
{
    char num[40];
    switch (json_typeof(v)) {
    case JSON_STRING:
        if (json_format)
            put_str(l, "\"");
        put_escaped(l, json_string_value(v));
        if (json_format)
            put_str(l, "\"");
        return;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        put_str(l, num);
        return;
    case JSON_REAL: /* as the response writer spells it: 0.1, not 0.10000000000000001 */
        slsrt__json_real(json_real_value(v), num);
        put_str(l, num);
        return;
    default: {
        /* Objects, arrays and literals: jansson's text, escaped for text mode. */
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (text && json_format)
            put_str(l, text);
        else if (text)
            put_escaped(l, text);
        free(text);
    }
    }
}

static void put_fields(struct line *l, const json_t *fields)
{
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)fields, key, value) {
        if (standard_key(key))
            continue;
        put_str(l, json_format ? ",\"" : " ");
        put_escaped(l, key);
        put_str(l, json_format ? "\":" : "=");
        put_value(l, value);
    }
}

static void emit(slsrt_log_level level, const char *logger, const json_t *fields, const char *fmt, va_list ap)
{
    char message[2048];
    vsnprintf(message, sizeof message, fmt, ap);
    const char *trace = th.trace_root;

    struct line l = {.len = 0};
    if (json_format) {
        put_str(&l, "{\"timestamp\":\"");
        put_timestamp(&l);
        put_str(&l, "\",\"level\":\"");
        put_str(&l, level_names[level]);
        put_str(&l, "\"");
        if (th.request_id) {
            put_str(&l, ",\"requestId\":\"");
            put_escaped(&l, th.request_id);
            put_str(&l, "\"");
        }
        if (trace) {
            put_str(&l, ",\"traceId\":\"");
            put_escaped(&l, trace);
            put_str(&l, "\"");
        }
        if (logger) {
            put_str(&l, ",\"logger\":\"");
            put_str(&l, logger);
            put_str(&l, "\"");
        }
        if (th.correlation[0]) {
            put_str(&l, ",\"correlationId\":\"");
            put_escaped(&l, th.correlation);
            put_str(&l, "\"");
        }
        if (fields)
            put_fields(&l, fields);
        /* The message last: it is what a long line loses first. */
        put_str(&l, ",\"message\":\"");
        put_escaped(&l, message);
        put_tail(&l, "\"}");
    } else {
        put_timestamp(&l);
        put_str(&l, "\t");
        put_escaped(&l, th.request_id ? th.request_id : "-");
        put_str(&l, "\t");
        put_str(&l, level_names[level]);
        put_str(&l, "\t");
        if (logger) {
            put_str(&l, logger);
            put_str(&l, ": ");
        }
        put_escaped(&l, message);
        if (fields)
            put_fields(&l, fields);
        if (th.correlation[0]) {
            put_str(&l, " correlationId=");
            put_escaped(&l, th.correlation);
        }
        if (trace) {
            put_str(&l, " traceId=");
            put_str(&l, trace);
        }
    }
    put_tail(&l, "\n");
    if (buffered(level)) {
        keep(l.buf, l.len);
        return;
    }
    /* An error comes with what led to it. */
    if (level >= SLSRT_LOG_ERROR && buffering.on && !buffering.config.no_flush_on_error)
        slsrt_log_flush_buffer();
    ssize_t ignored = write(STDERR_FILENO, l.buf, l.len);
    (void)ignored;
}

void slsrt__log(slsrt_log_level level, const char *fmt, ...)
{
    if (!slsrt_log_enabled(level))
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(level, "slsrt", NULL, fmt, ap);
    va_end(ap);
}

void slsrt_vlog(slsrt_log_level level, const char *fmt, va_list ap)
{
    if (slsrt_log_enabled(level))
        emit(level, NULL, NULL, fmt, ap);
}

void slsrt_log(slsrt_log_level level, const char *fmt, ...)
{
    if (!slsrt_log_enabled(level))
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(level, NULL, NULL, fmt, ap);
    va_end(ap);
}

void slsrt_log_fields(slsrt_log_level level, const json_t *fields, const char *fmt, ...)
{
    if (!slsrt_log_enabled(level))
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(level, NULL, json_is_object(fields) ? fields : NULL, fmt, ap);
    va_end(ap);
}
