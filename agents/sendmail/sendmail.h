/* sendmail.h - poczta-sendmail, the local side of the submission agent: the
 * sendmail(1) command line that cron, git send-email, mailx and scripts use.
 * It puts a message straight into the MTA's durable queue (no SMTP), as
 * Postfix's sendmail and postdrop do, and tells the MTA to look; a user who
 * may not write the queue (a system install's, the poczta user's) leaves
 * it in the maildrop, which poczta-mta picks up (lib/maildrop.h).
 *
 *   main.c     the command line and the mode chosen
 *   opts.c     sendmail's options, those Postfix documents, many ignored
 *   setup.c    who is sending and where the queue is (poczta.conf)
 *   addr.c     addresses: RFC 5322 lists (libetpan), the sender, recipients
 *   input.c    standard input into lines: CR LF, bare CR, NUL, long lines, "."
 *   message.c  one message into the queue: header section, body, commit
 *   header.c   the header section: -t, Bcc removed, the local fix-ups
 *   enqueue.c  -bm: standard input, the envelope, the commit
 *   bs.c       -bs: an SMTP session on standard input and output */
#ifndef POCZTA_SENDMAIL_H
#define POCZTA_SENDMAIL_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "buf.h"
#include "dsn.h"
#include "rcptpolicy.h"

struct queue;

#define SM_LINE_MAX 998		/* RFC 5322 2.1.1, without the line end */
#define SM_ID_MAX 64		/* a queue id or a maildrop file name */

enum sm_mode { SM_ENQUEUE, SM_SMTP, SM_MAILQ, SM_FLUSH, SM_NOTHING };

/* What the command line asked for. */
struct sm_opts {
	enum sm_mode mode;
	bool extract;		/* -t */
	bool dot_ends;		/* a lone "." ends the input (no -i, -oi) */
	const char *sender;	/* -f, -r; NULL: the invoking user */
	const char *full_name;	/* -F, else $NAME */
	const char *config;	/* -C */
	const char *envid;	/* -V */
	unsigned notify;	/* -N, QUEUE_NOTIFY_* bits */
	bool ret_full;		/* -R full */
	bool body_8bit;		/* -B 8BITMIME */
	int verbose;		/* -v */
	bool trace;		/* --trace: the -bs dialogue on stderr and in the log */
	char **rcpts;		/* the arguments left: recipient lists */
	int nrcpts;
};

/* Everything the program needs, read once from poczta.conf and the system. */
struct sm {
	struct conf *conf;
	char *config_path;
	char *hostname;
	char *domain;		/* added to a bare user name */
	char *user;		/* the invoking user's login name */
	char *gecos;		/* the full name from the password file, or NULL */
	uid_t uid;
	struct rcpt_policy policy;	/* recipients resolved as the MTA does */
	struct users *users;
	struct aliases *aliases;
	struct queue *queue;	/* NULL in maildrop mode */
	char *queue_dir;
	char *maildrop;		/* DATA_DIR/maildrop when the queue is not ours
				 * to write (lib/maildrop.h), else NULL */
	unsigned long long max_size;	/* 0: no limit */
	size_t max_rcpts;
};

/* The envelope being built: the sender and the resolved recipients. */
struct sm_env {
	char *sender;		/* "" for the null sender */
	struct rcpt_target *rcpts;
	size_t nrcpts;
};

/* opts.c */
/* opts_parse - the command line into o; 0, or an exit status after telling
 * stderr why */
int opts_parse(struct sm_opts *o, int argc, char **argv);

/* setup.c */
/* setup_load - read poczta.conf (config: -C, else conf_locate's search),
 * open the queue; exits with EX_CONFIG or EX_TEMPFAIL when it cannot */
void setup_load(struct sm *sm, const char *config);
void setup_free(struct sm *sm);
/* setup_kick - tell a running MTA of new mail (SIGUSR1); a stopped one
 * finds it in the queue when it starts, so not finding one is no error;
 * in maildrop mode nothing: the MTA looks at the maildrop every second */
void setup_kick(const struct sm *sm);

