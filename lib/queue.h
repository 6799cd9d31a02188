/* queue.h - the MTA's durable queue.
 *
 * A queued message is two files under QUEUE/: its data (as received: LF line
 * ends, un-dot-stuffed) and its envelope, a versioned, human-readable
 * "key: value" text with one line per recipient and that recipient's state
 * (OpenSMTPD's envelope.c).  The envelope is what makes a message queued: it
 * is written last, fsync'ed and renamed into place after the data is durable,
 * so a partly written message is never taken for a queued one, and
 * queue_new_commit returns only once both files and the directory are on
 * disk ("250" is said after it, never before).
 *
 * Group commit: when a committer runs (queue_committer_run, in a process of
 * the MTA), sessions hand it their files and it makes many durable with one
 * round of syncs; without one, queue_new_commit syncs by itself.  Either way
 * the caller sees the same guarantee. */
#ifndef POCZTA_QUEUE_H
#define POCZTA_QUEUE_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include "buf.h"
#include "dsn.h"

#define QUEUE_ID_MAX 32

enum queue_rcpt_state {
	QUEUE_PENDING,		/* not tried yet, or due again */
	QUEUE_DEFERRED,		/* a temporary failure; next_try says when */
	QUEUE_DELIVERED,
	QUEUE_FAILED,		/* permanent failure or expired: a bounce is due */
	QUEUE_BOUNCED,		/* failed, and the sender has been told */
};

/* RFC 3461 NOTIFY bits; 0 means the default (FAILURE) */
#define QUEUE_NOTIFY_NEVER   1
#define QUEUE_NOTIFY_SUCCESS 2
#define QUEUE_NOTIFY_FAILURE 4
#define QUEUE_NOTIFY_DELAY   8

struct queue_rcpt {
	char *addr;
	char *orcpt;		/* RFC 3461 ORCPT, or NULL */
	unsigned notify;
	enum queue_rcpt_state state;
	int attempts;
	time_t next_try;
	char *last;		/* last reply or error text, or NULL */
	char dsn[16];		/* its enhanced status code, "" if none */
};

struct queue_env {
	int version;
	char id[QUEUE_ID_MAX];
	char *sender;		/* "" for the null sender */
	time_t created;
	char *client;		/* "name [addr]" of the SMTP client, or "local" */
	char *helo;
	char *protocol;		/* "ESMTP", "ESMTPS", "ESMTPSA", "local" */
	char *auth;		/* authenticated user, or NULL */
	char *envid;		/* RFC 3461 ENVID, or NULL */
	bool ret_full;		/* RFC 3461 RET=FULL (else HDRS) */
	bool body_8bit;
	bool held;
	off_t size;
	struct queue_rcpt *rcpts;
	size_t nrcpts;
};

struct queue;
struct queue_new;

/* queue_open - the queue under dir (its folders created when missing); NULL
 * with err set on failure.  Freed with queue_close. */
struct queue *queue_open(const char *dir, struct buf *err);
void queue_close(struct queue *q);

/* Receiving: start a message, write its data, then commit it with its
 * envelope (whose id is filled in) or abort it. */
struct queue_new *queue_new(struct queue *q, struct dsn *d);
int queue_new_write(struct queue_new *n, const void *p, size_t len, struct dsn *d);
/* queue_new_commit - make the message durable and queued; env->id is set.
 * Returns 0, or -1 with d set and nothing queued.  Frees n either way. */
int queue_new_commit(struct queue_new *n, struct queue_env *env, struct dsn *d);
void queue_new_abort(struct queue_new *n);

/* The queue manager's side. */
/* queue_list - the ids of queued messages, newly allocated, NULL-terminated */
char **queue_list(struct queue *q);
/* queue_count - the number of queued messages under the queue directory
 * dir, without opening the queue (read only); -1 when unreadable */
long queue_count(const char *dir);
int queue_load(struct queue *q, const char *id, struct queue_env *env, struct dsn *d);
/* queue_data_fd - the message data, opened read-only; -1 with d set */
int queue_data_fd(struct queue *q, const char *id, struct dsn *d);
/* queue_lock - the message data opened and locked (flock LOCK_EX) for one
 * read-modify-write of its envelope: a delivery worker holds it from
 * reading the envelope to writing its results, the queue commands (hold,
 * release, bounce, delete) while they change it, so that neither writes
 * over what the other did.  Waits up to timeout_ms; -1 with d set and errno
 * EWOULDBLOCK when it is still locked then.  Closing the fd unlocks. */
int queue_lock(struct queue *q, const char *id, int timeout_ms, struct dsn *d);
/* queue_update - write env back durably (recipient states, held) */
int queue_update(struct queue *q, const struct queue_env *env, struct dsn *d);
/* queue_remove - forget a message whose recipients are all done */
int queue_remove(struct queue *q, const char *id);
/* queue_remove_nosync - the same without syncing the directory: for a
 * message whose last deliveries were all local and named (XDELIVERY), so
 * that if a crash brings it back, delivering it again stores nothing twice.
 * Saves a journal commit per message on the common path. */
int queue_remove_nosync(struct queue *q, const char *id);
void queue_env_free(struct queue_env *env);

/* queue_bounce - queue a delivery status notification (RFC 3464:
 * multipart/report with the original's headers, or all of it with RET=FULL)
 * to env's sender about its QUEUE_FAILED recipients (or the DELAY/SUCCESS
 * ones asked for), from MAILER-DAEMON with the null sender, then mark them
 * QUEUE_BOUNCED.  Never for a null sender (no bounce of a bounce): then the
 * recipients are only marked.  reporting_mta names this host.
 * The marks are written back (queue_update) after the report is queued: a
 * crash in between sends it twice, never not at all.  A DELAY or SUCCESS
 * notice is given once: that NOTIFY bit is then cleared (NEVER if none is
 * left).  NOTIFY=NEVER recipients are marked without a report. */
int queue_bounce(struct queue *q, struct queue_env *env, const char *reporting_mta,
		 struct dsn *d);

/* queue_committer_run - the group committer, in its own process, until
 * SIGTERM: batches the commits of every session into few syncs */
void queue_committer_run(struct queue *q);

/* The envelope text; queue_env_parse refuses anything it does not know
 * (err says what and where); both are fuzzed. */
int queue_env_parse(const char *text, size_t len, struct queue_env *env, struct buf *err);
void queue_env_format(const struct queue_env *env, struct buf *out);

#endif
