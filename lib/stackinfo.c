/* stackinfo.c - the stack's agents, their pid files and logs (stackinfo.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fsutil.h"
#include "settings.h"
#include "stackinfo.h"
#include "xalloc.h"

const struct stackinfo_agent stackinfo_agents[STACKINFO_NAGENTS] = {
	{ "mda", "poczta-mda", "MDA", "mda", "lmtp_listen", { "--lmtp", "--listen", NULL } },
	{ "mta", "poczta-mta", "MTA", "mta", "listen", { "serve", NULL } },
	{ "msa", "poczta-msa", "MSA", "msa", "listen", { NULL } },
	{ "maa", "poczta-maa", "MAA", "maa", "imap_listen", { "serve", NULL } },
	{ "mra", "poczta-mra", "MRA", "account", NULL, { "watch", NULL } },
};

const struct stackinfo_agent *stackinfo_find(const char *role)
{
	size_t i;

	for (i = 0; i < STACKINFO_NAGENTS; i++)
		if (strcmp(stackinfo_agents[i].role, role) == 0)
			return &stackinfo_agents[i];
	return NULL;
}

/* stackinfo_watched - "IDLE: NAME,..." for the accounts poczta-mra watch
 * keeps open (a static buffer), NULL when none says watch = yes */
static const char *stackinfo_watched(const struct conf *c)
{
	static char text[128];
	size_t i, n = conf_count(c, "account"), len;

	len = (size_t)snprintf(text, sizeof(text), "IDLE:");
	for (i = 0; i < n; i++) {
		const char *name = conf_name(c, "account", i);
		if (conf_get_bool(c, "account", name, "watch") && len < sizeof(text))
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s",
						len > 5 ? "," : "", name);
	}
	return len > 5 ? text : NULL;
}

const char *stackinfo_address(const struct conf *c, const struct stackinfo_agent *a)
{
	return a->address_key ? conf_get(c, a->section, NULL, a->address_key) :
	       stackinfo_watched(c);
}

char *stackinfo_pid_file(const struct conf *c, const struct stackinfo_agent *a)
{
	char *run = settings_run_dir(c);
	char *p = xasprintf("%s/%s.pid", run, a->name);

	free(run);
	return p;
}

static char *stackinfo_log_named(const struct conf *c, const char *name)
{
	char *log = conf_get_path(c, "global", NULL, "log_file");
	char *run;

	if (log)
		return log;
	run = settings_run_dir(c);
	log = xasprintf("%s/%s.log", run, name);
	free(run);
	return log;
}

char *stackinfo_log_path(const struct conf *c, const struct stackinfo_agent *a)
{
	return stackinfo_log_named(c, a->name);
}

char *stackinfo_client_log_path(const struct conf *c)
{
	return stackinfo_log_named(c, "poczta");
}

pid_t stackinfo_read_pid(const char *path)
{
	char *text = read_file(path, NULL);
	long long v;
	char *nl;

	if (text == NULL)
		return 0;
	if ((nl = strchr(text, '\n')) != NULL)
		*nl = '\0';
	if (!conf_parse_int(text, &v) || v <= 1 || v > 0x7fffffff)
		v = 0;
	free(text);
	return (pid_t)v;
}

/* stackinfo_proc - the contents of /proc/PID/what, NULL when unreadable;
 * *len is its length */
static char *stackinfo_proc(pid_t pid, const char *what, size_t *len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, what);
	return read_file(path, len);
}

/* stackinfo_zombie - whether pid has exited but is not yet reaped */
static bool stackinfo_zombie(pid_t pid)
{
	char *stat = stackinfo_proc(pid, "stat", NULL);
	char *paren = stat ? strrchr(stat, ')') : NULL;
	bool z = paren && paren[1] == ' ' && paren[2] == 'Z';

	free(stat);
	return z;
}

/* stackinfo_runs - whether /proc says pid runs program (true when it cannot
 * tell): a guard against a pid file whose pid now belongs to someone else */
static bool stackinfo_runs(pid_t pid, const char *program)
{
	size_t len, i;
	char *cmd = stackinfo_proc(pid, "cmdline", &len);
	bool found;

	if (cmd == NULL)
		return true;
	for (i = 0; i < len; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	found = len == 0 || strstr(cmd, program) != NULL;
	free(cmd);
	return found;
}

bool stackinfo_alive(pid_t pid, const char *program)
{
	if (pid <= 1)
		return false;
	if (kill(pid, 0) < 0 && errno != EPERM)
		return false;
	return !stackinfo_zombie(pid) && stackinfo_runs(pid, program);
}

pid_t stackinfo_running(const struct conf *c, const struct stackinfo_agent *a)
{
	char *path = stackinfo_pid_file(c, a);
	pid_t pid = stackinfo_read_pid(path);

	free(path);
	return stackinfo_alive(pid, a->program) ? pid : 0;
}
