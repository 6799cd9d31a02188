/* stack.c - up, down and status of the agents poczta-ctl runs (their table
 * is lib/stackinfo.c), each started detached with its pid in
 * DATA_DIR/run/NAME.pid. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "conf.h"
#include "ctl.h"
#include "progpath.h"
#include "fsutil.h"
#include "i18n.h"
#include "msg.h"
#include "settings.h"
#include "stackinfo.h"
#include "xalloc.h"

#define STACK_WAIT_MS 5000	/* for an agent to accept connections */
#define STACK_STOP_MS 5000	/* for an agent to end after SIGTERM */
#define STACK_LOG_LINES 10	/* of the log shown when an agent fails */

/* Where one agent stands now. */
struct stack_state {
	const struct stackinfo_agent *agent;
	const char *address;	/* from the configuration; NULL: not configured */
	char *program;		/* its path; NULL: not built */
	char *pidfile;
	pid_t pid;		/* running; 0: not running */
};

/* stack_state_get - find out where agent stands; free with stack_state_free */
static void stack_state_get(struct ctl *ctl, const struct stackinfo_agent *a,
			    struct stack_state *st)
{
	st->agent = a;
	st->address = stackinfo_address(ctl->conf, a);
	st->program = progpath_find(a->program);
	st->pidfile = stackinfo_pid_file(ctl->conf, a);
	st->pid = stackinfo_read_pid(st->pidfile);
	if (st->pid && !stackinfo_alive(st->pid, a->program))
		st->pid = 0;
}

static void stack_state_free(struct stack_state *st)
{
	x_free(&st->program);
	x_free(&st->pidfile);
}

/* stack_endpoint - the agent's address parsed; a relative unix: path is
 * relative to the configuration file like every other path */
static bool stack_endpoint(struct ctl *ctl, const char *address, struct conf_endpoint *ep)
{
	char *p;

	if (!conf_parse_endpoint(address, ep))
		return false;
	if (ep->is_unix && ep->path[0] != '/') {
		p = conf_resolve_path(ctl->conf, ep->path);
		snprintf(ep->path, sizeof(ep->path), "%s", p);
		free(p);
	}
	return true;
}

/* stack_wait - wait until pid accepts connections on ep (ep NULL: until it
 * has run for a second); NULL when it does,
 * else why not (static text) */
static const char *stack_wait(pid_t pid, const struct conf_endpoint *ep)
{
	struct timespec tick = { 0, 100 * 1000000L };
	int waited, status;

	for (waited = 0; waited < STACK_WAIT_MS; waited += 100) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return _("it exited");
		if (ep == NULL && waited >= 1000)	/* listens nowhere: alive is up */
			return NULL;
		if (ep && net_accepts(ep))
			return NULL;
		nanosleep(&tick, NULL);
	}
	return _("it did not accept connections within 5 seconds");
}

/* stack_argv - program -c CONF args...; newly allocated array of borrowed
 * strings */
static char **stack_argv(const struct stack_state *st, char *conf)
{
	char **argv = xcalloc(8, sizeof(char *));
	size_t n = 0, i;

	argv[n++] = st->program;
	argv[n++] = "-c";
	argv[n++] = conf;
	for (i = 0; st->agent->args[i]; i++)
		argv[n++] = (char *)st->agent->args[i];
	return argv;
}

/* stack_failed - report an agent that did not come up, with its log, and
 * stop what is left of it */
static int stack_failed(const struct stack_state *st, pid_t pid, const char *why,
			const char *log)
{
	struct buf tail = BUF_INIT;

	proc_log_tail(log, STACK_LOG_LINES, &tail);
	fprintf(stderr, _("poczta-ctl: %s: %s failed to start on %s: %s; the end of %s:\n%s"),
		st->agent->name, st->agent->program, st->address, why, log, buf_cstr(&tail));
	if (tail.len && tail.data[tail.len - 1] != '\n')
		fputc('\n', stderr);
	buf_free(&tail);
	if (waitpid(pid, NULL, WNOHANG) == 0) {	/* our child, still running */
		proc_stop(pid, STACK_STOP_MS);
		waitpid(pid, NULL, 0);
	}
	unlink(st->pidfile);
	return EX_UNAVAILABLE;
}

