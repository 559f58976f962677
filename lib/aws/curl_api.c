/*
 * curl_api.c - libcurl through dlopen.
 *
 * Linking libcurl costs every function ~30 shared libraries and 12 M
 * instructions before main, and on Debian records a CURL_OPENSSL_4 version
 * need Amazon Linux's libcurl cannot meet.  Loaded here on the first AWS
 * call instead, it costs nothing to a function that never makes one.
 */
#include "curl_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static slsrt__curl api;
static const char *load_error;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

#define RESOLVE(field, name) (*(void **)&api.field = dlsym(h, name))

static void load(void)
{
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        load_error = "libcurl.so.4 could not be loaded";
        return;
    }
    int (*global_init)(long) = NULL;
    *(void **)&global_init = dlsym(h, "curl_global_init");
    if (!RESOLVE(easy_init, "curl_easy_init") || !RESOLVE(easy_setopt, "curl_easy_setopt") ||
        !RESOLVE(easy_perform, "curl_easy_perform") || !RESOLVE(easy_getinfo, "curl_easy_getinfo") ||
        !RESOLVE(easy_reset, "curl_easy_reset") || !RESOLVE(easy_cleanup, "curl_easy_cleanup") ||
        !RESOLVE(easy_strerror, "curl_easy_strerror") || !RESOLVE(slist_append, "curl_slist_append") ||
        !RESOLVE(slist_free_all, "curl_slist_free_all") || !global_init) {
        load_error = "libcurl.so.4 lacks a curl_easy function slsrt needs";
        return;
    }
    /* Not thread-safe in old libcurl: pthread_once makes it run once. */
    if (global_init(SLSRT__CURL_GLOBAL_DEFAULT) != 0) {
        load_error = "curl_global_init failed";
        return;
    }
    load_error = NULL;
}

const slsrt__curl *slsrt__curl_load(const char **why)
{
    pthread_once(&load_once, load);
    if (api.slist_free_all && !load_error)
        return &api;
    if (why)
        *why = load_error ? load_error : "libcurl could not be loaded";
    return NULL;
}

static const char *ca_bundle;
static pthread_once_t ca_once = PTHREAD_ONCE_INIT;

/* Looked up once: the files do not move while a sandbox lives. */
static void find_ca_bundle(void)
{
    const char *env = getenv("SSL_CERT_FILE");
    if (env && *env && access(env, R_OK) == 0) {
        ca_bundle = env;
        return;
    }
    static const char *const known[] = {
        "/etc/pki/tls/certs/ca-bundle.crt",   /* Amazon Linux, Fedora */
        "/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu */
    };
    for (size_t i = 0; i < sizeof known / sizeof *known && !ca_bundle; i++)
        if (access(known[i], R_OK) == 0)
            ca_bundle = known[i];
}

const char *slsrt__ca_bundle(void)
{
    pthread_once(&ca_once, find_ca_bundle);
    return ca_bundle;
}
