/* server.c - fork-per-connection server skeleton, after Postfix single_server.c. */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "msg.h"
#include "server.h"
#include "xalloc.h"

static volatile sig_atomic_t server_stop;

static void server_on_term(int sig)
{
	server_stop = 1;
}

/* The sessions running now, so that SIGTERM can be passed on to them. */
struct server_children {
	pid_t *pids;
	int n;
};

/* server_reap - collect finished children (sessions, and helpers a tick forked) */
static void server_reap(struct server_children *c)
{
	pid_t pid;
	int i;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		for (i = 0; i < c->n; i++)
			if (c->pids[i] == pid) {
				c->pids[i] = c->pids[--c->n];
				break;
			}
}

/* server_child - the forked session process */
static _Noreturn void server_child(int listen_fd, int fd, const struct server_opts *o)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	close(listen_fd);
	o->service(fd, o->ctx);
	close(fd);
	exit(0);
}

void server_run(int listen_fd, const struct server_opts *o)
{
	struct sigaction sa;
	struct server_children c = { xcalloc((size_t)o->max_connections + 1, sizeof(pid_t)), 0 };
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = server_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (!server_stop) {
		struct pollfd p = { listen_fd, POLLIN, 0 };
		int ready, fd;
		pid_t pid;

		server_reap(&c);
		ready = poll(&p, c.n < o->max_connections ? 1 : 0, o->tick_ms > 0 ? o->tick_ms : 1000);
		if (ready <= 0) {
			if (o->tick && !server_stop)
				o->tick(o->ctx);
			continue;
		}
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		pid = fork();
		if (pid == 0)
			server_child(listen_fd, fd, o);
		if (pid < 0)
			msg_warn("fork");
		else
			c.pids[c.n++] = pid;
		close(fd);
	}
	for (i = 0; i < c.n; i++)
		kill(c.pids[i], SIGTERM);
	free(c.pids);
}

bool server_drop_privileges(const char *user)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return true;
	pw = getpwnam(user);
	if (pw == NULL) {
		errno = ENOENT;
		return false;
	}
	if (pw->pw_uid == 0)
		return true;
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		return false;
	if (setuid(0) == 0) {	/* must not be able to get root back */
		errno = EPERM;
		return false;
	}
	return true;
}