/* addr.c */
/* addr_list_parse - the addr-specs of an RFC 5322 address list (groups,
 * comments, display names) appended to *list (strlist); -1 when text is not
 * an address list, with why set to the part not understood */
int addr_list_parse(const char *text, size_t len, char ***list, const char **why);
/* addr_qualify - addr with "@DOMAIN" added when it has no domain; newly
 * allocated */
char *addr_qualify(const struct sm *sm, const char *addr);
/* addr_sender - the envelope sender from -f (NULL: the invoking user);
 * "" for the null sender; newly allocated, or NULL when it is no address */
char *addr_sender(const struct sm *sm, const char *arg);
/* addr_rcpt - resolve one recipient (aliases, local users) into env; d
 * says why not */
int addr_rcpt(struct sm *sm, struct sm_env *env, const char *addr, unsigned notify,
	      struct dsn *d);
/* addr_from_field - the value of a From: field for sender and full name:
 * "Name <addr>" with the name quoted or encoded as needed; newly allocated */
char *addr_from_field(const char *name, const char *addr);

/* input.c */
struct message;
/* input_run - read fd until EOF (or a lone "." when dot_ends) and hand each
 * line to m; d says why the input is refused (NUL bytes, a read error) */
int input_run(int fd, bool dot_ends, struct message *m, struct dsn *d);

/* header.c */
/* What the header section needs to know: the envelope sender ("" for the
 * null sender) and the full name for a From: field, and whether -t. */
struct header_ctx {
	const struct sm *sm;
	const char *sender;
	const char *full_name;
	bool extract;
};
/* header_emit - the header section collected in head, as it goes into the
 * queue: Bcc removed, From, Date and Message-ID added when missing; with
 * extract, the recipients of To, Cc and Bcc (or of their Resent- forms when
 * the message has them) appended to *rcpts.  -1 with d set when a recipient
 * field cannot be parsed. */
int header_emit(const struct header_ctx *h, const char *head, size_t len, struct buf *out,
		char ***rcpts, struct dsn *d);

/* message.c */
struct queue_env;
/* message_new - a message for sm's queue; received is its Received field
 * (with its line end); NULL with d set (temporary) when the queue refuses.
 * h is copied; what it points to must outlive the message. */
struct message *message_new(struct sm *sm, const char *received, const struct header_ctx *h,
			    struct dsn *d);
/* message_line - one line (ending in LF) of the message */
void message_line(struct message *m, const char *line, size_t len);
/* message_done_header - the input has ended: the header section is written
 * out if it was not yet (a message of header fields only, or none) */
void message_done_header(struct message *m);
/* message_rcpts - the recipients the header section gave with -t (owned by
 * m), once the header section is done */
char **message_rcpts(const struct message *m);
/* message_failed - whether something went wrong already (d, when not NULL,
 * says what) */
bool message_failed(const struct message *m, struct dsn *d);
/* message_commit - make the message durable with env's sender and
 * recipients; 0, or -1 with d set and nothing queued.  Frees m either way.
 * id (SM_ID_MAX bytes) gets the queue id, or the maildrop file's name. */
int message_commit(struct message *m, struct queue_env *env, char *id, struct dsn *d);
void message_abort(struct message *m);
/* message_received - the Received field of a local submission (RFC 5321
 * 4.4); helo is NULL for -bm, the EHLO name with -bs; newly allocated */
char *message_received(const struct sm *sm, const char *helo, const char *proto);

/* enqueue.c */
/* enqueue_run - -bm: the message on standard input into the queue; the exit
 * status (sysexits) */
int enqueue_run(struct sm *sm, const struct sm_opts *o);
/* enqueue_env - the queue envelope of env (pointers into env and o) */
void enqueue_env(struct queue_env *qe, const struct sm_env *env, const struct sm_opts *o,
		 const char *helo, const char *proto);
/* enqueue_full_name - -F, else $NAME, else the password file's name */
const char *enqueue_full_name(const struct sm *sm, const struct sm_opts *o);

/* bs.c */
/* bs_run - an SMTP session on fds 0 and 1 (RFC 5321), each message into
 * the queue; the exit status */
int bs_run(struct sm *sm, const struct sm_opts *o);

#endif
