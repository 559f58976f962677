/*
 * cmd_durable.c - `slsrt-local durable ...`: a human's view of the durable
 * executions a running slsrt-local keeps, through its HTTP API.
 *   durable start FUNCTION [--event FILE] [--name NAME]   an execution (async Invoke): its ARN
 *   durable list [FUNCTION]            the executions, newest first
 *   durable get ARN                    one execution
 *   durable history ARN                its events, one a line
 *   durable callback succeed ID [--result JSON]
 *   durable callback fail ID [--error-type T] [--error-message M]
 *   durable callback heartbeat ID
 *   durable stop ARN
 * --endpoint URL (default $SLSRT_LOCAL_ENDPOINT, else http://127.0.0.1:9000).
 */
#include "emu.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

/* One request over a fresh connection; the response body (new) and status. */
static char *http(const char *endpoint, const char *method, const char *path, const char *headers, const char *body,
                  int *status, char **head_out)
{
    int port = 9000;
    const char *colon = strrchr(endpoint, ':');
    if (colon && colon > endpoint + 5)
        port = atoi(colon + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
        fprintf(stderr, "slsrt-local: nothing answers at %s (is `slsrt-local serve --durable` running?)\n", endpoint);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    size_t blen = body ? strlen(body) : 0;
    char head[4096];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "%sConnection: close\r\n\r\n",
                     method, path, blen, headers ? headers : "");
    if (write(fd, head, (size_t)n) != n || (blen && write(fd, body, blen) != (ssize_t)blen)) {
        close(fd);
        return NULL;
    }
    size_t len = 0, cap = 65536;
    char *buf = malloc(cap + 1);
    for (ssize_t got; buf && (got = read(fd, buf + len, cap - len)) > 0;) {
        len += (size_t)got;
        if (len == cap) {
            char *bigger = realloc(buf, (cap *= 2) + 1);
            if (!bigger)
                break;
            buf = bigger;
        }
    }
    close(fd);
    if (!buf)
        return NULL;
    buf[len] = '\0';
    *status = len > 12 ? atoi(buf + 9) : 0;
    char *start = strstr(buf, "\r\n\r\n");
    char *out = strdup(start ? start + 4 : "");
    if (head_out)
        *head_out = strndup(buf, start ? (size_t)(start - buf) : len);
    free(buf);
    return out;
}

/* A path segment: everything but unreserved characters escaped. */
static void escape(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s && n + 4 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.~", c))
            out[n++] = (char)c;
        else
            n += (size_t)snprintf(out + n, size - n, "%%%02X", c);
    }
    out[n] = '\0';
}

static void print_event(json_t *ev)
{
    const char *name = json_string_value(json_object_get(ev, "Name"));
    printf("%3lld  %-22s %-18s %s", (long long)json_integer_value(json_object_get(ev, "EventId")),
           json_string_value(json_object_get(ev, "EventType")),
           json_string_value(json_object_get(ev, "SubType")) ? json_string_value(json_object_get(ev, "SubType")) : "",
           name ? name : "");
    const char *k;
    json_t *details;
    json_object_foreach(ev, k, details) {
        if (!json_is_object(details))
            continue;
        json_t *cb = json_object_get(details, "CallbackId");
        json_t *pl = json_object_get(json_object_get(details, "Result"), "Payload");
        json_t *err = json_object_get(json_object_get(details, "Error"), "Payload");
        if (cb)
            printf("  callback %s", json_string_value(cb));
        if (pl)
            printf("  -> %s", json_string_value(pl));
        if (err) {
            char *e = json_dumps(err, JSON_COMPACT);
            printf("  error %s", e ? e : "");
            free(e);
        }
    }
    putchar('\n');
}

static int usage(void)
{
    fputs("usage: slsrt-local durable start FUNCTION [--event FILE] [--name NAME]   (prints the ARN)\n"
          "       slsrt-local durable list [FUNCTION] | get ARN | history ARN [--json] | stop ARN\n"
          "       slsrt-local durable callback succeed ID [--result JSON]\n"
          "       slsrt-local durable callback fail ID [--error-type T] [--error-message M]\n"
          "       slsrt-local durable callback heartbeat ID\n"
          "  --endpoint URL   the slsrt-local serving them (default $SLSRT_LOCAL_ENDPOINT,\n"
          "                   else http://127.0.0.1:9000)\n",
          stderr);
    return 2;
}

