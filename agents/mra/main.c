/* main.c - poczta-mra: fetch remote IMAP and POP3 mailboxes into the local
 * chain.
 *
 *   poczta-mra [-c FILE] [-q] [--trace] fetch [ACCOUNT...]
 *   poczta-mra [-c FILE] [-q] [--trace] watch [ACCOUNT...] */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "conf.h"
#include "i18n.h"
#include "msg.h"
#include "mra.h"
#include "progpath.h"
#include "settings.h"
#include "strlist.h"
#include "xalloc.h"

#define WATCH_BACKOFF_MAX 300	/* seconds between reconnections, at most */

static _Noreturn void usage(int status)
{
	fprintf(status ? stderr : stdout, "%s",
		_("usage: poczta-mra [-c FILE] [-q] [-v] [--trace] fetch [ACCOUNT...]\n"
		  "       poczta-mra [-c FILE] [-q] [-v] [--trace] watch [ACCOUNT...]\n"));
	exit(status);
}

/* mra_fetch_one - fetch one account; 0 or -1 (already reported) */
static int mra_fetch_one(struct mra *m, const char *name)
{
	struct mra_account a;
	struct mra_stats st = { 0 };
	struct buf err = BUF_INIT;
	int rc = -1;

	if (mra_account_load(m->conf, name, &a, &err)) {
		int lock = mra_lock(m, &a);
		if (a.trace)
			msg_set_trace(true);
		if (lock < 0 && errno == EWOULDBLOCK) {
			if (!m->quiet)
				printf(_("%s: another poczta-mra is fetching it now; skipped\n"), name);
			mra_account_free(&a);
			buf_free(&err);
			return 0;
		}
		if (lock < 0)
			buf_printf(&err, _("cannot lock the state under %s: %s"), m->state_dir,
				   strerror(errno));
		else
			rc = strcmp(a.type, "pop3") == 0 ? mra_pop3_fetch(m, &a, &st, &err) :
			     mra_imap_fetch(m, &a, &st, &err);
		if (lock >= 0)
			close(lock);
	}
	mra_summary(m, &a, &st, rc < 0 ? buf_cstr(&err) : NULL);
	mra_account_free(&a);
	buf_free(&err);
	return rc;
}

/* mra_names - the accounts asked for, or all of them (every one that says
 * watch = yes, for watch); NULL when one asked for does not exist */
static char **mra_names(struct mra *m, char **argv, bool watch)
{
	char **names = xcalloc(1, sizeof(char *));
	size_t i, n = conf_count(m->conf, "account");

	for (; *argv; argv++) {
		for (i = 0; i < n && strcmp(conf_name(m->conf, "account", i), *argv) != 0; i++)
			;
		if (i == n) {
			msg_warnx(_("no account %s in %s"), *argv, m->config_path);
			strlist_free(names);
			return NULL;
		}
		names = strlist_add(names, *argv);
	}
	if (names[0] == NULL)
		for (i = 0; i < n; i++)
			if (!watch || conf_get_bool(m->conf, "account", conf_name(m->conf, "account", i),
						    "watch"))
				names = strlist_add(names, conf_name(m->conf, "account", i));
	return names;
}

/* mra_watch_one - the life of one account's watcher: IDLE (IMAP) or a
 * fetch each minute (POP3), reconnecting with a doubling wait when the
 * network goes, back to a short one once a session has lasted */
