/*
 * sigv4.c - AWS Signature Version 4.
 *
 * The canonical request is built in one buffer, in the order the
 * specification lists its parts: method, path, query, headers, signed
 * header names, payload hash.  Everything that must never reach a log
 * (the secret, the derived key, the signature) lives in buffers that are
 * wiped before they are released.
 */
#include "sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <slsrt/common.h>

#include "crypto.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define MAX_PRESIGN 604800 /* seven days, SigV4's limit */

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

int slsrt__uri_encode(slsrt__buf *b, const char *s, size_t len, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    if (slsrt__buf_reserve(b, len * 3))
        return SLSRT_ENOMEM;
    char *o = b->data + b->len;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c) || (keep_slash && c == '/')) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
    return SLSRT_OK;
}

void slsrt__amz_date(long long t, char out[17])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static int valid_timestamp(const char *ts)
{
    if (!ts || strlen(ts) != 16 || ts[8] != 'T' || ts[15] != 'Z')
        return 0;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (ts[i] < '0' || ts[i] > '9'))
            return 0;
    return 1;
}

/* ---- the path ----------------------------------------------------------- */

/*
 * Every service but S3: drop empty and "." segments, resolve "..", keep a
 * leading and a trailing slash, then encode the path as sent once more
 * (so "%20" becomes "%2520": the path is encoded twice).
 */
static int append_normalized_path(slsrt__buf *b, const char *path, int normalize)
{
    if (!normalize)
        return slsrt__uri_encode(b, path, strlen(path), 1);
    size_t len = strlen(path);
    size_t *starts = malloc((len / 2 + 1) * sizeof *starts);
    size_t *lens = malloc((len / 2 + 1) * sizeof *lens);
    int rc = SLSRT_ENOMEM;
    if (!starts || !lens)
        goto out;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        size_t seg = j - i;
        if (seg == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (n)
                n--;
        } else if (seg && !(seg == 1 && path[i] == '.')) {
            starts[n] = i;
            lens[n++] = seg;
        }
        i = j + 1;
    }
    rc = SLSRT_OK;
    if (path[0] == '/')
        rc |= slsrt__buf_append(b, "/", 1);
    for (size_t k = 0; k < n && !rc; k++) {
        if (k)
            rc |= slsrt__buf_append(b, "/", 1);
        rc |= slsrt__uri_encode(b, path + starts[k], lens[k], 0);
    }
    if (n && len && path[len - 1] == '/')
        rc |= slsrt__buf_append(b, "/", 1);
    rc = rc ? SLSRT_ENOMEM : SLSRT_OK;
out:
    free(starts);
    free(lens);
    return rc;
}

static int append_path(slsrt__buf *b, const slsrt__sigv4_req *r)
{
    const char *path = r->path && r->path[0] ? r->path : "/";
    if (r->s3)
        return slsrt__buf_append_str(b, path);
    size_t before = b->len;
    int rc = append_normalized_path(b, path, !r->no_normalize);
    if (!rc && b->len == before)
        rc = slsrt__buf_append(b, "/", 1);
    return rc;
}

/* ---- the query ---------------------------------------------------------- */

typedef struct encoded_pair {
    char *name, *value; /* encoded */
} encoded_pair;

static int cmp_pair(const void *a, const void *b)
{
    const encoded_pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

static char *encode_dup(const char *s)
{
    slsrt__buf b = {0};
    if (slsrt__uri_encode(&b, s ? s : "", s ? strlen(s) : 0, 0) || (!b.data && slsrt__buf_reserve(&b, 0)))
        return NULL;
    return b.data;
}

/* The sorted, encoded query: the caller's pairs plus the presign ones. */
static int append_query(slsrt__buf *b, const slsrt__kv *extra, size_t nextra, const slsrt__sigv4_req *r)
{
    size_t n = r->nquery + nextra;
    if (!n)
        return SLSRT_OK;
    encoded_pair *p = calloc(n, sizeof *p);
    if (!p)
        return SLSRT_ENOMEM;
    int rc = SLSRT_OK;
    for (size_t i = 0; i < n; i++) {
        const slsrt__kv *kv = i < r->nquery ? &r->query[i] : &extra[i - r->nquery];
        if (!(p[i].name = encode_dup(kv->name)) || !(p[i].value = encode_dup(kv->value)))
            rc = SLSRT_ENOMEM;
    }
    if (!rc)
        qsort(p, n, sizeof *p, cmp_pair);
    for (size_t i = 0; i < n && !rc; i++) {
        if (i)
            rc |= slsrt__buf_append(b, "&", 1);
        rc |= slsrt__buf_append_str(b, p[i].name);
        rc |= slsrt__buf_append(b, "=", 1);
        rc |= slsrt__buf_append_str(b, p[i].value);
    }
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].value);
    }
    free(p);
    return rc ? SLSRT_ENOMEM : SLSRT_OK;
}

