/* outbox.h - mail on its way out, as the client sees it (client/outbox.c,
 * no curses in it).  A message the user sends is first written durably into
 * the client's spool (DATA_DIR/outbox/, one file per message with its
 * envelope, fsync'ed, directory fsync'ed); after the undo-send delay it is
 * submitted to the MSA in a child process (nothing in the UI waits on the
 * network); when the MSA cannot be reached it goes into the local queue
 * instead, as poczta-sendmail would put it there; a copy goes into Sent
 * only once the MSA or the queue accepted it; then it leaves the spool. */
#ifndef POCZTA_CLIENT_OUTBOX_H
#define POCZTA_CLIENT_OUTBOX_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include "buf.h"
#include "conf.h"
#include "smtpc.h"

struct outbox;

/* outbox_put - take a message the user sent (LF line ends, Bcc already
 * removed by compose_build), from sender to rcpts; returns once it is
 * durable in the spool, 0 or -1 with err (and then nothing was taken).
 * The spool id is returned through id (newly allocated) when id is not
 * NULL. */
int outbox_put(struct outbox *o, const char *msg, size_t len, const char *sender,
	       char *const *rcpts, size_t nrcpts, char **id, struct buf *err);
/* outbox_take - take a message back (undo send, or edit from the outbox
 * screen): while it is still in the spool and not being submitted, or
 * held in the local queue, it is removed and its bytes are put in msg;
 * 0, or -1 with err saying why not (already submitted, delivered) */
int outbox_take(struct outbox *o, const char *id, struct buf *msg, struct buf *err);

/* The settings of [client] the outbox needs (outbox_config_load). */
struct outbox_config {
	char *spool;		/* the spool directory */
	char *maildir;		/* the Maildir whose Sent folder gets copies */
	char *sent;		/* that folder's name ("Sent") */
	long send_delay;	/* seconds between outbox_put and submission */
	char *submit_host;	/* NULL: no MSA, straight into the local queue */
	char *submit_port;
	enum smtpc_tls submit_tls;
	char *submit_user;	/* NULL: no AUTH */
	char *submit_password_command;
	char *submit_password_file;
	char *submit_ca;	/* NULL: the system's CAs */
	char *queue_dir;	/* the local MTA's queue: DATA_DIR/queue */
	char *run_dir;		/* where mta.pid is, for mtakick */
	char *hostname;		/* for the Received field and EHLO */
	int timeout_ms;		/* 0: RFC 5321's */
	char *log;		/* the client's log: what submissions did (NULL: none) */
	bool trace;		/* [client] trace: their dialogue into it too */
};

/* outbox_config_load - cfg from c's [client] (and [global]) with maildir
 * as the Maildir; false with every problem in err, one line each */
bool outbox_config_load(struct outbox_config *cfg, const struct conf *c, const char *maildir,
			struct buf *err);
void outbox_config_free(struct outbox_config *cfg);

/* outbox_open - the spool of cfg (created when missing; cfg must outlive
 * it); NULL with err set */
struct outbox *outbox_open(const struct outbox_config *cfg, struct buf *err);
void outbox_close(struct outbox *o);
/* outbox_log_path - the client's log, where submissions are written */
const char *outbox_log_path(const struct outbox *o);

enum outbox_state {
	OUTBOX_WAITING,		/* due at entry.due (the undo-send delay, or a retry) */
	OUTBOX_SUBMITTING,	/* a child process (entry.pid) is submitting it */
	OUTBOX_FAILED,		/* refused for good: reply says why; kept to edit */
};

/* One message in the spool. */
struct outbox_entry {
	char id[64];
	char *sender;
	char **rcpts;		/* NULL-terminated */
	size_t nrcpts;
	time_t created, due;
	enum outbox_state state;
	long pid;		/* of the submitting process, 0 when none */
	char *reply;		/* the last failure, or NULL */
	char *msg;		/* the message (with outbox_load only) */
	size_t len;
};

/* outbox_list - the spool's entries without their messages, oldest first;
 * *n gets their count; free with outbox_list_free */
struct outbox_entry *outbox_list(struct outbox *o, size_t *n);
void outbox_list_free(struct outbox_entry *e, size_t n);
/* outbox_load - one entry with its message; 0 or -1 with err */
int outbox_load(struct outbox *o, const char *id, struct outbox_entry *e, struct buf *err);
void outbox_entry_free(struct outbox_entry *e);

/* outbox_tick - the main loop's idle work: reap finished submissions
 * (waitpid WNOHANG) and start those now due (fork); what finished is said
 * in note (one line, translated) when note is not NULL.  Returns the
 * number of entries waiting or being submitted (the loop ticks faster while
 * there are any); *next_due gets the soonest due time of a waiting one (0:
 * none). */
size_t outbox_tick(struct outbox *o, time_t now, time_t *next_due, struct buf *note);
/* outbox_retry - make a waiting or failed entry due now; 0 or -1 with err */
int outbox_retry(struct outbox *o, const char *id, struct buf *err);
/* outbox_cancel - remove an entry that is not being submitted; 0 or -1 */
int outbox_cancel(struct outbox *o, const char *id, struct buf *err);

/* client/outbox.c, for client/submit.c: the spool's one lock (held only
 * while an entry's state changes), and writing an entry back durably */
int outbox_lock(struct outbox *o, struct buf *err);
void outbox_unlock(struct outbox *o);
int outbox_save(struct outbox *o, const struct outbox_entry *e, struct buf *err);
int outbox_remove(struct outbox *o, const char *id, struct buf *err);

/* client/submit.c: the child's work - submit entry id (already marked
 * submitting by this process); its exit status (enum outbox_result) */
enum outbox_result {
	OUTBOX_SENT,		/* the MSA accepted it; copy in Sent */
	OUTBOX_QUEUED,		/* in the local queue; copy in Sent */
	OUTBOX_REFUSED,		/* failed for good, kept in the spool */
	OUTBOX_DEFERRED,	/* neither MSA nor queue took it: tried again later */
	OUTBOX_PARTIAL,		/* sent to some recipients, refused for others */
	OUTBOX_GONE,		/* nothing to do (taken back meanwhile) */
};
int submit_run(struct outbox *o, const char *id);

#endif
