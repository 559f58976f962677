/*
 * naive - a runtime that knows none of Lambda's limits: it answers every
 * event with a 7 MB payload over a raw socket, so the tests can check that
 * slsrt-local enforces the response limit the way Lambda does (413).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PAYLOAD (7 * 1024 * 1024)

static int connect_api(void)
{
    char host[64];
    snprintf(host, sizeof host, "%s", getenv("AWS_LAMBDA_RUNTIME_API"));
    char *colon = strchr(host, ':');
    *colon = '\0';
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    inet_pton(AF_INET, host, &a.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    return connect(fd, (struct sockaddr *)&a, sizeof a) == 0 ? fd : -1;
}

/* Send a request on a new connection and return the response head. */
static char *exchange(const char *head, const char *body, size_t body_len)
{
    static char resp[65536];
    int fd = connect_api();
    if (fd < 0 || write(fd, head, strlen(head)) < 0)
        exit(1);
    for (size_t off = 0; off < body_len;) {
        ssize_t n = write(fd, body + off, body_len - off);
        if (n <= 0)
            exit(1);
        off += (size_t)n;
    }
    ssize_t n = read(fd, resp, sizeof resp - 1);
    resp[n > 0 ? n : 0] = '\0';
    close(fd);
    return resp;
}

int main(void)
{
    char *body = malloc(PAYLOAD);
    memset(body, 'x', PAYLOAD);
    for (;;) {
        char *r = exchange("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "", 0);
        char *id = strcasestr(r, "Lambda-Runtime-Aws-Request-Id: ");
        char *inv = strcasestr(r, "Lambda-Runtime-Invocation-Id: ");
        if (!id)
            return 1;
        char head[512];
        snprintf(head, sizeof head,
                 "POST /2018-06-01/runtime/invocation/%.36s/response HTTP/1.1\r\nHost: x\r\n"
                 "Lambda-Runtime-Invocation-Id: %.36s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
                 id + 31, inv ? inv + 30 : "", PAYLOAD);
        r = exchange(head, body, PAYLOAD);
        fprintf(stderr, "naive: the response was answered with %.12s\n", r);
    }
}
