/* main.c - poczta-mda: deliver mail into Maildir, by pipe or LMTP.
 *
 *   poczta-mda [-c FILE] [-f SENDER] [-d RECIPIENT]... < message
 *   poczta-mda [-c FILE] --lmtp [--listen]
 *   poczta-mda [-c FILE] --test SCRIPT [-f SENDER] [-d RECIPIENT] < message */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include "buf.h"
#include "conf.h"
#include "config.h"
#include "fsutil.h"
#include "i18n.h"
#include "maildir.h"
#include "mda.h"
#include "msg.h"
#include "progpath.h"
#include "settings.h"
#include "sieve.h"
#include "strlist.h"
#include "users.h"
#include "xalloc.h"

struct args {
	const char *config;
	const char *sender;
	char **rcpts;
	const char *test;
	const char *delivery_id;
	bool lmtp, listen, trace;
};

static _Noreturn void usage(int status)
{
	fprintf(status ? stderr : stdout, "%s",
		_("usage: poczta-mda [-c FILE] [-f SENDER] [-d RECIPIENT]... [--trace] < message\n"
		  "       poczta-mda [-c FILE] --lmtp [--listen] [--trace]\n"
		  "       poczta-mda [-c FILE] --test SCRIPT [-f SENDER] [-d RECIPIENT] < message\n"));
	exit(status);
}

