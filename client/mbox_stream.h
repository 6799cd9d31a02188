/* mbox_stream.h - a query's messages in date order, taken from notmuch one
 * date window at a time, so the first screen does not wait for the whole
 * mailbox.
 *
 * notmuch_query_search_messages sorts every match before it yields the
 * first (Xapian's MSet of the whole query), and notmuch_query_search_threads
 * runs that same search: both take time in proportion to the mailbox.  A
 * stream newest first runs the query ANDed with date:@LO.. (the last day),
 * then with ever wider windows further back (each GROWTH times the one
 * before), and last with the open-ended rest; each window is small and
 * sorted by notmuch as the whole query would be, and windows split on whole
 * seconds, so the concatenation is the whole query's order.  Oldest first
 * runs the whole query as one window (the oldest date is not known without
 * reading every match).
 *
 * mbox_list (mbox.h) builds its rows from it: a message view takes every
 * message, a thread view opens a row at a thread's first message, which is
 * its newest matching one (oldest, oldest first): notmuch's own thread
 * order (notmuch_threads_get takes the thread of the next sorted message
 * not yet in a thread). */
#ifndef POCZTA_CLIENT_MBOX_STREAM_H
#define POCZTA_CLIENT_MBOX_STREAM_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <notmuch.h>
#include "buf.h"

#define MBOX_WINDOW_FIRST (24 * 3600)	/* newest first: the last day */
#define MBOX_WINDOW_GROWTH 8		/* each window this many times wider */
#define MBOX_WINDOW_MAX (64L * 365 * 24 * 3600)	/* then the open-ended rest */

struct mbox_stream;

/* mbox_stream_new - query's messages, newest first from now (or oldest
 * first); runs the first window, NULL with err for a query notmuch refuses */
struct mbox_stream *mbox_stream_new(notmuch_database_t *nm, const char *query,
				    bool oldest_first, time_t now, struct buf *err);
/* mbox_stream_next - the next message, owned by the caller
 * (notmuch_message_destroy), or NULL at the end */
notmuch_message_t *mbox_stream_next(struct mbox_stream *s);
/* mbox_stream_windows - how many windows have been run */
unsigned mbox_stream_windows(const struct mbox_stream *s);
void mbox_stream_free(struct mbox_stream *s);

/* mbox_and - "(a) and (b)", or the other one alone where a query is "*"
 * or empty (notmuch's match-all, which takes no parentheses); newly
 * allocated */
char *mbox_and(const char *a, const char *b);

/* A set of strings (thread ids), for the rows already opened. */
struct mbox_idset;
struct mbox_idset *mbox_idset_new(void);
/* mbox_idset_add - add s; false when it was there already */
bool mbox_idset_add(struct mbox_idset *set, const char *s);
void mbox_idset_free(struct mbox_idset *set);

#endif