/* stack_start - start one configured, built, stopped agent and wait for it */
static int stack_start(struct ctl *ctl, struct stack_state *st, const struct conf_endpoint *ep)
{
	char conf[PATH_MAX], **argv;
	char *log = stackinfo_log_path(ctl->conf, st->agent);
	struct buf err = BUF_INIT;
	const char *why;
	pid_t pid;
	int rc = EX_OK;

	if (realpath(conf_path(ctl->conf), conf) == NULL)
		snprintf(conf, sizeof(conf), "%s", conf_path(ctl->conf));
	argv = stack_argv(st, conf);
	pid = proc_spawn(argv, log, &err);
	free(argv);
	if (pid < 0) {
		fprintf(stderr, "poczta-ctl: %s: %s\n", st->agent->name, buf_cstr(&err));
		rc = EX_OSERR;
	} else if (proc_write_pid(st->pidfile, pid) < 0) {
		fprintf(stderr, _("poczta-ctl: %s: cannot write %s: %s\n"), st->agent->name,
			st->pidfile, strerror(errno));
		proc_stop(pid, STACK_STOP_MS);
		rc = EX_CANTCREAT;
	} else if ((why = stack_wait(pid, ep)) != NULL) {
		rc = stack_failed(st, pid, why, log);
	} else {
		printf(_("%s: started %s (pid %ld), %s on %s\n"), st->agent->name,
		       st->agent->program, (long)pid, st->agent->role, st->address);
	}
	buf_free(&err);
	free(log);
	return rc;
}

/* stack_up_one - bring one agent up unless it runs, is not built or not
 * configured; its exit status */
static int stack_up_one(struct ctl *ctl, struct stack_state *st)
{
	struct conf_endpoint ep;

	if (st->address == NULL && st->agent->address_key == NULL) {
		printf(_("%s: not configured (no [%s] says watch = yes), skipped\n"),
		       st->agent->name, st->agent->section);
		return EX_OK;
	}
	if (st->address == NULL) {
		printf(_("%s: not configured ([%s] %s is unset), skipped\n"), st->agent->name,
		       st->agent->section, st->agent->address_key);
		return EX_OK;
	}
	if (st->program == NULL) {
		printf(_("%s: %s is not built, skipped\n"), st->agent->name, st->agent->program);
		return EX_OK;
	}
	if (st->pid) {
		printf(_("%s: already running (pid %ld)\n"), st->agent->name, (long)st->pid);
		return EX_OK;
	}
	if (st->agent->address_key == NULL)
		return stack_start(ctl, st, NULL);
	if (!stack_endpoint(ctl, st->address, &ep))
		return EX_CONFIG;
	if (net_accepts(&ep)) {
		fprintf(stderr, _("poczta-ctl: %s: %s is already in use by another program\n"),
			st->agent->name, st->address);
		return EX_UNAVAILABLE;
	}
	return stack_start(ctl, st, &ep);
}

/* stack_prepare - the -c option and the configuration; EX_OK or the status */
static int stack_prepare(struct ctl *ctl, int argc, char **argv, const char *usage)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (c != 'c')
			return ctl_usage_error(usage, _("unknown option"));
		ctl_conf_option(ctl, optarg);
	}
	if (optind != argc)
		return ctl_usage_error(usage, _("unexpected argument %s"), argv[optind]);
	return ctl_load_conf(ctl, true) ? EX_OK : EX_CONFIG;
}

