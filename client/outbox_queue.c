/* outbox_queue.c - the user's messages in the local queue (outbox_queue.h),
 * steered with lib/queue_ctl as poczta-mta's queue commands do. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsutil.h"
#include "i18n.h"
#include "mtakick.h"
#include "outbox_int.h"
#include "outbox_queue.h"
#include "queue_ctl.h"
#include "strlist.h"
#include "xalloc.h"

#define OUTBOX_QUEUE_LOCK_MS 2000	/* the UI waits no longer on a delivery */

/* outbox_queue_open - the queue, when it exists and is ours to read */
static struct queue *outbox_queue_open(const struct outbox *o)
{
	struct buf err = BUF_INIT;
	struct queue *q = NULL;
	struct stat st;

	if (stat(o->cfg->queue_dir, &st) == 0 && access(o->cfg->queue_dir, R_OK | W_OK | X_OK) == 0)
		q = queue_open(o->cfg->queue_dir, &err);
	buf_free(&err);
	return q;
}

/* outbox_queue_mine - whether e is the user's: posted on this host, or
 * submitted through the MSA as submit_user; never a bounce (null sender) */
static bool outbox_queue_mine(const struct outbox *o, const struct queue_env *e)
{
	if (e->sender == NULL || *e->sender == '\0')
		return false;
	if (e->client && strcmp(e->client, "local") == 0)
		return true;
	return e->auth && o->cfg->submit_user && strcmp(e->auth, o->cfg->submit_user) == 0;
}

struct outbox_qmsg *outbox_queue_list(struct outbox *o, size_t *n)
{
	struct queue *q = outbox_queue_open(o);
	struct outbox_qmsg *v = NULL;
	char **ids, **id;
	struct dsn d;

	*n = 0;
	if (q == NULL)
		return NULL;
	ids = queue_list(q);
	for (id = ids; id && *id; id++) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		memset(&v[*n], 0, sizeof(*v));
		if (queue_load(q, *id, &v[*n].env, &d) < 0)
			continue;
		if (!outbox_queue_mine(o, &v[*n].env)) {
			queue_env_free(&v[*n].env);
			continue;
		}
		snprintf(v[*n].id, sizeof(v[*n].id), "%s%s", OUTBOX_QUEUE_PREFIX, *id);
		v[*n].held = v[*n].env.held;
		(*n)++;
	}
	strlist_free(ids);
	queue_close(q);
	return v;
}

void outbox_queue_free(struct outbox_qmsg *q, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		queue_env_free(&q[i].env);
	free(q);
}

/* outbox_queue_state - a recipient's state as the outbox screen says it */
static const char *outbox_queue_state(const struct queue_rcpt *r)
{
	switch (r->state) {
	case QUEUE_PENDING: return _("queued");
	case QUEUE_DEFERRED: return _("deferred");
	case QUEUE_DELIVERED: return _("delivered");
	default: return _("bounced");
	}
}

void outbox_queue_describe(const struct outbox_qmsg *q, time_t now, struct buf *line,
			   struct buf *detail)
{
	const struct queue_env *e = &q->env;
	size_t i;

	/* L10N: a queued message: its age in minutes, then "(held)" or not */
	buf_printf(line, _("%lldm%s "), (long long)(now - e->created) / 60,
		   e->held ? _(" (held)") : "");
	for (i = 0; i < e->nrcpts; i++) {
		const struct queue_rcpt *r = &e->rcpts[i];

		buf_printf(line, "%s%s %s", i ? ", " : " ", r->addr, outbox_queue_state(r));
		if (r->state == QUEUE_DEFERRED && r->next_try > now)
			/* L10N: when a deferred recipient is tried again, in minutes */
			buf_printf(line, _(" (next in %lldm)"), (long long)(r->next_try - now + 59) / 60);
		if (r->last && r->state != QUEUE_DELIVERED)
			buf_printf(detail, "%s%s: %s %s", detail->len ? "; " : "", r->addr, r->dsn,
				   r->last);
	}
}

/* outbox_queue_id - the queue id in an outbox id; NULL with err when it is
 * not one */
