/*
 * slsrt-sign - sign one AWS request (or a stream of them) with SigV4, for
 * debugging and scripting.  Reads JSON requests on stdin, writes one JSON
 * line per request on stdout:
 *
 *   {"method", "host", "path" (as sent), "query": [[name, value], ...]
 *    (decoded), "headers": [[name, value], ...], "body", "region",
 *    "service", "access_key", "secret_key", "token", "timestamp":
 *    "YYYYMMDDTHHMMSSZ", "presign_expires", "s3", "unsigned_payload"}
 *
 *   -> {"canonical_request", "string_to_sign", "signature",
 *       "authorization" and "headers" (to add), or "url" when presigning}
 *
 * It uses the library's own signer, so what it prints is what a function's
 * requests carry.  Exit status 1 when any request was refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/sigv4.h"

static const char *str(json_t *req, const char *key, const char *fallback)
{
    json_t *v = json_object_get(req, key);
    return json_is_string(v) ? json_string_value(v) : fallback;
}

/* [[name, value], ...] into kv (borrowed strings); NULL when malformed. */
static slsrt__kv *pairs(json_t *req, const char *key, size_t *n, const char **why)
{
    json_t *arr = json_object_get(req, key);
    *n = 0;
    if (!arr)
        return calloc(1, sizeof(slsrt__kv));
    if (!json_is_array(arr)) {
        *why = "query and headers must be arrays of [name, value]";
        return NULL;
    }
    slsrt__kv *kv = calloc(json_array_size(arr) + 1, sizeof *kv);
    size_t i;
    json_t *p;
    json_array_foreach(arr, i, p) {
        if (!json_is_array(p) || json_array_size(p) != 2 || !json_is_string(json_array_get(p, 0)) ||
            !json_is_string(json_array_get(p, 1))) {
            *why = "query and headers must be arrays of [name, value] strings";
            free(kv);
            return NULL;
        }
        kv[i].name = json_string_value(json_array_get(p, 0));
        kv[i].value = json_string_value(json_array_get(p, 1));
    }
    *n = i;
    return kv;
}

static json_t *sign(json_t *in, const char **why)
{
    if (!json_is_object(in)) {
        *why = "a request must be a JSON object";
        return NULL;
    }
    slsrt__sigv4_req r = {0};
    r.method = str(in, "method", NULL);
    r.host = str(in, "host", NULL);
    r.path = str(in, "path", "/");
    r.region = str(in, "region", NULL);
    r.service = str(in, "service", NULL);
    r.access_key = str(in, "access_key", NULL);
    r.secret_key = str(in, "secret_key", NULL);
    r.token = str(in, "token", NULL);
    r.timestamp = str(in, "timestamp", NULL);
    json_t *body = json_object_get(in, "body");
    r.body = json_string_value(body);
    r.body_len = json_string_length(body);
    r.presign_expires = (long)json_integer_value(json_object_get(in, "presign_expires"));
    r.s3 = json_is_true(json_object_get(in, "s3"));
    r.unsigned_payload = json_is_true(json_object_get(in, "unsigned_payload"));
    if (!r.host) {
        *why = "a host is required";
        return NULL;
    }
    if (strchr(r.path, '?')) {
        *why = "the path cannot hold '?': give the query as pairs";
        return NULL;
    }
    if (json_object_get(in, "presign_expires") && r.presign_expires <= 0) {
        *why = "presign_expires must be 1 to 604800 seconds";
        return NULL;
    }
    r.query = pairs(in, "query", &r.nquery, why);
    r.headers = r.query ? pairs(in, "headers", &r.nheaders, why) : NULL;
    json_t *out = NULL;
    slsrt__sigv4_out o;
    if (r.query && r.headers && !slsrt__sigv4_sign(&r, &o, why)) {
        out = json_pack("{s:s, s:s, s:s}", "canonical_request", o.canonical_request.data, "string_to_sign",
                        o.string_to_sign.data, "signature", o.signature);
        if (r.presign_expires) {
            char *url = NULL;
            if (asprintf(&url, "https://%s%s?%s", r.host, r.path[0] ? r.path : "/", o.query.data) > 0)
                json_object_set_new(out, "url", json_string(url));
            free(url);
        } else {
            json_t *add = json_pack("[[s,s]]", "X-Amz-Date", o.amz_date);
            if (o.add_token)
                json_array_append_new(add, json_pack("[s,s]", "X-Amz-Security-Token", r.token));
            if (o.add_content_sha256)
                json_array_append_new(add, json_pack("[s,s]", "X-Amz-Content-Sha256", o.payload_hash));
            json_array_append_new(add, json_pack("[s,s]", "Authorization", o.authorization.data));
            json_object_set_new(out, "authorization", json_string(o.authorization.data));
            json_object_set_new(out, "headers", add);
        }
        slsrt__sigv4_out_free(&o);
    }
    free((void *)r.query);
    free((void *)r.headers);
    return out;
}

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "usage: %s < request.json\n(see the comment at the top of tools/slsrt-sign/main.c)\n",
                argv[0]);
        return strcmp(argv[1], "--help") ? 2 : 0;
    }
    size_t len;
    char *text = read_all(stdin, &len);
    if (!text)
        return 1;
    int status = 0;
    size_t at = 0;
    for (;;) {
        while (at < len && strchr(" \t\r\n", text[at]))
            at++;
        if (at == len)
            break;
        json_error_t err;
        json_t *in = json_loadb(text + at, len - at, JSON_DISABLE_EOF_CHECK, &err);
        if (!in) {
            fprintf(stderr, "slsrt-sign: bad JSON at byte %zu: %s\n", at + (size_t)err.position, err.text);
            status = 1;
            break;
        }
        at += (size_t)err.position;
        const char *why = "out of memory";
        json_t *out = sign(in, &why);
        if (!out) {
            fprintf(stderr, "slsrt-sign: %s\n", why);
            out = json_pack("{s:s}", "error", why);
            status = 1;
        }
        char *line = json_dumps(out, JSON_COMPACT);
        if (line)
            puts(line);
        free(line);
        json_decref(out);
        json_decref(in);
    }
    free(text);
    return status;
}
