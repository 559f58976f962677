/*
 * symbolize.c - a crash report's backtrace as function, file and line.
 *
 * The runtime posts the frames backtrace_symbols gives in its signal
 * handler ("./bootstrap(+0x12c0)[0x...]", "./bootstrap(total_qty+0x1c)[...]");
 * slsrt-local resolves those of binaries with debug information with
 * binutils' addr2line (and nm for symbol-relative frames) and prints them
 * under the report.  Without addr2line, or symbols, nothing is printed.
 */
#include "emu.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The address of symbol in object, from nm; 0 when not found. */
static unsigned long symbol_address(const char *object, const char *symbol)
{
    char cmd[1400], line[1024];
    unsigned long found = 0;
    for (int dynamic = 0; dynamic < 2 && !found; dynamic++) {
        snprintf(cmd, sizeof cmd, "nm %s --defined-only '%s' 2>/dev/null", dynamic ? "-D" : "", object);
        FILE *p = popen(cmd, "r");
        while (p && fgets(line, sizeof line, p)) {
            unsigned long addr;
            char type, name[512];
            if (sscanf(line, "%lx %c %511s", &addr, &type, name) == 3 && !strcmp(name, symbol)) {
                found = addr;
                break;
            }
        }
        if (p)
            pclose(p);
    }
    return found;
}

/* "function at file:line" for address in object, or 0 when addr2line cannot say. */
static int resolve(const char *object, unsigned long address, char *out, size_t n)
{
    char cmd[1400], function[512] = "", where[1024] = "";
    snprintf(cmd, sizeof cmd, "addr2line -f -C -e '%s' 0x%lx 2>/dev/null", object, address);
    FILE *p = popen(cmd, "r");
    if (!p)
        return 0;
    int ok = fgets(function, sizeof function, p) && fgets(where, sizeof where, p);
    pclose(p);
    function[strcspn(function, "\n")] = where[strcspn(where, "\n")] = '\0';
    if (!ok || !strncmp(where, "??", 2) || !strcmp(function, "??"))
        return 0;
    /* "file:line (discriminator N)" is more than anyone needs */
    where[strcspn(where, " ")] = '\0';
    snprintf(out, n, "%s at %s", function, where);
    return 1;
}

/* The last symbol looked up: a recursion asks for the same one again and again. */
struct last_symbol {
    char object[1024], symbol[512];
    unsigned long address;
};

/* One frame: "object(symbol+0xoff)[0xabs]" or "object(+0xoff)[0xabs]". */
static int frame(const char *text, int exact, struct last_symbol *cache, char *out, size_t n)
{
    const char *open = strchr(text, '('), *plus = open ? strchr(open, '+') : NULL;
    const char *close = plus ? strchr(plus, ')') : NULL;
    if (!close)
        return 0;
    char object[1024], symbol[512];
    snprintf(object, sizeof object, "%.*s", (int)(open - text), text);
    snprintf(symbol, sizeof symbol, "%.*s", (int)(plus - open - 1), open + 1);
    if (strchr(object, '\'') || strchr(symbol, '\'') || access(object, R_OK) != 0)
        return 0;
    unsigned long offset = strtoul(plus + 1, NULL, 16), base = 0;
    if (symbol[0]) {
        if (strcmp(cache->object, object) || strcmp(cache->symbol, symbol)) {
            snprintf(cache->object, sizeof cache->object, "%s", object);
            snprintf(cache->symbol, sizeof cache->symbol, "%s", symbol);
            cache->address = symbol_address(object, symbol);
        }
        if (!(base = cache->address))
            return 0;
    }
    /* A return address is past its call: look up the call's byte. */
    return resolve(object, base + offset - (exact ? 0 : 1), out, n);
}

static void flush_repeats(size_t first, size_t repeats, const char *where)
{
    if (repeats)
        emu_log("  #%zu-#%zu %s (%zu more times)", first + 1, first + repeats, where, repeats);
}

void symbolize_crash(const struct invocation *inv)
{
    json_t *doc = json_loadb(inv->result ? inv->result : "", inv->result_len, 0, NULL);
    json_t *frames = json_object_get(doc, "stackTrace"), *f;
    size_t i, trampoline = 0, first = 0, repeats = 0;
    int printed = 0;
    char where[1600], last[1600] = "";
    struct last_symbol cache = {"", "", 0};
    /* The frames before the signal trampoline (in libc) are the crash handler's own. */
    json_array_foreach(frames, i, f)
        if (i < 3 && json_string_value(f) && strstr(json_string_value(f), "/libc.so")) {
            trampoline = i + 1;
            break;
        }
    json_array_foreach(frames, i, f) {
        const char *text = json_string_value(f);
        if (!text || i < trampoline || strstr(text, "/libc.so"))
            continue;
        /* The first frame after the trampoline is the faulting instruction itself. */
        if (!frame(text, trampoline && i == trampoline, &cache, where, sizeof where))
            continue;
        if (!strcmp(where, last)) { /* a recursion: one line for the run */
            repeats++;
            continue;
        }
        flush_repeats(first, repeats, last);
        if (!printed++)
            emu_log("slsrt-local: the crash of %s, symbolized:", inv->id);
        emu_log("  #%zu %s", i, where);
        snprintf(last, sizeof last, "%s", where);
        first = i, repeats = 0;
    }
    flush_repeats(first, repeats, last);
    json_decref(doc);
}
