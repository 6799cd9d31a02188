/* main.c - poczta-maa: the mail access agent, IMAP4rev1 (RFC 3501) and
 * POP3 (RFC 1939) over the users' Maildirs.
 *
 *   poczta-maa [-c FILE] [--trace] serve
 *
 * Each configured listener ([maa] imap_listen and pop3_listen with STARTTLS
 * or STLS, imap_listen_tls and pop3_listen_tls with implicit TLS) is served by its own process forking one child per
 * connection (lib/server.h); SIGTERM to the main process stops them all. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sysexits.h>
#include <unistd.h>
#include "authcache.h"
#include "buf.h"
#include "conf.h"
#include "config.h"
#include "i18n.h"
#include "index.h"
#include "maa.h"
#include "maildir.h"
#include "msg.h"
#include "mstore.h"
#include "progpath.h"
#include "net.h"
#include "server.h"
#include "settings.h"
#include "users.h"
#include "xalloc.h"

#define MAA_MAX_LISTENERS 4

static volatile sig_atomic_t maa_stop;

static void maa_on_term(int sig)
{
	(void)sig;
	maa_stop = 1;
}

static _Noreturn void usage(int status)
{
	fprintf(status ? stderr : stdout, "%s", _("usage: poczta-maa [-c FILE] [--trace] serve\n"));
	exit(status);
}

/* maa_index_note - a file the session created, renamed or removed: a note
 * for poczta-index, so that the client's notmuch view follows what IMAP and
 * POP3 clients do (flags as tags, expunged mail gone); as poczta-mda does
 * after a delivery.  A lost note only leaves the index stale until
 * poczta-ctl reindex. */
static void maa_index_note(const char *path, void *ctx)
{
	struct maa *m = ctx;

	if (index_enqueue(m->index_spool, m->index_root, path, NULL) == 0)
		index_kick(m->index_spool, m->index_ms, m->indexer);
}

int maa_auth(struct maa *m, const char *peer, const char *user, const char *pass, char **root)
{
	static int failures;
	struct buf err = BUF_INIT;
	struct users *u = users_load(m->users_file, &err);
	const struct user *who;
	struct dsn d;
	bool ok, cached;

	if (u == NULL) {
		msg_warnx("%s", buf_cstr(&err));
		buf_free(&err);
		return -2;
	}
	who = users_name_ok(user) ? users_find(u, user) : NULL;
	ok = authcache_verify(m->authcache, who, pass, &cached);
	if (!ok) {
		msg_info("peer=%s auth failed user=%s", peer, users_name_ok(user) ? user : "?");
		/* each failure in a session waits longer: guessing stays slow */
		sleep((unsigned)(++failures < 5 ? failures : 5));
		users_free(u);
		buf_free(&err);
		return -1;
	}
	*root = settings_user_path(m->conf, "mda", "maildir", user);
	if (*root == NULL || maildir_create(*root, &d) < 0) {
		msg_warnx("user=%s: no Maildir: %s", user, *root ? d.text : "[mda] maildir unset");
		x_free(root);
		users_free(u);
		buf_free(&err);
		return -2;
	}
	msg_info("peer=%s login user=%s%s", peer, user, cached ? " (cached)" : "");
	if (m->indexer) {	/* one user per session process */
		free(m->index_root);
		m->index_root = xstrdup(*root);
		mstore_set_notify(maa_index_note, m);
	}
	users_free(u);
	buf_free(&err);
	return 0;
}

/* maa_tls - the server context when a certificate is set */
static struct tls_server *maa_tls(const struct conf *c)
{
	struct buf err = BUF_INIT;
	bool set;
	struct tls_server *t = settings_tls_server(c, &set, &err);

	if (set && t == NULL)
		msg_warnx("no TLS: %s", buf_cstr(&err));
	buf_free(&err);
	return t;
}

static void maa_setup(struct maa *m, const struct conf *c)
{
	char *log = conf_get_path(c, "global", NULL, "log_file");

	memset(m, 0, sizeof(*m));
	m->conf = c;
	if (log)
		msg_set_logfile(log);
	free(log);
	m->hostname = settings_hostname(c);
	m->users_file = settings_users_file(c);
	{
		char *data = settings_data_dir(c);

		m->index_spool = xasprintf("%s/index", data);
		free(data);
	}
	if (conf_get_bool(c, "mda", NULL, "index"))
		m->indexer = progpath_find("poczta-index");
	m->index_ms = (int)conf_get_int(c, "mda", NULL, "index_interval_ms");
	m->clear_auth = conf_get_bool(c, "maa", NULL, "allow_clear_auth");
	m->timeout_ms = (int)conf_get_duration(c, "maa", NULL, "timeout") * 1000;
	m->max_literal = conf_get_size(c, "maa", NULL, "max_message_size");
	m->max_connections = (int)conf_get_int(c, "maa", NULL, "max_connections");
	if (conf_get_bool(c, "maa", NULL, "trace"))
		msg_set_trace(true);
	m->tls = maa_tls(c);
}

