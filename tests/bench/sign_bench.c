/*
 * sign_bench.c - the cost of one SigV4 signature (a DynamoDB GetItem with a
 * session token), next to its floor: the same SHA-256 and HMAC calls
 * without building the canonical request.
 *   sign_bench sign|raw N    sign N times (for callgrind)
 *   sign_bench rate          signatures per second, both ways
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/crypto.h"
#include "aws/sigv4.h"

static const char body[] = "{\"TableName\":\"orders\",\"Key\":{\"id\":{\"S\":\"o-1\"}}}";
static const slsrt__kv headers[] = {{"Content-Type", "application/x-amz-json-1.0"},
                                    {"X-Amz-Target", "DynamoDB_20120810.GetItem"},
                                    {"User-Agent", "slsrt"}};

static void sign_once(void)
{
    slsrt__sigv4_req r = {.method = "POST", .host = "dynamodb.eu-west-1.amazonaws.com", .path = "/",
                          .headers = headers, .nheaders = 3, .body = body, .body_len = sizeof body - 1,
                          .region = "eu-west-1", .service = "dynamodb", .access_key = "ASIAEXAMPLEKEY",
                          .secret_key = "bench/secret+key/0123456789abcdefghij",
                          .token = "IQoJb3JpZ2luX2VjEXAMPLEsessiontokenIQoJb3JpZ2luX2VjEXAMPLE",
                          .timestamp = "20261121T090000Z"};
    slsrt__sigv4_out o;
    if (slsrt__sigv4_sign(&r, &o, NULL))
        abort();
    slsrt__sigv4_out_free(&o);
}

/* The crypto alone: body hash, canonical request hash, key derivation, signature. */
static void raw_once(void)
{
    unsigned char d[32], k[32];
    static const char cr[400] = "POST\n/\n\ncontent-type:...";
    slsrt__sha256(body, sizeof body - 1, d);
    slsrt__sha256(cr, sizeof cr, d);
    slsrt__hmac_sha256("AWS4bench/secret+key/0123456789abcdefghij", 40, "20261121", 8, k);
    slsrt__hmac_sha256(k, 32, "eu-west-1", 9, k);
    slsrt__hmac_sha256(k, 32, "dynamodb", 8, k);
    slsrt__hmac_sha256(k, 32, "aws4_request", 12, k);
    slsrt__hmac_sha256(k, 32, cr, 140, d);
}

static double rate(void (*f)(void))
{
    struct timespec a, b;
    long n = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do {
        for (int i = 0; i < 1000; i++)
            f();
        n += 1000;
        clock_gettime(CLOCK_MONOTONIC, &b);
    } while ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9 < 0.5);
    return n / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "rate")) {
        sign_once(); /* load libcrypto first */
        printf("%.0f %.0f\n", rate(sign_once), rate(raw_once));
        return 0;
    }
    if (argc != 3)
        return 2;
    void (*f)(void) = strcmp(argv[1], "raw") ? sign_once : raw_once;
    for (int i = 0, n = atoi(argv[2]); i < n; i++)
        f();
    return 0;
}
