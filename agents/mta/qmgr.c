/* qmgr.c - the queue manager: knows when each queued message is due, and
 * runs up to delivery_concurrency workers, one process per message (a
 * message that crashes a worker harms only itself).  Woken by SIGUSR1 when a
 * session queued mail; looks at the queue again every second anyway. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "msg.h"
#include "mta.h"
#include "queue.h"
#include "strlist.h"
#include "xalloc.h"

#define QMGR_NEVER ((time_t)-1)

struct qitem {
	char *id;
	time_t due;		/* 0: to be read; QMGR_NEVER: held */
	pid_t worker;
};

struct qmgr {
	struct mta *m;
	struct qitem *items;
	size_t n;
	int running;
};

static volatile sig_atomic_t qmgr_stop, qmgr_wake, qmgr_new_mail, qmgr_reread;

/* SIGUSR1: new mail was queued.  SIGUSR2: the queue commands changed
 * envelopes (hold, release, flush): what is cached of them is stale. */
static void qmgr_on_signal(int sig)
{
	if (sig == SIGUSR1 || sig == SIGUSR2)
		qmgr_new_mail = 1;
	if (sig == SIGUSR2)
		qmgr_reread = 1;
	if (sig == SIGUSR1 || sig == SIGUSR2 || sig == SIGCHLD)
		qmgr_wake = 1;
	else if (sig == SIGTERM || sig == SIGINT)
		qmgr_stop = 1;
}

/* qmgr_due - when a message wants work: its earliest recipient still to do */
static time_t qmgr_due(struct qmgr *q, const char *id)
{
	struct queue_env env;
	struct dsn d;
	time_t due = QMGR_NEVER;
	size_t i;

	if (queue_load(q->m->queue, id, &env, &d) < 0) {
		/* a worker removed it since the directory was listed: not a fault */
		if (errno != ENOENT)
			msg_warnx("id=%s cannot be read: %s", id, d.text);
		return QMGR_NEVER;
	}
	for (i = 0; !env.held && i < env.nrcpts; i++) {
		const struct queue_rcpt *r = &env.rcpts[i];
		time_t t = r->state == QUEUE_DEFERRED ? r->next_try :
			   r->state == QUEUE_PENDING || r->state == QUEUE_FAILED ? 1 : QMGR_NEVER;
		if (t != QMGR_NEVER && (due == QMGR_NEVER || t < due))
			due = t;
	}
	if (!env.held && due == QMGR_NEVER)
		due = 1;	/* all done: a worker removes it */
	queue_env_free(&env);
	return due;
}

static int qmgr_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* qmgr_scan - take in new ids, forget removed ones: both lists sorted and
 * merged, so a large queue costs n log n, not n squared */
static void qmgr_scan(struct qmgr *q)
{
	char **ids = queue_list(q->m->queue);
	size_t nids = strlist_len(ids), i = 0, j = 0, n = 0;
	struct qitem *out = xcalloc(nids + q->n + 1, sizeof(*out));

	qsort(ids, nids, sizeof(*ids), qmgr_cmp_str);
	while (i < q->n || j < nids) {
		int c = i == q->n ? 1 : j == nids ? -1 : strcmp(q->items[i].id, ids[j]);
		if (c < 0) {		/* gone from the queue: forget it unless busy */
			if (q->items[i].worker > 0)
				out[n++] = q->items[i];
			else
				free(q->items[i].id);
			i++;
		} else if (c > 0)
			out[n++] = (struct qitem){ xstrdup(ids[j++]), 0, 0 };
		else {
			out[n++] = q->items[i++];
			j++;
		}
	}
	free(q->items);
	q->items = out;
	q->n = n;
	strlist_free(ids);
}

/* qmgr_reap - finished workers: their messages are read again */
static void qmgr_reap(struct qmgr *q)
{
	pid_t pid;
	size_t i;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		for (i = 0; i < q->n; i++)
			if (q->items[i].worker == pid) {
				q->items[i].worker = 0;
				q->items[i].due = 0;
				q->running--;
			}
}

/* qmgr_start - a worker for item */
static void qmgr_start(struct qmgr *q, struct qitem *it)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGUSR1, SIG_IGN);
		signal(SIGUSR2, SIG_IGN);
		mta_deliver_message(q->m, it->id);
		_exit(0);
	}
	if (pid < 0) {
		msg_warn("fork a delivery worker");
		return;
	}
	it->worker = pid;
	q->running++;
}

/* qmgr_pass - start the workers of what is due, as slots allow */
static void qmgr_pass(struct qmgr *q)
{
	time_t now = time(NULL);
	size_t i;

	for (i = 0; i < q->n; i++) {
		struct qitem *it = &q->items[i];
		if (it->worker > 0)
			continue;
		if (it->due == 0)
			it->due = qmgr_due(q, it->id);
		if (it->due == QMGR_NEVER)
			continue;
		if (it->due <= now && q->running < q->m->concurrency)
			qmgr_start(q, it);
	}
}

void qmgr_run(struct mta *m)
{
	struct qmgr q = { m, NULL, 0, 0 };
	struct sigaction sa;
	time_t last_scan = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = qmgr_on_signal;	/* no SA_RESTART: a signal ends the sleep */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);	/* a worker done: a free slot */
	while (!qmgr_stop) {
		struct timespec ts = { 1, 0 };
		time_t now = time(NULL);
		qmgr_reap(&q);
		qmgr_wake = 0;
		if (qmgr_reread) {
			size_t i;
			qmgr_reread = 0;
			for (i = 0; i < q.n; i++)
				if (q.items[i].worker <= 0)
					q.items[i].due = 0;	/* read it again */
		}
		if (qmgr_new_mail || now != last_scan) {	/* the directory: new mail, or each second */
			qmgr_new_mail = 0;
			last_scan = now;
			qmgr_scan(&q);
		}
		qmgr_pass(&q);
		if (!qmgr_wake && !qmgr_stop)
			nanosleep(&ts, NULL);
	}
	while (q.n--)
		free(q.items[q.n].id);
	free(q.items);
}
