/* main.c - poczta-msa: the submission agent (RFC 6409).
 *
 *   poczta-msa [-c FILE] [--trace] [-v]
 *
 * Reads poczta.conf once, then serves [msa] listen (STARTTLS) and [msa]
 * listen_tls (implicit TLS) until SIGTERM. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include "aliases.h"
#include "buf.h"
#include "conf.h"
#include "config.h"
#include "i18n.h"
#include "authcache.h"
#include "msa.h"
#include "msg.h"
#include "queue.h"
#include "settings.h"
#include "strlist.h"
#include "tls.h"
#include "users.h"
#include "xalloc.h"

static _Noreturn void usage(int status)
{
	fprintf(status ? stderr : stdout, "%s",
		_("usage: poczta-msa [-c FILE] [--trace] [-v]\n"));
	exit(status);
}

/* msa_tls - the server context; the agent is no use without one, as AUTH
 * is offered only under TLS (RFC 4954 4, RFC 8314 3) */
static struct tls_server *msa_tls(const struct conf *c)
{
	struct buf err = BUF_INIT;
	bool set;
	struct tls_server *t = settings_tls_server(c, &set, &err);

	if (!set)
		msg_fatal(_("%s: global: tls_cert and tls_key must be set for poczta-msa"),
			  conf_path(c));
	if (t == NULL)
		msg_fatal("%s", buf_cstr(&err));
	buf_free(&err);
	return t;
}

/* msa_setup - everything the agent needs, read once */
static void msa_setup(struct msa *m, const struct conf *c)
{
	char *data = settings_data_dir(c), *qdir = xasprintf("%s/queue", data);
	char *aliases = conf_get_path(c, "mta", NULL, "aliases");
	char *log = conf_get_path(c, "global", NULL, "log_file");
	struct buf err = BUF_INIT;
	struct dsn d;

	memset(m, 0, sizeof(*m));
	m->conf = c;
	if (log)
		msg_set_logfile(log);
	m->hostname = settings_hostname(c);
	m->policy.domains = settings_domains(c);
	m->users_file = settings_users_file(c);
	if ((m->users = users_load(m->users_file, &err)) == NULL)
		msg_fatal("%s", buf_cstr(&err));
	if (aliases && (m->aliases = aliases_load(aliases, &d)) == NULL)
		msg_fatal("%s", d.text);
	m->policy.users = m->users;
	m->policy.aliases = m->aliases;
	if ((m->queue = queue_open(qdir, &err)) == NULL)
		msg_fatal("%s", buf_cstr(&err));
	m->run_dir = settings_run_dir(c);
	m->max_size = conf_get_size(c, "msa", NULL, "max_message_size");
	m->max_rcpts = (size_t)conf_get_int(c, "msa", NULL, "max_recipients");
	m->max_errors = (int)conf_get_int(c, "msa", NULL, "max_errors");
	m->max_auth_failures = (int)conf_get_int(c, "msa", NULL, "max_auth_failures");
	m->timeout_ms = (int)conf_get_duration(c, "msa", NULL, "timeout") * 1000;
	m->auth_in_clear = conf_get_bool(c, "msa", NULL, "auth_in_clear");
	m->auth_delay_ms = conf_get_int(c, "msa", NULL, "auth_delay_ms");
	m->auth_delay_max_ms = conf_get_duration(c, "msa", NULL, "auth_delay_max") * 1000;
	m->auth_window = conf_get_duration(c, "msa", NULL, "auth_window");
	if (conf_get_bool(c, "msa", NULL, "trace"))
		msg_set_trace(true);
	free(data);
	free(qdir);
	free(aliases);
	free(log);
	buf_free(&err);
}

static void msa_teardown(struct msa *m)
{
	free(m->hostname);
	strlist_free(m->policy.domains);
	free(m->users_file);
	users_free(m->users);
	aliases_free(m->aliases);
	queue_close(m->queue);
	free(m->run_dir);
	tls_server_free(m->tls);
	msa_throttle_free(m->throttle);
	authcache_free(m->authcache);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "trace", no_argument, NULL, 'T' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	struct conf *c;
	struct msa m;
	int ch, rc;

	i18n_init();
	msg_init("poczta-msa", "MSA");
	while ((ch = getopt_long(argc, argv, "+c:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'v': msg_set_verbose(msg_verbose() + 1); break;
		case 'T': msg_set_trace(true); break;
		case 'h': usage(0);
		case 'V': printf("poczta-msa %s\n", POCZTA_VERSION); return 0;
		default: usage(EX_USAGE);
		}
	}
	if (optind != argc)
		usage(EX_USAGE);
	msg_set_fatal_status(EX_CONFIG);
	c = settings_load(config, NULL);
	msg_set_fatal_status(EX_TEMPFAIL);
	msa_setup(&m, c);
	m.tls = msa_tls(c);
	if ((m.authcache = authcache_new()) == NULL)
		msg_fatal("mmap: %s", strerror(errno));
	if ((m.throttle = msa_throttle_new()) == NULL)
		msg_fatal("mmap: %s", strerror(errno));
	rc = msa_serve(&m);
	msa_teardown(&m);
	conf_free(c);
	return rc;
}