static const char *outbox_queue_id(const char *id, struct buf *err)
{
	size_t n = strlen(OUTBOX_QUEUE_PREFIX);

	if (strncmp(id, OUTBOX_QUEUE_PREFIX, n) != 0 || id[n] == '\0' || id[n] == '.' ||
	    strchr(id + n, '/')) {
		buf_printf(err, _("%s: not a queued message"), id);
		return NULL;
	}
	return id + n;
}

/* outbox_queue_change - what on the queued message id, then the MTA told */
static int outbox_queue_change(struct outbox *o, const char *id,
			       void (*what)(struct queue_env *, void *), struct buf *err)
{
	const char *qid = outbox_queue_id(id, err);
	struct queue *q = qid ? outbox_queue_open(o) : NULL;
	struct dsn d;
	int rc = -1;

	if (qid && q == NULL)
		buf_puts(err, _("the local queue cannot be opened"));
	else if (q && (rc = queue_ctl_change(q, qid, OUTBOX_QUEUE_LOCK_MS, what, NULL, &d)) < 0)
		buf_printf(err, "%s: %s", qid, errno == EWOULDBLOCK ?
			   _("being delivered now; try again when it is done") : d.text);
	if (rc == 0)
		mtakick_reload(o->cfg->run_dir);
	queue_close(q);
	return rc;
}

int outbox_queue_retry(struct outbox *o, const char *id, struct buf *err)
{
	return outbox_queue_change(o, id, queue_ctl_now, err);
}

int outbox_queue_hold(struct outbox *o, const char *id, bool hold, struct buf *err)
{
	return outbox_queue_change(o, id, hold ? queue_ctl_hold : queue_ctl_release, err);
}

int outbox_queue_cancel(struct outbox *o, const char *id, struct buf *err)
{
	const char *qid = outbox_queue_id(id, err);
	struct queue *q = qid ? outbox_queue_open(o) : NULL;
	struct dsn d;
	int rc = -1;

	if (qid && q == NULL)
		buf_puts(err, _("the local queue cannot be opened"));
	else if (q && (rc = queue_ctl_remove(q, qid, OUTBOX_QUEUE_LOCK_MS, &d)) < 0)
		buf_printf(err, "%s: %s", qid, errno == EWOULDBLOCK ?
			   _("being delivered now; try again when it is done") : d.text);
	queue_close(q);
	return rc;
}

/* outbox_queue_take_locked - with id locked: its bytes when it is held,
 * then it is removed */
static int outbox_queue_take_locked(struct queue *q, const char *qid, struct buf *msg,
				    struct buf *err)
{
	struct queue_env e;
	struct dsn d;
	char *data;
	size_t len;
	int fd, rc = -1;

	if (queue_load(q, qid, &e, &d) < 0) {
		buf_printf(err, "%s: %s", qid, d.text);
		return -1;
	}
	if (!e.held)
		buf_printf(err, _("%s: hold it first (H), so that it is not delivered meanwhile"), qid);
	else if ((fd = queue_data_fd(q, qid, &d)) < 0)
		buf_printf(err, "%s: %s", qid, d.text);
	else {
		data = read_fd(fd, &len);
		close(fd);
		if (data && queue_remove(q, qid) == 0) {
			buf_append(msg, data, len);
			rc = 0;
		} else
			buf_printf(err, "%s: %s", qid, strerror(errno));
		free(data);
	}
	queue_env_free(&e);
	return rc;
}

int outbox_queue_take(struct outbox *o, const char *id, struct buf *msg, struct buf *err)
{
	const char *qid = outbox_queue_id(id, err);
	struct queue *q = qid ? outbox_queue_open(o) : NULL;
	struct dsn d;
	int fd, rc = -1;

	if (qid && q == NULL)
		buf_puts(err, _("the local queue cannot be opened"));
	else if (q && (fd = queue_lock(q, qid, OUTBOX_QUEUE_LOCK_MS, &d)) < 0)
		buf_printf(err, "%s: %s", qid, errno == EWOULDBLOCK ?
			   _("being delivered now; try again when it is done") : d.text);
	else if (q) {
		rc = outbox_queue_take_locked(q, qid, msg, err);
		close(fd);
	}
	queue_close(q);
	return rc;
}
