/* maildir.h - Maildir and Maildir++ delivery (https://cr.yp.to/proto/maildir.html).
 *
 * A message is written into tmp/ under a unique name (opened O_EXCL|O_NOFOLLOW),
 * fsync'ed, then linked into new/ (or cur/ with flags) of one or more folders,
 * each directory fsync'ed, and only then is the tmp/ name removed.  A crash
 * at any point leaves nothing partial in new/ or cur/.
 *
 * Folders are Maildir++: INBOX is the root, "Lists.debian" is ROOT/.Lists.debian/
 * ("/" is taken as the hierarchy separator too), each with cur/ new/ tmp/ and
 * an empty maildirfolder file.  Names are stored in IMAP modified UTF-7
 * (RFC 3501 5.1.3) as Dovecot does. */
#ifndef POCZTA_MAILDIR_H
#define POCZTA_MAILDIR_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "dsn.h"

/* A message being written into a Maildir's tmp/. */
struct maildir_tmp {
	int fd;
	char *root;		/* the Maildir the tmp file is in */
	char *name;		/* unique base name, without ",S=" or ":2," parts */
	char *path;		/* ROOT/tmp/NAME */
	off_t size;		/* bytes written */
	off_t crlf_size;	/* size with every bare LF counted as CRLF (RFC822.SIZE) */
	bool last_cr;
	bool fixed;		/* named by the caller: a repeat is recognised */
	bool fresh;		/* set after opening: named, but never handed over
				 * before, so no earlier copy can have been moved
				 * into cur/ (the 64 lookups are skipped) */
	bool defer_dir_sync;	/* set after opening: maildir_tmp_link leaves the
				 * fsync of DIR/new or DIR/cur to the caller (a
				 * group commit, which syncs before it answers) */
};

/* maildir_unique - a new unique base name: SECONDS.MUSECPPID.QCOUNTER.HOST
 * (the Maildir spec, with "/" and ":" in the host name escaped); newly allocated */
char *maildir_unique(void);
/* maildir_create - make root (and parents) a Maildir: cur/ new/ tmp/; 0 or -1 */
int maildir_create(const char *root, struct dsn *d);
/* maildir_folder_path - the directory of folder under root, created when
 * create is true; folder NULL, "" or "INBOX" is root.  Refuses names with an
 * empty part, "..", a leading "/" or ".", or control bytes (5.2.0).  Newly
 * allocated, or NULL with d set. */
char *maildir_folder_path(const char *root, const char *folder, bool create, struct dsn *d);
/* maildir_flags - Maildir info letters (sorted, e.g. "FS") for IMAP system
 * flags (\\Seen \\Answered \\Flagged \\Deleted \\Draft); others are ignored.
 * Newly allocated; "" when none apply. */
char *maildir_flags(char *const *imap_flags);

/* maildir_tmp_open - start a message in ROOT/tmp; 0 or -1 with d set */
int maildir_tmp_open(struct maildir_tmp *t, const char *root, struct dsn *d);
/* maildir_tmp_open_named - the same under a name the caller derives from a
 * delivery id, so that a delivery repeated after a crash finds the first
 * one: maildir_tmp_link then returns 1 when the file is already there.
 * A leftover tmp file of that name (from the crash) is replaced. */
int maildir_tmp_open_named(struct maildir_tmp *t, const char *root, const char *name,
			   struct dsn *d);
int maildir_tmp_write(struct maildir_tmp *t, const void *p, size_t n, struct dsn *d);
/* maildir_tmp_sync - fsync the finished tmp file (the fd stays open for reading) */
int maildir_tmp_sync(struct maildir_tmp *t, struct dsn *d);
/* maildir_tmp_link - link the synced tmp file into DIR/new (no flags) or
 * DIR/cur with ":2,FLAGS", under NAME,S=size,W=crlfsize; fsyncs DIR/new or
 * DIR/cur (unless t->defer_dir_sync).  Returns 0, 1 for a named message already there (nothing done),
 * or -1 with d set.  dir must be on the same file system as the tmp file (it is
 * copied otherwise).  *final, when not NULL, gets the new path (newly allocated). */
int maildir_tmp_link(struct maildir_tmp *t, const char *dir, const char *flags,
		     char **final, struct dsn *d);
/* maildir_tmp_close - close and remove the tmp file, whether or not it was linked */
void maildir_tmp_close(struct maildir_tmp *t);

/* maildir_mutf7_encode - UTF-8 to IMAP modified UTF-7 (RFC 3501 5.1.3);
 * newly allocated, NULL for invalid UTF-8 */
char *maildir_mutf7_encode(const char *utf8);

#endif
