/* mstore.c - one IMAP mailbox over a Maildir folder: the UID list, the
 * rescan that turns what other programs did into EXPUNGE/EXISTS/FETCH, and
 * flag changes.  The list format and locking are described in mstore.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsutil.h"
#include "mstore.h"
#include "mstore_int.h"
#include "xalloc.h"

static const struct { unsigned bit; char letter; } mstore_letters[] = {
	{ MF_DRAFT, 'D' }, { MF_FLAGGED, 'F' }, { MF_PASSED, 'P' },
	{ MF_ANSWERED, 'R' }, { MF_SEEN, 'S' }, { MF_DELETED, 'T' },
};
#define NLETTERS (sizeof(mstore_letters) / sizeof(mstore_letters[0]))

void mstore_flag_letters(unsigned flags, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < NLETTERS; i++)
		if (flags & mstore_letters[i].bit)
			out[n++] = mstore_letters[i].letter;
	out[n] = '\0';
}

/* mstore_flags_from_letters - MF_* from Maildir info letters (unknown ones,
 * such as Dovecot's keyword letters, are ignored) */
unsigned mstore_flags_from_letters(const char *s)
{
	unsigned f = 0;
	size_t i;

	for (; s && *s; s++)
		for (i = 0; i < NLETTERS; i++)
			if (*s == mstore_letters[i].letter)
				f |= mstore_letters[i].bit;
	return f;
}

void mstore_flags_imap(unsigned flags, bool recent, struct buf *out)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ MF_SEEN, "\\Seen" }, { MF_ANSWERED, "\\Answered" },
		{ MF_FLAGGED, "\\Flagged" }, { MF_DELETED, "\\Deleted" }, { MF_DRAFT, "\\Draft" },
	};
	const char *sep = "";
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit) {
			buf_printf(out, "%s%s", sep, names[i].name);
			sep = " ";
		}
	if (recent)
		buf_printf(out, "%s\\Recent", sep);
}

unsigned mstore_flag_parse(const char *name)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ MF_SEEN, "\\Seen" }, { MF_ANSWERED, "\\Answered" },
		{ MF_FLAGGED, "\\Flagged" }, { MF_DELETED, "\\Deleted" }, { MF_DRAFT, "\\Draft" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0)
			return names[i].bit;
	return 0;
}

void mstore_changes_free(struct mstore_changes *c)
{
	free(c->expunged);
	free(c->expunged_uids);
	free(c->flagged);
	memset(c, 0, sizeof(*c));
}

void mstore_msgs_free(struct mstore_msg *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!m[i].base_borrowed)
			free(m[i].base);
		if (!m[i].file_borrowed)
			free(m[i].file);
	}
	free(m);
}

void mstore_list_free(struct mstore_list *l)
{
	mstore_msgs_free(l->msgs, l->n);
	free(l->arena);
	if (l->map)
		munmap(l->map, l->maplen);
	l->map = NULL;
	l->msgs = NULL;
	l->arena = NULL;
	l->n = 0;
}

void mstore_msg_set_file(struct mstore_msg *m, const char *file)
{
	if (!m->file_borrowed)
		free(m->file);
	m->file = xstrdup(file);
	m->file_borrowed = false;
}


int mstore_commit_flags(struct mstore_box *b, struct buf *err)
{
	struct mstore_list l;
	size_t i, j = 0;
	int lock = mstore_lock(b->path), rc = 0;
	bool changed = false;

	if (lock < 0) {
		buf_printf(err, "%s: cannot lock the UID list: %s", b->path, strerror(errno));
		return -1;
	}
	mstore_list_read(b->path, &l);
	for (i = 0; i < b->n; i++) {
		while (j < l.n && l.msgs[j].uid < b->msgs[i].uid)
			j++;
		if (j < l.n && l.msgs[j].uid == b->msgs[i].uid &&
		    (l.msgs[j].flags != b->msgs[i].flags || l.msgs[j].kw != b->msgs[i].kw)) {
			l.msgs[j].flags = b->msgs[i].flags;
			l.msgs[j].kw = b->msgs[i].kw;
			mstore_msg_set_file(&l.msgs[j], b->msgs[i].file);
			l.msgs[j].modseq = b->msgs[i].modseq = ++l.modseq;
			changed = true;
		}
	}
	/* a list that was missing is left to the next rescan (a new UIDVALIDITY) */
	if (changed && !l.dirty && mstore_list_write(b->path, &l) < 0) {
		buf_printf(err, "%s: cannot write the UID list: %s", b->path, strerror(errno));
		rc = -1;
	}
	if (rc == 0)
		b->highestmodseq = l.modseq;
	mstore_unlock(lock);
	mstore_list_free(&l);
	return rc;
}

