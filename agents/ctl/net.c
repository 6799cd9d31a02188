/* net.c - whether an agent's listening address accepts connections. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "ctl.h"

/* net_connect_one - try one address with a short timeout */
static bool net_connect_one(const struct sockaddr *sa, socklen_t len, int family)
{
	struct timeval tv = { 1, 0 };
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	ok = connect(fd, sa, len) == 0;
	close(fd);
	return ok;
}

/* net_unix - connect to a unix-domain socket */
static bool net_unix(const char *path)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return false;
	strcpy(sun.sun_path, path);
	return net_connect_one((struct sockaddr *)&sun, sizeof(sun), AF_UNIX);
}

/* net_client_host - where to connect to reach a server listening on host:
 * a wildcard address is reached on loopback */
static const char *net_client_host(const char *host)
{
	if (strcmp(host, "*") == 0 || strcmp(host, "0.0.0.0") == 0)
		return "127.0.0.1";
	if (strcmp(host, "::") == 0)
		return "::1";
	return host;
}

bool net_accepts(const struct conf_endpoint *ep)
{
	struct addrinfo hints, *res, *ai;
	char port[8];
	bool ok = false;

	if (ep->is_unix)
		return net_unix(ep->path);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", ep->port);
	if (getaddrinfo(net_client_host(ep->host), port, &hints, &res) != 0)
		return false;
	for (ai = res; ai && !ok; ai = ai->ai_next)
		ok = net_connect_one(ai->ai_addr, ai->ai_addrlen, ai->ai_family);
	freeaddrinfo(res);
	return ok;
}
