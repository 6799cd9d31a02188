/* serve.c - the poczta-msa daemon: up to two listeners, [msa] listen with
 * STARTTLS (RFC 3207, port 587) and [msa] listen_tls with implicit TLS
 * (RFC 8314 3.3, port 465).  The first runs in this process, the second in
 * a child that this one restarts if it dies and stops when it stops.
 * SIGHUP reloads the certificate and key in both (the child is told). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "buf.h"
#include "conf.h"
#include "msa.h"
#include "msg.h"
#include "mtakick.h"
#include "net.h"
#include "server.h"
#include "smtpsrv.h"
#include "tls.h"

static volatile sig_atomic_t serve_hup;

static void serve_on_hup(int sig)
{
	(void)sig;
	serve_hup = 1;
}

/* One listener: its socket and the sessions' settings. */
struct serve {
	struct msa *m;
	int fd;
	struct smtpsrv srv;
	const char *addr;
	pid_t other;		/* the parent: the child serving the other socket */
	struct serve *child;	/* its settings, NULL if there is none */
};

/* serve_queued - a message is durable: wake poczta-mta's queue manager */
static void serve_queued(void *ctx, const char *id)
{
	struct msa *m = ctx;

	if (!mtakick(m->run_dir))
		msg_info("queued id=%s; poczta-mta is not running, it waits in the queue", id);
}

/* serve_smtpsrv - the sessions' settings for one listener */
static void serve_smtpsrv(struct msa *m, struct smtpsrv *srv, bool implicit)
{
	memset(srv, 0, sizeof(*srv));
	srv->agent = "poczta-msa";
	srv->hostname = m->hostname;
	srv->mode = SMTPD_SUBMISSION;
	srv->limits = (struct smtpd_limits){ .max_line = 1000, .max_message = m->max_size,
					     .max_recipients = m->max_rcpts,
					     .max_errors = m->max_errors,
					     .max_auth_failures = m->max_auth_failures };
	srv->timeout_ms = m->timeout_ms;
	srv->queue = m->queue;
	srv->policy = &m->policy;
	srv->tls = m->tls;
	srv->implicit_tls = implicit;
	srv->auth_in_clear = m->auth_in_clear;
	srv->queued = serve_queued;
	srv->auth = msa_auth;
	srv->sender_ok = msa_sender_ok;
	srv->ctx = m;
}

static void serve_session(int fd, void *ctx)
{
	struct serve *sv = ctx;
	smtpsrv_session(&sv->srv, fd);
}

static void serve_run(struct serve *sv);

/* serve_fork - the child that serves the second listener */
static pid_t serve_fork(struct serve *sv)
{
	pid_t pid = fork();

	if (pid == 0) {
		close(sv->fd);
		serve_run(sv->child);
		_exit(0);
	}
	if (pid < 0)
		msg_warn("fork");
	return pid;
}

/* serve_tick - SIGHUP's reload; restart the other listener if it died */
static void serve_tick(void *ctx)
{
	struct serve *sv = ctx;
	struct buf err = BUF_INIT;

	if (serve_hup) {
		serve_hup = 0;
		if (tls_server_reload(sv->m->tls, &err) < 0)
			msg_warnx("SIGHUP: the certificate stays as it was: %s", buf_cstr(&err));
		else
			msg_info("SIGHUP: certificate and key reloaded for %s", sv->addr);
		if (sv->other > 0)
			kill(sv->other, SIGHUP);
	}
	if (sv->child && (sv->other <= 0 || kill(sv->other, 0) < 0)) {
		msg_warnx("restarting the listener on %s", sv->child->addr);
		sv->other = serve_fork(sv);
	}
	buf_free(&err);
}

/* serve_run - one listener until SIGTERM */
static void serve_run(struct serve *sv)
{
	struct server_opts o = { (int)conf_get_int(sv->m->conf, "msa", NULL, "max_connections"),
				 serve_session, serve_tick, 1000, sv };

	msg_info("listening on %s (%s)", sv->addr,
		 sv->srv.implicit_tls ? "implicit TLS" : "STARTTLS");
	server_run(sv->fd, &o);
}

/* serve_bind - the socket for addr; exits when it cannot be had */
static int serve_bind(const struct msa *m, const char *key, const char *addr)
{
	struct endpoint ep;
	struct buf err = BUF_INIT;
	int fd = -1;

	if (!net_parse_endpoint(addr, &ep))
		buf_printf(&err, "not an address to listen on: %s", addr);
	else
		fd = net_listen(&ep, &err);
	if (fd < 0)
		msg_fatal("%s: msa: %s: %s", conf_path(m->conf), key, buf_cstr(&err));
	buf_free(&err);
	return fd;
}

int msa_serve(struct msa *m)
{
	const char *plain = conf_get(m->conf, "msa", NULL, "listen");
	const char *tls = conf_get(m->conf, "msa", NULL, "listen_tls");
	const char *user = conf_get(m->conf, "global", NULL, "run_user");
	struct serve sv[2] = { { .m = m, .fd = -1 }, { .m = m, .fd = -1 } };
	struct sigaction sa;
	int n = 0;

	if (plain == NULL && tls == NULL)
		msg_fatal("%s: msa: neither listen nor listen_tls is set", conf_path(m->conf));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = serve_on_hup;
	sigaction(SIGHUP, &sa, NULL);
	if (plain) {
		sv[n].addr = plain;
		sv[n].fd = serve_bind(m, "listen", plain);
		serve_smtpsrv(m, &sv[n++].srv, false);
	}
	if (tls) {
		sv[n].addr = tls;
		sv[n].fd = serve_bind(m, "listen_tls", tls);
		serve_smtpsrv(m, &sv[n++].srv, true);
	}
	/* both sockets are bound (465 and 587 need root) before we give it up */
	if (!server_drop_privileges(user))
		msg_fatal("cannot become user %s: %s", user, strerror(errno));
	if (n == 2) {
		sv[0].child = &sv[1];
		sv[0].other = serve_fork(&sv[0]);	/* sv[1].fd stays open for a restart */
	}
	serve_run(&sv[0]);
	if (sv[0].other > 0) {
		kill(sv[0].other, SIGTERM);
		while (waitpid(sv[0].other, NULL, 0) < 0 && errno == EINTR)
			;
	}
	msg_info("stopped");
	close(sv[0].fd);
	if (n == 2)
		close(sv[1].fd);
	return 0;
}
