/*
 * bare_loop.c - the floor: the least a runtime can do per invocation.
 * One kept-alive socket, GET /next, echo the event back to /response, no
 * JSON, no error handling beyond stopping.  Built and measured by `make bench`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[1 << 16];

/* One response: head and Content-Length body into buf; returns the status. */
static int __attribute__((noinline)) exchange(int fd, const char *req, size_t req_len, char **body, size_t *len)
{
    if (write(fd, req, req_len) != (ssize_t)req_len)
        return -1;
    size_t got = 0;
    char *end;
    while (!(end = memmem(buf, got, "\r\n\r\n", 4))) {
        ssize_t n = read(fd, buf + got, sizeof buf - got);
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    char *cl = strcasestr(buf, "Content-Length:");
    *len = cl ? strtoul(cl + 15, NULL, 10) : 0;
    *body = end + 4;
    while ((size_t)(*body - buf) + *len > got) {
        ssize_t n = read(fd, buf + got, sizeof buf - got);
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return atoi(buf + 9);
}

int main(void)
{
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api)
        return 1;
    char host[64];
    snprintf(host, sizeof host, "%s", api);
    char *colon = strchr(host, ':');
    *colon = '\0';
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    inet_pton(AF_INET, host, &a.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a))
        return 1;

    static const char next[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n";
    char req[1 << 16];
    for (;;) {
        char *body;
        size_t len;
        if (exchange(fd, next, sizeof next - 1, &body, &len) != 200)
            return 1;
        char *id = strcasestr(buf, "Lambda-Runtime-Aws-Request-Id:") + 31;
        int n = snprintf(req, sizeof req,
                         "POST /2018-06-01/runtime/invocation/%.36s/response HTTP/1.1\r\nHost: x\r\n"
                         "Content-Length: %zu\r\n\r\n%.*s",
                         id, len, (int)len, body);
        if (exchange(fd, req, (size_t)n, &body, &len) != 202)
            return 1;
    }
}
