/* net.c - endpoints and sockets. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>
#include "net.h"
#include "xalloc.h"

bool net_parse_endpoint(const char *s, struct endpoint *ep)
{
	const char *colon, *host = s;
	size_t hlen;

	memset(ep, 0, sizeof(*ep));
	if (strncmp(s, "unix:", 5) == 0) {
		if (s[5] != '/' || strlen(s + 5) >= sizeof(ep->path))
			return false;
		ep->is_unix = true;
		strcpy(ep->path, s + 5);
		return true;
	}
	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':')
			return false;
		host = s + 1;
		hlen = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL || memchr(s, ':', (size_t)(colon - s)))
			return false;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= sizeof(ep->host) || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= sizeof(ep->port) || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    atol(colon + 1) < 1 || atol(colon + 1) > 65535)
		return false;
	memcpy(ep->host, host, hlen);
	strcpy(ep->port, colon + 1);
	return true;
}

/* net_unix_addr - fill a sockaddr_un */
static socklen_t net_unix_addr(const struct endpoint *ep, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, ep->path);
	return (socklen_t)sizeof(*sun);
}

/* net_socket - open a socket for ep and bind (listen) or connect it */
static int net_socket(const struct endpoint *ep, bool listening, struct buf *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, on = 1, rc;
	const char *what = listening ? "listen on" : "connect to";

	if (ep->is_unix) {
		struct sockaddr_un sun;
		socklen_t len = net_unix_addr(ep, &sun);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && listening)
			unlink(ep->path);
		if (fd < 0 || (listening ? bind(fd, (struct sockaddr *)&sun, len) == 0 && listen(fd, 128) == 0
					 : connect(fd, (struct sockaddr *)&sun, len) == 0))
			return fd;
		buf_printf(err, "%s unix:%s: %s", what, ep->path, strerror(errno));
		close(fd);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = listening ? AI_PASSIVE : 0;
	rc = getaddrinfo(ep->host, ep->port, &hints, &res);
	if (rc != 0) {
		buf_printf(err, "%s %s:%s: %s", what, ep->host, ep->port, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (listening) {
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
			if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0)
				break;
		} else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		buf_printf(err, "%s %s:%s: %s", what, ep->host, ep->port, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

int net_listen(const struct endpoint *ep, struct buf *err)
{
	return net_socket(ep, true, err);
}

int net_connect(const struct endpoint *ep, struct buf *err)
{
	int fd = net_socket(ep, false, err);

	if (fd >= 0)
		net_nodelay(fd);
	return fd;
}

void net_nodelay(int fd)
{
	int on = 1;

	/* fails on a unix socket, which has no Nagle to turn off: ignored */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

char *net_peer(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[NI_MAXHOST], port[NI_MAXSERV];

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0 || ss.ss_family == AF_UNIX ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return xstrdup("local");
	return ss.ss_family == AF_INET6 ? xasprintf("[%s]:%s", host, port) : xasprintf("%s:%s", host, port);
}
