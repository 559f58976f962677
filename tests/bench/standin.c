/*
 * standin.c - a deterministic Runtime API stand-in for the benchmark.
 *
 *   standin N EVENT_FILE -- COMMAND [ARGS]
 *
 * Starts COMMAND with AWS_LAMBDA_RUNTIME_API pointing here, hands it the
 * event N times, then answers /next with 500 so the runtime exits the way
 * the contract says (which lets callgrind write its profile).  Ids, deadline
 * and trace header have fixed lengths, so instruction counts repeat exactly.
 * Prints the runtime's peak RSS (from wait4) in kB.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char req[1 << 16];

/* Read one request (head and Content-Length body); 0 on EOF. */
static int read_request(int fd, char *path, size_t path_len)
{
    size_t len = 0;
    char *end;
    while (!(end = memmem(req, len, "\r\n\r\n", 4))) {
        ssize_t n = read(fd, req + len, sizeof req - len);
        if (n <= 0)
            return 0;
        len += (size_t)n;
    }
    sscanf(req, "%*s %1023s", path);
    (void)path_len;
    size_t head = (size_t)(end + 4 - req), body = 0;
    char *cl = strcasestr(req, "Content-Length:");
    if (cl && cl < end)
        body = strtoul(cl + 15, NULL, 10);
    for (size_t have = len - head; have < body;) {
        char sink[65536];
        ssize_t n = read(fd, sink, sizeof sink);
        if (n <= 0)
            return 0;
        have += (size_t)n;
    }
    return 1;
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

int main(int argc, char **argv)
{
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: standin N EVENT_FILE -- COMMAND [ARGS]\n");
        return 2;
    }
    long total = atol(argv[1]);
    /* Events up to 6 MB, Lambda's limit (the JSON echo sends 5 MB). */
    static char event[6 * 1024 * 1024];
    FILE *f = fopen(argv[2], "rb");
    size_t event_len = f ? fread(event, 1, sizeof event, f) : 0;
    if (f)
        fclose(f);

    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4) ||
        getsockname(ls, (struct sockaddr *)&a, &alen))
        return 2;
    char api[32];
    snprintf(api, sizeof api, "127.0.0.1:%d", ntohs(a.sin_port));

    pid_t pid = fork();
    if (pid == 0) {
        close(ls);
        setenv("AWS_LAMBDA_RUNTIME_API", api, 1);
        setenv("AWS_LAMBDA_FUNCTION_NAME", "bench", 1);
        setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128", 1);
        setenv("AWS_REGION", "us-east-1", 1);
        setenv("TZ", ":UTC", 1);
        execvp(argv[4], argv + 4);
        _exit(127);
    }

    long served = 0;
    int done = 0;
    while (!done) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0)
            break;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char path[1024], head[1024];
        while (!done && read_request(fd, path, sizeof path)) {
            if (strstr(path, "/invocation/next")) {
                if (served == total) {
                    static const char gone[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}";
                    send_all(fd, gone, sizeof gone - 1);
                    done = 1;
                    break;
                }
                int n = snprintf(head, sizeof head,
                                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 "Lambda-Runtime-Aws-Request-Id: 00000000-0000-4000-8000-%012ld\r\n"
                                 "Lambda-Runtime-Deadline-Ms: 1893456000000\r\n"
                                 "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:bench\r\n"
                                 "Lambda-Runtime-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1\r\n"
                                 "Content-Length: %zu\r\n\r\n",
                                 served++, event_len);
                send_all(fd, head, (size_t)n);
                send_all(fd, event, event_len);
            } else {
                static const char ok[] = "HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}";
                send_all(fd, ok, sizeof ok - 1);
            }
        }
        close(fd);
    }
    int status;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    printf("served %ld maxrss_kb %ld\n", served, ru.ru_maxrss);
    return 0;
}
