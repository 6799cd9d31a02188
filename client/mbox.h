/* mbox.h - the client's model of mail, with no curses in it: the notmuch
 * database of one Maildir, lists of threads or messages loaded lazily from a
 * query a screen at a time, the sidebar's folders and saved searches with
 * their counts, and tags written back to notmuch and to Maildir flags.
 *
 * The database stays open read-only, so delivery's indexer is never locked
 * out; a tag change opens it for writing for that change only. */
#ifndef POCZTA_CLIENT_MBOX_H
#define POCZTA_CLIENT_MBOX_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "buf.h"

struct mbox_db;
struct mbox_stream;
struct mbox_idset;

/* One line of the index: a thread or a message. */
struct mbox_entry {
	char *id;		/* thread id, or Message-ID */
	char *authors;		/* threads: notmuch's author list; messages: From */
	char *subject;
	char *tags;		/* space-separated, sorted as notmuch gives them */
	char *file;		/* messages: one of its files; threads: NULL */
	time_t date;		/* threads: the newest message; messages: Date */
	int total, matched;	/* threads: messages in it, and matching the query */
	int depth;		/* messages of a thread view: the reply depth */
	bool filled;		/* threads: all but id and date are read on demand */
};

enum mbox_kind { MBOX_THREADS, MBOX_MESSAGES, MBOX_THREAD };

/* A list of entries from one query, loaded as far as it was asked for. */
struct mbox_list {
	struct mbox_db *db;
	char *query;
	enum mbox_kind kind;
	bool oldest_first;
	struct mbox_entry *e;
	size_t n, cap;
	bool done;		/* the query has nothing more */
	struct mbox_stream *st;	/* threads, messages: the query's messages (mbox_stream.h) */
	struct mbox_idset *seen;	/* threads: the ids that have a row */
	void *q, *iter;		/* a thread's messages: notmuch_query_t, notmuch_threads_t */
	size_t read;		/* messages taken from the stream so far */
	size_t fills;		/* thread rows whose details were read */
};

/* mbox_db_open - the notmuch database of the Maildir root, read-only;
 * NULL with the reason in err */
struct mbox_db *mbox_db_open(const char *root, struct buf *err);
void mbox_db_close(struct mbox_db *db);
const char *mbox_db_root(const struct mbox_db *db);
/* mbox_db_refresh - see what was indexed or tagged since it was opened;
 * lists made before must be reloaded (mbox_list_reload).  Returns whether
 * the database changed since the last refresh (its revision). */
bool mbox_db_refresh(struct mbox_db *db);

/* mbox_list_new - a list of query's threads or messages (MBOX_THREAD: the
 * messages of the thread whose id is query, in reply order); nothing is
 * loaded until mbox_list_need.  NULL with err for a query notmuch refuses. */
struct mbox_list *mbox_list_new(struct mbox_db *db, const char *query, enum mbox_kind kind,
				bool oldest_first, struct buf *err);
/* mbox_list_need - load entries until n > upto or the query is done;
 * returns how many entries are loaded.  A thread row has only its id and
 * date until mbox_list_get reads the rest. */
size_t mbox_list_need(struct mbox_list *l, size_t upto);
/* mbox_list_get - entry i (< n) with everything read: a thread's authors,
 * subject, tags and counts from one bounded query (thread:ID and the
 * list's query), as notmuch_query_search_threads would give them */
struct mbox_entry *mbox_list_get(struct mbox_list *l, size_t i);
/* mbox_list_refresh - read entry i again after its tags changed, without
 * reloading the list (the entry stays even if it no longer matches) */
void mbox_list_refresh(struct mbox_list *l, size_t i);
/* mbox_list_find - the index of the entry with id among the first upto+1,
 * loading as far as that; (size_t)-1 when it is not there */
size_t mbox_list_find(struct mbox_list *l, const char *id, size_t upto);
/* mbox_list_reload - run the query again, loading as many entries as before */
void mbox_list_reload(struct mbox_list *l);
/* mbox_list_restart - run the query again, loading nothing yet */
void mbox_list_restart(struct mbox_list *l);
void mbox_list_free(struct mbox_list *l);
/* mbox_entry_has_tag - whether the entry's tags hold tag */
bool mbox_entry_has_tag(const struct mbox_entry *e, const char *tag);

/* mbox_count - how many messages match query (and, when unread, are
 * tagged unread); -1 for a query notmuch refuses */
long mbox_count(struct mbox_db *db, const char *query, bool unread);

/* mbox_tag - apply changes ("+flagged -unread", words of +TAG or -TAG) to
 * every message that query matches, then rename their files to the
 * Maildir flags the tags stand for (draft, flagged, passed, replied,
 * unread: notmuch_message_tags_to_maildir_flags; deleted as T, which
 * notmuch does not map), so an IMAP server sees them.  Returns how many messages changed, -1 with err. */
int mbox_tag(struct mbox_db *db, const char *query, const char *changes, struct buf *err);

/* mbox_query_for - the notmuch query of one entry: "thread:ID" or "id:ID"
 * with the id quoted (notmuch-search-terms(7)); newly allocated */
char *mbox_query_for(const struct mbox_list *l, const struct mbox_entry *e);
/* mbox_quote - s as one notmuch query term: in double quotes, with every
 * double quote doubled; newly allocated */
char *mbox_quote(const char *s);

#endif
