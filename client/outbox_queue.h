/* outbox_queue.h - the user's messages in the local MTA's queue, as the
 * outbox screen shows and steers them (no curses): those this client or
 * poczta-sendmail put there ("local"), and those the MSA took from the
 * user (AUTH as submit_user) and the MTA has not delivered yet. */
#ifndef POCZTA_CLIENT_OUTBOX_QUEUE_H
#define POCZTA_CLIENT_OUTBOX_QUEUE_H
#include <stdbool.h>
#include <time.h>
#include "buf.h"
#include "outbox.h"
#include "queue.h"

/* Ids of queued messages in the outbox's API carry this prefix, so that
 * outbox_take can tell them from spool ids. */
#define OUTBOX_QUEUE_PREFIX "queue:"

struct outbox_qmsg {
	char id[64];		/* OUTBOX_QUEUE_PREFIX and the queue id */
	bool held;
	struct queue_env env;
};

/* outbox_queue_list - the user's queued messages; none when the queue
 * cannot be read (a system's queue belongs to the poczta user) */
struct outbox_qmsg *outbox_queue_list(struct outbox *o, size_t *n);
void outbox_queue_free(struct outbox_qmsg *q, size_t n);
/* outbox_queue_describe - a line (age, recipients and their states) and
 * the last replies of those not done (into detail) */
void outbox_queue_describe(const struct outbox_qmsg *q, time_t now, struct buf *line,
			   struct buf *detail);
/* The outbox screen's actions; 0 or -1 with err. */
int outbox_queue_retry(struct outbox *o, const char *id, struct buf *err);
int outbox_queue_hold(struct outbox *o, const char *id, bool hold, struct buf *err);
int outbox_queue_cancel(struct outbox *o, const char *id, struct buf *err);
/* outbox_queue_take - a held message out of the queue, its bytes into msg */
int outbox_queue_take(struct outbox *o, const char *id, struct buf *msg, struct buf *err);

#endif
