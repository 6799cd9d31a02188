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
#include <time.h>
#include <unistd.h>
#include "msg.h"
#include "net.h"
#include "server.h"
#include "xalloc.h"

static volatile sig_atomic_t server_stop;

static void server_on_term(int sig)
{
	server_stop = 1;
}

/* A finished session wakes ppoll; the handler has nothing to do. */
static void server_on_child(int sig)
{
}

/* The sessions running now, so that SIGTERM can be passed on to them. */
struct server_children {
	pid_t *pids;
	int n;
};

/* server_ms_since - milliseconds from *t until now (monotonic) */
static long server_ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

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

	sigset_t block, waitmask;
	struct timespec last_tick;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = server_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = server_on_child;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* SIGCHLD and SIGTERM are let in only inside ppoll: a session that ends
	 * frees its slot at once, even when every slot was taken */
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGCHLD);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	clock_gettime(CLOCK_MONOTONIC, &last_tick);
	while (!server_stop) {
		struct pollfd p = { listen_fd, POLLIN, 0 };
		int ms = o->tick_ms > 0 ? o->tick_ms : 1000, ready, fd;
		struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
		pid_t pid;

		server_reap(&c);
		ready = ppoll(&p, c.n < o->max_connections ? 1 : 0, &ts, &waitmask);
		if (o->tick && !server_stop && server_ms_since(&last_tick) >= ms) {
			clock_gettime(CLOCK_MONOTONIC, &last_tick);
			/* what the tick forks must not inherit blocked signals */
			sigprocmask(SIG_SETMASK, &waitmask, NULL);
			o->tick(o->ctx);
			sigprocmask(SIG_BLOCK, &block, NULL);
		}
		if (ready <= 0)
			continue;	/* a signal (reap, or stop) or the tick */
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		net_nodelay(fd);
		pid = fork();
		if (pid == 0) {
			sigprocmask(SIG_SETMASK, &waitmask, NULL);
			server_child(listen_fd, fd, o);
		}
		if (pid < 0)
			msg_warn("fork");
		else
			c.pids[c.n++] = pid;
		close(fd);
	}
	for (i = 0; i < c.n; i++)
		kill(c.pids[i], SIGTERM);
	free(c.pids);
	sigprocmask(SIG_SETMASK, &waitmask, NULL);
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

int server_bind(const char *addr, const char *run_user, struct buf *err)
{
	struct endpoint ep;
	int fd;

	if (addr == NULL || !net_parse_endpoint(addr, &ep)) {
		buf_printf(err, "not an address to listen on: %s", addr ? addr : "(unset)");
		return -1;
	}
	fd = net_listen(&ep, err);
	if (fd >= 0 && !server_drop_privileges(run_user)) {
		buf_printf(err, "cannot become user %s: %s", run_user, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
