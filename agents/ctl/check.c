/* check.c - poczta-ctl check: every error of a configuration, as the
 * reader sees it and then what only the running system can tell (files
 * readable, addresses resolvable, users known), like Postfix's postconf -n. */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>
#include <openssl/pem.h>
#include "conf.h"
#include "ctl.h"
#include "i18n.h"
#include "settings.h"
#include "users.h"
#include "xalloc.h"

#define CHECK_USAGE "check [-c FILE] [--list-keys]"

/* check_error - print "file:line: key: what" for section.key */
static void check_error(struct ctl *ctl, int *errors, const char *section, const char *key,
			const char *what)
{
	int line = conf_line(ctl->conf, section, NULL, key);

	if (line > 0)
		fprintf(stderr, "%s:%d: %s: %s\n", conf_path(ctl->conf), line, key, what);
	else
		fprintf(stderr, "%s: %s: %s\n", conf_path(ctl->conf), key, what);
	(*errors)++;
}

/* check_readable - a PATH key, when set, names a readable file */
static void check_readable(struct ctl *ctl, int *errors, const char *section, const char *key)
{
	char *path = conf_get_path(ctl->conf, section, NULL, key);
	char *what;

	if (path && access(path, R_OK) < 0) {
		what = xasprintf(_("cannot read %s: %s"), path, strerror(errno));
		check_error(ctl, errors, section, key, what);
		free(what);
	}
	free(path);
}

/* check_tls - the certificate and key: both or neither, readable, PEM */
static void check_tls(struct ctl *ctl, int *errors)
{
	bool cert = conf_get(ctl->conf, "global", NULL, "tls_cert") != NULL;
	bool key = conf_get(ctl->conf, "global", NULL, "tls_key") != NULL;

	if (cert != key)
		check_error(ctl, errors, "global", cert ? "tls_cert" : "tls_key",
			    _("tls_cert and tls_key go together: set both or neither"));
	check_readable(ctl, errors, "global", "tls_cert");
	check_readable(ctl, errors, "global", "tls_key");
}

/* check_endpoint - a listening address whose host name resolves */
static void check_endpoint(struct ctl *ctl, int *errors, const char *section, const char *key)
{
	const char *value = conf_get(ctl->conf, section, NULL, key);
	struct conf_endpoint ep;
	struct addrinfo hints, *res;
	char *what;
	int rc;

	if (value == NULL || !conf_parse_endpoint(value, &ep) || ep.is_unix ||
	    strcmp(ep.host, "*") == 0)
		return;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(ep.host, NULL, &hints, &res)) != 0) {
		what = xasprintf(_("cannot resolve %s: %s"), ep.host, gai_strerror(rc));
		check_error(ctl, errors, section, key, what);
		free(what);
		return;
	}
	freeaddrinfo(res);
}

/* check_data_dir - data_dir exists and the users file, if any, is valid
 * and knows the default user */
static void check_users(struct ctl *ctl, int *errors)
{
	char *dir = settings_data_dir(ctl->conf), *path = settings_users_file(ctl->conf);
	const char *user = conf_get(ctl->conf, "global", NULL, "user");
	struct buf bad = BUF_INIT;
	struct users *u;
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		check_error(ctl, errors, "global", "data_dir", _("not an existing directory"));
	u = users_load(path, &bad);
	if (bad.len) {
		fputs(buf_cstr(&bad), stderr);
		(*errors)++;
	}
	if (u && user && users_count(u) > 0 && !users_find(u, user))
		check_error(ctl, errors, "global", "user", _("not in the users file"));
	users_free(u);
	buf_free(&bad);
	free(dir);
	free(path);
}

/* check_list_keys - every key of the schema as section.key, one a line */
static int check_list_keys(void)
{
	const struct conf_section_def *s;
	const struct conf_option *o;

	for (s = poczta_conf_schema; s->name; s++)
		for (o = s->options; o->name; o++)
			printf("%s.%s\n", s->name, o->name);
	return EX_OK;
}

int check_cmd(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "list-keys", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	int c, errors = 0;

	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (c == 'l')
			return check_list_keys();
		if (c != 'c')
			return ctl_usage_error(CHECK_USAGE, _("unknown option"));
		ctl_conf_option(ctl, optarg);
	}
	if (optind != argc)
		return ctl_usage_error(CHECK_USAGE, _("unexpected argument %s"), argv[optind]);
	if (!ctl_load_conf(ctl, false))
		return 1;
	check_tls(ctl, &errors);
	check_endpoint(ctl, &errors, "mda", "lmtp_listen");
	check_readable(ctl, &errors, "mda", "sieve");
	check_users(ctl, &errors);
	if (errors)
		return 1;
	printf(_("%s: ok\n"), conf_path(ctl->conf));
	return EX_OK;
}
