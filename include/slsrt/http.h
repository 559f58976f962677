/*
 * slsrt/http.h - HTTP functions: one request type for API Gateway REST
 * (payload 1.0) and HTTP APIs (2.0), Application Load Balancers, Function
 * URLs and API Gateway WebSocket routes; one response builder that writes
 * what the invoking source expects; and a router.
 *
 *     static slsrt_http_response *get_post(slsrt_invocation *inv,
 *                                          slsrt_http_request *req, void *db)
 *     {
 *         const char *id = slsrt_http_path_param(req, "id");
 *         return slsrt_http_json(200, json_pack("{s:s}", "id", id));
 *     }
 *     ...
 *     slsrt_router_add(router, "GET", "/posts/{id}", get_post, db);
 *     return slsrt_router_handle(router, inv, res);   // in the handler
 *
 * Strings returned are borrowed from the request (valid while it lives);
 * header names are lower-case and compared without regard to case.
 */
#ifndef SLSRT_HTTP_H
#define SLSRT_HTTP_H

#include <jansson.h>
#include <slsrt/common.h>
#include <slsrt/events.h>
#include <slsrt/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The request ---------------------------------------------------------- */

typedef struct slsrt_http_request slsrt_http_request;

/*
 * The invocation's event as an HTTP request: parsed once, borrowed until the
 * handler returns.  NULL with *status (may be NULL) SLSRT_EINVAL when the
 * event is not from an HTTP source (or not JSON), SLSRT_ENOMEM.
 */
SLSRT_API slsrt_http_request *slsrt_invocation_http(slsrt_invocation *inv, slsrt_status *status);
/* Any event (borrowed; it must outlive the request).  New: free it with slsrt_http_request_free. */
SLSRT_API slsrt_http_request *slsrt_http_request_parse(const json_t *event, slsrt_status *status);
SLSRT_API void slsrt_http_request_free(slsrt_http_request *req);

/* SLSRT_SOURCE_APIGW_V1, _APIGW_V2, _ALB, _FUNCTION_URL or _WEBSOCKET. */
SLSRT_API slsrt_event_source slsrt_http_source(const slsrt_http_request *req);
/* "GET", ...; "" for WebSocket events without one. */
SLSRT_API const char *slsrt_http_method(const slsrt_http_request *req);
/* The path percent-decoded, and as it was sent.  API Gateway REST APIs only
 * give the decoded one: both are that. */
SLSRT_API const char *slsrt_http_path(const slsrt_http_request *req);
SLSRT_API const char *slsrt_http_raw_path(const slsrt_http_request *req);

/* Query parameters, decoded (ALB sends them encoded; slsrt decodes), in the
 * order sent, repeated names kept. */
SLSRT_API size_t slsrt_http_query_count(const slsrt_http_request *req);
SLSRT_API const char *slsrt_http_query_name(const slsrt_http_request *req, size_t i);
SLSRT_API const char *slsrt_http_query_value(const slsrt_http_request *req, size_t i);
/* The first value of a name; NULL when absent. */
SLSRT_API const char *slsrt_http_query(const slsrt_http_request *req, const char *name);

/* Headers: names lower-case, several values for a name kept apart where the
 * source does (payload 1.0 and ALB multi-value; payload 2.0 joins them with
 * commas). */
SLSRT_API size_t slsrt_http_header_count(const slsrt_http_request *req);
SLSRT_API const char *slsrt_http_header_name(const slsrt_http_request *req, size_t i);
SLSRT_API const char *slsrt_http_header_value(const slsrt_http_request *req, size_t i);
/* The first value of a header, any case; NULL when absent. */
SLSRT_API const char *slsrt_http_header(const slsrt_http_request *req, const char *name);

/* Cookies as "name=value": payload 2.0's cookies field, else the Cookie header. */
SLSRT_API size_t slsrt_http_cookie_count(const slsrt_http_request *req);
SLSRT_API const char *slsrt_http_cookie(const slsrt_http_request *req, size_t i);
/* The value of a cookie by name; NULL when absent. */
SLSRT_API const char *slsrt_http_cookie_value(const slsrt_http_request *req, const char *name);

/* Path parameters: the source's (API Gateway), then the router's captures. */
SLSRT_API const char *slsrt_http_path_param(const slsrt_http_request *req, const char *name);
SLSRT_API const char *slsrt_http_stage_variable(const slsrt_http_request *req, const char *name);

