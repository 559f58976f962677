/*
 * test_sigv4.c - the SigV4 signer against the AWS SigV4 test suite
 * (../shared/fixtures/sigv4/v4, header and query mode, when the folder is
 * there) and against this repo's own cases in tests/sigv4/ (signed
 * independently with @smithy/signature-v4 by tests/sigv4/make-cases.mjs).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include <slsrt/common.h>

#include "harness.h"
#include "aws/sigv4.h"
#include "util/url.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    s[fread(s, 1, (size_t)n, f)] = '\0';
    fclose(f);
    return s;
}

/* One request.txt: "METHOD path?query HTTP/1.1", headers (a line starting
 * with blanks continues the previous one), a blank line, the body. */
struct parsed {
    char *text;
    const char *method, *path;
    slsrt__kv query[16], headers[16];
    size_t nquery, nheaders;
    const char *body;
};

static void parse_query(struct parsed *p, char *q)
{
    for (char *part = strtok(q, "&"); part; part = strtok(NULL, "&")) {
        char *eq = strchr(part, '=');
        if (eq)
            *eq++ = '\0';
        slsrt__url_decode(part, strlen(part), part, 0);
        if (eq)
            slsrt__url_decode(eq, strlen(eq), eq, 0);
        p->query[p->nquery++] = (slsrt__kv){part, eq ? eq : ""};
    }
}

static void parse_request(struct parsed *p, const char *file)
{
    memset(p, 0, sizeof *p);
    p->text = slurp(file);
    ck_assert_ptr_nonnull(p->text);
    char *line_end = strchr(p->text, '\n');
    *line_end = '\0';
    char *sp = strchr(p->text, ' ');
    *sp = '\0';
    p->method = p->text;
    p->path = sp + 1;
    *strrchr(sp + 1, ' ') = '\0'; /* " HTTP/1.1"; the path itself may hold spaces */
    char *q = strchr(sp + 1, '?');
    if (q) {
        *q = '\0';
        parse_query(p, q + 1);
    }
    char *s = line_end + 1;
    while (*s && *s != '\n') {
        char *end = strchr(s, '\n');
        while (end && (end[1] == ' ' || end[1] == '\t'))
            end = strchr(end + 1, '\n'); /* a folded value: the signer unfolds it */
        if (end)
            *end = '\0';
        char *colon = strchr(s, ':');
        *colon = '\0';
        p->headers[p->nheaders++] = (slsrt__kv){s, colon + 1};
        s = end ? end + 1 : s + strlen(s);
    }
    p->body = *s == '\n' ? s + 1 : "";
}

static void expect_file(const char *dir, const char *name, const char *got, const char *label)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *want = slurp(path);
    ck_assert_msg(want != NULL, "%s missing", path);
    size_t n = strlen(want);
    while (n && want[n - 1] == '\n')
        want[--n] = '\0';
    ck_assert_msg(strcmp(got, want) == 0, "%s: %s\n--- got\n%s\n--- want\n%s", dir, label, got, want);
    free(want);
}

