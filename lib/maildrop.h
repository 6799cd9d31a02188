/* maildrop.h - local submission by users who may not write the queue.
 *
 * In a system install DATA_DIR/queue belongs to the poczta user (mode
 * 0700), so poczta-sendmail run by anyone else cannot queue there.  It
 * leaves the message in DATA_DIR/maildrop instead: a directory every user
 * may write into but only its owner may list (mode 1733, as Postfix's
 * maildrop and OpenSMTPD's offline directory), under a name nobody can
 * guess.  poczta-mta picks the files up into its queue (maildrop_pickup)
 * and trusts nothing in them but the file's owner: the envelope is parsed
 * as hostile input, each recipient is resolved by the MTA's own policy as
 * the owner's, the fields only the MTA may set are reset, and the Received
 * field that names the submitting user is written by the pickup from the
 * file's owner.
 *
 * A file: the line "poczta-maildrop 1 LEN" padded to MAILDROP_HEAD octets,
 * LEN octets of message (as the queue keeps it: LF line ends), then the
 * envelope (queue_env_format: the sender, RFC 3461 parameters, the
 * recipients as given).  It is written as ".NAME", which the pickup never
 * takes, fsync'ed, renamed to NAME and the directory fsync'ed: only then
 * does maildrop_commit return 0.  The pickup removes a file only after
 * the queue committed its message; a crash in between queues it again
 * when the MTA restarts (Postfix's pickup has the same window). */
#ifndef POCZTA_MAILDROP_H
#define POCZTA_MAILDROP_H
#include <stddef.h>
#include <sys/types.h>
#include "dsn.h"
#include "queue.h"
#include "rcptpolicy.h"

#define MAILDROP_MODE 01733
#define MAILDROP_HEAD 40	/* the first line, padded with spaces */

/* The sending side (poczta-sendmail). */
struct maildrop_file;
/* maildrop_new - start a file in dir; NULL with d set */
struct maildrop_file *maildrop_new(const char *dir, struct dsn *d);
int maildrop_write(struct maildrop_file *f, const void *p, size_t len, struct dsn *d);
/* maildrop_commit - the envelope written and the file made durable under
 * its final name (into id, idsize octets); 0, or -1 with d set and nothing
 * left behind.  Frees f either way. */
int maildrop_commit(struct maildrop_file *f, const struct queue_env *env, char *id,
		    size_t idsize, struct dsn *d);
void maildrop_abort(struct maildrop_file *f);

/* The MTA's side. */
struct maildrop_pickup {
	const char *dir;
	struct queue *queue;
	const struct rcpt_policy *policy;
	const char *hostname;		/* for the Received field */
	unsigned long long max_size;	/* 0: no limit */
	size_t max_rcpts;		/* 0: no limit */
};

/* maildrop_prepare - dir made (or its mode set) MAILDROP_MODE; 0, or -1
 * with errno */
int maildrop_prepare(const char *dir);
/* maildrop_pickup - every finished file of p->dir into the queue, at most
 * max of them; how many were queued, -1 when the directory cannot be read.
 * A file that is not one of ours (not a regular file, linked elsewhere,
 * malformed, too large) is logged and removed, never queued. */
int maildrop_pickup(const struct maildrop_pickup *p, int max);

#endif
