/*
 * copy_floor.c - the floor of the JSON echo: the document's bytes copied N
 * times (what moving it in and out costs at the least).
 *   copy_floor FILE N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    FILE *f = argc > 2 ? fopen(argv[1], "rb") : NULL;
    if (!f)
        return 2;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    char *in = malloc((size_t)len), *out = malloc((size_t)len);
    if (!in || !out || fread(in, 1, (size_t)len, f) != (size_t)len)
        return 1;
    fclose(f);
    for (int i = 0, n = atoi(argv[2]); i < n; i++) {
        memcpy(out, in, (size_t)len);
        __asm__ volatile("" : : "r"(out) : "memory"); /* the copy is not optimised away */
    }
    free(in);
    free(out);
    return 0;
}
