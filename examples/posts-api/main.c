/*
 * posts-api - a CRUD API for posts over PostgreSQL (libpq), served by the
 * router to API Gateway, ALB or a Function URL:
 *   GET /posts          the published posts, newest first
 *   POST /posts         {"title", "body", "published"} -> 201 with the post
 *   GET /posts/{id}     one post, or 404
 *   DELETE /posts/{id}  204, or 404
 * The connection (DATABASE_URL) is opened once in init and reused; when it
 * has dropped, the next query resets it and tries once more.
 * Table: posts(id bigserial primary key, title text not null, body text
 * not null, published boolean not null default false, created_at timestamptz
 * not null default now()).
 */
#include <libpq-fe.h>
#include <slsrt/slsrt.h>
#include <stdlib.h>
#include <string.h>

struct app {
    PGconn *db;
    slsrt_router *router;
};

/* Run a query; a dropped connection is reset and the query tried once more. */
static PGresult *query(struct app *app, const char *sql, int n, const char *const *params)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (PQstatus(app->db) != CONNECTION_OK) {
            slsrt_log_warn("the database connection dropped; reconnecting");
            PQreset(app->db);
        }
        PGresult *res = PQexecParams(app->db, sql, n, NULL, params, NULL, NULL, 0);
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
            return res;
        if (PQstatus(app->db) == CONNECTION_OK) { /* a real error, not a lost connection */
            slsrt_log_error("query failed: %s", PQerrorMessage(app->db));
            PQclear(res);
            return NULL;
        }
        PQclear(res);
    }
    slsrt_log_error("the database is unreachable: %s", PQerrorMessage(app->db));
    return NULL;
}

static json_t *post_json(PGresult *res, int row)
{
    return json_pack("{s:I, s:s, s:s, s:b, s:s}", "id", (json_int_t)strtoll(PQgetvalue(res, row, 0), NULL, 10), "title",
                     PQgetvalue(res, row, 1), "body", PQgetvalue(res, row, 2), "published",
                     PQgetvalue(res, row, 3)[0] == 't', "createdAt", PQgetvalue(res, row, 4));
}

#define COLUMNS "id, title, body, published, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static slsrt_http_response *list(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv, (void)req;
    PGresult *res = query(user_data, "SELECT " COLUMNS " FROM posts WHERE published ORDER BY id DESC LIMIT 100", 0, NULL);
    if (!res)
        return NULL;
    json_t *posts = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(posts, post_json(res, i));
    PQclear(res);
    return slsrt_http_json(200, json_pack("{s:o}", "posts", posts));
}

static slsrt_http_response *create(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv;
    size_t len;
    const char *body = slsrt_http_body(req, &len);
    json_t *in = json_loadb(body, len, 0, NULL);
    const char *title = json_string_value(json_object_get(in, "title"));
    const char *text = json_string_value(json_object_get(in, "body"));
    if (!title || !*title || !text) {
        json_decref(in);
        return slsrt_http_json(400, json_pack("{s:s}", "error", "a post needs a \"title\" and a \"body\""));
    }
    const char *params[] = {title, text, json_is_true(json_object_get(in, "published")) ? "true" : "false"};
    PGresult *res = query(user_data, "INSERT INTO posts (title, body, published) VALUES ($1, $2, $3) RETURNING " COLUMNS,
                          3, params);
    json_decref(in);
    if (!res)
        return NULL;
    slsrt_http_response *resp = slsrt_http_json(201, post_json(res, 0));
    char location[64];
    snprintf(location, sizeof location, "/posts/%s", PQgetvalue(res, 0, 0));
    slsrt_http_response_header(resp, "Location", location);
    PQclear(res);
    return resp;
}

static int valid_id(const char *id)
{
    return id && *id && strlen(id) < 19 && strspn(id, "0123456789") == strlen(id);
}

static slsrt_http_response *not_found(void)
{
    return slsrt_http_json(404, json_pack("{s:s}", "error", "no such post"));
}

static slsrt_http_response *get(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv;
    const char *id = slsrt_http_path_param(req, "id");
    if (!valid_id(id))
        return not_found();
    PGresult *res = query(user_data, "SELECT " COLUMNS " FROM posts WHERE id = $1", 1, &id);
    if (!res)
        return NULL;
    slsrt_http_response *resp = PQntuples(res) ? slsrt_http_json(200, post_json(res, 0)) : not_found();
    PQclear(res);
    return resp;
}

static slsrt_http_response *delete(slsrt_invocation *inv, slsrt_http_request *req, void *user_data)
{
    (void)inv;
    const char *id = slsrt_http_path_param(req, "id");
    if (!valid_id(id))
        return not_found();
    PGresult *res = query(user_data, "DELETE FROM posts WHERE id = $1", 1, &id);
    if (!res)
        return NULL;
    int deleted = atoi(PQcmdTuples(res));
    PQclear(res);
    return deleted ? slsrt_http_response_new(204) : not_found();
}

static int init(slsrt_runtime *rt)
{
    static struct app app;
    const char *url = getenv("DATABASE_URL");
    if (!url)
        return slsrt_runtime_fail(rt, "Function.ConfigMissing", "DATABASE_URL is not set");
    app.db = PQconnectdb(url);
    if (PQstatus(app.db) != CONNECTION_OK)
        return slsrt_runtime_fail(rt, "Function.DatabaseUnreachable", "cannot connect to the database: %s",
                                  PQerrorMessage(app.db));
    app.router = slsrt_router_new();
    slsrt_router_add(app.router, "GET", "/posts", list, &app);
    slsrt_router_add(app.router, "POST", "/posts", create, &app);
    slsrt_router_add(app.router, "GET", "/posts/{id}", get, &app);
    slsrt_router_add(app.router, "DELETE", "/posts/{id}", delete, &app);
    slsrt_runtime_set_user_data(rt, &app);
    return 0;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    struct app *app = slsrt_invocation_user_data(inv);
    return slsrt_router_handle(app->router, inv, res);
}

SLSRT_MAIN_WITH_INFO("{\"name\": \"posts-api\", \"memory\": 256, \"timeout\": 10, \"architecture\": \"arm64\","
                      " \"eventSources\": [\"apigw-v2\"], \"environment\": [\"DATABASE_URL\"], \"permissions\": []}",
                      init, handler)
