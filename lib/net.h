/* net.h - endpoints and sockets: "host:port", "[v6addr]:port", "unix:/path". */
#ifndef POCZTA_NET_H
#define POCZTA_NET_H
#include <stdbool.h>
#include "buf.h"

struct endpoint {
	bool is_unix;
	char host[256];		/* numeric or name; empty for unix */
	char port[16];
	char path[108];		/* for unix */
};

/* net_parse_endpoint - parse s; false if it is not an endpoint */
bool net_parse_endpoint(const char *s, struct endpoint *ep);
/* net_listen - a listening socket (close-on-exec, SO_REUSEADDR); -1 with err */
int net_listen(const struct endpoint *ep, struct buf *err);
/* net_connect - a connected socket, or -1 with err */
int net_connect(const struct endpoint *ep, struct buf *err);
/* net_peer - "address:port" (or "local") of a connected socket, newly allocated */
char *net_peer(int fd);
/* net_nodelay - turn off Nagle's algorithm on a TCP socket.  The mail
 * protocols are dialogues of short lines, pipelined (RFC 2920): with Nagle,
 * a second small write waits for the peer's delayed ACK of the first, about
 * 40 ms on Linux, at every turn of an LMTP or SMTP dialogue. */
void net_nodelay(int fd);

#endif
