/* queue_int.h - what the queue's files share and nobody else sees.
 *
 * Layout under the queue directory QUEUE/:
 *   incoming/ID           data being received (no envelope yet)
 *   incoming/ID.env       its envelope, written before the commit moves it
 *   incoming/ID.env.upd.PID  a rewritten envelope before it replaces msg/ID.env
 *   msg/ID                committed data
 *   msg/ID.env            committed envelope: its presence is the commit
 *   committer.sock        the group committer's socket (queue_committer.c)
 * Anything in incoming/, and any msg/ID without msg/ID.env (or the reverse),
 * older than q->garbage_age is what a crash left behind and is removed by
 * queue_open. */
#ifndef POCZTA_QUEUE_INT_H
#define POCZTA_QUEUE_INT_H
#include <stdbool.h>
#include <sys/types.h>
#include "buf.h"
#include "dsn.h"
#include "queue.h"

#define QUEUE_ENV_VERSION 1
#define QUEUE_ENV_MAX (4 * 1024 * 1024)	/* the largest envelope file we read */
#define QUEUE_GARBAGE_AGE (15 * 60)	/* seconds before leftovers are removed */
#define QUEUE_ENV_SUFFIX ".env"

struct queue {
	char *dir;
	char *incoming;		/* QUEUE/incoming */
	char *msgdir;		/* QUEUE/msg */
	char *spare;		/* QUEUE/spare: files kept for reuse (queue_spare.c) */
	char *sock;		/* QUEUE/committer.sock */
	time_t garbage_age;
};

struct queue_new {
	struct queue *q;
	char id[QUEUE_ID_MAX];
	char *path;		/* incoming/ID */
	int fd;
	off_t size;
	bool failed;		/* a write failed: commit must refuse */
};

/* queue.c */
/* queue_id_make - a new id: 8 hex digits of seconds, 5 of microseconds and
 * 6 random letters, so ids sort by time and never repeat */
void queue_id_make(char id[QUEUE_ID_MAX]);
/* queue_id_valid - whether s is a well-formed id (safe as a file name) */
bool queue_id_valid(const char *s);
/* queue_path - DIR/ID followed by suffix; newly allocated */
char *queue_path(const char *dir, const char *id, const char *suffix);

/* queue_commit.c */
/* queue_commit_batch - make the n messages ids[] (data and envelope in
 * incoming/) durable and queued with one directory sync; ok[i] tells which
 * made it.  Returns the number that failed, err naming the first failure. */
size_t queue_commit_batch(struct queue *q, char *const *ids, size_t n, bool *ok,
			  struct buf *err);
/* queue_commit_ask - ask a running committer to commit id; 0 when it did,
 * -1 when there is none or it failed (then the caller syncs by itself) */
int queue_commit_ask(struct queue *q, const char *id);

/* queue_mgr.c */
/* queue_clean - remove what crashes left behind, older than q->garbage_age */
void queue_clean(struct queue *q);

/* queue_spare.c */
#define QUEUE_SPARE_MAX 64	/* slots; each use looks at them in turn from a random one */
/* queue_spare_open - path (which must not exist) created for writing,
 * from a spare file when one is found (truncated), else a new one; fd or
 * -1 with errno */
int queue_spare_open(struct queue *q, const char *path);
/* queue_spare_keep - a second name in the pool for the file at path, which
 * the caller is about to unlink or replace (nothing when the pool is full) */
void queue_spare_keep(struct queue *q, const char *path);

#endif
