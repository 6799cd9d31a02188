/* qmgr.c - the queue manager: knows when each queued message is due, and
 * hands each to one of up to delivery_concurrency worker processes.  A
 * worker lives for many messages (Postfix's max_use: MTA_WORKER_MAX_USE),
 * one at a time, keeping its LMTP connection to poczta-mda open between
 * them; a message that crashes a worker harms only itself and the worker,
 * and is read again.  Woken by SIGUSR1 when a session queued mail; looks at
 * the queue again every second anyway.
 *
 * The worker protocol, on a socketpair per worker: the manager writes a
 * queue id and a newline; the worker delivers that message and writes the
 * same line back.  The manager closes its end to end a worker (it has served
 * MTA_WORKER_MAX_USE messages, or the manager stops). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "fsutil.h"
#include "maildrop.h"
#include "msg.h"
#include "mta.h"
#include "queue.h"
#include "strlist.h"
#include "xalloc.h"

#define QMGR_NEVER ((time_t)-1)
#define QMGR_PICKUP_MAX 100	/* maildrop files taken in one scan */
#define QMGR_LINE_MAX (QUEUE_ID_MAX + 8)	/* "ID fresh\n" to a worker */
#define MTA_WORKER_MAX_USE 100		/* messages a worker delivers before it is replaced */
#define MTA_WORKER_IDLE_MS 2000		/* an idle worker lets its LMTP connection go */

/* A delivery process and the manager's end of its socketpair. */
struct worker {
	pid_t pid;		/* 0: a free slot */
	int fd;			/* -1 once closed: it is to exit */
	int uses;		/* messages handed to it */
	bool busy;
	char line[QUEUE_ID_MAX + 2];	/* what it answered so far */
	size_t len;
};

struct qitem {
	char *id;
	time_t due;		/* 0: to be read; QMGR_NEVER: held */
	pid_t worker;
	bool tried;		/* it may have reached the MDA before: it was in the
				 * queue when this manager started (an MTA before it
				 * may have sent it), or its worker died with it */
};

struct qmgr {
	struct mta *m;
	struct qitem *items;
	size_t n;
	int running;		/* messages being delivered */
	struct worker *w;	/* m->concurrency slots */
	bool scanned;		/* the queue was read once: what comes later was
				 * queued while this manager runs */
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
			out[n++] = (struct qitem){ xstrdup(ids[j++]), 0, 0, !q->scanned };
		else {
			out[n++] = q->items[i++];
			j++;
		}
	}
	free(q->items);
	q->items = out;
	q->n = n;
	q->scanned = true;
	strlist_free(ids);
}

/* qmgr_item_done - the message of item id is no longer being delivered by
 * pid: it is read again (its envelope says what is left) */
static void qmgr_item_done(struct qmgr *q, pid_t pid, const char *id)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if (q->items[i].worker == pid && (id == NULL || strcmp(q->items[i].id, id) == 0)) {
			q->items[i].worker = 0;
			q->items[i].due = 0;
			q->items[i].tried = q->items[i].tried || id == NULL;	/* died with it */
			q->running--;
		}
}

/* qmgr_reap - workers that exited: whatever one was delivering is read
 * again, and its slot is free */
static void qmgr_reap(struct qmgr *q)
{
	pid_t pid;
	int k;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
		qmgr_item_done(q, pid, NULL);
		for (k = 0; k < q->m->concurrency; k++)
			if (q->w[k].pid == pid) {
				if (q->w[k].fd >= 0)
					close(q->w[k].fd);
				memset(&q->w[k], 0, sizeof(q->w[k]));
				q->w[k].fd = -1;
			}
	}
}

/* qmgr_retire - close a worker's socket: it exits once it has read all */
static void qmgr_retire(struct worker *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

/* worker_main - the worker: a queue id per line, delivered, echoed back;
 * the LMTP connection is let go after MTA_WORKER_IDLE_MS without work */
static _Noreturn void worker_main(struct mta *m, int fd)
{
	char line[QMGR_LINE_MAX];
	size_t len = 0;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		char *nl;
		ssize_t r;
		if (poll(&p, 1, m->lmtp ? MTA_WORKER_IDLE_MS : -1) == 0) {
			lmtpc_close(&m->lmtp);
			continue;
		}
		r = read(fd, line + len, sizeof(line) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		line[len] = '\0';
		while ((nl = strchr(line, '\n')) != NULL) {
			size_t used = (size_t)(nl - line) + 1;
			char *sp = strchr(line, ' ');
			*nl = '\0';
			m->fresh = sp && sp < nl && strcmp(sp, " fresh") == 0;
			if (sp && sp < nl)
				*sp = '\0';
			mta_deliver_message(m, line);
			/* the id alone goes back */
			if (write_all(fd, line, strlen(line)) < 0 || write_all(fd, "\n", 1) < 0)
				_exit(0);
			memmove(line, line + used, len - used + 1);
			len -= used;
		}
		if (len + 1 >= sizeof(line))
			break;		/* not an id: the manager is broken */
	}
	lmtpc_close(&m->lmtp);
	_exit(0);
}

/* qmgr_spawn - a new worker in free slot w; false if it cannot be made */
static bool qmgr_spawn(struct qmgr *q, struct worker *w)
{
	int sv[2];
	pid_t pid;
	int k;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		msg_warn("socketpair for a delivery worker");
		return false;
	}
	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGUSR1, SIG_IGN);
		signal(SIGUSR2, SIG_IGN);
		close(sv[0]);
		for (k = 0; k < q->m->concurrency; k++)	/* the other workers' sockets */
			if (q->w[k].fd >= 0)
				close(q->w[k].fd);
		worker_main(q->m, sv[1]);
	}
	close(sv[1]);
	if (pid < 0) {
		msg_warn("fork a delivery worker");
		close(sv[0]);
		return false;
	}
	memset(w, 0, sizeof(*w));
	w->pid = pid;
	w->fd = sv[0];
	return true;
}

