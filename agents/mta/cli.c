/* cli.c - the queue as a person sees and steers it (Postfix's mailq and
 * postsuper): poczta-mta queue | flush | hold ID | release ID | delete ID |
 * bounce ID.  The running daemon is told with SIGUSR1 (its pid file). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "conf.h"
#include "fsutil.h"
#include "i18n.h"
#include "mta.h"
#include "mtakick.h"
#include "queue.h"
#include "queue_ctl.h"
#include "settings.h"
#include "strlist.h"
#include "xalloc.h"

static const char *const cli_states[] = { "pending", "deferred", "delivered", "failed", "bounced" };

/* cli_kick - tell the daemon's queue manager that envelopes changed and it
 * must read them again (SIGUSR2; serve.c passes it on) */
static void cli_kick(struct mta *m)
{
	char *run = settings_run_dir(m->conf);

	mtakick_reload(run);
	free(run);
}

/* cli_show - one message as mailq shows it */
static void cli_show(const struct queue_env *e, time_t now)
{
	size_t i;

	printf("%-20s %6lldm %8lld  <%s>%s\n", e->id, (long long)(now - e->created) / 60,
	       (long long)e->size, e->sender, e->held ? _("  (held)") : "");
	for (i = 0; i < e->nrcpts; i++) {
		const struct queue_rcpt *r = &e->rcpts[i];
		printf("    %-9s %s", cli_states[r->state], r->addr);
		if (r->state == QUEUE_DEFERRED)
			printf(_("  (try %d, next in %lldm)"), r->attempts,
			       (long long)(r->next_try > now ? (r->next_try - now + 59) / 60 : 0));
		printf("\n");
		if (r->last)
			printf("              %s %s\n", r->dsn, r->last);
	}
}

static int cli_queue(struct mta *m)
{
	char **ids = queue_list(m->queue), **id;
	struct queue_env e;
	struct dsn d;
	int n = 0;

	for (id = ids; id && *id; id++)
		if (queue_load(m->queue, *id, &e, &d) == 0) {
			cli_show(&e, time(NULL));
			queue_env_free(&e);
			n++;
		}
	printf(n ? _("-- %d messages in the queue\n") : _("Mail queue is empty\n"), n);
	strlist_free(ids);
	return 0;
}

/* how long a queue command waits for a delivery of the message to end */
#define CLI_LOCK_WAIT_MS 5000

/* cli_error - say why a change of id failed; its exit status */
static int cli_error(const char *id, const struct dsn *d)
{
	if (errno == EWOULDBLOCK) {
		fprintf(stderr, _("poczta-mta: %s: being delivered now; try again when it is done\n"),
			id);
		return EX_TEMPFAIL;
	}
	fprintf(stderr, _("poczta-mta: %s: %s\n"), id, d->text);
	return EX_DATAERR;
}

/* cli_change - lock id, load it, apply what, write it back */
static int cli_change(struct mta *m, const char *id, void (*what)(struct queue_env *, void *))
{
	struct dsn d;

	if (queue_ctl_change(m->queue, id, CLI_LOCK_WAIT_MS, what, NULL, &d) < 0)
		return cli_error(id, &d);
	return 0;
}

/* cli_delete - remove id from the queue, once no delivery of it runs */
static int cli_delete(struct mta *m, const char *id)
{
	struct dsn d;

	if (queue_ctl_remove(m->queue, id, CLI_LOCK_WAIT_MS, &d) < 0)
		return cli_error(id, &d);
	return 0;
}

static void cli_fail(struct queue_env *e, void *arg)
{
	size_t i;
	for (i = 0; i < e->nrcpts; i++)
		if (e->rcpts[i].state == QUEUE_PENDING || e->rcpts[i].state == QUEUE_DEFERRED) {
			e->rcpts[i].state = QUEUE_FAILED;
			snprintf(e->rcpts[i].dsn, sizeof(e->rcpts[i].dsn), "5.0.0");
			free(e->rcpts[i].last);
			e->rcpts[i].last = xstrdup("returned to the sender by the postmaster");
		}
	(void)arg;
	e->held = false;
}

static int cli_flush(struct mta *m)
{
	char **ids = queue_list(m->queue), **id;
	int rc = 0;

	for (id = ids; id && *id; id++)
		rc |= cli_change(m, *id, queue_ctl_now);
	strlist_free(ids);
	return rc;
}

int mta_cli(struct mta *m, int argc, char **argv)
{
	static const struct { const char *name; void (*what)(struct queue_env *, void *); } per_id[] = {
		{ "hold", queue_ctl_hold }, { "release", queue_ctl_release }, { "bounce", cli_fail },
	};
	size_t i;
	int rc;

	if (strcmp(argv[0], "queue") == 0 && argc == 1)
		return cli_queue(m);
	if (strcmp(argv[0], "flush") == 0 && argc == 1) {
		rc = cli_flush(m);
		cli_kick(m);
		return rc;
	}
	if (strcmp(argv[0], "delete") == 0 && argc == 2)
		return cli_delete(m, argv[1]);
	for (i = 0; i < sizeof(per_id) / sizeof(per_id[0]); i++)
		if (strcmp(argv[0], per_id[i].name) == 0 && argc == 2) {
			rc = cli_change(m, argv[1], per_id[i].what);
			cli_kick(m);
			return rc;
		}
	return EX_USAGE;
}
