/* mstore.h - a user's Maildir++ as IMAP mailboxes (RFC 3501 5.1).
 *
 * INBOX is the Maildir root; other mailboxes are ROOT/.Name with "." as the
 * hierarchy delimiter, names kept in modified UTF-7 as IMAP sends them
 * (lib/maildir.h).  Each folder has a UID list, FOLDER/poczta-uidlist:
 *
 *   P1 V<uidvalidity> N<uidnext> M<highestmodseq> [D<stamps of new/ and cur/>]
 *   <uid> <modseq> <size> <internaldate> <flags|-> <base> [<file>]
 *
 * base is the file name up to ":2," so a message keeps its UID when it
 * moves from new/ to cur/ or when any program changes its flags.  size is
 * RFC822.SIZE (CRLF line ends), read from ",W=" in the name when the
 * deliverer put it there, else counted once; internaldate is the file's
 * mtime; file (as "new/NAME" or "cur/NAME") is there only when it is not
 * "cur/<base>:2,<flags>".  The list is the per-folder cache: a SELECT
 * reads it, never a message, and reads the directories only when their
 * stamps differ from D's (mstore_list.c).  Beside it, poczta-uidlist.idx
 * is the same list in binary, mapped instead of parsed while it is the
 * copy of the text as it is.  It is rewritten with
 * atomic_write_file under an flock on FOLDER/poczta-uidlist.lock, so
 * concurrent deliveries and sessions each see one UID per message.  Every
 * change of flags seen (by this program or another) takes a new MODSEQ
 * (RFC 7162 3.1). */
#ifndef POCZTA_MSTORE_H
#define POCZTA_MSTORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "buf.h"

/* system flags (RFC 3501 2.3.2) and their Maildir info letters */
enum {
	MF_SEEN = 1,		/* S */
	MF_ANSWERED = 2,	/* R */
	MF_FLAGGED = 4,		/* F */
	MF_DELETED = 8,		/* T */
	MF_DRAFT = 16,		/* D */
	MF_PASSED = 32,		/* P: no IMAP flag, kept as it is */
};

/* keywords a folder can hold (mstore_kw.c: letters a-z in file names) */
#define MSTORE_KEYWORDS 26

struct mstore_msg {
	uint32_t uid;
	uint64_t modseq;
	uint64_t size;		/* RFC822.SIZE */
	time_t idate;		/* INTERNALDATE */
	unsigned flags;		/* MF_* */
	uint32_t kw;		/* keywords: bit i is the box's kw[i] */
	bool recent;		/* moved from new/ by this session (RFC 3501 2.3.2) */
	char *base;		/* file name before ":2," */
	char *file;		/* "new/NAME" or "cur/NAME" relative to the folder */
	bool base_borrowed, file_borrowed;	/* in the list's arena, not malloc'ed */
};

struct mstore_box {
	char *path;		/* the folder's directory */
	char *name;		/* its IMAP name */
	uint32_t uidvalidity, uidnext;
	uint64_t highestmodseq;
	struct mstore_msg *msgs;	/* ascending UIDs */
	size_t n;
	bool readonly;
	struct timespec mtime_new, mtime_cur;	/* of new/ and cur/ at the last rescan */
	bool fast;		/* the last rescan trusted the list: new/ and cur/ not read */
	char *kw[MSTORE_KEYWORDS];	/* keyword names by index, NULL where unused */
	char *arena;		/* the strings of msgs read from the UID list */
	void *map;		/* or its binary copy, mapped */
	size_t maplen;
};

/* What a rescan found changed since the session's last view (RFC 3501
 * 7.4.1 EXPUNGE in descending sequence numbers, 7.3.1 EXISTS, 7.4.2
 * FETCH FLAGS).  The arrays are owned by the caller (mstore_changes_free). */
struct mstore_changes {
	size_t *expunged;	/* 1-based sequence numbers, descending, as sent */
	size_t nexpunged;
	uint32_t *expunged_uids;
	size_t *flagged;	/* 1-based sequence numbers after the expunges */
	size_t nflagged;
	bool exists;		/* the count grew */
};
void mstore_changes_free(struct mstore_changes *c);