static void parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "lmtp", no_argument, NULL, 'L' }, { "listen", no_argument, NULL, 'l' },
		{ "test", required_argument, NULL, 't' }, { "trace", no_argument, NULL, 'T' },
		{ "delivery-id", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	a->rcpts = xcalloc(1, sizeof(char *));
	while ((c = getopt_long(argc, argv, "c:f:d:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': a->config = optarg; break;
		case 'f': a->sender = optarg; break;
		case 'd': a->rcpts = strlist_add(a->rcpts, optarg); break;
		case 'v': msg_set_verbose(msg_verbose() + 1); break;
		case 'L': a->lmtp = true; break;
		case 'l': a->listen = true; break;
		case 't': a->test = optarg; break;
		case 'D': a->delivery_id = optarg; break;
		case 'T': a->trace = true; break;
		case 'h': usage(0);
		case 'V': printf("poczta-mda %s\n", POCZTA_VERSION); exit(0);
		default: usage(EX_USAGE);
		}
	}
	if (optind != argc || (a->listen && !a->lmtp))
		usage(EX_USAGE);
}

/* mda_setup - everything delivery needs, read from the configuration once */
static void mda_setup(struct mda *m, const struct conf *c)
{
	const char *s;
	char *data_dir = settings_data_dir(c), *users = settings_users_file(c);
	char *log = conf_get_path(c, "global", NULL, "log_file");
	struct buf err = BUF_INIT;

	memset(m, 0, sizeof(*m));
	m->conf = c;
	if (log)
		msg_set_logfile(log);
	m->hostname = settings_hostname(c);
	m->domains = settings_domains(c);
	s = conf_get(c, "global", NULL, "user");
	if (s == NULL) {
		struct passwd *pw = getpwuid(getuid());
		s = pw ? pw->pw_name : "root";
	}
	m->default_user = xstrdup(s);
	m->users = users_load(users, &err);
	if (m->users == NULL)
		msg_fatal("%s", buf_cstr(&err));
	m->maildir = xstrdup(conf_get(c, "mda", NULL, "maildir"));
	s = conf_get(c, "mda", NULL, "sieve");
	m->sieve = s ? xstrdup(s) : NULL;
	m->spool = xasprintf("%s/index", data_dir);
	m->indexer = progpath_find("poczta-index");
	m->new_tags = strlist_split(conf_get(c, "mda", NULL, "new_tags"), ",");
	m->redirect_argv = strlist_split(conf_get(c, "mda", NULL, "redirect_command"), " \t");
	m->max_size = conf_get_size(c, "mda", NULL, "max_message_size");
	m->index = conf_get_bool(c, "mda", NULL, "index") && m->indexer != NULL;
	if (m->indexer == NULL && conf_get_bool(c, "mda", NULL, "index"))
		msg_warnx("poczta-index not found: mail is delivered but not indexed");
	m->index_ms = (int)conf_get_int(c, "mda", NULL, "index_interval_ms");
	if (conf_get_bool(c, "mda", NULL, "trace"))
		msg_set_trace(true);
	free(data_dir);
	free(users);
	free(log);
	buf_free(&err);
}

static void mda_teardown(struct mda *m)
{
	free(m->hostname);
	strlist_free(m->domains);
	free(m->default_user);
	users_free(m->users);
	free(m->maildir);
	free(m->sieve);
	free(m->spool);
	free(m->indexer);
	strlist_free(m->new_tags);
	strlist_free(m->redirect_argv);
	free(m->cached_path);
	sieve_free(m->cached_script);
}

/* first_ok - the first recipient that resolved */
static size_t first_ok(const struct mda_rcpt *r, size_t n)
{
	size_t i;
	for (i = 0; i < n && r[i].user == NULL; i++)
		;
	return i;
}

/* mda_pipe - the message on stdin to each recipient; the exit status is the
 * worst outcome (a temporary failure wins: the MTA will try again) */
static int mda_pipe(struct mda *m, const char *sender, char **rcpts)
{
	struct mda_rcpt *r = xcalloc(strlist_len(rcpts) + 1, sizeof(*r));
	struct mda_stage st = { .fd = -1 };
	struct dsn d, worst;
	size_t i, n = strlist_len(rcpts), ok = 0;
	char *tmp = NULL;

	dsn_ok(&worst, "delivered");
	for (i = 0; i < n; i++) {
		mda_rcpt_resolve(m, rcpts[i], &r[i], &d);
		if (d.status != DSN_OK) {
			fprintf(stderr, "poczta-mda: %s: %s %s\n", rcpts[i], d.code, d.text);
			if (worst.status != DSN_TEMPFAIL)
				worst = d;
		} else if (ok++ == 0)
			tmp = xasprintf("%s/tmp", r[i].maildir);
	}
	/* staged in the first recipient's Maildir: same file system, no tmpfs */
	if (ok && (maildir_create(r[first_ok(r, n)].maildir, &d) < 0 ||
		   stage_from_fd(&st, 0, tmp, m->max_size, &d) < 0)) {
		fprintf(stderr, "poczta-mda: %s %s\n", d.code, d.text);
		worst = d;
		ok = 0;
	}
	for (i = 0; ok && i < n; i++) {
		if (r[i].user == NULL)
			continue;
		mda_deliver(m, &st, sender, &r[i], &d);
		if (d.status != DSN_OK) {
			fprintf(stderr, "poczta-mda: %s: %s %s\n", rcpts[i], d.code, d.text);
			if (worst.status != DSN_TEMPFAIL)
				worst = d;
		}
	}
	stage_close(&st);
	for (i = 0; i < n; i++)
		mda_rcpt_free(&r[i]);
	free(r);
	free(tmp);
	return dsn_sysexits(&worst);
}

/* mda_test - what the Sieve script would do with the message on stdin */
static int mda_test(const char *script, const char *sender, const char *rcpt)
{
	struct sieve_error err;
	struct sieve_result res;
	struct sieve_script *s;
	struct buf out = BUF_INIT;
	size_t len, mlen;
	char *text = read_file(script, &len), *message;
	int rc = 0;

	if (text == NULL)
		msg_fatal("%s: %s", script, strerror(errno));
	s = sieve_compile(text, len, &err);
	free(text);
	if (s == NULL) {
		fprintf(stderr, "%s:%d:%d: %s\n", script, err.line, err.column, err.message);
		return EX_DATAERR;
	}
	message = read_fd(0, &mlen);
	struct sieve_message m = { message, mlen, sender, rcpt };
	if (sieve_execute(s, &m, &res) < 0) {
		fprintf(stderr, _("%s: runtime error: %s\n"), script, res.error);
		rc = EX_DATAERR;
	}
	sieve_result_describe(&res, &out);
	fputs(buf_cstr(&out), stdout);
	sieve_result_free(&res);
	sieve_free(s);
	buf_free(&out);
	free(message);
	return rc;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	struct mda m;
	struct conf *c;
	int rc;

	i18n_init();
	msg_init("poczta-mda", "MDA");
	parse_args(argc, argv, &a);
	if (a.trace)
		msg_set_trace(true);
	if (a.test) {
		rc = mda_test(a.test, a.sender ? a.sender : "",
			      a.rcpts[0] ? a.rcpts[0] : "");
		strlist_free(a.rcpts);
		return rc;
	}
	c = settings_load(a.config, NULL);	/* broken: tempfail, the MTA retries */
	mda_setup(&m, c);
	if (a.lmtp)
		rc = a.listen ? mda_lmtp_listen(&m) : mda_lmtp_stdio(&m);
	else {
		/* as a pipe, stderr is what an MTA sends back in a bounce: only
		 * problems go there, the rest to the log file */
		if (msg_verbose() == 0)
			msg_set_quiet(true);
		if (a.rcpts[0] == NULL)
			a.rcpts = strlist_add(a.rcpts, m.default_user);
		if (a.delivery_id && (strlen(a.delivery_id) > 64 ||
				      strspn(a.delivery_id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
				      strlen(a.delivery_id)))
			usage(EX_USAGE);
		m.delivery_id = a.delivery_id;
		rc = mda_pipe(&m, a.sender ? a.sender : "", a.rcpts);
	}
	mda_teardown(&m);
	conf_free(c);
	strlist_free(a.rcpts);
	return rc;
}
