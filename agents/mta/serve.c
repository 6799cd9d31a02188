/* serve.c - the poczta-mta daemon: the SMTP listener (one process per
 * session), the queue's group committer, and the queue manager, each its own
 * process; the listener restarts the other two if they die.
 *
 * A session process, once its session is over, takes the next connection
 * itself (Postfix's smtpd does the same): up to SERVE_MAX_USE sessions, one
 * after the other, then it exits, as it does after SERVE_IDLE_MS without a
 * connection.  That saves a fork, and the copying of the pages a new
 * process writes to, per connection; a session that crashes still harms only
 * its own process.  The listening socket is non-blocking, so the listener
 * and the idle session processes, all woken by a new connection, never wait
 * in accept for one another. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "buf.h"
#include "conf.h"
#include "msg.h"
#include "mta.h"
#include "net.h"
#include "queue.h"
#include "server.h"
#include "smtpsrv.h"

#define SERVE_MAX_USE 100		/* sessions one process serves */
#define SERVE_IDLE_MS 5000		/* an idle session process exits after this */

static volatile sig_atomic_t serve_qmgr_pid;

/* serve_on_usr - the queue commands signal the daemon: pass it on to the
 * queue manager (SIGUSR1 new mail, SIGUSR2 envelopes changed) */
static void serve_on_usr(int sig)
{
	if (serve_qmgr_pid > 0)
		kill((pid_t)serve_qmgr_pid, sig);
}

struct serve {
	struct mta *m;
	pid_t committer;
	bool group_commit;
	struct smtpsrv srv;	/* what every SMTP session shares */
	int listen_fd;		/* a copy the session processes keep, to accept */
	pid_t listener;
};

/* serve_fork - run fn in a child process; its pid */
static pid_t serve_fork(struct mta *m, void (*fn)(struct mta *), const char *what)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGUSR1, SIG_DFL);
		signal(SIGUSR2, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		fn(m);
		_exit(0);
	}
	if (pid < 0)
		msg_warn("fork %s", what);
	return pid;
}

static void serve_committer(struct mta *m)
{
	queue_committer_run(m->queue);
}

/* serve_next - the next connection for a session process that is done
 * with one, or -1 when none comes within SERVE_IDLE_MS */
static int serve_next(struct serve *sv)
{
	while (sv->listen_fd >= 0) {
		struct pollfd p = { sv->listen_fd, POLLIN, 0 };
		int r = poll(&p, 1, SERVE_IDLE_MS), fd;
		if (r == 0 || (r < 0 && errno != EINTR))
			return -1;
		if (r < 0)
			continue;
		fd = accept4(sv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0) {
			net_nodelay(fd);
			return fd;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			return -1;
	}
	return -1;
}

/* serve_session - SMTP sessions in a session process, the first on fd
 * (accepted by the listener), then on what it accepts itself.  It ends with
 * _exit: the memory is the listener's, shared copy-on-write, and exit()'s
 * cleanup (OpenSSL's, malloc's) would write to every page of it and so copy
 * it, which cost about a fifth of a session's CPU time. */
static void serve_session(int fd, void *ctx)
{
	struct serve *sv = ctx;
	int uses = 0;

	do
		smtpsrv_session(&sv->srv, fd);		/* closes fd */
	while (++uses < SERVE_MAX_USE && (fd = serve_next(sv)) >= 0);
	fflush(NULL);
	_exit(0);
}

/* serve_tick - restart the committer or the queue manager if one died */
static void serve_tick(void *ctx)
{
	struct serve *sv = ctx;

	if (sv->group_commit && (sv->committer <= 0 || kill(sv->committer, 0) < 0)) {
		msg_warnx("restarting the queue committer");
		sv->committer = serve_fork(sv->m, serve_committer, "committer");
	}
	if (sv->m->qmgr_pid <= 0 || kill(sv->m->qmgr_pid, 0) < 0) {
		msg_warnx("restarting the queue manager");
		sv->m->qmgr_pid = serve_fork(sv->m, qmgr_run, "qmgr");
		serve_qmgr_pid = sv->m->qmgr_pid;
	}
}

/* serve_queued - a session queued a message: wake the queue manager,
 * through the listener, which knows its pid now (a session process may be
 * older than a restarted queue manager) */
static void serve_queued(void *ctx, const char *id)
{
	struct serve *sv = ctx;

	(void)id;
	if (getppid() == sv->listener)
		kill(sv->listener, SIGUSR1);
}

/* serve_smtpsrv - the sessions' settings: port 25, STARTTLS offered when
 * there is a certificate, no AUTH (that is poczta-msa's) */
static void serve_smtpsrv(struct serve *sv, struct smtpsrv *srv)
{
	struct mta *m = sv->m;

	memset(srv, 0, sizeof(*srv));
	srv->agent = "poczta-mta";
	srv->hostname = m->hostname;
	srv->mode = SMTPD_SMTP;
	srv->limits = (struct smtpd_limits){ .max_line = 1000, .max_message = m->max_size,
					     .max_recipients = m->max_rcpts,
					     .max_errors = m->max_errors };
	srv->timeout_ms = m->timeout_ms;
	srv->queue = m->queue;
	srv->policy = &m->policy;
	srv->tls = m->tls;
	srv->ctx = sv;
	srv->queued = serve_queued;
}

int mta_serve(struct mta *m)
{
	const char *addr = conf_get(m->conf, "mta", NULL, "listen");
	struct serve sv = { m, -1, conf_get_bool(m->conf, "mta", NULL, "group_commit"), { 0 }, -1,
			    getpid() };
	struct server_opts o = { (int)conf_get_int(m->conf, "mta", NULL, "max_connections"),
				 serve_session, serve_tick, 1000, &sv };
	struct buf err = BUF_INIT;
	int fd = server_bind(addr, conf_get(m->conf, "global", NULL, "run_user"), &err);

	if (fd < 0)
		msg_fatal("%s: mta: listen: %s", conf_path(m->conf), buf_cstr(&err));
	serve_smtpsrv(&sv, &sv.srv);
	/* the session processes' copy (server_run closes theirs), and never
	 * a wait in accept: see the top of this file */
	sv.listen_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (sv.group_commit)
		sv.committer = serve_fork(m, serve_committer, "committer");
	m->qmgr_pid = serve_fork(m, qmgr_run, "qmgr");
	serve_qmgr_pid = m->qmgr_pid;
	signal(SIGUSR1, serve_on_usr);
	signal(SIGUSR2, serve_on_usr);
	msg_info("listening on %s", addr);
	server_run(fd, &o);
	if (sv.committer > 0)
		kill(sv.committer, SIGTERM);
	kill(m->qmgr_pid, SIGTERM);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	msg_info("stopped");
	close(sv.listen_fd);
	close(fd);
	buf_free(&err);
	return 0;
}