/* A file found in new/ or cur/. */
struct mstore_file {
	char *base, *file;
	unsigned flags;
	uint32_t kw;
	bool used;
	bool moved;		/* from new/ by this session: \Recent */
};

static int mstore_file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mstore_file *)a)->base, ((const struct mstore_file *)b)->base);
}

static void (*mstore_notify_fn)(const char *path, void *ctx);
static void *mstore_notify_ctx;

void mstore_set_notify(void (*fn)(const char *path, void *ctx), void *ctx)
{
	mstore_notify_fn = fn;
	mstore_notify_ctx = ctx;
}

void mstore_notify(const char *path)
{
	if (mstore_notify_fn)
		mstore_notify_fn(path, mstore_notify_ctx);
}

/* mstore_scan_dir - append the messages of FOLDER/sub to *f; with
 * move_new, a file in new/ is renamed into cur/ first (it is then
 * \Recent for this session, RFC 3501 2.3.2) */
static int mstore_scan_dir(const char *dir, const char *sub, bool move_new,
			   struct mstore_file **f, size_t *n)
{
	char *path = xasprintf("%s/%s", dir, sub);
	DIR *d = opendir(path);
	struct dirent *de;
	size_t cap = *n;

	free(path);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name, *info;
		struct mstore_file *e;
		char *file;
		bool moved = false;

		if (name[0] == '.' || strlen(name) > 500 || strchr(name, ' '))
			continue;
		info = strstr(name, ":2,");
		file = xasprintf("%s/%s", sub, name);
		if (move_new && strcmp(sub, "new") == 0) {
			char *from = xasprintf("%s/new/%s", dir, name);
			char *to = xasprintf("%s/cur/%s%s", dir, name, info ? "" : ":2,");
			if (rename(from, to) == 0) {
				mstore_notify(to);
				free(file);
				file = xasprintf("cur/%s%s", name, info ? "" : ":2,");
				moved = true;
			}
			free(from);
			free(to);
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			*f = xreallocarray(*f, cap, sizeof(**f));
		}
		e = &(*f)[(*n)++];
		e->base = info ? xstrndup(name, (size_t)(info - name)) : xstrdup(name);
		e->file = file;
		e->flags = info ? mstore_flags_from_letters(info + 3) : 0;
		e->kw = info ? mstore_kw_from_letters(info + 3) : 0;
		e->used = false;
		e->moved = moved;
	}
	closedir(d);
	return 0;
}

/* mstore_crlf_size - RFC822.SIZE: from ",W=" in the name, else counted */
static uint64_t mstore_crlf_size(const char *dir, const char *file, const char *base)
{
	const char *w = strstr(base, ",W=");
	char *path, *data;
	size_t len, i;
	uint64_t size;

	if (w && w[3] >= '0' && w[3] <= '9')
		return strtoull(w + 3, NULL, 10);
	path = xasprintf("%s/%s", dir, file);
	data = read_file(path, &len);
	free(path);
	if (data == NULL)
		return 0;
	for (size = len, i = 0; i < len; i++)
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			size++;
	free(data);
	return size;
}

static int mstore_base_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct mstore_file *)elem)->base);
}

/* mstore_reconcile - bring l in line with the files: entries whose file
 * is gone are dropped, new files get UIDs, changed flags a new MODSEQ */
