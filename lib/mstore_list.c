/* mstore_list.c - FOLDER/poczta-uidlist read and written (mstore.h
 * describes the format), and the directory stamps that let a sync trust
 * the list without reading new/ and cur/.
 *
 * The header may end with "D" and the stamps of new/ and cur/ (inode,
 * size, mtime in seconds and nanoseconds) as they were after the scan the
 * list was written from.  They are recorded only when both mtimes are more
 * than MSTORE_DIRTY_SECS older than the moment that scan began: a
 * directory changed since then could have the same mtime as one changed
 * again a moment later (file systems stamp with a coarse clock, and a
 * rename inside cur/ leaves its size alone), so such an mtime is "dirty"
 * and the next sync reads the directories again, as Dovecot's maildir
 * code does with its dirty mtimes.  A stamp of zeros means "not trusted". */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>
#include "fsutil.h"
#include "mstore.h"
#include "mstore_int.h"
#include "xalloc.h"

#define MSTORE_DIRTY_SECS 1

int mstore_stamps(const char *dir, struct mstore_stamp *snew, struct mstore_stamp *scur)
{
	static const char *const subs[] = { "new", "cur" };
	struct mstore_stamp *out[] = { snew, scur };
	int i, rc = 0;

	for (i = 0; i < 2; i++) {
		char *p = xasprintf("%s/%s", dir, subs[i]);
		struct stat st;

		memset(out[i], 0, sizeof(*out[i]));
		if (stat(p, &st) == 0) {
			out[i]->ino = st.st_ino;
			out[i]->size = (uint64_t)st.st_size;
			out[i]->sec = st.st_mtim.tv_sec;
			out[i]->nsec = st.st_mtim.tv_nsec;
		} else
			rc = -1;
		free(p);
	}
	return rc;
}

bool mstore_stamp_eq(const struct mstore_stamp *a, const struct mstore_stamp *b)
{
	return a->ino == b->ino && a->size == b->size && a->sec == b->sec && a->nsec == b->nsec;
}

bool mstore_stamp_clean(const struct mstore_stamp *s, const struct timespec *start)
{
	return s->sec != 0 && s->sec + MSTORE_DIRTY_SECS < start->tv_sec;
}

/* next_num - the number at *p, which then points past it and one
 * separator; false when there is none */
static bool next_num(char **p, unsigned long long *v)
{
	char *s = *p;
	unsigned long long x = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (unsigned)(*s - '0');
	}
	*v = x;
	*p = *s ? s + 1 : s;
	return true;
}

/* next_word - the word at *p, NUL-terminated in place; NULL if empty */
static char *next_word(char **p)
{
	char *w = *p, *sp = strchr(w, ' ');

	if (sp) {
		*sp = '\0';
		*p = sp + 1;
	} else
		*p = w + strlen(w);
	return *w ? w : NULL;
}

static void list_stamps(char *p, struct mstore_list *l)
{
	unsigned long long v[8];
	size_t i;

	for (i = 0; i < 8 && next_num(&p, &v[i]); i++)
		;
	if (i < 8)
		return;
	l->snew = (struct mstore_stamp){ v[0], v[1], (int64_t)v[2], (long)v[3] };
	l->scur = (struct mstore_stamp){ v[4], v[5], (int64_t)v[6], (long)v[7] };
}

/* The binary copy, FOLDER/poczta-uidlist.idx, written beside the list each
 * time the list is written: a header, a record a message, then the bases
 * and file names NUL-terminated.  It is mapped, not read: a SELECT of an
 * unchanged folder touches only the records.  It is used only when it
 * names the list it was made from (inode, size, mtime of poczta-uidlist);
 * any other writer of the list makes it stale, and the text is parsed. */
#define IDX_MAGIC "PCZIDX1"
static void idx_write(const char *dir, const char *listpath, const struct mstore_list *l);
struct idx_head {
	char magic[8];
	uint64_t list_ino, list_size;
	int64_t list_sec, list_nsec;
	uint64_t n, nnew, total;
	uint32_t uidvalidity, uidnext;
	uint64_t modseq;
	struct mstore_stamp snew, scur;
};
struct idx_rec {
	uint32_t uid, flags, kw, pad;
	uint64_t modseq, size;
	int64_t idate;
	uint64_t base, file;	/* offsets in the file */
};

static void idx_identity(const struct stat *st, struct idx_head *h)
{
	h->list_ino = st->st_ino;
	h->list_size = (uint64_t)st->st_size;
	h->list_sec = st->st_mtim.tv_sec;
	h->list_nsec = st->st_mtim.tv_nsec;
}

/* idx_write - the binary copy of l, for the list just written; a failure
 * only costs the next reader the parse */
void mstore_list_index(const char *dir, const struct mstore_list *l)
{
	char *path = xasprintf("%s/poczta-uidlist", dir);

	idx_write(dir, path, l);
	free(path);
}

