/* queue_ctl.c - steering queued messages (queue_ctl.h). */
#include <errno.h>
#include <unistd.h>
#include "queue_ctl.h"

int queue_ctl_change(struct queue *q, const char *id, int timeout_ms,
		     void (*what)(struct queue_env *, void *), void *arg, struct dsn *d)
{
	struct queue_env e;
	int rc, fd = queue_lock(q, id, timeout_ms, d), saved;

	if (fd < 0)
		return -1;
	rc = queue_load(q, id, &e, d);
	if (rc == 0) {
		what(&e, arg);
		rc = queue_update(q, &e, d);
		queue_env_free(&e);
	}
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int queue_ctl_remove(struct queue *q, const char *id, int timeout_ms, struct dsn *d)
{
	int rc, fd = queue_lock(q, id, timeout_ms, d);

	if (fd < 0)
		return -1;
	rc = queue_remove(q, id);
	if (rc < 0)
		dsn_from_errno(d, errno, "%s", id);
	close(fd);
	return rc;
}

void queue_ctl_now(struct queue_env *e, void *arg)
{
	size_t i;

	(void)arg;
	for (i = 0; i < e->nrcpts; i++)
		if (e->rcpts[i].state == QUEUE_DEFERRED)
			e->rcpts[i].next_try = 0;
}

void queue_ctl_hold(struct queue_env *e, void *arg)
{
	(void)arg;
	e->held = true;
}

void queue_ctl_release(struct queue_env *e, void *arg)
{
	e->held = false;
	queue_ctl_now(e, arg);
}