static void mstore_reconcile(const char *dir, struct mstore_list *l, struct mstore_file *f,
			     size_t nf)
{
	size_t i, kept = 0;

	if (nf)
		qsort(f, nf, sizeof(*f), mstore_file_cmp);
	for (i = 0; i < l->n; i++) {
		struct mstore_msg *e = &l->msgs[i];
		struct mstore_file *hit = nf ? bsearch(e->base, f, nf, sizeof(*f), mstore_base_cmp) : NULL;
		if (hit == NULL || hit->used) {
			if (!e->base_borrowed)
				free(e->base);
			if (!e->file_borrowed)
				free(e->file);
			l->dirty = true;
			continue;
		}
		hit->used = true;
		if (e->file == NULL || strcmp(e->file, hit->file) != 0) {
			mstore_msg_set_file(e, hit->file);
			l->dirty = true;	/* the list names files not where the flags say */
		}
		if ((hit->flags & ~MF_PASSED) != (e->flags & ~MF_PASSED) || hit->kw != e->kw) {
			e->modseq = ++l->modseq;	/* RFC 7162 3.1 */
			l->dirty = true;
		}
		e->flags = hit->flags;
		e->kw = hit->kw;
		e->recent = hit->moved;
		l->msgs[kept++] = *e;
	}
	l->n = kept;
	if (nf)	/* room for every file: no reallocation per message */
		l->msgs = xreallocarray(l->msgs, l->n + nf, sizeof(*l->msgs));
	for (i = 0; i < nf; i++) {
		struct mstore_msg *e;
		struct stat st;
		char *path;

		if (f[i].used || (i > 0 && strcmp(f[i].base, f[i - 1].base) == 0))
			continue;
		path = xasprintf("%s/%s", dir, f[i].file);
		if (stat(path, &st) < 0) {
			free(path);
			continue;
		}
		free(path);
		e = &l->msgs[l->n++];
		memset(e, 0, sizeof(*e));
		e->uid = l->uidnext++;
		e->modseq = ++l->modseq;
		e->size = mstore_crlf_size(dir, f[i].file, f[i].base);
		e->idate = st.st_mtime;
		e->flags = f[i].flags;
		e->kw = f[i].kw;
		e->base = xstrdup(f[i].base);
		e->file = xstrdup(f[i].file);
		e->recent = f[i].moved;
		l->dirty = true;
	}
}