/* ---- the headers -------------------------------------------------------- */

typedef struct header {
    char *name; /* lowercase */
    const char *value;
    size_t order; /* repeats keep the order they were given in */
} header;

static int cmp_header(const void *a, const void *b)
{
    const header *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* Proxies and clients add or change these on the way: never signed. */
static int unsignable(const char *lname)
{
    static const char *const never[] = {"authorization", "cache-control", "connection", "expect", "from",
                                        "keep-alive", "max-forwards", "pragma", "referer", "te", "trailer",
                                        "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id"};
    for (size_t i = 0; i < sizeof never / sizeof *never; i++)
        if (!strcmp(lname, never[i]))
            return 1;
    return !strncmp(lname, "proxy-", 6) || !strncmp(lname, "sec-", 4);
}

/* The value trimmed, line breaks and runs of blanks made one space. */
static int append_header_value(slsrt__buf *b, const char *v)
{
    int pending_space = 0, rc = 0;
    size_t start = b->len;
    for (; *v; v++) {
        if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') {
            pending_space = 1;
            continue;
        }
        if (pending_space && b->len > start)
            rc |= slsrt__buf_append(b, " ", 1);
        pending_space = 0;
        rc |= slsrt__buf_append(b, v, 1);
    }
    return rc ? SLSRT_ENOMEM : SLSRT_OK;
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s);
    for (char *p = d; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return d;
}

static int set_by_signer(const char *lname, const slsrt__kv *gen, size_t ngen)
{
    if (!strcmp(lname, "x-amz-date"))
        return 1;
    for (size_t i = 0; i < ngen; i++)
        if (!strcmp(lname, gen[i].name))
            return 1;
    return 0;
}

/*
 * The headers to sign, sorted: the caller's (less the unsignable ones and
 * those the signer sets), host when missing, and the generated ones.
 */
static header *collect_headers(const slsrt__sigv4_req *r, const slsrt__kv *gen, size_t ngen, size_t *count)
{
    header *h = calloc(r->nheaders + ngen + 1, sizeof *h);
    if (!h)
        return NULL;
    size_t n = 0;
    int have_host = 0, failed = 0;
    for (size_t i = 0; i < r->nheaders + ngen; i++) {
        const slsrt__kv *kv = i < r->nheaders ? &r->headers[i] : &gen[i - r->nheaders];
        char *name = lower_dup(kv->name);
        if (!name) {
            failed = 1;
            break;
        }
        if (unsignable(name) || (i < r->nheaders && set_by_signer(name, gen, ngen))) {
            free(name);
            continue;
        }
        have_host |= !strcmp(name, "host");
        h[n].name = name;
        h[n].value = kv->value ? kv->value : "";
        h[n].order = i;
        n++;
    }
    if (!failed && !have_host) {
        if (!(h[n].name = strdup("host")))
            failed = 1;
        else {
            h[n].value = r->host ? r->host : "";
            h[n].order = n;
            n++;
        }
    }
    if (failed) {
        for (size_t i = 0; i < n; i++)
            free(h[i].name);
        free(h);
        return NULL;
    }
    qsort(h, n, sizeof *h, cmp_header);
    *count = n;
    return h;
}

/* "name:v1,v2\n" per distinct name into b; "a;b;c" into names. */
static int append_headers(slsrt__buf *b, slsrt__buf *names, const header *h, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        int repeat = i && !strcmp(h[i].name, h[i - 1].name);
        if (repeat) {
            rc |= slsrt__buf_append(b, ",", 1);
        } else {
            if (i) {
                rc |= slsrt__buf_append(b, "\n", 1);
                rc |= slsrt__buf_append(names, ";", 1);
            }
            rc |= slsrt__buf_append_str(b, h[i].name);
            rc |= slsrt__buf_append(b, ":", 1);
            rc |= slsrt__buf_append_str(names, h[i].name);
        }
        rc |= append_header_value(b, h[i].value);
    }
    rc |= slsrt__buf_append(b, "\n", 1);
    return rc ? SLSRT_ENOMEM : SLSRT_OK;
}

static void free_headers(header *h, size_t n)
{
    for (size_t i = 0; h && i < n; i++)
        free(h[i].name);
    free(h);
}

/* ---- the signature ------------------------------------------------------ */

