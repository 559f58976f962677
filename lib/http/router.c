/*
 * router.c - method + path templates on a trie of path segments:
 * literal children sorted (binary search), then one parameter child, then
 * one greedy child.  Matching costs a few comparisons per path segment,
 * whatever the number of routes.
 */
#include <slsrt/http.h>
#include <slsrt/log.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "util/url.h"

#define MAX_SEGMENTS 64

struct route {
    char *method;
    slsrt_route_fn fn;
    void *user_data;
};

struct node {
    char *literal;
    struct node **children;
    size_t nchildren;
    struct node *param, *greedy;
    char *param_name, *greedy_name;
    struct route *routes;
    size_t nroutes;
};

struct middleware {
    slsrt_route_fn before;
    slsrt_after_fn after;
    void *user_data;
};

struct slsrt_router {
    struct node root;
    struct route fallback;
    struct middleware *mw;
    size_t nmw;
    slsrt__cors *cors;
    size_t compress_min;
    int compress;
};

slsrt_router *slsrt_router_new(void)
{
    return calloc(1, sizeof(slsrt_router));
}

static void free_node(struct node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nchildren; i++) {
        free_node(n->children[i]);
        free(n->children[i]);
    }
    free(n->children);
    free_node(n->param);
    free(n->param);
    free_node(n->greedy);
    free(n->greedy);
    free(n->literal);
    free(n->param_name);
    free(n->greedy_name);
    for (size_t i = 0; i < n->nroutes; i++)
        free(n->routes[i].method);
    free(n->routes);
}

void slsrt_router_free(slsrt_router *r)
{
    if (r) {
        free_node(&r->root);
        free(r->mw);
        slsrt__cors_free(r->cors);
    }
    free(r);
}

static int cmp_child(const void *key, const void *elem)
{
    return strcmp(key, (*(struct node *const *)elem)->literal);
}

static struct node *literal_child(struct node *n, const char *seg, int create)
{
    struct node **hit = n->nchildren ? bsearch(seg, n->children, n->nchildren, sizeof *n->children, cmp_child) : NULL;
    if (hit || !create)
        return hit ? *hit : NULL;
    struct node *c = calloc(1, sizeof *c), **grown = realloc(n->children, (n->nchildren + 1) * sizeof *grown);
    if (!c || !grown || !(c->literal = strdup(seg))) {
        free(c);
        if (grown)
            n->children = grown;
        return NULL;
    }
    n->children = grown;
    size_t at = 0;
    while (at < n->nchildren && strcmp(n->children[at]->literal, seg) < 0)
        at++;
    memmove(n->children + at + 1, n->children + at, (n->nchildren - at) * sizeof *n->children);
    n->children[at] = c;
    n->nchildren++;
    return c;
}

/* The child for one template segment: "x", "{name}" or "{name+}". */
static struct node *child_for(struct node *n, const char *seg, size_t len, int *greedy)
{
    char text[256];
    if (len == 0 || len >= sizeof text)
        return NULL;
    memcpy(text, seg, len);
    text[len] = '\0';
    *greedy = 0;
    if (text[0] != '{')
        return strpbrk(text, "{}") ? NULL : literal_child(n, text, 1);
    if (text[len - 1] != '}' || len < 3)
        return NULL;
    *greedy = text[len - 2] == '+';
    text[len - 1 - *greedy] = '\0';
    const char *name = text + 1;
    if (!*name || strpbrk(name, "{}+"))
        return NULL;
    struct node **slot = *greedy ? &n->greedy : &n->param;
    char **slot_name = *greedy ? &n->greedy_name : &n->param_name;
    if (*slot)
        return strcmp(*slot_name, name) == 0 ? *slot : NULL; /* one name per position */
    if (!(*slot = calloc(1, sizeof **slot)) || !(*slot_name = strdup(name)))
        return NULL;
    return *slot;
}

slsrt_status slsrt_router_add(slsrt_router *r, const char *method, const char *template, slsrt_route_fn fn,
                              void *user_data)
{
    if (!r || !method || !*method || !template || template[0] != '/' || !fn)
        return SLSRT_EINVAL;
    struct node *n = &r->root;
    for (const char *p = template + 1; *p;) {
        size_t len = strcspn(p, "/");
        int greedy;
        n = child_for(n, p, len, &greedy);
        if (!n || (greedy && p[len]))
            return SLSRT_EINVAL; /* greedy only last */
        p += len + (p[len] == '/');
    }
    for (size_t i = 0; i < n->nroutes; i++)
        if (strcmp(n->routes[i].method, method) == 0)
            return SLSRT_EINVAL;
    struct route *grown = realloc(n->routes, (n->nroutes + 1) * sizeof *grown);
    if (!grown)
        return SLSRT_ENOMEM;
    n->routes = grown;
    n->routes[n->nroutes] = (struct route){strdup(method), fn, user_data};
    return n->routes[n->nroutes++].method ? SLSRT_OK : SLSRT_ENOMEM;
}

