/* sidebar.h - the sidebar's model: the Maildir++ folders of the Maildir and
 * the saved searches, each a notmuch query with its unread and total
 * counts (notmuch_query_count_messages); no curses in it. */
#ifndef POCZTA_CLIENT_SIDEBAR_H
#define POCZTA_CLIENT_SIDEBAR_H
#include <stdbool.h>
#include <stddef.h>
#include "config.h"
#include "mbox.h"

struct sidebar_item {
	char *name;		/* UTF-8: "INBOX", "Lists/debian", or a search's name */
	char *query;
	bool folder;
	long unread, total;	/* -1 until counted, or for a bad query */
	bool counted;		/* the counts are current */
};

struct sidebar {
	struct sidebar_item *items;
	size_t n;
};

/* sidebar_load - INBOX and every folder under root (sorted by name), then
 * cfg's saved searches; counts are not taken yet */
void sidebar_load(struct sidebar *s, const char *root, const struct client_config *cfg);
/* sidebar_count - count every item in db */
void sidebar_count(struct sidebar *s, struct mbox_db *db);
/* sidebar_count_step - count the next item whose counts are not current
 * (two notmuch_query_count_messages, each in time with the mailbox: the
 * client takes one step at a time while no key waits, after the first
 * screen); returns whether items are left to count */
bool sidebar_count_step(struct sidebar *s, struct mbox_db *db);
/* sidebar_invalidate - the counts may be stale: count again, step by step,
 * showing the old ones meanwhile */
void sidebar_invalidate(struct sidebar *s);
/* sidebar_pending - whether an item's counts are not current */
bool sidebar_pending(const struct sidebar *s);
/* sidebar_find - the item named name (folders as shown), or NULL */
const struct sidebar_item *sidebar_find(const struct sidebar *s, const char *name);
void sidebar_free(struct sidebar *s);
/* sidebar_mutf7_decode - an IMAP modified UTF-7 folder name (RFC 3501
 * 5.1.3) to UTF-8; newly allocated, NULL when it is not valid */
char *sidebar_mutf7_decode(const char *s);

#endif