static int derive_key(const slsrt__sigv4_req *r, unsigned char key[SLSRT__SHA256_LEN])
{
    size_t slen = strlen(r->secret_key);
    char *secret = malloc(slen + 5);
    if (!secret)
        return SLSRT_ENOMEM;
    memcpy(secret, "AWS4", 4);
    memcpy(secret + 4, r->secret_key, slen + 1);
    int rc = slsrt__hmac_sha256(secret, slen + 4, r->timestamp, 8, key);
    explicit_bzero(secret, slen + 4);
    free(secret);
    rc = rc ? rc : slsrt__hmac_sha256(key, SLSRT__SHA256_LEN, r->region, strlen(r->region), key);
    rc = rc ? rc : slsrt__hmac_sha256(key, SLSRT__SHA256_LEN, r->service, strlen(r->service), key);
    rc = rc ? rc : slsrt__hmac_sha256(key, SLSRT__SHA256_LEN, "aws4_request", 12, key);
    return rc;
}

static const char *check(const slsrt__sigv4_req *r)
{
    if (!r->method || !r->method[0])
        return "a method is required";
    if (!r->region || !r->region[0] || !r->service || !r->service[0])
        return "a region and a service are required";
    if (!r->access_key || !r->access_key[0] || !r->secret_key || !r->secret_key[0])
        return "an access key and a secret key are required";
    if (!valid_timestamp(r->timestamp))
        return "the timestamp must read YYYYMMDDTHHMMSSZ";
    if (r->presign_expires < 0 || r->presign_expires > MAX_PRESIGN)
        return "presign_expires must be 1 to 604800 seconds";
    if (strchr(r->region, '/') || strchr(r->service, '/'))
        return "the region and service cannot hold '/'";
    return NULL;
}

static int payload_hash(const slsrt__sigv4_req *r, char out[65])
{
    if (r->unsigned_payload || (r->s3 && r->presign_expires)) {
        strcpy(out, "UNSIGNED-PAYLOAD");
        return SLSRT_OK;
    }
    if (!r->body_len) {
        strcpy(out, EMPTY_SHA256);
        return SLSRT_OK;
    }
    unsigned char digest[SLSRT__SHA256_LEN];
    int rc = slsrt__sha256(r->body, r->body_len, digest);
    if (!rc)
        slsrt__hex(digest, sizeof digest, out);
    return rc;
}

