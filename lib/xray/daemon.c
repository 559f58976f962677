/*
 * daemon.c - the UDP path to the X-Ray daemon, and span ids.
 *
 * AWS_XRAY_DAEMON_ADDRESS is "host:port" or "tcp:host:port udp:host:port";
 * only numeric addresses, as Lambda sets them (resolving a name would cost
 * every cold start).  One non-blocking socket for the process.
 */
#include "xray_internal.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log/log.h"
#include "util/random.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int daemon_fd = -1;
static struct sockaddr_in daemon_addr;

/* "udp:127.0.0.1:2000" out of either form; 0 when usable. */
static int parse_address(const char *env, struct sockaddr_in *out)
{
    char copy[128];
    if (!env || strlen(env) >= sizeof copy)
        return -1;
    const char *udp = strstr(env, "udp:");
    snprintf(copy, sizeof copy, "%s", udp ? udp + 4 : env);
    copy[strcspn(copy, " ")] = '\0';
    char *colon = strrchr(copy, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    long port = strtol(colon + 1, NULL, 10);
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    out->sin_port = htons((uint16_t)port);
    return port > 0 && port < 65536 && inet_pton(AF_INET, copy, &out->sin_addr) == 1 ? 0 : -1;
}

static void open_daemon(void)
{
    const char *env = getenv("AWS_XRAY_DAEMON_ADDRESS");
    if (!env)
        return;
    if (parse_address(env, &daemon_addr) != 0) {
        slsrt__log(SLSRT_LOG_WARN, "AWS_XRAY_DAEMON_ADDRESS '%.100s' is not ip:port; no subsegments", env);
        return;
    }
    daemon_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int slsrt__xray_send(const char *doc, size_t len)
{
    static const char header[] = "{\"format\":\"json\",\"version\":1}\n";
    pthread_once(&once, open_daemon);
    if (daemon_fd < 0)
        return -1;
    struct iovec iov[2] = {{(void *)header, sizeof header - 1}, {(void *)doc, len}};
    struct msghdr msg = {.msg_name = &daemon_addr, .msg_namelen = sizeof daemon_addr, .msg_iov = iov, .msg_iovlen = 2};
    if (sendmsg(daemon_fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
        slsrt__log(SLSRT_LOG_DEBUG, "a subsegment was not sent to the X-Ray daemon");
        return -1;
    }
    return 0;
}

/* A 16-hex id: unique, not secret. */
void slsrt__xray_new_id(char out[17])
{
    uint64_t v = slsrt__random();
    for (int i = 15; i >= 0; i--, v >>= 4)
        out[i] = "0123456789abcdef"[v & 15];
    out[16] = '\0';
}