static void idx_write(const char *dir, const char *listpath, const struct mstore_list *l)
{
	char *path = xasprintf("%s/poczta-uidlist.idx", dir);
	struct idx_head h;
	struct buf b = BUF_INIT;
	struct stat st;
	size_t i, off;

	if (stat(listpath, &st) < 0) {
		unlink(path);
		free(path);
		return;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, IDX_MAGIC, sizeof(IDX_MAGIC));
	idx_identity(&st, &h);
	h.n = l->n;
	h.uidvalidity = l->uidvalidity;
	h.uidnext = l->uidnext;
	h.modseq = l->modseq;
	h.snew = l->snew;
	h.scur = l->scur;
	buf_reserve(&b, sizeof(h) + l->n * (sizeof(struct idx_rec) + 100));
	buf_append(&b, &h, sizeof(h));
	off = sizeof(h) + l->n * sizeof(struct idx_rec);
	for (i = 0; i < l->n; i++) {
		const struct mstore_msg *e = &l->msgs[i];
		struct idx_rec r = { .uid = e->uid, .flags = e->flags, .kw = e->kw,
				     .modseq = e->modseq, .size = e->size, .idate = e->idate };
		r.base = off;
		off += strlen(e->base) + 1;
		r.file = off;
		off += strlen(e->file) + 1;
		h.nnew += strncmp(e->file, "new/", 4) == 0;
		buf_append(&b, &r, sizeof(r));
	}
	for (i = 0; i < l->n; i++) {
		buf_append(&b, l->msgs[i].base, strlen(l->msgs[i].base) + 1);
		buf_append(&b, l->msgs[i].file, strlen(l->msgs[i].file) + 1);
	}
	h.total = b.len;
	memcpy(b.data, &h, sizeof(h));
	if (atomic_write_file(path, b.data, b.len, 0600) < 0)
		unlink(path);
	free(path);
	buf_free(&b);
}

/* idx_read - l from the binary copy when it is that of the list at
 * listpath; false to parse the text */
