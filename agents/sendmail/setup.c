/* setup.c - who is sending, and where the queue is: poczta.conf read once,
 * the invoking user from the password file, the local domains, users and
 * aliases with which recipients are resolved as the MTA resolves them. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <sys/stat.h>
#include <unistd.h>
#include "aliases.h"
#include "conf.h"
#include "fsutil.h"
#include "i18n.h"
#include "maildrop.h"
#include "msg.h"
#include "mtakick.h"
#include "queue.h"
#include "sendmail.h"
#include "settings.h"
#include "strlist.h"
#include "users.h"
#include "xalloc.h"

/* setup_user - the invoking user's login and full name (by real uid, as
 * Postfix's sendmail: never from the environment) */
static void setup_user(struct sm *sm)
{
	struct passwd *pw;

	sm->uid = getuid();
	pw = getpwuid(sm->uid);
	if (pw == NULL) {
		msg_set_fatal_status(EX_OSERR);
		msg_fatal(_("no login name found for user ID %lu"), (unsigned long)sm->uid);
	}
	sm->user = xstrdup(pw->pw_name);
	if (pw->pw_gecos && *pw->pw_gecos && *pw->pw_gecos != ',')
		sm->gecos = xstrndup(pw->pw_gecos, strcspn(pw->pw_gecos, ","));
}

/* setup_domain - the domain for bare names: the first local domain (the
 * host name when no domains are set, settings_domains) */
static char *setup_domain(const struct sm *sm)
{
	return xstrdup(sm->policy.domains[0]);
}

/* setup_resolver - what rcptpolicy_check needs: domains, users, aliases;
 * in maildrop mode the domains alone (the MTA resolves at pickup, and the
 * users file is not ours to read) */
static void setup_resolver(struct sm *sm)
{
	char *users = settings_users_file(sm->conf);
	char *aliases = conf_get_path(sm->conf, "mta", NULL, "aliases");
	struct buf err = BUF_INIT;
	struct dsn d;

	sm->policy.domains = settings_domains(sm->conf);
	if (sm->maildrop) {
		free(users);
		free(aliases);
		return;
	}
	if ((sm->users = users_load(users, &err)) == NULL)
		msg_fatal("%s", buf_cstr(&err));
	if (aliases && (sm->aliases = aliases_load(aliases, &d)) == NULL)
		msg_fatal("%s", d.text);
	sm->policy.users = sm->users;
	sm->policy.aliases = sm->aliases;
	free(users);
	free(aliases);
	buf_free(&err);
}

/* setup_maildrop - DATA_DIR/maildrop when the queue exists but is not ours
 * to write (a system install's, the poczta user's) and the MTA made the
 * maildrop; else NULL: the queue it is (queue_open says what is wrong) */
static char *setup_maildrop(const char *queue_dir, const char *data)
{
	char *md;
	struct stat st;

	if (access(queue_dir, W_OK | X_OK) == 0 || errno != EACCES)
		return NULL;
	md = xasprintf("%s/maildrop", data);
	if (stat(md, &st) == 0 && S_ISDIR(st.st_mode) && access(md, W_OK | X_OK) == 0)
		return md;
	free(md);
	return NULL;
}

/* setup_config - -C FILE, or -C DIR as Postfix takes it (DIR/poczta.conf);
 * newly allocated, NULL without -C */
static char *setup_config(const char *config)
{
	struct stat st;

	if (config == NULL)
		return NULL;
	if (stat(config, &st) == 0 && S_ISDIR(st.st_mode))
		return xasprintf("%s/poczta.conf", config);
	return xstrdup(config);
}

void setup_load(struct sm *sm, const char *config)
{
	char *log, *data, *path = setup_config(config);
	struct buf err = BUF_INIT;

	memset(sm, 0, sizeof(*sm));
	msg_set_fatal_status(EX_CONFIG);
	sm->conf = settings_load(path, &sm->config_path);
	free(path);
	msg_set_fatal_status(EX_TEMPFAIL);
	if ((log = conf_get_path(sm->conf, "global", NULL, "log_file")) != NULL)
		msg_set_logfile(log);
	free(log);
	setup_user(sm);
	sm->hostname = settings_hostname(sm->conf);
	data = settings_data_dir(sm->conf);
	sm->queue_dir = xasprintf("%s/queue", data);
	sm->maildrop = setup_maildrop(sm->queue_dir, data);
	free(data);
	setup_resolver(sm);
	sm->domain = setup_domain(sm);
	sm->max_size = conf_get_size(sm->conf, "mta", NULL, "max_message_size");
	sm->max_rcpts = (size_t)conf_get_int(sm->conf, "mta", NULL, "max_recipients");
	/* the queue's own words say which directory and why */
	if (sm->maildrop == NULL && (sm->queue = queue_open(sm->queue_dir, &err)) == NULL)
		msg_fatal("%s", buf_cstr(&err));
	buf_free(&err);
}

void setup_free(struct sm *sm)
{
	queue_close(sm->queue);
	free(sm->queue_dir);
	free(sm->maildrop);
	strlist_free(sm->policy.domains);
	users_free(sm->users);
	aliases_free(sm->aliases);
	free(sm->config_path);
	free(sm->hostname);
	free(sm->domain);
	free(sm->user);
	free(sm->gecos);
	conf_free(sm->conf);
}

void setup_kick(const struct sm *sm)
{
	char *run;

	if (sm->maildrop)
		return;
	run = settings_run_dir(sm->conf);
	if (!mtakick(run))
		/* like postdrop: the message waits in the queue for the MTA */
		msg_info("poczta-mta is not running; the message waits in the queue");
	free(run);
}