int mstore_lock(const char *dir)
{
	char *path = xasprintf("%s/poczta-uidlist.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	free(path);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

void mstore_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the flock */
}

/* mstore_trusted - whether l can be taken as it is: it was written from a
 * scan with clean stamps that new/ and cur/ still have, and (when new/ is
 * to be emptied) no message of it is in new/ */
static bool mstore_trusted(const char *dir, bool move_new, const struct mstore_list *l)
{
	struct mstore_stamp snew, scur;

	if (l->dirty || l->snew.sec == 0 || l->scur.sec == 0 ||
	    mstore_stamps(dir, &snew, &scur) < 0 || !mstore_stamp_eq(&snew, &l->snew) ||
	    !mstore_stamp_eq(&scur, &l->scur))
		return false;
	return !(move_new && l->nnew);
}

int mstore_sync_list(const char *dir, bool move_new, struct mstore_list *l, struct buf *err)
{
	struct mstore_file *f = NULL;
	struct mstore_stamp snew, scur;
	struct timespec start;
	size_t nf = 0, i;
	int lock = mstore_lock(dir), rc = 0;

	memset(l, 0, sizeof(*l));
	if (lock < 0) {
		buf_printf(err, "%s: cannot lock the UID list: %s", dir, strerror(errno));
		return -1;
	}
	mstore_list_read(dir, l);
	if (mstore_trusted(dir, move_new, l)) {
		l->fast = true;
		if (l->map == NULL)	/* parsed: the next reader maps it */
			mstore_list_index(dir, l);
		mstore_unlock(lock);
		return 0;
	}
	clock_gettime(CLOCK_REALTIME, &start);
	if (mstore_scan_dir(dir, "cur", false, &f, &nf) < 0 ||
	    mstore_scan_dir(dir, "new", move_new, &f, &nf) < 0) {
		buf_printf(err, "%s: not a Maildir: %s", dir, strerror(errno));
		rc = -1;
	} else {
		mstore_reconcile(dir, l, f, nf);
		/* the stamps after the scan, kept if they are clean (mstore_list.c) */
		if (mstore_stamps(dir, &snew, &scur) < 0 || !mstore_stamp_clean(&snew, &start) ||
		    !mstore_stamp_clean(&scur, &start))
			memset(&snew, 0, sizeof(snew)), memset(&scur, 0, sizeof(scur));
		if (!mstore_stamp_eq(&snew, &l->snew) || !mstore_stamp_eq(&scur, &l->scur)) {
			l->snew = snew;
			l->scur = scur;
			l->dirty = true;
		}
		if (l->dirty && mstore_list_write(dir, l) < 0) {
			buf_printf(err, "%s: cannot write the UID list: %s", dir, strerror(errno));
			rc = -1;
		} else if (!l->dirty && l->map == NULL)
			mstore_list_index(dir, l);
	}
	mstore_unlock(lock);
	for (i = 0; i < nf; i++) {
		free(f[i].base);
		free(f[i].file);
	}
	free(f);
	return rc;
}

struct mstore_box *mstore_open(const char *root, const char *name, bool readonly,
			       struct buf *err)
{
	struct mstore_box *b;
	char *dir = mstore_folder_dir(root, name);
	struct stat st;

	if (dir == NULL || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		buf_printf(err, "no such mailbox");
		free(dir);
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	b->path = dir;
	b->name = xstrdup(name);
	b->readonly = readonly;
	if (mstore_rescan(b, NULL, err) < 0) {
		mstore_close(b);
		return NULL;
	}
	return b;
}

void mstore_close(struct mstore_box *b)
{
	if (b == NULL)
		return;
	mstore_msgs_free(b->msgs, b->n);
	free(b->arena);
	if (b->map)
		munmap(b->map, b->maplen);
	mstore_kw_clear(b->kw);
	free(b->path);
	free(b->name);
	free(b);
}

/* mstore_diff - what changed between the session's view and l, in ch;
 * l's entries become the view (recent bits carried over) */
static void mstore_diff(struct mstore_box *b, struct mstore_list *l, struct mstore_changes *ch)
{
	size_t i = 0, j = 0;
	uint32_t oldmax = b->n ? b->msgs[b->n - 1].uid : 0;

	while (i < b->n) {
		if (j < l->n && l->msgs[j].uid == b->msgs[i].uid) {
			l->msgs[j].recent |= b->msgs[i].recent;
			if (ch && (l->msgs[j].flags != b->msgs[i].flags ||
				   l->msgs[j].kw != b->msgs[i].kw)) {
				ch->flagged = xreallocarray(ch->flagged, ch->nflagged + 1, sizeof(size_t));
				ch->flagged[ch->nflagged++] = j + 1;
			}
			i++, j++;
		} else if (j < l->n && l->msgs[j].uid < b->msgs[i].uid) {
			j++;	/* cannot happen: UIDs only grow */
		} else {
			if (ch) {
				ch->expunged = xreallocarray(ch->expunged, ch->nexpunged + 1, sizeof(size_t));
				ch->expunged_uids = xreallocarray(ch->expunged_uids, ch->nexpunged + 1,
								  sizeof(uint32_t));
				ch->expunged[ch->nexpunged] = i + 1;
				ch->expunged_uids[ch->nexpunged++] = b->msgs[i].uid;
			}
			i++;
		}
	}
	if (ch) {	/* descending: each number is right when it is sent */
		size_t a, z;
		for (a = 0, z = ch->nexpunged; a + 1 < z; a++, z--) {
			size_t t = ch->expunged[a];
			ch->expunged[a] = ch->expunged[z - 1];
			ch->expunged[z - 1] = t;
		}
		for (j = 0; j < l->n; j++)
			if (l->msgs[j].uid > oldmax) {
				ch->exists = true;
				break;
			}
	}
}

/* mstore_mtimes - the modification times of new/ and cur/ */
static void mstore_mtimes(const char *dir, struct timespec *mnew, struct timespec *mcur)
{
	char *p = xasprintf("%s/new", dir);
	struct stat st;

	memset(mnew, 0, sizeof(*mnew));
	memset(mcur, 0, sizeof(*mcur));
	if (stat(p, &st) == 0)
		*mnew = st.st_mtim;
	free(p);
	p = xasprintf("%s/cur", dir);
	if (stat(p, &st) == 0)
		*mcur = st.st_mtim;
	free(p);
}

bool mstore_changed(const struct mstore_box *b)
{
	struct timespec mnew, mcur;

	mstore_mtimes(b->path, &mnew, &mcur);
	return mnew.tv_sec != b->mtime_new.tv_sec || mnew.tv_nsec != b->mtime_new.tv_nsec ||
	       mcur.tv_sec != b->mtime_cur.tv_sec || mcur.tv_nsec != b->mtime_cur.tv_nsec;
}

int mstore_rescan(struct mstore_box *b, struct mstore_changes *ch, struct buf *err)
{
	struct mstore_list l;

	/* taken before the scan: a change during it shows at the next check */
	mstore_mtimes(b->path, &b->mtime_new, &b->mtime_cur);

	if (mstore_sync_list(b->path, !b->readonly, &l, err) < 0) {
		mstore_list_free(&l);
		return -1;
	}
	mstore_kw_load(b->path, b->kw);	/* after the list: names for every letter seen */
	mstore_diff(b, &l, ch);
	mstore_msgs_free(b->msgs, b->n);
	free(b->arena);
	if (b->map)
		munmap(b->map, b->maplen);
	b->arena = l.arena;
	b->map = l.map;
	b->maplen = l.maplen;
	b->msgs = l.msgs;
	b->n = l.n;
	b->uidvalidity = l.uidvalidity;
	b->uidnext = l.uidnext;
	b->highestmodseq = l.modseq;
	b->fast = l.fast;
	return 0;
}

int mstore_status(const char *root, const char *name, struct mstore_counts *c, struct buf *err)
{
	char *dir = mstore_folder_dir(root, name);
	struct mstore_list l;
	struct stat st;
	size_t i;
	int rc;

	if (dir == NULL || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		buf_printf(err, "no such mailbox");
		free(dir);
		return -1;
	}
	rc = mstore_sync_list(dir, false, &l, err);
	free(dir);
	if (rc == 0) {
		memset(c, 0, sizeof(*c));
		c->messages = l.n;
		for (i = 0; i < l.n; i++) {
			c->unseen += !(l.msgs[i].flags & MF_SEEN);
			c->recent += strncmp(l.msgs[i].file, "new/", 4) == 0;
		}
		c->uidnext = l.uidnext;
		c->uidvalidity = l.uidvalidity;
		c->highestmodseq = l.modseq;
	}
	mstore_list_free(&l);
	return rc;
}

int mstore_set_flags(struct mstore_box *b, size_t i, unsigned flags, uint32_t kw,
		     struct buf *err)
{
	struct mstore_msg *m = &b->msgs[i];
	char letters[40], *from, *to, *file;

	mstore_info_letters(flags, kw, letters);
	file = xasprintf("cur/%s:2,%s", m->base, letters);
	from = xasprintf("%s/%s", b->path, m->file);
	to = xasprintf("%s/%s", b->path, file);
	if (strcmp(from, to) != 0 && rename(from, to) < 0) {
		buf_printf(err, "%s: %s", m->file, strerror(errno));
		free(from), free(to), free(file);
		return -1;
	}
	if (strcmp(from, to) != 0)
		mstore_notify(to);
	if (!m->file_borrowed)
		free(m->file);
	m->file = file;
	m->file_borrowed = false;
	m->flags = flags;
	m->kw = kw;
	free(from), free(to);
	return 0;
}

char *mstore_read(const struct mstore_box *b, size_t i, size_t *len, struct buf *err)
{
	char *path = xasprintf("%s/%s", b->path, b->msgs[i].file);
	char *data = read_file(path, len);

	if (data == NULL)
		buf_printf(err, "%s: %s", b->msgs[i].file, strerror(errno));
	free(path);
	return data;
}