/* The body, base64-decoded when the source encoded it; *len may be NULL.
 * Never NULL: an absent body reads as "" of length 0.  NUL-terminated. */
SLSRT_API const char *slsrt_http_body(const slsrt_http_request *req, size_t *len);
/* 1 when the source sent the body base64-encoded. */
SLSRT_API int slsrt_http_body_was_base64(const slsrt_http_request *req);

SLSRT_API const char *slsrt_http_source_ip(const slsrt_http_request *req);
SLSRT_API const char *slsrt_http_user_agent(const slsrt_http_request *req);
/* requestContext.requestId (the caller's request id); NULL for ALB. */
SLSRT_API const char *slsrt_http_request_id(const slsrt_http_request *req);
/* requestContext.authorizer (borrowed; NULL when none): JWT claims under
 * jwt.claims, a Lambda authorizer's context under lambda (payload 2.0) or at
 * its top (1.0), IAM under iam. */
SLSRT_API const json_t *slsrt_http_authorizer(const slsrt_http_request *req);
/* JWT claims (payload 2.0 jwt.claims, or Cognito claims in 1.0); NULL when none. */
SLSRT_API const json_t *slsrt_http_jwt_claims(const slsrt_http_request *req);
/* WebSocket: connection id, route key ("$connect", "$default", ...), event type. */
SLSRT_API const char *slsrt_http_connection_id(const slsrt_http_request *req);
SLSRT_API const char *slsrt_http_route_key(const slsrt_http_request *req);
SLSRT_API const char *slsrt_http_websocket_event(const slsrt_http_request *req);
/* The whole event, for anything else. */
SLSRT_API const json_t *slsrt_http_event(const slsrt_http_request *req);

/* ---- The response ---------------------------------------------------------- */

typedef struct slsrt_http_response slsrt_http_response;

/* New response with a status (100-599); NULL when out of memory or the status is invalid. */
SLSRT_API slsrt_http_response *slsrt_http_response_new(int status);
SLSRT_API void slsrt_http_response_free(slsrt_http_response *resp);
/* Add a header (several values for a name are kept).  SLSRT_EINVAL when the
 * name is not a token or the value holds CR, LF or NUL: never emitted. */
SLSRT_API slsrt_status slsrt_http_response_header(slsrt_http_response *resp, const char *name, const char *value);
/* A Set-Cookie value ("id=1; Secure; HttpOnly"), same rules. */
SLSRT_API slsrt_status slsrt_http_response_cookie(slsrt_http_response *resp, const char *cookie);
/* The body, copied.  Sent as text for text types, JSON, XML, JavaScript and
 * form content types, base64 otherwise.  content_type NULL: text/plain. */
SLSRT_API slsrt_status slsrt_http_response_body(slsrt_http_response *resp, const void *data, size_t len,
                                                const char *content_type);
/* A JSON body (steals value; NULL returns SLSRT_ENOMEM), application/json. */
SLSRT_API slsrt_status slsrt_http_response_json(slsrt_http_response *resp, json_t *value);
/* slsrt_http_response_new + _json in one; NULL when either fails. */
SLSRT_API slsrt_http_response *slsrt_http_json(int status, json_t *value);
/* The response's status, and the first value of a header (case-insensitive;
 * borrowed; NULL when absent): for middleware that looks at what a route made. */
SLSRT_API int slsrt_http_response_status(const slsrt_http_response *resp);
SLSRT_API const char *slsrt_http_response_get_header(const slsrt_http_response *resp, const char *name);
/*
 * An RFC 9457 problem: {"type":"about:blank","title","status","detail"} as
 * application/problem+json (detail may be NULL).  New; NULL when out of memory.
 */
SLSRT_API slsrt_http_response *slsrt_http_problem(int status, const char *title, const char *detail);
/*
 * The request's body as JSON (a new reference).  When it is missing or not
 * JSON: NULL, and *problem (when not NULL) a 400 problem response (new) whose
 * detail says what is wrong and where (line, column, byte) -- return it.
 */
SLSRT_API json_t *slsrt_http_json_body(const slsrt_http_request *req, slsrt_http_response **problem);
/*
 * Answer the invocation with resp (freed, even on failure) in the shape the
 * request's source expects: payload 1.0 multiValueHeaders, 2.0 cookies, ALB
 * statusDescription and multi-value headers only when the request used
 * them, base64 for binary bodies.  Returns 0 or an SLSRT_E* status.
 */
