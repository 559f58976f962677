/*
 * gen_json.c - a deterministic JSON document of about BYTES bytes for the
 * JSON echo benchmark: objects and arrays nested a few levels, strings plain,
 * escaped and unicode, integers and reals, booleans and nulls — the mix a
 * real event carries.
 *   gen_json BYTES > doc.json
 */
#include <stdio.h>
#include <stdlib.h>

static unsigned long long seed = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    return (unsigned)(seed % n);
}

static const char *const words[] = {"order", "customer", "Ada Lovelace", "kettle", "r\\u00e9sum\\u00e9",
                                    "line one\\nline two", "tab\\there", "quote \\\"this\\\"", "\\u65e5\\u672c\\u8a9e",
                                    "emoji \\ud83d\\ude00", "path\\/to\\/file", "plain ascii text of some length"};

static long value(int depth)
{
    switch (rnd(depth > 2 ? 5 : 7)) {
    case 0: return printf("%d", (int)rnd(2000000) - 1000000);
    case 1: return printf("%d.%03u", (int)rnd(20000), rnd(1000));
    case 2: return printf("\"%s\"", words[rnd(sizeof words / sizeof *words)]);
    case 3: return printf("%s", rnd(3) ? (rnd(2) ? "true" : "false") : "null");
    case 4: return printf("%.3e", (double)rnd(1000000) * 1.7e-3);
    case 5: {
        long n = printf("[");
        for (unsigned i = 0, k = 1 + rnd(6); i < k; i++)
            n += (i ? printf(",") : 0) + value(depth + 1);
        return n + printf("]");
    }
    default: {
        long n = printf("{");
        for (unsigned i = 0, k = 1 + rnd(6); i < k; i++)
            n += printf("%s\"%s_%u\":", i ? "," : "", i % 2 ? "field" : "k", i) + value(depth + 1);
        return n + printf("}");
    }
    }
}

int main(int argc, char **argv)
{
    long want = argc > 1 ? atol(argv[1]) : 262144, n = printf("{\"items\":[");
    for (int i = 0; n < want - 64; i++)
        n += (i ? printf(",") : 0) + printf("{\"id\":%d,\"v\":", i) + value(0) + printf("}");
    printf("]}\n");
    return 0;
}