slsrt_status slsrt_router_fallback(slsrt_router *r, slsrt_route_fn fn, void *user_data)
{
    if (!r)
        return SLSRT_EINVAL;
    r->fallback = (struct route){NULL, fn, user_data};
    return SLSRT_OK;
}

slsrt_status slsrt_router_use(slsrt_router *r, slsrt_route_fn before, slsrt_after_fn after, void *user_data)
{
    if (!r || (!before && !after))
        return SLSRT_EINVAL;
    struct middleware *mw = realloc(r->mw, (r->nmw + 1) * sizeof *mw);
    if (!mw)
        return SLSRT_ENOMEM;
    r->mw = mw;
    r->mw[r->nmw++] = (struct middleware){before, after, user_data};
    return SLSRT_OK;
}

slsrt_status slsrt_router_before(slsrt_router *r, slsrt_route_fn fn, void *user_data)
{
    return slsrt_router_use(r, fn, NULL, user_data);
}

slsrt_status slsrt_router_cors(slsrt_router *r, const slsrt_cors *config)
{
    slsrt__cors *c = r ? slsrt__cors_new(config) : NULL;
    if (!c)
        return SLSRT_EINVAL;
    slsrt__cors_free(r->cors);
    r->cors = c;
    return SLSRT_OK;
}

slsrt_status slsrt_router_compress(slsrt_router *r, size_t min_bytes)
{
    if (!r)
        return SLSRT_EINVAL;
    r->compress = 1;
    r->compress_min = min_bytes;
    return SLSRT_OK;
}

struct match {
    const char *segs[MAX_SEGMENTS];
    size_t nsegs;
    const char *names[MAX_SEGMENTS];
    const char *values[MAX_SEGMENTS];
    size_t ncaptured;
    size_t greedy_from; /* the captured rest starts at this segment */
    const char *greedy_name;
};

/* Depth first: literal, then parameter, then greedy; the first node with routes wins. */
static struct node *walk(struct node *n, struct match *m, size_t i)
{
    if (i == m->nsegs)
        return n->nroutes ? n : NULL;
    struct node *hit, *c = literal_child(n, m->segs[i], 0);
    if (c && (hit = walk(c, m, i + 1)))
        return hit;
    if (n->param) {
        m->names[m->ncaptured] = n->param_name;
        m->values[m->ncaptured++] = m->segs[i];
        if ((hit = walk(n->param, m, i + 1)))
            return hit;
        m->ncaptured--;
    }
    if (n->greedy && n->greedy->nroutes) {
        m->greedy_from = i;
        m->greedy_name = n->greedy_name;
        return n->greedy;
    }
    return NULL;
}

/* Split the path into decoded segments kept in the request's arena. */
static int split(slsrt_http_request *req, struct match *m)
{
    int decode = req->source != SLSRT_SOURCE_APIGW_V1; /* REST paths come decoded */
    const char *path = decode ? req->raw_path : req->path;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t len = strcspn(p, "/");
        if (!len)
            break;
        if (m->nsegs == MAX_SEGMENTS)
            return SLSRT_EINVAL;
        char *seg = malloc(len + 1);
        if (!seg)
            return SLSRT_ENOMEM;
        size_t n = decode ? slsrt__url_decode(p, len, seg, 0) : (size_t)-1;
        if (n == (size_t)-1) {
            memcpy(seg, p, len);
            seg[len] = '\0';
        }
        if (!slsrt__http_own(req, seg))
            return SLSRT_ENOMEM;
        if (n != (size_t)-1 && memchr(seg, '\0', n))
            return SLSRT_EPROTO; /* a segment cut at a decoded NUL would match another route */
        m->segs[m->nsegs++] = seg;
        p += len;
    }
    return SLSRT_OK;
}