static int sign_fixture(const char *dir, int presign)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/context.json", dir);
    json_error_t err;
    json_t *ctx = json_load_file(path, 0, &err);
    ck_assert_ptr_nonnull(ctx);
    snprintf(path, sizeof path, "%s/request.txt", dir);
    struct parsed p;
    parse_request(&p, path);

    json_t *creds = json_object_get(ctx, "credentials");
    const char *ts = json_string_value(json_object_get(ctx, "timestamp")); /* 2015-08-30T12:36:00Z */
    char stamp[17];
    snprintf(stamp, sizeof stamp, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", ts, ts + 5, ts + 8, ts + 11, ts + 14, ts + 17);
    slsrt__sigv4_req r = {
        .method = p.method, .path = p.path, .query = p.query, .nquery = p.nquery,
        .headers = p.headers, .nheaders = p.nheaders, .body = p.body, .body_len = strlen(p.body),
        .region = json_string_value(json_object_get(ctx, "region")),
        .service = json_string_value(json_object_get(ctx, "service")),
        .access_key = json_string_value(json_object_get(creds, "access_key_id")),
        .secret_key = json_string_value(json_object_get(creds, "secret_access_key")),
        .token = json_string_value(json_object_get(creds, "token")), .timestamp = stamp,
        .content_sha256_header = json_is_true(json_object_get(ctx, "sign_body")),
        .omit_token = json_is_true(json_object_get(ctx, "omit_session_token")),
        .presign_expires = presign ? (long)json_integer_value(json_object_get(ctx, "expiration_in_seconds")) : 0,
        .no_normalize = json_is_false(json_object_get(ctx, "normalize")),
    };
    slsrt__sigv4_out o;
    const char *why = NULL;
    ck_assert_msg(slsrt__sigv4_sign(&r, &o, &why) == 0, "%s: %s", dir, why);
    const char *mode = presign ? "query" : "header";
    char name[64];
    snprintf(name, sizeof name, "%s-canonical-request.txt", mode);
    expect_file(dir, name, o.canonical_request.data, "canonical request");
    snprintf(name, sizeof name, "%s-string-to-sign.txt", mode);
    expect_file(dir, name, o.string_to_sign.data, "string to sign");
    snprintf(name, sizeof name, "%s-signature.txt", mode);
    expect_file(dir, name, o.signature, "signature");
    slsrt__sigv4_out_free(&o);
    free(p.text);
    json_decref(ctx);
    return 1;
}

START_TEST(aws_suite_header_and_query)
{
    const char *fx = fixtures_dir();
    if (!fx) {
        printf("aws_suite_header_and_query: skipped (no ../shared/fixtures)\n");
        return;
    }
    char root[1100];
    snprintf(root, sizeof root, "%s/sigv4/v4", fx);
    DIR *d = opendir(root);
    ck_assert_ptr_nonnull(d);
    int cases = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char dir[1400];
        snprintf(dir, sizeof dir, "%s/%s", root, e->d_name);
        cases += sign_fixture(dir, 0) && sign_fixture(dir, 1);
    }
    closedir(d);
    printf("aws_suite_header_and_query: %d cases, header and query mode\n", cases);
    ck_assert_int_ge(cases, 38);
}
END_TEST

/* tests/sigv4/<name>.json: {"request": slsrt-sign input, "expect": {...}}. */
static slsrt__kv *kv_array(json_t *arr, size_t *n)
{
    *n = json_array_size(arr);
    slsrt__kv *kv = calloc(*n + 1, sizeof *kv);
    for (size_t i = 0; i < *n; i++) {
        kv[i].name = json_string_value(json_array_get(json_array_get(arr, i), 0));
        kv[i].value = json_string_value(json_array_get(json_array_get(arr, i), 1));
    }
    return kv;
}

START_TEST(own_cases)
{
    DIR *d = opendir("tests/sigv4");
    ck_assert_ptr_nonnull(d);
    int cases = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strstr(e->d_name, ".json"))
            continue;
        char path[600];
        snprintf(path, sizeof path, "tests/sigv4/%s", e->d_name);
        json_error_t err;
        json_t *c = json_load_file(path, 0, &err);
        ck_assert_msg(c != NULL, "%s: %s", path, err.text);
        json_t *in = json_object_get(c, "request"), *want = json_object_get(c, "expect");
#define S(k) json_string_value(json_object_get(in, k))
        slsrt__sigv4_req r = {
            .method = S("method"), .host = S("host"), .path = S("path"), .region = S("region"),
            .service = S("service"), .access_key = S("access_key"), .secret_key = S("secret_key"),
            .token = S("token"), .timestamp = S("timestamp"), .body = S("body"),
            .body_len = S("body") ? strlen(S("body")) : 0,
            .presign_expires = (long)json_integer_value(json_object_get(in, "presign_expires")),
            .s3 = json_is_true(json_object_get(in, "s3")),
            .unsigned_payload = json_is_true(json_object_get(in, "unsigned_payload")),
        };