static int build(const slsrt__sigv4_req *r, slsrt__sigv4_out *o)
{
    char scope[256];
    snprintf(scope, sizeof scope, "%.8s/%s/%s/aws4_request", r->timestamp, r->region, r->service);
    memcpy(o->amz_date, r->timestamp, 17);
    int rc = payload_hash(r, o->payload_hash);
    if (rc)
        return rc;
    int token_signed = r->token && r->token[0] && !r->omit_token;

    /* What the signer adds: headers, or query parameters when presigning. */
    slsrt__kv gen[3];
    size_t ngen = 0;
    slsrt__kv extra[6];
    size_t nextra = 0;
    slsrt__buf credential = {0}, signed_names = {0};
    if (slsrt__buf_append_str(&credential, r->access_key) || slsrt__buf_append(&credential, "/", 1) ||
        slsrt__buf_append_str(&credential, scope))
        return SLSRT_ENOMEM;
    char expires[24];
    if (r->presign_expires) {
        snprintf(expires, sizeof expires, "%ld", r->presign_expires);
        extra[nextra++] = (slsrt__kv){"X-Amz-Algorithm", ALGORITHM};
        extra[nextra++] = (slsrt__kv){"X-Amz-Credential", credential.data};
        extra[nextra++] = (slsrt__kv){"X-Amz-Date", o->amz_date};
        extra[nextra++] = (slsrt__kv){"X-Amz-Expires", expires};
        if (token_signed)
            extra[nextra++] = (slsrt__kv){"X-Amz-Security-Token", r->token};
    } else {
        o->add_content_sha256 = r->s3 || r->unsigned_payload || r->content_sha256_header;
        o->add_token = r->token && r->token[0];
        gen[ngen++] = (slsrt__kv){"x-amz-date", o->amz_date};
        if (token_signed)
            gen[ngen++] = (slsrt__kv){"x-amz-security-token", r->token};
        if (o->add_content_sha256)
            gen[ngen++] = (slsrt__kv){"x-amz-content-sha256", o->payload_hash};
    }

    size_t nh = 0;
    header *h = collect_headers(r, gen, ngen, &nh);
    slsrt__buf *cr = &o->canonical_request;
    slsrt__buf headers = {0};
    rc = h ? append_headers(&headers, &signed_names, h, nh) : SLSRT_ENOMEM;
    free_headers(h, nh);
    if (!rc && r->presign_expires)
        extra[nextra++] = (slsrt__kv){"X-Amz-SignedHeaders", signed_names.data};

    if (!rc) {
        rc |= slsrt__buf_append_str(cr, r->method);
        rc |= slsrt__buf_append(cr, "\n", 1);
        rc |= append_path(cr, r);
        rc |= slsrt__buf_append(cr, "\n", 1);
        size_t q = cr->len;
        rc |= append_query(cr, extra, nextra, r);
        if (!rc && r->presign_expires)
            rc |= slsrt__buf_append(&o->query, cr->data + q, cr->len - q);
        rc |= slsrt__buf_append(cr, "\n", 1);
        rc |= slsrt__buf_append(cr, headers.data, headers.len);
        rc |= slsrt__buf_append(cr, "\n", 1);
        rc |= slsrt__buf_append_str(cr, signed_names.data);
        rc |= slsrt__buf_append(cr, "\n", 1);
        rc |= slsrt__buf_append_str(cr, o->payload_hash);
        rc = rc ? SLSRT_ENOMEM : SLSRT_OK;
    }

    unsigned char digest[SLSRT__SHA256_LEN], key[SLSRT__SHA256_LEN];
    char hex[65];
    rc = rc ? rc : slsrt__sha256(cr->data, cr->len, digest);
    if (!rc) {
        slsrt__hex(digest, sizeof digest, hex);
        slsrt__buf *sts = &o->string_to_sign;
        rc |= slsrt__buf_append_str(sts, ALGORITHM "\n");
        rc |= slsrt__buf_append_str(sts, o->amz_date);
        rc |= slsrt__buf_append(sts, "\n", 1);
        rc |= slsrt__buf_append_str(sts, scope);
        rc |= slsrt__buf_append(sts, "\n", 1);
        rc |= slsrt__buf_append_str(sts, hex);
        rc = rc ? SLSRT_ENOMEM : SLSRT_OK;
    }
    rc = rc ? rc : derive_key(r, key);
    rc = rc ? rc : slsrt__hmac_sha256(key, sizeof key, o->string_to_sign.data, o->string_to_sign.len, digest);
    explicit_bzero(key, sizeof key);
    if (!rc) {
        slsrt__hex(digest, sizeof digest, o->signature);
        if (r->presign_expires) {
            if (r->token && r->token[0] && r->omit_token) {
                rc |= slsrt__buf_append_str(&o->query, "&X-Amz-Security-Token=");
                rc |= slsrt__uri_encode(&o->query, r->token, strlen(r->token), 0);
            }
            rc |= slsrt__buf_append_str(&o->query, "&X-Amz-Signature=");
            rc |= slsrt__buf_append_str(&o->query, o->signature);
        } else {
            rc |= slsrt__buf_append_str(&o->authorization, ALGORITHM " Credential=");
            rc |= slsrt__buf_append_str(&o->authorization, credential.data);
            rc |= slsrt__buf_append_str(&o->authorization, ", SignedHeaders=");
            rc |= slsrt__buf_append_str(&o->authorization, signed_names.data);
            rc |= slsrt__buf_append_str(&o->authorization, ", Signature=");
            rc |= slsrt__buf_append_str(&o->authorization, o->signature);
        }
        rc = rc ? SLSRT_ENOMEM : SLSRT_OK;
    }
    slsrt__buf_free(&credential);
    slsrt__buf_free(&signed_names);
    slsrt__buf_free(&headers);
    return rc;
}

int slsrt__sigv4_sign(const slsrt__sigv4_req *r, slsrt__sigv4_out *out, const char **why)
{
    memset(out, 0, sizeof *out);
    const char *bad = check(r);
    if (bad) {
        if (why)
            *why = bad;
        return SLSRT_EINVAL;
    }
    int rc = build(r, out);
    if (rc == SLSRT_ENOTFOUND && why)
        slsrt__crypto_load(why);
    if (rc)
        slsrt__sigv4_out_free(out);
    return rc;
}

static void wipe(slsrt__buf *b)
{
    if (b->data)
        explicit_bzero(b->data, b->cap);
    slsrt__buf_free(b);
}

void slsrt__sigv4_out_free(slsrt__sigv4_out *out)
{
    wipe(&out->canonical_request);
    wipe(&out->string_to_sign);
    wipe(&out->authorization);
    wipe(&out->query);
    explicit_bzero(out->signature, sizeof out->signature);
}
