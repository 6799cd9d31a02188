/* index.h - the notmuch index of delivered mail, written in batches.
 *
 * Delivery never waits on Xapian: once a message is durable in the Maildir the
 * delivery agent drops a small note in a spool directory (index_enqueue) and
 * makes sure an indexer will run soon (index_kick).  The indexer
 * (index_drain) takes every note, indexes the messages of each Maildir in
 * one notmuch transaction, and removes the notes.  A lost note loses no mail:
 * index_rescan (poczta-ctl reindex) finds what the index lacks.
 *
 * Spool locks: SPOOL/.lock is held by whoever drains; SPOOL/.daemon by a
 * long-running indexer (the LMTP listener) for its whole life; SPOOL/.kick by
 * a forked indexer while it waits to batch. */
#ifndef POCZTA_INDEX_H
#define POCZTA_INDEX_H
#include <stdbool.h>
#include <time.h>
#include "buf.h"

/* index_enqueue - note that path, a message in the Maildir root, wants
 * indexing; tags are added when the message is new to the index (then the
 * Maildir flags in its name are applied).  0 or -1 with errno. */
int index_enqueue(const char *spool, const char *root, const char *path, char *const *tags);
/* index_drain (index_db.c, with index_rescan and index_run: these link
 * notmuch) - index every noted message; returns how many were indexed, or
 * -1 when a database could not be opened (its notes are kept, err says why) */
int index_drain(const char *spool, struct buf *err);
/* index_kick - see that spool is drained within about delay_ms: unless a
 * daemon or a waiting indexer will, start the program indexer (poczta-index)
 * detached, as "poczta-index --wait MS --drain SPOOL" */
void index_kick(const char *spool, int delay_ms, const char *indexer);
/* index_spawn - fork a detached indexer now (no daemon check): the daemon's
 * own way to drain without blocking its accept loop */
void index_spawn(const char *spool, int delay_ms, const char *indexer);
/* index_run - the indexer's work: wait delay_ms to gather a batch (unless
 * another indexer already waits), then drain while notes keep coming and no
 * other indexer holds the spool; 0, or -1 when a database failed (logged) */
int index_run(const char *spool, int delay_ms);
/* index_lock - open SPOOL/name (created) and flock(2) it with op; fd or -1 */
int index_lock(const char *spool, const char *name, int op);
/* index_pending - whether a note waits in spool */
bool index_pending(const char *spool);
/* index_daemon_lock - hold SPOOL/.daemon for the caller's life; fd or -1 */
int index_daemon_lock(const char *spool);
/* index_rescan - add every message under the Maildir root (all folders) that
 * the index lacks, with tags for new mail; returns how many, -1 on error */
int index_rescan(const char *root, char *const *tags, struct buf *err);
/* index_find_message - the files of the message with this Message-ID
 * (without angle brackets) in the Maildir root's index: a strlist, empty
 * when there is none or no index yet; NULL with err when the index cannot
 * be read */
char **index_find_message(const char *root, const char *message_id, struct buf *err);
/* index_search_folder - the file names, up to ":2," (a message's Maildir
 * base name), of the messages of the Maildir++ folder dir ("" for the
 * root's INBOX, else ".Name") that match expr, a notmuch query; *indexed
 * gets how many messages of that folder the index has and *updated when it
 * last changed, so the caller can tell what the index may not have yet.  A strlist, or NULL with err when there is no index
 * or it cannot be read.  (poczta-maa's SEARCH BODY and TEXT, RFC 3501
 * 6.4.4, go through it.) */
char **index_search_folder(const char *root, const char *dir, const char *expr, size_t *indexed,
			   time_t *updated, struct buf *err);

/* index_file_now - where the message of path (a name the index or a note
 * gave) is now: path itself when it exists, else the file in its folder's
 * cur/ or new/ with the same Maildir base name (up to ":2,"; a reader moved
 * it from new/ to cur/ or changed its flags).  Newly allocated, NULL when
 * it is gone. */
char *index_file_now(const char *path);

#endif
