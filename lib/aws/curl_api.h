/* curl_api.h - the libcurl calls slsrt makes, resolved with dlopen on first
 * use (private).  The option numbers are libcurl's stable ABI (curl.h);
 * tests/unit/test_aws.c checks them against curl.h where it is installed. */
#ifndef SLSRT_CURL_API_H
#define SLSRT_CURL_API_H

#include <stddef.h>

typedef void CURL;
/* curl.h's public list type: slsrt wipes the header strings it held. */
struct slsrt__curl_slist {
    char *data;
    struct slsrt__curl_slist *next;
};

enum {
    SLSRT__CURLOPT_WRITEDATA = 10001,
    SLSRT__CURLOPT_URL = 10002,
    SLSRT__CURLOPT_ERRORBUFFER = 10010,
    SLSRT__CURLOPT_WRITEFUNCTION = 20011,
    SLSRT__CURLOPT_POSTFIELDS = 10015,
    SLSRT__CURLOPT_HTTPHEADER = 10023,
    SLSRT__CURLOPT_HEADERDATA = 10029,
    SLSRT__CURLOPT_CUSTOMREQUEST = 10036,
    SLSRT__CURLOPT_NOBODY = 44,
    SLSRT__CURLOPT_CAINFO = 10065,
    SLSRT__CURLOPT_HEADERFUNCTION = 20079,
    SLSRT__CURLOPT_HTTPGET = 80,
    SLSRT__CURLOPT_NOSIGNAL = 99,
    SLSRT__CURLOPT_POSTFIELDSIZE_LARGE = 30120,
    SLSRT__CURLOPT_TIMEOUT_MS = 155,
    SLSRT__CURLOPT_CONNECTTIMEOUT_MS = 156,
    SLSRT__CURLOPT_TCP_KEEPALIVE = 213,
    SLSRT__CURLOPT_PATH_AS_IS = 234,
    SLSRT__CURLOPT_PROTOCOLS_STR = 10318,
    SLSRT__CURLINFO_RESPONSE_CODE = 0x200002,
    SLSRT__CURL_GLOBAL_DEFAULT = 3,
};

/* CURLcode values slsrt tells apart: the rest are failures too. */
enum {
    SLSRT__CURLE_OK = 0,
    SLSRT__CURLE_COULDNT_CONNECT = 7,
    SLSRT__CURLE_PARTIAL_FILE = 18,
    SLSRT__CURLE_WRITE_ERROR = 23,
    SLSRT__CURLE_OPERATION_TIMEDOUT = 28,
    SLSRT__CURLE_GOT_NOTHING = 52,
    SLSRT__CURLE_SEND_ERROR = 55,
    SLSRT__CURLE_RECV_ERROR = 56,
};

typedef struct slsrt__curl {
    CURL *(*easy_init)(void);
    int (*easy_setopt)(CURL *, int option, ...);
    int (*easy_perform)(CURL *);
    int (*easy_getinfo)(CURL *, int info, ...);
    void (*easy_reset)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(int code);
    struct slsrt__curl_slist *(*slist_append)(struct slsrt__curl_slist *, const char *);
    void (*slist_free_all)(struct slsrt__curl_slist *);
} slsrt__curl;

/* libcurl, loaded and initialized once; NULL with a static reason in *why. */
const slsrt__curl *slsrt__curl_load(const char **why);
/* The CA bundle to trust: SSL_CERT_FILE, or where Amazon Linux or Debian
 * keeps it; NULL leaves libcurl's built-in default. */
const char *slsrt__ca_bundle(void);

#endif