static _Noreturn void mra_watch_one(struct mra *m, const char *name)
{
	unsigned backoff = 1;

	for (;;) {
		struct mra_account a;
		struct buf err = BUF_INIT;
		time_t start = time(NULL);
		int rc = -1, lock;

		if (!mra_account_load(m->conf, name, &a, &err))
			msg_fatal("%s", buf_cstr(&err));
		if (a.trace)
			msg_set_trace(true);
		lock = mra_lock(m, &a);
		if (lock < 0)
			buf_printf(&err, _("the account is locked by another poczta-mra"));
		else if (strcmp(a.type, "imap") == 0)
			rc = mra_imap_watch(m, &a, &err);
		else {
			struct mra_stats st = { 0 };
			rc = mra_pop3_fetch(m, &a, &st, &err);
			if (rc == 0 && st.done > 0)
				mra_summary(m, &a, &st, NULL);
		}
		if (lock >= 0)
			close(lock);
		if (rc < 0)
			msg_warnx("account=%s error=\"%s\" retry_in=%us", name, buf_cstr(&err), backoff);
		mra_account_free(&a);
		buf_free(&err);
		if (rc == 0) {
			sleep(60);
			continue;
		}
		if (time(NULL) - start > 60)
			backoff = 1;
		sleep(backoff);
		backoff = backoff * 2 > WATCH_BACKOFF_MAX ? WATCH_BACKOFF_MAX : backoff * 2;
	}
}

static volatile sig_atomic_t mra_stop;
static void mra_on_term(int sig)
{
	(void)sig;
	mra_stop = 1;
}

/* mra_watch - one child per account; ends them all on SIGTERM */
static int mra_watch(struct mra *m, char **names)
{
	pid_t *pids = xcalloc(strlist_len(names) + 1, sizeof(pid_t));
	struct sigaction sa;
	size_t i, n = strlist_len(names);

	if (n == 0) {
		msg_warnx(_("no account to watch (set watch = yes in an [account] section)"));
		free(pids);
		return EX_CONFIG;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mra_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			mra_watch_one(m, names[i]);
		}
	}
	msg_info("watching accounts=%zu", n);
	while (!mra_stop) {
		pid_t pid = wait(NULL);
		if (pid < 0 && errno == ECHILD)
			break;
	}
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	free(pids);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' }, { "trace", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	struct mra m = { 0 };
	struct conf *c;
	char **names, *log, *data;
	int ch, rc = 0;

	i18n_init();
	msg_init("poczta-mra", "MRA");
	while ((ch = getopt_long(argc, argv, "+c:qv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'q': m.quiet = true; break;
		case 'v': msg_set_verbose(msg_verbose() + 1); break;
		case 'T': msg_set_trace(true); break;
		case 'h': usage(0);
		default: usage(EX_USAGE);
		}
	}
	if (optind >= argc || (strcmp(argv[optind], "fetch") != 0 &&
			       strcmp(argv[optind], "watch") != 0))
		usage(EX_USAGE);
	signal(SIGPIPE, SIG_IGN);
	c = settings_load(config, &m.config_path);
	m.conf = c;
	if ((log = conf_get_path(c, "global", NULL, "log_file")) != NULL)
		msg_set_logfile(log);
	free(log);
	if (m.quiet)
		msg_set_quiet(true);
	m.progress = !m.quiet && isatty(2);
	m.hostname = settings_hostname(c);
	if (conf_get(c, "global", NULL, "user"))
		m.user = xstrdup(conf_get(c, "global", NULL, "user"));
	else {
		struct passwd *pw = getpwuid(getuid());
		m.user = xstrdup(pw ? pw->pw_name : "root");
	}
	data = settings_data_dir(c);
	m.state_dir = xasprintf("%s/mra", data);
	free(data);
	m.mda = progpath_find("poczta-mda");
	if (m.mda == NULL)
		msg_fatal(_("poczta-mda is not installed beside poczta-mra"));
	names = mra_names(&m, argv + optind + 1, strcmp(argv[optind], "watch") == 0);
	if (names == NULL)
		rc = EX_USAGE;
	else if (strcmp(argv[optind], "watch") == 0)
		rc = mra_watch(&m, names);
	else
		for (char **n = names; *n; n++)
			if (mra_fetch_one(&m, *n) < 0)
				rc = EX_TEMPFAIL;
	strlist_free(names);
	mra_lmtp_close(m.lmtp);
	free(m.user);
	free(m.mda);
	free(m.state_dir);
	free(m.hostname);
	free(m.config_path);
	conf_free(c);
	return rc;
}
