/* mda.h - poczta-mda, the delivery agent: shared declarations of its parts.
 *
 *   main.c      command line, configuration, the modes
 *   rcpt.c      recipient address -> local user, Maildir and Sieve script
 *   stage.c     the incoming message, staged once in a scratch file
 *   deliver.c   one message to one recipient: Sieve, Maildir, index notes
 *   redirect.c  Sieve redirect through the configured sendmail command
 *   lmtp.c      the LMTP server (RFC 2033) on stdin/stdout or a socket */
#ifndef POCZTA_MDA_H
#define POCZTA_MDA_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "dsn.h"

struct conf;
struct users;
struct sieve_script;

/* Everything delivery needs from the configuration, read once. */
struct mda {
	const struct conf *conf;
	char *hostname;
	char **domains;		/* local domains */
	char *default_user;	/* [global] user, else the invoking user */
	struct users *users;	/* the users file; empty when there is none */
	char *maildir;		/* template: ~ and %u still in it */
	char *sieve;		/* template, or NULL */
	char *spool;		/* DATA_DIR/index: notes for the indexer */
	char *indexer;		/* the poczta-index program */
	char **new_tags;
	char **redirect_argv;
	unsigned long long max_size;
	bool index;
	int index_ms;
	const char *via;	/* "LMTP" when a session delivers, NULL for the pipe */
	const char *lhlo;	/* the LMTP peer's LHLO name */
	const char *peer;	/* the LMTP peer's address */
	const char *delivery_id;	/* poczta-mta's name for this delivery, or NULL */
	bool delivery_fresh;		/* MAIL XFRESH: never handed over before */
	/* group commit (LMTP): while set, deliveries leave the sync of the
	 * folders they linked into to the session, which does it once for
	 * every transaction it has read before it answers any of them */
	bool group_commit;
	char **unsynced_dirs;	/* folders (new/ or cur/) linked into, not yet synced */
	char **unsynced_files;	/* what was linked there, removed if the sync fails */
	/* the last compiled script, kept for the next recipient with the same one */
	char *cached_path;
	struct sieve_script *cached_script;
};

/* A recipient resolved to a local mailbox. */
struct mda_rcpt {
	char *address;		/* as given, for Delivered-To */
	char *user;		/* local user name */
	char *detail;		/* the +detail (RFC 5233), or NULL */
	char *maildir;		/* the user's Maildir root */
	char *sieve;		/* the user's script, or NULL */
};

/* The message as received, staged once, read for every recipient. */
struct mda_stage {
	int fd;			/* an unlinked scratch file */
	off_t size;
	bool crlf;		/* its first line ends in CRLF: our headers follow suit */
	bool too_big;
	struct dsn error;	/* a write error while staging */
	bool failed;
	const char *data;	/* mmap of the whole message, after stage_finish */
	char *spill_dir;	/* while fd is in memory: where it goes when it grows */
};

/* rcpt.c */
void mda_rcpt_resolve(struct mda *m, const char *address, struct mda_rcpt *r, struct dsn *d);
void mda_rcpt_free(struct mda_rcpt *r);

/* stage.c */
int stage_open(struct mda_stage *s, const char *dir, struct dsn *d);
void stage_write(struct mda_stage *s, const char *p, size_t n, unsigned long long max);
int stage_finish(struct mda_stage *s, struct dsn *d);
void stage_close(struct mda_stage *s);
/* stage_from_fd - stage everything read from fd (the pipe mode's stdin),
 * dropping a leading mbox "From " line */
int stage_from_fd(struct mda_stage *s, int fd, const char *dir, unsigned long long max,
		  struct dsn *d);

/* deliver.c */
void mda_deliver(struct mda *m, struct mda_stage *s, const char *sender,
		 const struct mda_rcpt *r, struct dsn *d);
/* mda_sync_linked - the group commit's end: fsync every folder linked into
 * since the last call; on failure the linked files are removed (nothing was
 * answered yet, so the client tries again) and -1 is returned */
int mda_sync_linked(struct mda *m);

/* redirect.c */
int mda_redirect(struct mda *m, struct mda_stage *s, const char *sender,
		 const struct mda_rcpt *r, const char *to, struct dsn *d);

/* lmtp.c */
int mda_lmtp_stdio(struct mda *m);
int mda_lmtp_listen(struct mda *m);

#endif