#undef S
        slsrt__kv *q = (slsrt__kv *)(r.query = kv_array(json_object_get(in, "query"), &r.nquery));
        slsrt__kv *h = (slsrt__kv *)(r.headers = kv_array(json_object_get(in, "headers"), &r.nheaders));
        slsrt__sigv4_out o;
        const char *why = NULL;
        ck_assert_msg(slsrt__sigv4_sign(&r, &o, &why) == 0, "%s: %s", path, why);
        ck_assert_msg(!strcmp(o.canonical_request.data, json_string_value(json_object_get(want, "canonical_request"))),
                      "%s: canonical request\n%s", path, o.canonical_request.data);
        ck_assert_str_eq(o.string_to_sign.data, json_string_value(json_object_get(want, "string_to_sign")));
        ck_assert_str_eq(o.signature, json_string_value(json_object_get(want, "signature")));
        slsrt__sigv4_out_free(&o);
        free(q);
        free(h);
        json_decref(c);
        cases++;
    }
    closedir(d);
    ck_assert_int_ge(cases, 8);
}
END_TEST

static slsrt__sigv4_req base(void)
{
    return (slsrt__sigv4_req){.method = "GET", .host = "example.amazonaws.com", .path = "/", .region = "us-east-1",
                              .service = "service", .access_key = "AKIDEXAMPLE", .secret_key = "secret",
                              .timestamp = "20150830T123600Z"};
}

START_TEST(bad_input_is_refused_without_quoting_secrets)
{
    const char *why;
    slsrt__sigv4_out o;
    slsrt__sigv4_req r = base();
    r.timestamp = "2015-08-30T12:36:00Z";
    ck_assert_int_eq(slsrt__sigv4_sign(&r, &o, &why), SLSRT_EINVAL);
    ck_assert_str_eq(why, "the timestamp must read YYYYMMDDTHHMMSSZ");
    r = base();
    r.secret_key = "";
    ck_assert_int_eq(slsrt__sigv4_sign(&r, &o, &why), SLSRT_EINVAL);
    r = base();
    r.presign_expires = 604801;
    ck_assert_int_eq(slsrt__sigv4_sign(&r, &o, &why), SLSRT_EINVAL);
    ck_assert(strstr(why, "604800") != NULL);
    r = base();
    r.region = "us-east-1/x";
    ck_assert_int_eq(slsrt__sigv4_sign(&r, &o, &why), SLSRT_EINVAL);
}
END_TEST

static int starts_with(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

START_TEST(never_signed_headers_and_service_rules)
{
    slsrt__kv h[] = {{"User-Agent", "slsrt"}, {"X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"},
                     {"Expect", "100-continue"}, {"X-Custom", "  a \t b  "}};
    slsrt__sigv4_req r = base();
    r.headers = h;
    r.nheaders = 4;
    r.path = "/a%20b/./c//d/../e";
    slsrt__sigv4_out o;
    ck_assert(slsrt__sigv4_sign(&r, &o, NULL) == 0);
    ck_assert(strstr(o.canonical_request.data, "host;x-amz-date;x-custom\n") != NULL);
    ck_assert(strstr(o.canonical_request.data, "x-custom:a b\n") != NULL);
    ck_assert(starts_with(o.canonical_request.data, "GET\n/a%2520b/c/e\n"));
    slsrt__sigv4_out_free(&o);

    r.s3 = 1; /* as sent, and the payload hash signed as a header */
    ck_assert(slsrt__sigv4_sign(&r, &o, NULL) == 0);
    ck_assert(starts_with(o.canonical_request.data, "GET\n/a%20b/./c//d/../e\n"));
    ck_assert(strstr(o.canonical_request.data, "host;x-amz-content-sha256;x-amz-date;x-custom\n") != NULL);
    ck_assert(o.add_content_sha256);
    slsrt__sigv4_out_free(&o);

    r.unsigned_payload = 1;
    ck_assert(slsrt__sigv4_sign(&r, &o, NULL) == 0);
    ck_assert(strstr(o.canonical_request.data, "x-amz-content-sha256:UNSIGNED-PAYLOAD\n") != NULL);
    ck_assert_str_eq(o.payload_hash, "UNSIGNED-PAYLOAD");
    slsrt__sigv4_out_free(&o);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sigv4");
    TCase *tc = tcase_create("sigv4");
    tcase_add_test(tc, aws_suite_header_and_query);
    tcase_add_test(tc, own_cases);
    tcase_add_test(tc, bad_input_is_refused_without_quoting_secrets);
    tcase_add_test(tc, never_signed_headers_and_service_rules);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
