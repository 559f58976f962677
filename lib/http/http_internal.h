/* http_internal.h - the HTTP request's insides, shared with the router (private). */
#ifndef SLSRT_HTTP_INTERNAL_H
#define SLSRT_HTTP_INTERNAL_H

#include <slsrt/doc.h>
#include <slsrt/http.h>

#include "util/buf.h"
#include "util/json_index.h"

struct slsrt__pair {
    const char *name, *value;
};

typedef struct slsrt__pairs {
    struct slsrt__pair *items;
    size_t n, cap;
} slsrt__pairs;

int slsrt__pairs_add(slsrt__pairs *p, const char *name, const char *value);
const char *slsrt__pairs_get(const slsrt__pairs *p, const char *name, int nocase);

struct slsrt_http_request {
    /* The event's tokens: the strings below point into their arena.  Its
     * jansson tree is given (slsrt_http_request_parse) or, for the
     * invocation's request, built only when asked for (slsrt_http_event). */
    const slsrt_doc *doc; /* the invocation's, or own */
    slsrt_doc *own;
    const slsrt__json_index *x; /* doc's */
    const json_t *event;
    slsrt_invocation *inv;
    uint32_t stage_vars, authorizer_token; /* tokens, 0 when absent */
    json_t *authorizer;                    /* built from its token when asked for */
    slsrt_event_source source;
    const char *method, *path, *raw_path, *source_ip, *user_agent, *request_id;
    const char *connection_id, *route_key, *ws_event;
    const char *body;
    size_t body_len;
    int base64, alb_multi;
    int bad_body; /* isBase64Encoded, but not base64: answered 400 by the router */
    int encoded_nul; /* %00 in the path or the query: answered 400 by the router */
    slsrt__pairs query, headers, cookies, params;
    slsrt__pairs route_params; /* captured by the router */
    char **owned; /* strings slsrt decoded or copied */
    size_t nowned, capowned;
};

struct slsrt_http_response {
    int status;
    slsrt__pairs headers, cookies; /* owned copies */
    slsrt__buf body;
    char *content_type;
    int binary; /* sent base64 */
};

/* cors.c: a preflight answered (new), or NULL when req is not one; and the
 * headers an allowed origin's response carries. */
typedef struct slsrt__cors slsrt__cors;
slsrt_http_response *slsrt__cors_preflight(const slsrt__cors *c, const slsrt_http_request *req);
void slsrt__cors_headers(const slsrt__cors *c, const slsrt_http_request *req, slsrt_http_response *resp);
slsrt__cors *slsrt__cors_new(const slsrt_cors *config);
void slsrt__cors_free(slsrt__cors *c);

/* compress.c: gzip resp's body when req accepts it and it is at least min_bytes. */
void slsrt__http_compress(const slsrt_http_request *req, slsrt_http_response *resp, size_t min_bytes);

/* A request over an event's text (borrowed: it must outlive the request);
 * NULL with *status SLSRT_EINVAL when the text is not an HTTP event, or
 * SLSRT_EJSON when slsrt's reader does not take it. */
slsrt_http_request *slsrt__http_request_from_text(const char *text, size_t len, slsrt_status *status);

/* Keep s (malloc'd) for the request's lifetime; returns s, or NULL (s freed). */
char *slsrt__http_own(slsrt_http_request *r, char *s);

#endif