SLSRT_API int slsrt_http_respond(slsrt_response *res, const slsrt_http_request *req, slsrt_http_response *resp);

/* ---- The router ------------------------------------------------------------ */

typedef struct slsrt_router slsrt_router;

/* A route: return the response (new; slsrt frees it), or NULL for a 500. */
typedef slsrt_http_response *(*slsrt_route_fn)(slsrt_invocation *inv, slsrt_http_request *req, void *user_data);

SLSRT_API slsrt_router *slsrt_router_new(void);
SLSRT_API void slsrt_router_free(slsrt_router *router);
/*
 * method: "GET", "POST", ... or "*" for any.  template: "/posts",
 * "/posts/{id}" (one segment, captured as a path parameter), "/files/{path+}"
 * (greedy: the rest of the path, at least one segment).  Literal segments win
 * over parameters, parameters over greedy ones.  SLSRT_EINVAL for a bad
 * template or the same method and template twice.
 */
SLSRT_API slsrt_status slsrt_router_add(slsrt_router *router, const char *method, const char *template,
                                        slsrt_route_fn fn, void *user_data);
/* What runs when no route matches (instead of the 404 problem response). */
SLSRT_API slsrt_status slsrt_router_fallback(slsrt_router *router, slsrt_route_fn fn, void *user_data);
/* Runs before every route (authentication, logging): return NULL to go on,
 * or a response to answer with it instead. */
SLSRT_API slsrt_status slsrt_router_before(slsrt_router *router, slsrt_route_fn fn, void *user_data);
/*
 * Middleware, run around every request in the order added: each before in
 * turn (a response from one answers at once: authentication), then the
 * route, then each after in reverse order with the response, which it may
 * change or replace (return the one to send; NULL keeps resp).  Afters also
 * see 404, 405 and problem answers.  slsrt_router_before is a middleware
 * with no after.
 */
typedef slsrt_http_response *(*slsrt_after_fn)(slsrt_invocation *inv, slsrt_http_request *req,
                                               slsrt_http_response *resp, void *user_data);
SLSRT_API slsrt_status slsrt_router_use(slsrt_router *router, slsrt_route_fn before, slsrt_after_fn after,
                                        void *user_data);

/* Cross-origin requests (CORS).  Zero-initialise and set what you need. */
typedef struct slsrt_cors {
    const char *const *allow_origins; /* NULL-terminated: exact origins ("https://app.example.com"), or "*" */
    const char *allow_methods;  /* preflight answer (default "GET, POST, PUT, PATCH, DELETE, OPTIONS") */
    const char *allow_headers;  /* default "Authorization, Content-Type"; "*" echoes what was asked */
    const char *expose_headers; /* NULL: none */
    int allow_credentials;      /* Access-Control-Allow-Credentials: true (the origin is echoed, never "*") */
    int max_age;                /* seconds a preflight may be cached (0: not sent) */
    void *reserved[4];
} slsrt_cors;
/*
 * Answer preflights (OPTIONS with Access-Control-Request-Method) with 204
 * without a route, and add the CORS headers to every response to an allowed
 * origin (with Vary: Origin).  A disallowed origin gets no CORS header.
 * config is copied.  SLSRT_EINVAL without origins.
 */
SLSRT_API slsrt_status slsrt_router_cors(slsrt_router *router, const slsrt_cors *config);
/*
 * gzip a response body of at least min_bytes (0: 1024) when the request
 * accepts gzip (Accept-Encoding), unless it is encoded already or an image,
 * audio or video: sent base64 with Content-Encoding: gzip and
 * Vary: Accept-Encoding.
 */
SLSRT_API slsrt_status slsrt_router_compress(slsrt_router *router, size_t min_bytes);

/*
 * A whole handler: parse the request, match, run, answer.  No route: 404;
 * a path with routes for other methods: 405 with Allow; both as
 * application/problem+json.  A route that returns NULL: a 500 JSON problem,
 * logged with the request id (not a function error, which the caller would
 * see as a bare 502).  Not an HTTP event: a function error.
 */
SLSRT_API int slsrt_router_handle(slsrt_router *router, slsrt_invocation *inv, slsrt_response *res);

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_HTTP_H */
