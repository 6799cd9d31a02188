/* mstore_int.h - what the mstore files share: the UID list in memory and
 * its lock (mstore.h describes the format). */
#ifndef POCZTA_MSTORE_INT_H
#define POCZTA_MSTORE_INT_H
#include "mstore.h"

/* a directory as stat saw it (mstore_list.c: when it is trusted) */
struct mstore_stamp {
	uint64_t ino, size;
	int64_t sec;
	long nsec;
};

struct mstore_list {
	uint32_t uidvalidity, uidnext;
	uint64_t modseq;		/* HIGHESTMODSEQ */
	struct mstore_msg *msgs;	/* ascending UIDs */
	size_t n;
	bool dirty;			/* to be written back */
	struct mstore_stamp snew, scur;	/* of new/ and cur/ when the list was right */
	bool fast;			/* the sync trusted the stamps: no directory read */
	char *arena;			/* the text read, and the file names made from it */
	void *map;			/* or poczta-uidlist.idx mapped (mstore_list.c) */
	size_t maplen;
	size_t nnew;			/* messages in new/ */
};
/* mstore_list_free - msgs and arena */
void mstore_list_free(struct mstore_list *l);
/* mstore_msg_set_file - replace m's file name with a copy of file */
void mstore_msg_set_file(struct mstore_msg *m, const char *file);

/* mstore_kw.c: the keyword names of the folder at dir */
void mstore_kw_load(const char *dir, char **names);
void mstore_kw_clear(char **names);
int mstore_kw_mask(const char *dir, char **names, char *const *want, size_t n, bool create,
		   uint32_t *mask, struct buf *err);

/* mstore_list.c */
void mstore_list_read(const char *dir, struct mstore_list *l);
int mstore_list_write(const char *dir, const struct mstore_list *l);
/* mstore_list_index - write the binary copy of a list read from its text */
void mstore_list_index(const char *dir, const struct mstore_list *l);
/* mstore_stamps - stat new/ and cur/; -1 if either is missing */
int mstore_stamps(const char *dir, struct mstore_stamp *snew, struct mstore_stamp *scur);
bool mstore_stamp_eq(const struct mstore_stamp *a, const struct mstore_stamp *b);
/* mstore_stamp_clean - whether s is old enough to be trusted by a scan
 * that began at start */
bool mstore_stamp_clean(const struct mstore_stamp *s, const struct timespec *start);

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
