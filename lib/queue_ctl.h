/* queue_ctl.h - steering queued messages, as poczta-mta's queue commands
 * (agents/mta/cli.c) and the client's outbox screen do: one locked
 * read-modify-write of an envelope, and the usual changes. */
#ifndef POCZTA_QUEUE_CTL_H
#define POCZTA_QUEUE_CTL_H
#include "queue.h"

/* queue_ctl_change - lock id (waiting up to timeout_ms for a delivery of
 * it to end), load it, apply what (with arg), write it back; 0, or -1
 * with d set (errno EWOULDBLOCK when it is still being delivered) */
int queue_ctl_change(struct queue *q, const char *id, int timeout_ms,
		     void (*what)(struct queue_env *, void *), void *arg, struct dsn *d);
/* queue_ctl_remove - lock id, then forget it; 0 or -1 with d (errno as above) */
int queue_ctl_remove(struct queue *q, const char *id, int timeout_ms, struct dsn *d);

/* The changes (arg unused): deferred recipients due now; held; released
 * (and due now) */
void queue_ctl_now(struct queue_env *e, void *arg);
void queue_ctl_hold(struct queue_env *e, void *arg);
void queue_ctl_release(struct queue_env *e, void *arg);

#endif
