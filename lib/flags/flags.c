/*
 * flags.c - the flags document: read from AppConfig (through its Lambda
 * extension, or AppConfig Data's session and polls, signed), kept for the
 * poll interval, and the evaluation calls around it.
 */
#include <slsrt/flags.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws_internal.h"
#include "log/log.h"
#include "util/json_read.h"

struct slsrt_flags {
    slsrt_aws *aws;
    char *application, *environment, *profile;
    int interval;
    pthread_mutex_t mu; /* everything below */
    json_t *document;   /* the last one read */
    char *token;        /* AppConfig Data's next poll token */
    time_t next_read;
    int warned;
    int given; /* the document came with the config: nothing to read */
};

static int via_extension(void)
{
    extern char **environ;
    for (char **e = environ; *e; e++)
        if (!strncmp(*e, "AWS_APPCONFIG_EXTENSION_", 24))
            return 1;
    return 0;
}

void slsrt_flags_free(slsrt_flags *f)
{
    if (!f)
        return;
    json_decref(f->document);
    free(f->application);
    free(f->environment);
    free(f->profile);
    free(f->token);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

slsrt_flags *slsrt_flags_new(slsrt_aws *aws, const slsrt_flags_config *c)
{
    if (!c || (!c->document && (!aws || !c->application || !c->environment || !c->profile)))
        return NULL;
    slsrt_flags *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    pthread_mutex_init(&f->mu, NULL);
    f->aws = aws;
    f->interval = c->poll_interval >= 15 ? c->poll_interval : c->poll_interval > 0 ? 15 : 60;
    if (c->document) {
        f->document = slsrt__json_read(c->document, strlen(c->document), 0, NULL);
        f->given = 1;
        if (!json_is_object(f->document)) {
            slsrt_flags_free(f);
            return NULL;
        }
        return f;
    }
    f->application = strdup(c->application);
    f->environment = strdup(c->environment);
    f->profile = strdup(c->profile);
    if (!f->application || !f->environment || !f->profile) {
        slsrt_flags_free(f);
        return NULL;
    }
    return f;
}

/* ---- reading the document ------------------------------------------------- */

/* The extension on localhost: it polls AppConfig itself; an unsigned GET. */
static json_t *read_extension(slsrt_flags *f, char *why, size_t n)
{
    const char *port = getenv("AWS_APPCONFIG_EXTENSION_HTTP_PORT");
    char url[1024];
    snprintf(url, sizeof url, "http://localhost:%s/applications/%s/environments/%s/configurations/%s",
             port && *port ? port : "2772", f->application, f->environment, f->profile);
    slsrt_aws_response *res = slsrt__aws_response_new();
    json_t *doc = NULL;
    if (res && slsrt__aws_http_get(f->aws->shared, url, NULL, 2000, res) == SLSRT_OK && res->status == 200)
        doc = slsrt__json_read(res->body.data ? res->body.data : "", res->body.len, 0, NULL);
    else
        snprintf(why, n, "the AppConfig extension answered %d", res ? res->status : 0);
    slsrt_aws_response_free(res);
    return doc;
}

static char *data_url(slsrt_flags *f, const char *path)
{
    char *base = slsrt__aws_endpoint(f->aws, "appconfigdata"), *url = NULL;
    if (base && asprintf(&url, "%s%s", base, path) < 0)
        url = NULL;
    free(base);
    return url;
}

static slsrt_aws_response *data_call(slsrt_flags *f, const char *method, const char *path, const char *body)
{
    char *url = data_url(f, path);
    slsrt_aws_request *req = url ? slsrt_aws_request_new(method, "appconfig", url) : NULL;
    free(url);
    if (!req)
        return NULL;
    if (body) {
        slsrt_aws_request_header(req, "Content-Type", "application/json");
        slsrt_aws_request_body(req, body, strlen(body));
    }
    slsrt_aws_response *res = slsrt_aws_send(f->aws, req);
    slsrt_aws_request_free(req);
    return res;
}

/* AppConfig Data: a session, then polls with the token each answer gives.
 * An empty body means nothing changed.  NULL (why filled) on failure;
 * *unchanged when the document held is still current. */
static json_t *read_data(slsrt_flags *f, int *unchanged, char *why, size_t n)
{
    if (!f->token) {
        json_t *in = json_pack("{s:s, s:s, s:s, s:i}", "ApplicationIdentifier", f->application,
                               "EnvironmentIdentifier", f->environment, "ConfigurationProfileIdentifier", f->profile,
                               "RequiredMinimumPollIntervalInSeconds", f->interval);
        char *body = json_dumps(in, JSON_COMPACT);
        json_decref(in);
        slsrt_aws_response *res = body ? data_call(f, "POST", "/configurationsessions", body) : NULL;
        free(body);
        const char *token = res && slsrt_aws_response_ok(res)
                                ? json_string_value(json_object_get(slsrt_aws_response_json(res), "InitialConfigurationToken"))
                                : NULL;
        if (!token) {
            snprintf(why, n, "StartConfigurationSession failed: %s: %s",
                     res && slsrt_aws_response_error_type(res) ? slsrt_aws_response_error_type(res) : "no answer",
                     res && slsrt_aws_response_error_message(res) ? slsrt_aws_response_error_message(res) : "");
            slsrt_aws_response_free(res);
            return NULL;
        }
        f->token = strdup(token);
        slsrt_aws_response_free(res);
    }
    char path[2200];
    snprintf(path, sizeof path, "/configuration?configuration_token=%s", f->token);
    slsrt_aws_response *res = data_call(f, "GET", path, NULL);
    free(f->token);
    f->token = NULL; /* tokens are single use: a failed poll starts a new session */
    if (!res || !slsrt_aws_response_ok(res)) {
        snprintf(why, n, "GetLatestConfiguration failed: %s: %s",
                 res && slsrt_aws_response_error_type(res) ? slsrt_aws_response_error_type(res) : "no answer",
                 res && slsrt_aws_response_error_message(res) ? slsrt_aws_response_error_message(res) : "");
        slsrt_aws_response_free(res);
        return NULL;
    }
    const char *next = slsrt_aws_response_header(res, "Next-Poll-Configuration-Token");
    const char *interval = slsrt_aws_response_header(res, "Next-Poll-Interval-In-Seconds");
    f->token = next ? strdup(next) : NULL;
    if (interval && atoi(interval) > f->interval)
        f->interval = atoi(interval); /* the service's floor wins */
    size_t len;
    const char *text = slsrt_aws_response_body(res, &len);
    json_t *doc = NULL;
    if (!len)
        *unchanged = 1;
    else if (!(doc = slsrt__json_read(text, len, 0, NULL)))
        snprintf(why, n, "the configuration is not a JSON object");
    slsrt_aws_response_free(res);
    return doc;
}

/* The document to evaluate (a new reference, or NULL), read again when its time is up.  f->mu held. */
static json_t *current(slsrt_flags *f)
{
    time_t now = time(NULL);
    if (!f->given && now >= f->next_read) {
        char why[600] = "";
        int unchanged = 0;
        json_t *doc = via_extension() ? read_extension(f, why, sizeof why) : read_data(f, &unchanged, why, sizeof why);
        if (json_is_object(doc)) {
            json_decref(f->document);
            f->document = doc;
            f->warned = 0;
        } else {
            json_decref(doc);
            if (!unchanged && !f->warned++)
                slsrt__log(SLSRT__LOG_WARN, "feature flags: %s; %s", why,
                           f->document ? "the document read before is used" : "defaults are used");
        }
        /* A failure is tried again sooner, but not on every call. */
        f->next_read = now + (json_is_object(doc) || unchanged ? f->interval : 5);
    }
    return json_incref(f->document);
}

/* ---- evaluation ------------------------------------------------------------ */

json_t *slsrt_flags_value(slsrt_flags *f, const char *name, const json_t *context, const json_t *default_value)
{
    json_t *v = NULL;
    if (f) {
        pthread_mutex_lock(&f->mu); /* one worker reads the document while the others wait for it */
        json_t *doc = current(f);
        v = slsrt_flags_evaluate(doc, name, context);
        json_decref(doc);
        pthread_mutex_unlock(&f->mu);
    }
    return v ? v : json_incref((json_t *)(default_value ? default_value : json_null()));
}

int slsrt_flags_enabled(slsrt_flags *f, const char *name, const json_t *context, int default_value)
{
    json_t *v = slsrt_flags_value(f, name, context, NULL);
    int on = json_is_boolean(v) ? json_is_true(v) : default_value;
    json_decref(v);
    return on;
}

json_t *slsrt_flags_enabled_list(slsrt_flags *f, const json_t *context)
{
    json_t *names = json_array();
    if (!f || !names)
        return names;
    pthread_mutex_lock(&f->mu);
    json_t *doc = current(f);
    const char *name;
    json_t *flag;
    json_object_foreach(doc, name, flag) {
        json_t *v = slsrt_flags_evaluate(doc, name, context);
        if (json_is_true(v))
            json_array_append_new(names, json_string(name));
        json_decref(v);
    }
    json_decref(doc);
    pthread_mutex_unlock(&f->mu);
    return names;
}
