/* main.c - poczta-mta: the transfer agent.
 *
 *   poczta-mta [-c FILE] [--trace] serve
 *   poczta-mta [-c FILE] queue | flush | hold ID | release ID | delete ID | bounce ID */
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
#include "msg.h"
#include "mta.h"
#include "progpath.h"
#include "queue.h"
#include "settings.h"
#include "strlist.h"
#include "tls.h"
#include "users.h"
#include "xalloc.h"

static _Noreturn void usage(int status)
{
	fprintf(status ? stderr : stdout, "%s",
		_("usage: poczta-mta [-c FILE] [--trace] serve\n"
		  "       poczta-mta [-c FILE] queue | flush\n"
		  "       poczta-mta [-c FILE] hold | release | delete | bounce ID\n"));
	exit(status);
}

/* mta_local_lmtp - where local mail goes by LMTP, or NULL for the pipe */
static char *mta_local_lmtp(const struct conf *c)
{
	const char *how = conf_get(c, "mta", NULL, "local_delivery");
	const char *mda = conf_get(c, "mda", NULL, "lmtp_listen");

	if (how && strcmp(how, "pipe") == 0)
		return NULL;
	if (how && strncmp(how, "lmtp:", 5) == 0)
		return xstrdup(how + 5);
	if (how)
		msg_fatal("%s: mta: local_delivery: \"%s\" is neither lmtp:ADDRESS nor pipe",
			  conf_path(c), how);
	return mda ? xstrdup(mda) : NULL;
}

/* mta_tls - the server context for STARTTLS when a certificate is set */
static struct tls_server *mta_tls(const struct conf *c)
{
	struct buf err = BUF_INIT;
	bool set;
	struct tls_server *t = settings_tls_server(c, &set, &err);

	if (set && t == NULL)
		msg_warnx("no STARTTLS: %s", buf_cstr(&err));
	buf_free(&err);
	return t;
}

/* mta_setup - everything the agent needs, read once */
static void mta_setup(struct mta *m, const struct conf *c, char *path)
{
	char *data = settings_data_dir(c), *users = settings_users_file(c);
	char *aliases = conf_get_path(c, "mta", NULL, "aliases"), *log = conf_get_path(c, "global", NULL, "log_file");
	struct buf err = BUF_INIT;
	struct dsn d;

	memset(m, 0, sizeof(*m));
	m->conf = c;
	m->config_path = path;
	if (log)
		msg_set_logfile(log);
	m->hostname = settings_hostname(c);
	m->policy.domains = settings_domains(c);
	if ((m->users = users_load(users, &err)) == NULL)
		msg_fatal("%s", buf_cstr(&err));
	if (aliases && (m->aliases = aliases_load(aliases, &d)) == NULL)
		msg_fatal("%s", d.text);
	m->queue_dir = xasprintf("%s/queue", data);
	m->maildrop_dir = xasprintf("%s/maildrop", data);
	if ((m->queue = queue_open(m->queue_dir, &err)) == NULL)
		msg_fatal("%s", buf_cstr(&err));
	m->policy.relay_networks = strlist_split(conf_get(c, "mta", NULL, "relay_networks"), ", ");
	m->policy.users = m->users;
	m->policy.aliases = m->aliases;
	m->max_size = conf_get_size(c, "mta", NULL, "max_message_size");
	m->max_rcpts = (size_t)conf_get_int(c, "mta", NULL, "max_recipients");
	m->max_errors = (int)conf_get_int(c, "mta", NULL, "max_errors");
	m->timeout_ms = (int)conf_get_duration(c, "mta", NULL, "timeout") * 1000;
	m->retry_min = conf_get_duration(c, "mta", NULL, "retry_min");
	m->retry_max = conf_get_duration(c, "mta", NULL, "retry_max");
	m->lifetime = conf_get_duration(c, "mta", NULL, "max_queue_lifetime");
	m->concurrency = (int)conf_get_int(c, "mta", NULL, "delivery_concurrency");
	m->mda = progpath_find("poczta-mda");
	m->local_lmtp = mta_local_lmtp(c);
	if (conf_get_bool(c, "mta", NULL, "trace"))
		msg_set_trace(true);
	free(data);
	free(users);
	free(aliases);
	free(log);
	buf_free(&err);
}

static void mta_teardown(struct mta *m)
{
	free(m->config_path);
	free(m->hostname);
	strlist_free(m->policy.domains);
	users_free(m->users);
	aliases_free(m->aliases);
	queue_close(m->queue);
	free(m->queue_dir);
	free(m->maildrop_dir);
	tls_server_free(m->tls);
	strlist_free(m->policy.relay_networks);
	free(m->mda);
	free(m->local_lmtp);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "trace", no_argument, NULL, 'T' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	struct conf *c;
	struct mta m;
	char *path;
	int ch, rc;

	i18n_init();
	msg_init("poczta-mta", "MTA");
	while ((ch = getopt_long(argc, argv, "+c:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'v': msg_set_verbose(msg_verbose() + 1); break;
		case 'T': msg_set_trace(true); break;
		case 'h': usage(0);
		case 'V': printf("poczta-mta %s\n", POCZTA_VERSION); return 0;
		default: usage(EX_USAGE);
		}
	}
	if (optind >= argc)
		usage(EX_USAGE);
	msg_set_fatal_status(EX_CONFIG);
	c = settings_load(config, &path);
	msg_set_fatal_status(EX_TEMPFAIL);
	mta_setup(&m, c, path);
	if (strcmp(argv[optind], "serve") == 0 && optind + 1 == argc) {
		m.tls = mta_tls(c);
		rc = mta_serve(&m);
	} else if ((rc = mta_cli(&m, argc - optind, argv + optind)) == EX_USAGE)
		usage(EX_USAGE);
	mta_teardown(&m);
	conf_free(c);
	return rc;
}