/* mstore_flag_letters - Maildir info letters for flags, sorted; out needs 8 */
void mstore_flag_letters(unsigned flags, char *out);
/* mstore_flags_imap - append "\\Seen \\Flagged" (space-separated) */
void mstore_flags_imap(unsigned flags, bool recent, struct buf *out);
/* mstore_flag_parse - MF_* for one IMAP flag name, 0 if not a system flag */
unsigned mstore_flag_parse(const char *name);

/* Keywords (mstore_kw.c) */
/* mstore_info_letters - the info letters of a file name for flags and
 * keywords ("FSab"); out needs 40 */
void mstore_info_letters(unsigned flags, uint32_t kw, char *out);
uint32_t mstore_kw_from_letters(const char *s);
/* mstore_keyword_ok - whether name may be a keyword (an atom, no "\") */
bool mstore_keyword_ok(const char *name);
/* mstore_kw_find - the index of name (case does not matter), or -1 */
int mstore_kw_find(char *const *names, const char *name);
/* mstore_keywords - the bits of keywords want[0..n) in b, the missing ones
 * added to the folder when create (else left out); 0, or -1 with err (no
 * room: a folder holds MSTORE_KEYWORDS) */
struct mstore_box;
int mstore_keywords(struct mstore_box *b, char *const *want, size_t n, bool create,
		    uint32_t *mask, struct buf *err);
/* mstore_keywords_imap - append " name" for every keyword of the folder;
 * how many */
size_t mstore_keywords_imap(const struct mstore_box *b, struct buf *out);

/* mstore_name_ok - whether an IMAP mailbox name may name a folder: no
 * "..", "/", leading or trailing or doubled ".", control bytes, 8-bit
 * (names are modified UTF-7) */
bool mstore_name_ok(const char *name);
/* mstore_folder_dir - the directory of mailbox name (INBOX: root); newly
 * allocated, NULL when the name is not acceptable */
char *mstore_folder_dir(const char *root, const char *name);

/* mstore_open - open a mailbox and sync its UID list; NULL with err when
 * it does not exist or cannot be read.  readonly: EXAMINE (new/ is left as
 * it is).  Free with mstore_close. */
struct mstore_box *mstore_open(const char *root, const char *name, bool readonly,
			       struct buf *err);
void mstore_close(struct mstore_box *b);
/* mstore_rescan - sync with the folder and report what changed in ch (may
 * be NULL to drop the report); 0 or -1 with err */
int mstore_rescan(struct mstore_box *b, struct mstore_changes *ch, struct buf *err);
/* mstore_changed - whether new/ or cur/ changed since the last rescan
 * (two stat calls: IDLE asks twice a second) */
bool mstore_changed(const struct mstore_box *b);
/* mstore_status - counts without a session view (STATUS, RFC 3501 6.3.10):
 * MESSAGES, UNSEEN, RECENT (the messages in new/: no session has seen
 * them, so the next SELECT gets them as \Recent, 2.3.2), and the list's
 * UIDNEXT, UIDVALIDITY, HIGHESTMODSEQ; 0 or -1 */
struct mstore_counts {
	size_t messages, unseen, recent;
	uint32_t uidnext, uidvalidity;
	uint64_t highestmodseq;
};
int mstore_status(const char *root, const char *name, struct mstore_counts *c, struct buf *err);

/* mstore_msg_flags_imap - append m's flags, keywords and \Recent */
void mstore_msg_flags_imap(const struct mstore_box *b, const struct mstore_msg *m,
			   struct buf *out);
/* mstore_set_flags - give message i (0-based) these flags and keywords:
 * renames its file; the new MODSEQ is recorded at the next rescan.  0 or -1 */
int mstore_set_flags(struct mstore_box *b, size_t i, unsigned flags, uint32_t kw,
		     struct buf *err);