static int keep_captures(slsrt_http_request *req, struct match *m)
{
    for (size_t i = 0; i < m->ncaptured; i++)
        if (slsrt__pairs_add(&req->route_params, m->names[i], m->values[i]))
            return SLSRT_ENOMEM;
    if (!m->greedy_name)
        return SLSRT_OK;
    size_t len = 0;
    for (size_t i = m->greedy_from; i < m->nsegs; i++)
        len += strlen(m->segs[i]) + 1;
    char *rest = malloc(len + 1), *o = rest;
    if (!rest)
        return SLSRT_ENOMEM;
    for (size_t i = m->greedy_from; i < m->nsegs; i++)
        o += sprintf(o, "%s%s", i > m->greedy_from ? "/" : "", m->segs[i]);
    return slsrt__http_own(req, rest) ? slsrt__pairs_add(&req->route_params, m->greedy_name, rest) : SLSRT_ENOMEM;
}

static slsrt_http_response *dispatch(slsrt_router *r, slsrt_invocation *inv, slsrt_http_request *req)
{
    struct match m = {.nsegs = 0};
    if (req->bad_body)
        return slsrt_http_problem(400, "Bad Request", "the body is marked base64 but is not base64");
    if (req->encoded_nul)
        return slsrt_http_problem(400, "Bad Request", "the path or the query holds an encoded NUL (%00)");
    int split_rc = split(req, &m);
    if (split_rc == SLSRT_EPROTO)
        return slsrt_http_problem(400, "Bad Request", "the path holds an encoded NUL (%00)");
    if (split_rc != SLSRT_OK)
        return slsrt_http_problem(400, "Bad Request", "the path has too many segments");
    struct node *n = walk(&r->root, &m, 0);
    struct route *chosen = NULL;
    for (size_t i = 0; n && i < n->nroutes; i++)
        if (strcmp(n->routes[i].method, req->method) == 0 || (!chosen && strcmp(n->routes[i].method, "*") == 0))
            chosen = &n->routes[i];
    char detail[512];
    if (!chosen && r->fallback.fn)
        return r->fallback.fn(inv, req, r->fallback.user_data);
    if (!n) {
        snprintf(detail, sizeof detail, "no route for %s %.400s", req->method, req->path);
        return slsrt_http_problem(404, "Not Found", detail);
    }
    if (!chosen) {
        char allow[256] = "";
        for (size_t i = 0; i < n->nroutes; i++)
            snprintf(allow + strlen(allow), sizeof allow - strlen(allow), "%s%s", i ? ", " : "", n->routes[i].method);
        snprintf(detail, sizeof detail, "%s is not allowed on %.400s", req->method, req->path);
        slsrt_http_response *resp = slsrt_http_problem(405, "Method Not Allowed", detail);
        slsrt_http_response_header(resp, "Allow", allow);
        return resp;
    }
    if (keep_captures(req, &m) != SLSRT_OK)
        return NULL;
    for (size_t i = 0; i < r->nmw; i++) {
        slsrt_http_response *early = r->mw[i].before ? r->mw[i].before(inv, req, r->mw[i].user_data) : NULL;
        if (early)
            return early;
    }
    return chosen->fn(inv, req, chosen->user_data);
}

/* The afters, last added first; each may replace the response. */
static slsrt_http_response *after(slsrt_router *r, slsrt_invocation *inv, slsrt_http_request *req,
                                  slsrt_http_response *resp)
{
    for (size_t i = r->nmw; i-- > 0;) {
        if (!r->mw[i].after)
            continue;
        slsrt_http_response *out = r->mw[i].after(inv, req, resp, r->mw[i].user_data);
        if (out && out != resp) {
            slsrt_http_response_free(resp);
            resp = out;
        }
    }
    return resp;
}

int slsrt_router_handle(slsrt_router *r, slsrt_invocation *inv, slsrt_response *res)
{
    slsrt_status st;
    slsrt_http_request *req = slsrt_invocation_http(inv, &st);
    if (!req)
        return st == SLSRT_EJSON ? SLSRT_EJSON
                                 : slsrt_response_fail(res, "Function.NotHttpEvent",
                                                       "the router serves HTTP events (API Gateway, ALB, Function URLs)");
    /* A preflight is answered without a route. */
    slsrt_http_response *resp = r ? slsrt__cors_preflight(r->cors, req) : NULL;
    if (!resp) {
        resp = r ? dispatch(r, inv, req) : NULL;
        if (!resp) {
            slsrt_log_error("the route for %s %s failed; answering 500", req->method, req->path);
            resp = slsrt_http_problem(500, "Internal Server Error", "the request failed; see the function's log");
        }
        resp = r ? after(r, inv, req, resp) : resp;
        if (r && resp)
            slsrt__cors_headers(r->cors, req, resp);
    }
    if (r && r->compress)
        slsrt__http_compress(req, resp, r->compress_min);
    return slsrt_http_respond(res, req, resp);
}
