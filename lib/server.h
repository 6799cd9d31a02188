/* server.h - the skeleton every listening agent shares: accept, fork one
 * process per connection under a cap, reap, stop cleanly on SIGTERM. A bad
 * session kills one child, never the service. */
#ifndef POCZTA_SERVER_H
#define POCZTA_SERVER_H
#include <stdbool.h>

struct server_opts {
	int max_connections;		/* children at once; more wait in the backlog */
	/* service: run one session on fd (in the child; returns when it is over) */
	void (*service)(int fd, void *ctx);
	/* tick: called in the parent about every tick_ms; may be NULL */
	void (*tick)(void *ctx);
	int tick_ms;
	void *ctx;
};

/* server_run - serve listen_fd until SIGTERM or SIGINT; children get SIGTERM too */
void server_run(int listen_fd, const struct server_opts *o);
#include "buf.h"

/* server_bind - listen on addr ("host:port" or "unix:/path"), then become
 * run_user for good (server_drop_privileges); the socket, or -1 with err */
int server_bind(const char *addr, const char *run_user, struct buf *err);
/* server_drop_privileges - when running as root, become user (its uid, gid
 * and groups) for good; a no-op for any other uid or when user is root.
 * false (with errno) if that fails or the user does not exist. */
bool server_drop_privileges(const char *user);

#endif
