/* account.c - an [account NAME] section read into struct mra_account, and
 * its password. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "conf.h"
#include "fsutil.h"
#include "i18n.h"
#include "mra.h"
#include "strlist.h"
#include "xalloc.h"

/* mra_loopback - whether host names this machine's loopback, the only
 * place tls=none is allowed (no password crosses a network in clear) */
static bool mra_loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
	       strncmp(host, "127.", 4) == 0;
}

bool mra_account_load(const struct conf *c, const char *name, struct mra_account *a,
		      struct buf *err)
{
	const char *tls = conf_get(c, "account", name, "tls");
	bool imap;

	memset(a, 0, sizeof(*a));
	a->name = name;
	a->type = conf_get(c, "account", name, "type");
	imap = strcmp(a->type, "imap") == 0;
	a->host = conf_get(c, "account", name, "host");
	a->tls = strcmp(tls, "implicit") == 0 ? MRA_TLS_IMPLICIT :
		 strcmp(tls, "none") == 0 ? MRA_TLS_NONE : MRA_TLS_STARTTLS;
	if (conf_is_set(c, "account", name, "port"))
		snprintf(a->port, sizeof(a->port), "%lld", conf_get_int(c, "account", name, "port"));
	else
		snprintf(a->port, sizeof(a->port), "%s", a->tls == MRA_TLS_IMPLICIT ?
			 (imap ? "993" : "995") : (imap ? "143" : "110"));
	a->user = conf_get(c, "account", name, "user");
	a->password_file = conf_get_path(c, "account", name, "password_file");
	a->password_command = conf_get(c, "account", name, "password_command");
	a->folders = conf_get_list(c, "account", name, "folders", NULL);
	a->keep = conf_get_bool(c, "account", name, "keep");
	a->watch = conf_get_bool(c, "account", name, "watch");
	a->trace = conf_get_bool(c, "account", name, "trace");
	/* flags can only be synced on what stays on the server */
	a->sync_flags = imap && a->keep && conf_get_bool(c, "account", name, "sync_flags");
	a->local_user = conf_get(c, "account", name, "local_user");
	a->ca = conf_get_path(c, "account", name, "ca");
	a->pin = conf_get(c, "account", name, "pin");
	a->timeout_ms = (int)conf_get_duration(c, "account", name, "timeout") * 1000;
	if (a->host == NULL || a->user == NULL) {
		buf_printf(err, _("account %s: host and user must be set"), name);
		return false;
	}
	if (a->tls == MRA_TLS_NONE && !mra_loopback(a->host)) {
		buf_printf(err, _("account %s: tls = none is allowed only for a loopback host"), name);
		return false;
	}
	if (a->folders[0] == NULL)
		a->folders = strlist_add(a->folders, "INBOX");
	return true;
}

void mra_account_free(struct mra_account *a)
{
	x_free(&a->password_file);
	x_free(&a->ca);
	conf_list_free(a->folders);
	a->folders = NULL;
}

/* mra_password_run - the first line the command prints (argv, no shell) */
static char *mra_password_run(const char *cmd, struct buf *err)
{
	char **argv = strlist_split(cmd, " \t"), *out = NULL;
	int p[2], status = 0;
	size_t n = 0;
	pid_t pid;

	if (argv[0] == NULL || pipe(p) < 0) {
		buf_printf(err, _("password_command cannot be run"));
		strlist_free(argv);
		return NULL;
	}
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (pid > 0)
		out = read_fd(p[0], &n);
	close(p[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	strlist_free(argv);
	if (pid < 0 || out == NULL || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		buf_printf(err, _("password_command %s failed"), cmd);
		free(out);
		return NULL;
	}
	out[strcspn(out, "\r\n")] = '\0';
	return out;
}

char *mra_password(const struct mra_account *a, struct buf *err)
{
	char *pw;

	if (a->password_command)
		return mra_password_run(a->password_command, err);
	if (a->password_file == NULL) {
		buf_printf(err, _("account %s: neither password_file nor password_command is set"),
			   a->name);
		return NULL;
	}
	pw = read_file(a->password_file, NULL);
	if (pw == NULL) {
		buf_printf(err, _("cannot read %s: %s"), a->password_file, strerror(errno));
		return NULL;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	return pw;
}