int cmd_durable(int argc, char **argv)
{
    const char *endpoint = getenv("SLSRT_LOCAL_ENDPOINT"), *result = "null", *etype = "CallbackFailed", *emsg = "";
    const char *event_file = NULL, *exec_name = NULL;
    int as_json = 0;
    const char *pos[4] = {0};
    int npos = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--endpoint") && i + 1 < argc)
            endpoint = argv[++i];
        else if (!strcmp(argv[i], "--result") && i + 1 < argc)
            result = argv[++i];
        else if (!strcmp(argv[i], "--error-type") && i + 1 < argc)
            etype = argv[++i];
        else if (!strcmp(argv[i], "--error-message") && i + 1 < argc)
            emsg = argv[++i];
        else if (!strcmp(argv[i], "--event") && i + 1 < argc)
            event_file = argv[++i];
        else if (!strcmp(argv[i], "--name") && i + 1 < argc)
            exec_name = argv[++i];
        else if (!strcmp(argv[i], "--json"))
            as_json = 1;
        else if (npos < 4)
            pos[npos++] = argv[i];
    }
    if (!endpoint)
        endpoint = "http://127.0.0.1:9000";
    if (!npos)
        return usage();
    char path[4096], seg[3000], headers[512] = "";
    const char *method = "GET", *body = NULL;
    char *owned = NULL;
    if (!strcmp(pos[0], "start") && pos[1]) {
        escape(pos[1], seg, sizeof seg);
        snprintf(path, sizeof path, "/2015-03-31/functions/%s/invocations", seg);
        size_t len = 0;
        body = owned = event_file ? read_event_file(event_file, &len) : strdup("{}");
        if (!owned) {
            fprintf(stderr, "slsrt-local: cannot read %s\n", event_file);
            return 2;
        }
        owned[len && event_file ? len : strlen(owned)] = '\0';
        snprintf(headers, sizeof headers, "X-Amz-Invocation-Type: Event\r\n%s%s%s", exec_name ? "X-Amz-Durable-Execution-Name: " : "",
                 exec_name ? exec_name : "", exec_name ? "\r\n" : "");
        method = "POST";
    } else if (!strcmp(pos[0], "list")) {
        escape(pos[1] ? pos[1] : "function", seg, sizeof seg);
        snprintf(path, sizeof path, "/2025-12-01/functions/%s/durable-executions", seg);
    } else if ((!strcmp(pos[0], "get") || !strcmp(pos[0], "history") || !strcmp(pos[0], "stop")) && pos[1]) {
        escape(pos[1], seg, sizeof seg);
        snprintf(path, sizeof path, "/2025-12-01/durable-executions/%s%s", seg,
                 !strcmp(pos[0], "history") ? "/history?IncludeExecutionData=true" : !strcmp(pos[0], "stop") ? "/stop" : "");
        if (!strcmp(pos[0], "stop"))
            method = "POST", body = "{}";
    } else if (!strcmp(pos[0], "callback") && pos[1] && pos[2] &&
               (!strcmp(pos[1], "succeed") || !strcmp(pos[1], "fail") || !strcmp(pos[1], "heartbeat"))) {
        escape(pos[2], seg, sizeof seg);
        snprintf(path, sizeof path, "/2025-12-01/durable-execution-callbacks/%s/%s", seg, pos[1]);
        method = "POST";
        if (!strcmp(pos[1], "succeed")) {
            json_t *check = json_loads(result, JSON_DECODE_ANY, NULL);
            if (!check) {
                fprintf(stderr, "slsrt-local: --result is not JSON: %s\n", result);
                return 2;
            }
            json_decref(check);
            body = result;
        } else if (!strcmp(pos[1], "fail")) {
            json_t *e = json_pack("{s:s, s:s}", "ErrorType", etype, "ErrorMessage", emsg);
            body = owned = json_dumps(e, JSON_COMPACT);
            json_decref(e);
        }
    } else {
        return usage();
    }
    int status = 0;
    char *head = NULL;
    char *answer = http(endpoint, method, path, headers, body, &status, &head);
    free(owned);
    if (!answer)
        return 1;
    if (!strcmp(pos[0], "start")) {
        static const char field[] = "X-Amz-Durable-Execution-Arn: ";
        const char *arn = head ? strcasestr(head, field) : NULL;
        if (arn)
            arn += sizeof field - 1;
        if (status == 202 && arn)
            printf("%.*s\n", (int)strcspn(arn, "\r\n"), arn);
        else
            fprintf(stderr, "slsrt-local: %d %s\n", status, answer);
        free(head);
        free(answer);
        return status == 202 && arn ? 0 : 1;
    }
    free(head);
    json_t *doc = json_loads(answer, 0, NULL);
    if (status != 200) {
        fprintf(stderr, "slsrt-local: %d %s\n", status, answer);
    } else if (!strcmp(pos[0], "history") && !as_json) {
        size_t i;
        json_t *ev;
        json_array_foreach(json_object_get(doc, "Events"), i, ev) print_event(ev);
    } else if (strcmp(pos[0], "callback")) {
        char *pretty = json_dumps(doc, JSON_INDENT(2));
        puts(pretty ? pretty : answer);
        free(pretty);
    }
    json_decref(doc);
    free(answer);
    return status == 200 ? 0 : 1;
}
