/* xray_internal.h - X-Ray pieces shared by the runtime's files (private). */
#ifndef SLSRT_XRAY_INTERNAL_H
#define SLSRT_XRAY_INTERNAL_H

#include <stddef.h>

/* 16 lower-case hex digits, NUL-terminated. */
void slsrt__xray_new_id(char out[17]);
int slsrt__xray_valid_id(const char *id);
/*
 * Send one document to the daemon named by AWS_XRAY_DAEMON_ADDRESS, with
 * the daemon's header line.  Non-blocking; 0 when handed to the socket,
 * -1 when there is no daemon or the send failed (never fatal).
 */
int slsrt__xray_send(const char *doc, size_t len);

#endif
