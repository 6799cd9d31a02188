/* outbox_conf.c - the outbox's settings from [client] (outbox.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "i18n.h"
#include "outbox.h"
#include "settings.h"
#include "stackinfo.h"
#include "xalloc.h"

/* outbox_conf_spool - [client] outbox; else DATA_DIR/outbox when the data
 * directory is the user's own (a sandbox); else, on a system whose
 * DATA_DIR belongs to the poczta user, the XDG state directory */
static char *outbox_conf_spool(const struct conf *c)
{
	char *s = conf_get_path(c, "client", NULL, "outbox");
	char *data;
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct stat st;

	if (s)
		return s;
	data = settings_data_dir(c);
	if (stat(data, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid()) {
		s = xasprintf("%s/outbox", data);
		free(data);
		return s;
	}
	free(data);
	if (xdg && *xdg == '/')	/* XDG Base Directory: relative ones are ignored */
		return xasprintf("%s/poczta/outbox", xdg);
	return xasprintf("%s/.local/state/poczta/outbox", home && *home ? home : ".");
}

/* outbox_conf_log - the client's log: beside the agents' logs when the
 * data directory is the user's own ([global] log_file, else
 * DATA_DIR/run/poczta.log, as lib/stackinfo.h has them); else (a system
 * install, whose logs are the poczta user's) in the XDG state directory */
static char *outbox_conf_log(const struct conf *c)
{
	char *data = settings_data_dir(c);
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct stat st;

	if (stat(data, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid()) {
		free(data);
		return stackinfo_client_log_path(c);
	}
	free(data);
	if (xdg && *xdg == '/')
		return xasprintf("%s/poczta/poczta.log", xdg);
	return xasprintf("%s/.local/state/poczta/poczta.log", home && *home ? home : ".");
}

/* outbox_conf_loopback - whether host is a loopback address or name */
static bool outbox_conf_loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	       strcmp(host, "localhost") == 0;
}

/* outbox_conf_submit - submit and submit_tls; false with err */
static bool outbox_conf_submit(struct outbox_config *cfg, const struct conf *c, struct buf *err)
{
	const char *v = conf_get(c, "client", NULL, "submit");
	const char *tls = conf_get(c, "client", NULL, "submit_tls");
	struct conf_endpoint ep;

	cfg->submit_tls = strcmp(tls, "implicit") == 0 ? SMTPC_TLS_IMPLICIT :
			  strcmp(tls, "none") == 0 ? SMTPC_TLS_NONE : SMTPC_TLS_STARTTLS;
	if (v == NULL)
		return true;
	if (!conf_parse_endpoint(v, &ep) || ep.is_unix) {
		buf_printf(err, "%s:%d: submit: %s\n", conf_path(c),
			   conf_line(c, "client", NULL, "submit"), _("expected HOST:PORT"));
		return false;
	}
	if (cfg->submit_tls == SMTPC_TLS_NONE && !outbox_conf_loopback(ep.host)) {
		/* L10N: submit_tls = none with a remote MSA would send passwords
		 * and mail in clear text */
		buf_printf(err, "%s:%d: submit_tls: %s\n", conf_path(c),
			   conf_line(c, "client", NULL, "submit_tls"),
			   _("none is allowed only for a loopback MSA"));
		return false;
	}
	cfg->submit_host = xstrdup(ep.host);
	cfg->submit_port = xasprintf("%u", ep.port);
	return true;
}

/* outbox_conf_str - a string key, newly allocated, or NULL when unset */
static char *outbox_conf_str(const struct conf *c, const char *key)
{
	const char *v = conf_get(c, "client", NULL, key);

	return v && *v ? xstrdup(v) : NULL;
}

bool outbox_config_load(struct outbox_config *cfg, const struct conf *c, const char *maildir,
			struct buf *err)
{
	char *data = settings_data_dir(c);
	bool ok;

	memset(cfg, 0, sizeof(*cfg));
	cfg->spool = outbox_conf_spool(c);
	cfg->maildir = xstrdup(maildir ? maildir : "");
	cfg->sent = xstrdup(conf_get(c, "client", NULL, "sent"));
	cfg->send_delay = (long)conf_get_duration(c, "client", NULL, "send_delay");
	cfg->submit_user = outbox_conf_str(c, "submit_user");
	cfg->submit_password_command = outbox_conf_str(c, "submit_password_command");
	cfg->submit_password_file = conf_get_path(c, "client", NULL, "submit_password_file");
	cfg->submit_ca = conf_get_path(c, "client", NULL, "submit_ca");
	cfg->queue_dir = xasprintf("%s/queue", data);
	cfg->run_dir = settings_run_dir(c);
	cfg->hostname = settings_hostname(c);
	cfg->log = outbox_conf_log(c);
	cfg->trace = conf_get_bool(c, "client", NULL, "trace");
	ok = outbox_conf_submit(cfg, c, err);
	free(data);
	return ok;
}

void outbox_config_free(struct outbox_config *cfg)
{
	free(cfg->spool);
	free(cfg->maildir);
	free(cfg->sent);
	free(cfg->submit_host);
	free(cfg->submit_port);
	free(cfg->submit_user);
	free(cfg->submit_password_command);
	free(cfg->submit_password_file);
	free(cfg->submit_ca);
	free(cfg->queue_dir);
	free(cfg->run_dir);
	free(cfg->hostname);
	free(cfg->log);
	memset(cfg, 0, sizeof(*cfg));
}