/* maa_listen - bind one [maa] key's address; -1 when it is unset */
static int maa_listen(struct maa *m, const char *key)
{
	const char *addr = conf_get(m->conf, "maa", NULL, key);
	struct endpoint ep;
	struct buf err = BUF_INIT;
	int fd;

	if (addr == NULL)
		return -1;
	if (!net_parse_endpoint(addr, &ep))
		msg_fatal("%s: maa: %s: not an address to listen on: %s", conf_path(m->conf), key, addr);
	if ((fd = net_listen(&ep, &err)) < 0)
		msg_fatal("%s: maa: %s: %s", conf_path(m->conf), key, buf_cstr(&err));
	msg_info("listening on %s (%s)", addr, key);
	buf_free(&err);
	return fd;
}

/* maa_serve - a process per listener; wait for SIGTERM or for one to die */
static int maa_serve(struct maa *m)
{
	static const struct {
		const char *key;
		bool tls;
		void (*service)(int, void *);
	} keys[] = {
		{ "imap_listen", false, maa_imap_session }, { "imap_listen_tls", true, maa_imap_session },
		{ "pop3_listen", false, maa_pop3_session }, { "pop3_listen_tls", true, maa_pop3_session },
	};
	struct maa_listener ls[MAA_MAX_LISTENERS];
	pid_t pids[MAA_MAX_LISTENERS] = { 0 };
	int fds[MAA_MAX_LISTENERS], i, n = 0;

	for (i = 0; i < MAA_MAX_LISTENERS; i++) {
		fds[i] = maa_listen(m, keys[i].key);
		if (fds[i] >= 0 && keys[i].tls && m->tls == NULL)
			msg_fatal("%s: maa: %s needs [global] tls_cert and tls_key", conf_path(m->conf),
				  keys[i].key);
		n += fds[i] >= 0;
	}
	if (n == 0)
		msg_fatal("%s: maa: none of imap_listen, imap_listen_tls, pop3_listen and "
			  "pop3_listen_tls is set", conf_path(m->conf));
	if (!server_drop_privileges(conf_get(m->conf, "global", NULL, "run_user")))
		msg_fatal("cannot become the run_user: %s", strerror(errno));
	/* no SA_RESTART: wait() below must return on SIGTERM */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = maa_on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = 0; i < MAA_MAX_LISTENERS; i++) {
		if (fds[i] < 0)
			continue;
		ls[i].m = m;
		ls[i].implicit_tls = keys[i].tls;
		if ((pids[i] = fork()) == 0) {
			struct server_opts o = { m->max_connections, keys[i].service, NULL, 0, &ls[i] };
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
#ifdef __linux__
			prctl(PR_SET_PDEATHSIG, SIGTERM);	/* never outlive the main process */
#endif
			server_run(fds[i], &o);
			_exit(0);
		}
		close(fds[i]);
	}
	while (!maa_stop) {
		pid_t pid = wait(NULL);
		if (pid > 0) {
			msg_warnx("a listener process ended; stopping");
			break;
		}
		if (pid < 0 && errno != EINTR)
			break;
	}
	for (i = 0; i < MAA_MAX_LISTENERS; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	msg_info("stopped");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "trace", no_argument, NULL, 'T' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	struct conf *c;
	struct maa m;
	int ch, rc;

	i18n_init();
	msg_init("poczta-maa", "MAA");
	while ((ch = getopt_long(argc, argv, "+c:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'v': msg_set_verbose(msg_verbose() + 1); break;
		case 'T': msg_set_trace(true); break;
		case 'h': usage(0);
		case 'V': printf("poczta-maa %s\n", POCZTA_VERSION); return 0;
		default: usage(EX_USAGE);
		}
	}
	if (optind + 1 != argc || strcmp(argv[optind], "serve") != 0)
		usage(EX_USAGE);
	msg_set_fatal_status(EX_CONFIG);
	c = settings_load(config, NULL);
	msg_set_fatal_status(EX_TEMPFAIL);
	maa_setup(&m, c);
	if ((m.authcache = authcache_new()) == NULL)	/* before the sessions fork */
		msg_fatal("mmap: %s", strerror(errno));
	rc = maa_serve(&m);
	authcache_free(m.authcache);
	tls_server_free(m.tls);
	free(m.hostname);
	free(m.users_file);
	free(m.index_spool);
	free(m.indexer);
	free(m.index_root);
	conf_free(c);
	return rc;
}