/* mstore_commit_flags - record the flags this session set with
 * mstore_set_flags in the UID list now, each change with a new MODSEQ that
 * the session's view gets too (RFC 7162 3.2: STORE answers with it).
 * Nothing else of the view changes.  0 or -1 */
int mstore_commit_flags(struct mstore_box *b, struct buf *err);
/* mstore_read - the message's bytes as stored (LF line ends), newly
 * allocated; NULL with err */
char *mstore_read(const struct mstore_box *b, size_t i, size_t *len, struct buf *err);
/* mstore_expunge - remove the messages flagged \Deleted (only those whose
 * UID is in uids[0..nuids) when uids is not NULL: UID EXPUNGE), then
 * rescan; the expunges are reported in ch.  0 or -1 */
int mstore_expunge(struct mstore_box *b, const uint32_t *uids, size_t nuids,
		   struct mstore_changes *ch, struct buf *err);
/* mstore_append - store a message durably in mailbox name with flags and
 * keywords kws[0..nkw) (added to the folder's when new);
 * *uidvalidity and *uid get its UID (RFC 4315 APPENDUID).  0, or -1 with
 * err (-2: no such mailbox, [TRYCREATE]) */
int mstore_append(const char *root, const char *name, const char *data, size_t len,
		  unsigned flags, char *const *kws, size_t nkw, time_t idate, uint32_t *uidvalidity,
		  uint32_t *uid, struct buf *err);
/* mstore_copy - copy messages idx[0..n) of b into mailbox name (hard
 * links, fsync'ed); uids gets their new UIDs in order (n entries).  0, -1,
 * or -2 for a mailbox that does not exist */
int mstore_copy(struct mstore_box *b, const size_t *idx, size_t n, const char *root,
		const char *name, uint32_t *uidvalidity, uint32_t *uids, struct buf *err);

/* The per-folder cache of ENVELOPE, BODYSTRUCTURE and BODY texts, by UID
 * (FOLDER/poczta-cache; mstore_cache.c says how it stays right). */
enum { MSTORE_CACHE_ENVELOPE, MSTORE_CACHE_BODYSTRUCTURE, MSTORE_CACHE_BODY,
       MSTORE_CACHE_KINDS };
struct mstore_cache;
/* mstore_cache_load - the cache of the folder at dir (empty if none) */
struct mstore_cache *mstore_cache_load(const char *dir);
/* mstore_cache_get - the text cached for uid, owned by the cache, or NULL */
const char *mstore_cache_get(struct mstore_cache *c, uint32_t uid, int kind, size_t *len);
void mstore_cache_put(struct mstore_cache *c, uint32_t uid, int kind, const char *text,
		      size_t len);
/* mstore_cache_save - write it back when something was added, keeping
 * only UIDs still in b; 0 or -1 */
int mstore_cache_save(struct mstore_cache *c, const struct mstore_box *b);
void mstore_cache_free(struct mstore_cache *c);

/* Folders.  Names are IMAP names; INBOX is always there. */
/* mstore_list - every mailbox name (INBOX first), NULL-terminated, newly
 * allocated (strlist_free) */
char **mstore_list(const char *root);
int mstore_create(const char *root, const char *name, struct buf *err);
int mstore_delete(const char *root, const char *name, struct buf *err);
int mstore_rename(const char *root, const char *from, const char *to, struct buf *err);
/* Subscriptions (ROOT/subscriptions, one name a line) */
char **mstore_subscriptions(const char *root);
int mstore_subscribe(const char *root, const char *name, bool on, struct buf *err);

/* mstore_set_notify - have fn called with the full path of every message
 * file the store creates (APPEND, COPY), renames (with its new name: new/
 * to cur/, flags) or removes (with its old name: EXPUNGE), so the caller
 * can note it for the notmuch indexer, which would otherwise keep stale
 * file names and flags (lib/index.h).  One hook per process. */
void mstore_set_notify(void (*fn)(const char *path, void *ctx), void *ctx);
/* mstore_notify - tell the hook about path (for a file changed outside
 * mstore's own functions: POP3's DELE) */
void mstore_notify(const char *path);

#endif