static bool idx_read(const char *dir, const char *listpath, struct mstore_list *l)
{
	char *path = xasprintf("%s/poczta-uidlist.idx", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st, lst;
	struct idx_head h, want;
	const struct idx_rec *r;
	char *map;
	size_t i, strings;

	free(path);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || stat(listpath, &lst) < 0 || (size_t)st.st_size < sizeof(h) ||
	    (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		close(fd);
		return false;
	}
	close(fd);
	memcpy(&h, map, sizeof(h));
	idx_identity(&lst, &want);
	strings = sizeof(h) + h.n * sizeof(struct idx_rec);
	if (memcmp(h.magic, IDX_MAGIC, sizeof(IDX_MAGIC)) != 0 || h.list_ino != want.list_ino ||
	    h.list_size != want.list_size || h.list_sec != want.list_sec ||
	    h.list_nsec != want.list_nsec || h.total != (uint64_t)st.st_size ||
	    h.n > (uint64_t)st.st_size / sizeof(struct idx_rec) || strings > h.total ||
	    (h.total > strings && map[h.total - 1] != '\0') || h.uidvalidity == 0 ||
	    h.uidnext == 0) {
		munmap(map, (size_t)st.st_size);
		return false;
	}
	r = (const struct idx_rec *)(map + sizeof(h));
	l->msgs = h.n ? xcalloc(h.n, sizeof(*l->msgs)) : NULL;
	for (i = 0; i < h.n; i++) {
		struct mstore_msg *e = &l->msgs[i];
		if (r[i].base < strings || r[i].base >= h.total || r[i].file < strings ||
		    r[i].file >= h.total || r[i].uid == 0 || r[i].uid >= h.uidnext ||
		    (i && r[i].uid <= r[i - 1].uid)) {
			free(l->msgs);
			l->msgs = NULL;
			munmap(map, (size_t)st.st_size);
			return false;	/* damaged: the text decides */
		}
		e->uid = r[i].uid;
		e->flags = r[i].flags;
		e->kw = r[i].kw;
		e->modseq = r[i].modseq;
		e->size = r[i].size;
		e->idate = (time_t)r[i].idate;
		e->base = map + r[i].base;	/* NUL-terminated: the file ends with one */
		e->file = map + r[i].file;
		e->base_borrowed = e->file_borrowed = true;
	}
	l->n = h.n;
	l->nnew = h.nnew;
	l->uidvalidity = h.uidvalidity;
	l->uidnext = h.uidnext;
	l->modseq = h.modseq;
	l->snew = h.snew;
	l->scur = h.scur;
	l->map = map;
	l->maplen = (size_t)st.st_size;
	return true;
}

/* mstore_list_read - parse FOLDER/poczta-uidlist into l; a missing or
 * unreadable list starts a new one (a new UIDVALIDITY, RFC 3501 2.3.1.1).
 * Nothing is allocated per message: the bases stay in the text read,
 * NUL-terminated in place, and the file names are made after it in the
 * same block, l->arena (a 100,000-message list took 200,000 mallocs). */
void mstore_list_read(const char *dir, struct mstore_list *l)
{
	char *path = xasprintf("%s/poczta-uidlist", dir), *text, *line, *next, *d, *fp;
	unsigned long long v, nx, m;
	size_t cap = 0, len = 0, lines = 1;
	const char *q;

	memset(l, 0, sizeof(*l));
	if (idx_read(dir, path, l)) {
		free(path);
		return;
	}
	text = read_file(path, &len);
	free(path);
	for (q = text; q && (q = memchr(q, '\n', len - (size_t)(q - text))) != NULL; q++)
		lines++;
	/* a file name is at most its line's base and flags and 8 octets */
	if (text)
		text = xrealloc(text, 2 * (len + 1) + 8 * lines);
	fp = text ? text + len + 1 : NULL;
	if (text == NULL || sscanf(text, "P1 V%llu N%llu M%llu", &v, &nx, &m) != 3 ||
	    v == 0 || v > UINT32_MAX || nx == 0 || nx > UINT32_MAX) {
		l->uidvalidity = (uint32_t)time(NULL);
		l->uidnext = 1;
		l->modseq = 1;
		l->dirty = true;
		free(text);
		return;
	}
	l->uidvalidity = (uint32_t)v;
	l->uidnext = (uint32_t)nx;
	l->modseq = m;
	l->arena = text;
	next = strchr(text, '\n');
	if (next)
		*next++ = '\0';
	if ((d = strstr(text, " D")) != NULL)
		list_stamps(d + 2, l);
	for (line = next; line && *line; line = next) {
		unsigned long long uid, ms, size, idate;
		char *p = line, *flags, *base, *file;
		struct mstore_msg *e;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (!next_num(&p, &uid) || !next_num(&p, &ms) || !next_num(&p, &size) ||
		    !next_num(&p, &idate) || (flags = next_word(&p)) == NULL ||
		    (base = next_word(&p)) == NULL || strlen(base) > 500 ||
		    uid == 0 || uid >= l->uidnext || (l->n && uid <= l->msgs[l->n - 1].uid))
			continue;	/* a damaged line: the file gets a new UID */
		file = next_word(&p);
		if (l->n == cap) {
			cap = cap ? cap * 2 : 1024;
			l->msgs = xreallocarray(l->msgs, cap, sizeof(*l->msgs));
		}
		e = &l->msgs[l->n++];
		memset(e, 0, sizeof(*e));
		e->uid = (uint32_t)uid;
		e->modseq = ms;
		e->size = size;
		e->idate = (time_t)idate;
		if (strcmp(flags, "-") == 0)
			flags = "";
		e->flags = mstore_flags_from_letters(flags);
		e->kw = mstore_kw_from_letters(flags);
		e->base = base;
		e->base_borrowed = e->file_borrowed = true;
		if (file == NULL) {	/* "cur/BASE:2,FLAGS" */
			size_t blen = strlen(base), flen = strlen(flags);
			e->file = fp;
			memcpy(fp, "cur/", 4);
			memcpy(fp + 4, base, blen);
			memcpy(fp + 4 + blen, ":2,", 3);
			memcpy(fp + 7 + blen, flags, flen + 1);
			fp += blen + flen + 8;
		} else {
			e->file = file;
			l->nnew += strncmp(file, "new/", 4) == 0;
		}
	}
}

int mstore_list_write(const char *dir, const struct mstore_list *l)
{
	char *path = xasprintf("%s/poczta-uidlist", dir);
	struct buf b = BUF_INIT;
	char letters[40];
	size_t i;
	int rc;

	buf_printf(&b, "P1 V%" PRIu32 " N%" PRIu32 " M%" PRIu64, l->uidvalidity, l->uidnext,
		   l->modseq);
	if (l->snew.sec && l->scur.sec)
		buf_printf(&b, " D%" PRIu64 ",%" PRIu64 ",%" PRId64 ",%ld,%" PRIu64 ",%" PRIu64
			   ",%" PRId64 ",%ld", l->snew.ino, l->snew.size, l->snew.sec, l->snew.nsec,
			   l->scur.ino, l->scur.size, l->scur.sec, l->scur.nsec);
	buf_putc(&b, '\n');
	for (i = 0; i < l->n; i++) {
		const struct mstore_msg *e = &l->msgs[i];
		size_t blen = strlen(e->base);
		bool canonical;

		mstore_info_letters(e->flags, e->kw, letters);
		/* the file's name is written only when it is not the one the
		 * flags give: in new/, or info letters of another program */
		canonical = e->file && strncmp(e->file, "cur/", 4) == 0 &&
			    strncmp(e->file + 4, e->base, blen) == 0 &&
			    strncmp(e->file + 4 + blen, ":2,", 3) == 0 &&
			    strcmp(e->file + 7 + blen, letters) == 0;
		buf_printf(&b, "%" PRIu32 " %" PRIu64 " %" PRIu64 " %lld %s %s%s%s\n", e->uid,
			   e->modseq, e->size, (long long)e->idate, *letters ? letters : "-",
			   e->base, canonical || !e->file ? "" : " ", canonical || !e->file ? "" : e->file);
	}
	rc = atomic_write_file(path, b.data, b.len, 0600);
	if (rc == 0)
		idx_write(dir, path, l);
	free(path);
	buf_free(&b);
	return rc;
}
