/*
 * crypto.c - the few libcrypto calls SigV4 needs, resolved with dlopen.
 *
 * Linking libcrypto would put OpenSSL's start-up (and, on Debian, versioned
 * symbol needs Amazon Linux cannot satisfy) on every function; dlopen defers
 * it to the first signature.  The prototypes are declared here from
 * OpenSSL 3's documented ABI, so building needs no OpenSSL headers.
 */
#include "crypto.h"

#include <dlfcn.h>
#include <pthread.h>

#include <slsrt/common.h>

typedef struct evp_md evp_md; /* EVP_MD, opaque */

static struct {
    const evp_md *(*evp_sha256)(void);
    unsigned char *(*hmac)(const evp_md *md, const void *key, int key_len, const unsigned char *data, size_t len,
                           unsigned char *out, unsigned int *out_len);
    int (*digest)(const void *data, size_t len, unsigned char *out, unsigned int *out_len, const evp_md *md,
                  void *engine);
    const evp_md *sha256, *md5;
    const char *why;
} ssl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
    /* OpenSSL 3 is what both Amazon Linux 2023 and Debian 12 ship. */
    void *h = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        ssl.why = "libcrypto.so.3 (OpenSSL 3) could not be loaded";
        return;
    }
    *(void **)&ssl.evp_sha256 = dlsym(h, "EVP_sha256");
    *(void **)&ssl.hmac = dlsym(h, "HMAC");
    *(void **)&ssl.digest = dlsym(h, "EVP_Digest");
    const evp_md *(*evp_md5)(void);
    *(void **)&evp_md5 = dlsym(h, "EVP_md5");
    ssl.md5 = evp_md5 ? evp_md5() : NULL; /* durable operation ids; a FIPS build lacks it */
    if (!ssl.evp_sha256 || !ssl.hmac || !ssl.digest || !(ssl.sha256 = ssl.evp_sha256())) {
        ssl.why = "libcrypto.so.3 lacks EVP_sha256, HMAC or EVP_Digest";
        ssl.hmac = NULL;
    }
}

int slsrt__crypto_load(const char **why)
{
    pthread_once(&load_once, load);
    if (ssl.hmac)
        return SLSRT_OK;
    if (why)
        *why = ssl.why;
    return SLSRT_ENOTFOUND;
}

int slsrt__sha256(const void *data, size_t len, unsigned char out[SLSRT__SHA256_LEN])
{
    if (slsrt__crypto_load(NULL))
        return SLSRT_ENOTFOUND;
    unsigned int n = 0;
    return ssl.digest(len ? data : "", len, out, &n, ssl.sha256, NULL) == 1 ? SLSRT_OK : SLSRT_ENOMEM;
}

int slsrt__md5(const void *data, size_t len, unsigned char out[SLSRT__MD5_LEN])
{
    if (slsrt__crypto_load(NULL) || !ssl.md5)
        return SLSRT_ENOTFOUND;
    unsigned int n = 0;
    return ssl.digest(len ? data : "", len, out, &n, ssl.md5, NULL) == 1 ? SLSRT_OK : SLSRT_ENOMEM;
}

int slsrt__hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                       unsigned char out[SLSRT__SHA256_LEN])
{
    if (slsrt__crypto_load(NULL))
        return SLSRT_ENOTFOUND;
    if (key_len > 1024)
        return SLSRT_EINVAL;
    unsigned int n = 0;
    return ssl.hmac(ssl.sha256, key, (int)key_len, len ? data : (const void *)"", len, out, &n) ? SLSRT_OK
                                                                                               : SLSRT_ENOMEM;
}

void slsrt__hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}