/* stack_run_dir - make DATA_DIR/run; false (and a message) when it cannot */
static bool stack_run_dir(struct ctl *ctl)
{
	char *run = settings_run_dir(ctl->conf);
	bool ok = mkdir_p(run, 0755) == 0;

	if (!ok)
		fprintf(stderr, _("poczta-ctl: cannot create %s: %s\n"), run, strerror(errno));
	free(run);
	return ok;
}

int stack_up(struct ctl *ctl, int argc, char **argv)
{
	struct stack_state st;
	size_t i;
	int rc = stack_prepare(ctl, argc, argv, "[-c FILE] up"), one;

	if (rc != EX_OK)
		return rc;
	if (!stack_run_dir(ctl))
		return EX_CANTCREAT;
	for (i = 0; i < STACKINFO_NAGENTS; i++) {
		stack_state_get(ctl, &stackinfo_agents[i], &st);
		one = stack_up_one(ctl, &st);
		if (one != EX_OK)
			rc = one;
		stack_state_free(&st);
	}
	return rc;
}

/* stack_down_one - stop one agent by its pid file */
static int stack_down_one(struct stack_state *st)
{
	pid_t recorded = stackinfo_read_pid(st->pidfile);

	if (st->pid == 0) {
		if (recorded)
			printf(_("%s: not running (removed a stale pid file)\n"), st->agent->name);
		else
			printf(_("%s: not running\n"), st->agent->name);
		unlink(st->pidfile);
		return EX_OK;
	}
	if (!proc_stop(st->pid, STACK_STOP_MS)) {
		fprintf(stderr, _("poczta-ctl: %s: pid %ld did not stop\n"), st->agent->name,
			(long)st->pid);
		return EX_TEMPFAIL;
	}
	unlink(st->pidfile);
	printf(_("%s: stopped (pid %ld)\n"), st->agent->name, (long)st->pid);
	return EX_OK;
}

int stack_down(struct ctl *ctl, int argc, char **argv)
{
	struct stack_state st;
	size_t i;
	int rc = stack_prepare(ctl, argc, argv, "[-c FILE] down"), one;

	if (rc != EX_OK)
		return rc;
	for (i = STACKINFO_NAGENTS; i-- > 0;) {	/* stop in the reverse order */
		stack_state_get(ctl, &stackinfo_agents[i], &st);
		one = stack_down_one(&st);
		if (one != EX_OK)
			rc = one;
		stack_state_free(&st);
	}
	return rc;
}

/* stack_state_text - "running (pid N)", "stopped", "not built" or
 * "not configured"; written into text */
static const char *stack_state_text(const struct stack_state *st, char *text, size_t size)
{
	if (st->pid)
		snprintf(text, size, _("running (pid %ld)"), (long)st->pid);
	else if (st->program == NULL)
		snprintf(text, size, "%s", _("not built"));
	else if (st->address == NULL)
		snprintf(text, size, "%s", _("not configured"));
	else
		snprintf(text, size, "%s", _("stopped"));
	return text;
}

int stack_status(struct ctl *ctl, int argc, char **argv)
{
	struct stack_state st;
	char text[64];
	size_t i;
	int rc = stack_prepare(ctl, argc, argv, "[-c FILE] status");

	if (rc != EX_OK)
		return rc;
	/* columns by display width, so that translated headings line up */
	ctl_put_padded(_("AGENT"), 9);
	ctl_put_padded(_("ROLE"), 6);
	ctl_put_padded(_("ADDRESS"), 29);
	printf("%s\n", _("STATE"));
	for (i = 0; i < STACKINFO_NAGENTS; i++) {
		stack_state_get(ctl, &stackinfo_agents[i], &st);
		ctl_put_padded(st.agent->name, 9);
		ctl_put_padded(st.agent->role, 6);
		ctl_put_padded(st.address ? st.address : "-", 29);
		printf("%s\n", stack_state_text(&st, text, sizeof(text)));
		stack_state_free(&st);
	}
	return EX_OK;
}
