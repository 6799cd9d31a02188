/* mstore_int.h - what the mstore files share: the UID list in memory and
 * its lock (mstore.h describes the format). */
#ifndef POCZTA_MSTORE_INT_H
#define POCZTA_MSTORE_INT_H
#include "mstore.h"

struct mstore_list {
	uint32_t uidvalidity, uidnext;
	uint64_t modseq;		/* HIGHESTMODSEQ */
	struct mstore_msg *msgs;	/* ascending UIDs */
	size_t n;
	bool dirty;			/* to be written back */
};

/* mstore_lock - take FOLDER/poczta-uidlist.lock; the fd, or -1 */
int mstore_lock(const char *dir);
void mstore_unlock(int fd);
/* mstore_sync_list - lock, read the list, match it with new/ and cur/,
 * write it back when it changed, unlock; l's msgs are the caller's
 * (mstore_msgs_free), also on failure */
int mstore_sync_list(const char *dir, bool move_new, struct mstore_list *l, struct buf *err);
void mstore_msgs_free(struct mstore_msg *m, size_t n);
unsigned mstore_flags_from_letters(const char *s);
#endif