/* qmgr_idle_worker - a worker free for a message, started when needed; NULL
 * when all are busy */
static struct worker *qmgr_idle_worker(struct qmgr *q)
{
	struct worker *free_slot = NULL;
	int k;

	for (k = 0; k < q->m->concurrency; k++) {
		struct worker *w = &q->w[k];
		if (w->pid > 0 && w->fd >= 0 && !w->busy)
			return w;
		if (w->pid == 0 && free_slot == NULL)
			free_slot = w;
	}
	return free_slot && qmgr_spawn(q, free_slot) ? free_slot : NULL;
}

/* qmgr_start - hand item to a worker; false when none is free */
static bool qmgr_start(struct qmgr *q, struct qitem *it)
{
	struct worker *w = qmgr_idle_worker(q);
	char line[QMGR_LINE_MAX];
	int len;

	if (w == NULL)
		return false;
	len = snprintf(line, sizeof(line), "%s%s\n", it->id, it->tried ? "" : " fresh");
	if (len <= 0 || (size_t)len >= sizeof(line) || write_all(w->fd, line, (size_t)len) < 0) {
		qmgr_retire(w);	/* reaped when it exits */
		return false;
	}
	w->busy = true;
	w->uses++;
	it->worker = w->pid;
	q->running++;
	return true;
}

/* qmgr_answers - read what the workers said: each line is a message done */
static void qmgr_answers(struct qmgr *q, struct pollfd *p)
{
	int k;

	for (k = 0; k < q->m->concurrency; k++) {
		struct worker *w = &q->w[k];
		char *nl;
		ssize_t r;
		if (p[k].fd < 0 || p[k].revents == 0 || w->fd < 0)
			continue;
		r = read(w->fd, w->line + w->len, sizeof(w->line) - 1 - w->len);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			qmgr_retire(w);		/* it died: reaped, its message read again */
			continue;
		}
		w->len += (size_t)r;
		w->line[w->len] = '\0';
		while ((nl = strchr(w->line, '\n')) != NULL) {
			*nl = '\0';
			qmgr_item_done(q, w->pid, w->line);
			w->busy = false;
			memmove(w->line, nl + 1, strlen(nl + 1) + 1);
			w->len = strlen(w->line);
		}
		if (w->len + 1 >= sizeof(w->line))
			qmgr_retire(w);
		else if (!w->busy && w->uses >= MTA_WORKER_MAX_USE)
			qmgr_retire(w);		/* time for a fresh one */
	}
}

/* qmgr_wait - sleep until a worker answers, a signal comes or timeout_ms */
static void qmgr_wait(struct qmgr *q, int timeout_ms)
{
	struct pollfd *p = xcalloc((size_t)q->m->concurrency, sizeof(*p));
	int k;

	for (k = 0; k < q->m->concurrency; k++) {
		p[k].fd = q->w[k].fd;
		p[k].events = POLLIN;
	}
	if (poll(p, (nfds_t)q->m->concurrency, timeout_ms) > 0)
		qmgr_answers(q, p);
	free(p);
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
		if (it->due <= now && q->running < q->m->concurrency && !qmgr_start(q, it))
			break;
	}
}

void qmgr_run(struct mta *m)
{
	struct qmgr q = { m, NULL, 0, 0, NULL, false };
	struct maildrop_pickup pk = { m->maildrop_dir, m->queue, &m->policy, m->hostname,
				      m->max_size, m->max_rcpts };
	struct sigaction sa;
	time_t last_scan = 0;
	int k;

	/* made here, as the user the MTA runs as (server_bind dropped root):
	 * it must own the directory to remove what it picked up */
	if (maildrop_prepare(m->maildrop_dir) < 0)
		msg_warn("cannot make the maildrop %s", m->maildrop_dir);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = qmgr_on_signal;	/* no SA_RESTART: a signal ends the sleep */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);	/* a worker died: a free slot */
	if (m->concurrency < 1)
		m->concurrency = 1;
	q.w = xcalloc((size_t)m->concurrency, sizeof(*q.w));
	for (k = 0; k < m->concurrency; k++)
		q.w[k].fd = -1;
	while (!qmgr_stop) {
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
			/* Postfix's pickup, every second: what local users dropped */
			maildrop_pickup(&pk, QMGR_PICKUP_MAX);
			qmgr_scan(&q);
		}
		qmgr_pass(&q);
		if (!qmgr_wake && !qmgr_stop)
			qmgr_wait(&q, 1000);
	}
	for (k = 0; k < m->concurrency; k++)	/* they finish their message and exit */
		qmgr_retire(&q.w[k]);
	free(q.w);
	while (q.n--)
		free(q.items[q.n].id);
	free(q.items);
}
