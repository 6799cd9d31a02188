/* serve.c - the poczta-mta daemon: the SMTP listener (one process per
 * session), the queue's group committer, and the queue manager, each its own
 * process; the listener restarts the other two if they die. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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

static void serve_session(int fd, void *ctx)
{
	struct serve *sv = ctx;
	smtpsrv_session(&sv->srv, fd);
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

/* serve_queued - a session queued a message: wake the queue manager */
static void serve_queued(void *ctx, const char *id)
{
	struct mta *m = ctx;

	(void)id;
	if (m->qmgr_pid > 0)
		kill(m->qmgr_pid, SIGUSR1);
}

/* serve_smtpsrv - the sessions' settings: port 25, STARTTLS offered when
 * there is a certificate, no AUTH (that is poczta-msa's) */
static void serve_smtpsrv(struct mta *m, struct smtpsrv *srv)
{
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
	srv->queued = serve_queued;
	srv->ctx = m;
}

int mta_serve(struct mta *m)
{
	const char *addr = conf_get(m->conf, "mta", NULL, "listen");
	struct serve sv = { m, -1, conf_get_bool(m->conf, "mta", NULL, "group_commit"), { 0 } };
	struct server_opts o = { (int)conf_get_int(m->conf, "mta", NULL, "max_connections"),
				 serve_session, serve_tick, 1000, &sv };
	struct buf err = BUF_INIT;
	int fd = server_bind(addr, conf_get(m->conf, "global", NULL, "run_user"), &err);

	if (fd < 0)
		msg_fatal("%s: mta: listen: %s", conf_path(m->conf), buf_cstr(&err));
	serve_smtpsrv(m, &sv.srv);
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
	close(fd);
	buf_free(&err);
	return 0;
}
