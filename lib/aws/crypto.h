/* crypto.h - SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, loaded on
 * first use so a function that never signs never maps it (private). */
#ifndef SLSRT_CRYPTO_H
#define SLSRT_CRYPTO_H

#include <stddef.h>

#define SLSRT__SHA256_LEN 32
#define SLSRT__MD5_LEN 16

/*
 * Load libcrypto (once per process; thread-safe).  0, or SLSRT_ENOTFOUND
 * with a reason in why (static) when it cannot be loaded.
 */
int slsrt__crypto_load(const char **why);

/* These load libcrypto if needed; 0 or SLSRT_ENOTFOUND / SLSRT_ENOMEM. */
int slsrt__sha256(const void *data, size_t len, unsigned char out[SLSRT__SHA256_LEN]);
/* MD5: not for security, for the ids durable operations share with AWS's SDKs. */
int slsrt__md5(const void *data, size_t len, unsigned char out[SLSRT__MD5_LEN]);
int slsrt__hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                       unsigned char out[SLSRT__SHA256_LEN]);

/* Lowercase hex of n bytes into out (2n + 1 bytes). */
void slsrt__hex(const unsigned char *in, size_t n, char *out);

#endif
