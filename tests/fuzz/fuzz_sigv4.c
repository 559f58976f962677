/*
 * fuzz_sigv4.c - the signer on arbitrary requests.  The input's lines are:
 * method, path, then "name=value" query pairs until an empty line, then
 * "Name: value" headers until an empty line, then the body.  Both modes
 * must sign, the same request twice the same way, and the canonical path
 * must hold only what an encoded path may.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"

static char *next_line(char **s)
{
    char *line = *s;
    if (!line)
        return NULL;
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = '\0';
    *s = nl ? nl + 1 : NULL;
    return line;
}

static void check_path(const char *canonical, int s3)
{
    const char *p = strchr(canonical, '\n') + 1;
    for (; *p != '\n'; p++)
        if (!s3 && !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/%", *p))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char *s = text;
    slsrt__kv query[16], headers[16];
    slsrt__sigv4_req r = {.method = "GET", .path = "/", .host = "example.amazonaws.com", .region = "us-east-1",
                          .service = "service", .access_key = "AKIDFUZZ", .secret_key = "fuzz/secret",
                          .token = "token", .timestamp = "20261121T000000Z"};
    char *line = next_line(&s);
    if (line && *line)
        r.method = line;
    if ((line = next_line(&s)))
        r.path = line;
    while ((line = next_line(&s)) && *line && r.nquery < 16) {
        char *eq = strchr(line, '=');
        if (eq)
            *eq++ = '\0';
        query[r.nquery++] = (slsrt__kv){line, eq ? eq : ""};
    }
    while ((line = next_line(&s)) && *line && r.nheaders < 16) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        headers[r.nheaders++] = (slsrt__kv){line, colon + 1};
    }
    r.query = query;
    r.headers = headers;
    r.body = s ? s : "";
    r.body_len = s ? strlen(s) : 0;
    r.s3 = size > 0 && data[0] & 1;
    r.unsigned_payload = size > 0 && data[0] & 2;

    for (int presign = 0; presign < 2; presign++) {
        r.presign_expires = presign ? 3600 : 0;
        slsrt__sigv4_out a, b;
        if (slsrt__sigv4_sign(&r, &a, NULL) != 0)
            continue;
        if (slsrt__sigv4_sign(&r, &b, NULL) != 0 || strcmp(a.signature, b.signature) ||
            strcmp(a.canonical_request.data, b.canonical_request.data) || strlen(a.signature) != 64)
            abort();
        check_path(a.canonical_request.data, r.s3);
        slsrt__sigv4_out_free(&a);
        slsrt__sigv4_out_free(&b);
    }
    free(text);
    return 0;
}
