/* mstore_folder.c - mailboxes as Maildir++ folders: names, the folder
 * list, CREATE/DELETE/RENAME, subscriptions, and the operations that put
 * messages in or take them out (APPEND, COPY, EXPUNGE). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "dsn.h"
#include "fsutil.h"
#include "maildir.h"
#include "mstore.h"
#include "mstore_int.h"
#include "strlist.h"
#include "xalloc.h"

bool mstore_name_ok(const char *name)
{
	size_t len = strlen(name), i;

	if (len == 0 || len > 200 || name[0] == '.' || name[len - 1] == '.' || name[0] == '~' ||
	    strstr(name, ".."))
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		/* "/" would leave the Maildir; 8-bit is not modified UTF-7;
		 * "*" and "%" are LIST wildcards (RFC 3501 5.1) */
		if (c < 0x20 || c > 0x7e || c == '/' || c == '\\' || c == '*' || c == '%')
			return false;
	}
	return true;
}

static bool mstore_is_inbox(const char *name)
{
	return strcasecmp(name, "INBOX") == 0;
}

char *mstore_folder_dir(const char *root, const char *name)
{
	if (mstore_is_inbox(name))
		return xstrdup(root);
	if (!mstore_name_ok(name))
		return NULL;
	return xasprintf("%s/.%s", root, name);
}

static int mstore_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **mstore_list(const char *root)
{
	char **names = xcalloc(2, sizeof(char *));
	size_t n = 1;
	DIR *d = opendir(root);
	struct dirent *de;

	names[0] = xstrdup("INBOX");
	while (d && (de = readdir(d)) != NULL) {
		char *cur;
		struct stat st;

		if (de->d_name[0] != '.' || !mstore_name_ok(de->d_name + 1))
			continue;
		cur = xasprintf("%s/%s/cur", root, de->d_name);
		if (stat(cur, &st) == 0 && S_ISDIR(st.st_mode)) {
			names = xreallocarray(names, n + 2, sizeof(char *));
			names[n++] = xstrdup(de->d_name + 1);
			names[n] = NULL;
		}
		free(cur);
	}
	if (d)
		closedir(d);
	qsort(names + 1, n - 1, sizeof(char *), mstore_name_cmp);
	return names;
}

int mstore_create(const char *root, const char *name, struct buf *err)
{
	char *dir = mstore_folder_dir(root, name), *path;
	struct dsn d;
	struct stat st;

	if (dir == NULL || mstore_is_inbox(name)) {
		buf_puts(err, dir ? "INBOX always exists" : "bad mailbox name");
		free(dir);
		return -1;
	}
	if (stat(dir, &st) == 0) {
		buf_puts(err, "mailbox already exists");
		free(dir);
		return -1;
	}
	path = maildir_folder_path(root, name, true, &d);
	if (path == NULL)
		buf_puts(err, d.text);
	free(path);
	free(dir);
	return path ? 0 : -1;
}

/* mstore_rmdir_files - remove the files of dir, then dir */
static int mstore_rmdir_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		char *p;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	return rmdir(dir);
}

int mstore_delete(const char *root, const char *name, struct buf *err)
{
	char *dir = mstore_folder_dir(root, name), **all, *prefix;
	size_t i, plen;
	int rc = 0;

	if (dir == NULL || mstore_is_inbox(name)) {
		buf_puts(err, dir ? "INBOX cannot be deleted" : "bad mailbox name");
		free(dir);
		return -1;
	}
	all = mstore_list(root);
	prefix = xasprintf("%s.", name);
	plen = strlen(prefix);
	for (i = 0; all[i]; i++)
		if (strncmp(all[i], prefix, plen) == 0)
			rc = -1;
	free(prefix);
	strlist_free(all);
	if (rc < 0) {
		buf_puts(err, "mailbox has children");	/* RFC 3501 6.3.4 */
		free(dir);
		return -1;
	}
	const char *subs[] = { "cur", "new", "tmp" };
	for (i = 0; i < 3; i++) {
		char *p = xasprintf("%s/%s", dir, subs[i]);
		if (mstore_rmdir_files(p) < 0)
			rc = -1;
		free(p);
	}
	if (rc < 0 || mstore_rmdir_files(dir) < 0) {
		buf_printf(err, errno == ENOENT ? "no such mailbox" : "cannot delete: %s",
			   strerror(errno));
		rc = -1;
	} else
		fsync_dir(root);
	free(dir);
	return rc;
}

/* mstore_move_all - rename every message of src/sub into dst/sub; 0 or -1 */
static int mstore_move_all(const char *src, const char *dst, const char *sub, struct buf *err)
{
	char *from = xasprintf("%s/%s", src, sub), *to = xasprintf("%s/%s", dst, sub);
	DIR *d = opendir(from);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		buf_printf(err, "%s: %s", from, strerror(errno));
		rc = -1;
	}
	while (d && rc == 0 && (de = readdir(d)) != NULL) {
		char *a, *b;
		if (de->d_name[0] == '.')
			continue;
		a = xasprintf("%s/%s", from, de->d_name);
		b = xasprintf("%s/%s", to, de->d_name);
		if (rename(a, b) < 0 && errno != ENOENT) {	/* ENOENT: expunged meanwhile */
			buf_printf(err, "cannot move %s: %s", de->d_name, strerror(errno));
			rc = -1;
		} else {
			mstore_notify(a);	/* gone from here: the index forgets it */
			mstore_notify(b);
		}
		free(a);
		free(b);
	}
	if (d)
		closedir(d);
	/* the messages are in dst before they leave src (nothing lost) */
	if (rc == 0 && (fsync_dir(to) < 0 || fsync_dir(from) < 0)) {
		buf_printf(err, "fsync: %s", strerror(errno));
		rc = -1;
	}
	free(from);
	free(to);
	return rc;
}

/* mstore_rename_inbox - RFC 3501 6.3.5: renaming INBOX moves its messages
 * to a new mailbox of that name and leaves INBOX there, empty; INBOX's
 * UID list keeps its UIDVALIDITY and UIDNEXT, so no UID comes back.  The
 * list's lock keeps a session's rescan from seeing half the move. */
static int mstore_rename_inbox(const char *root, const char *to, struct buf *err)
{
	struct dsn d;
	char *dst = maildir_folder_path(root, to, true, &d);
	int lock, rc;

	if (dst == NULL) {
		buf_puts(err, d.text);
		return -1;
	}
	if ((lock = mstore_lock(root)) < 0) {
		buf_printf(err, "cannot lock the UID list: %s", strerror(errno));
		free(dst);
		return -1;
	}
	rc = mstore_move_all(root, dst, "cur", err);
	if (rc == 0)
		rc = mstore_move_all(root, dst, "new", err);
	mstore_unlock(lock);
	free(dst);
	return rc;
}

int mstore_rename(const char *root, const char *from, const char *to, struct buf *err)
{
	char *src = mstore_folder_dir(root, from), *dst = mstore_folder_dir(root, to);
	char **all = NULL, *prefix = NULL;
	struct stat st;
	size_t i, plen;
	int rc = -1;

	if (src == NULL || dst == NULL || mstore_is_inbox(to)) {
		buf_puts(err, "bad mailbox name");
	} else if (mstore_is_inbox(from)) {
		if (stat(dst, &st) == 0)
			buf_puts(err, "mailbox already exists");
		else
			rc = mstore_rename_inbox(root, to, err);
	} else if (stat(src, &st) < 0) {
		buf_puts(err, "no such mailbox");
	} else if (stat(dst, &st) == 0) {
		buf_puts(err, "mailbox already exists");
	} else if (rename(src, dst) < 0) {
		buf_printf(err, "cannot rename: %s", strerror(errno));
	} else {
		/* RFC 3501 6.3.5: inferior names are renamed too */
		all = mstore_list(root);
		prefix = xasprintf("%s.", from);
		plen = strlen(prefix);
		for (i = 0; all[i]; i++)
			if (strncmp(all[i], prefix, plen) == 0) {
				char *a = xasprintf("%s/.%s", root, all[i]);
				char *b = xasprintf("%s/.%s.%s", root, to, all[i] + plen);
				if (rename(a, b) < 0)
					buf_printf(err, "cannot rename %s: %s", all[i], strerror(errno));
				free(a);
				free(b);
			}
		fsync_dir(root);
		rc = err->len ? -1 : 0;
	}
	strlist_free(all);
	free(prefix);
	free(src);
	free(dst);
	return rc;
}

char **mstore_subscriptions(const char *root)
{
	char *path = xasprintf("%s/subscriptions", root), *text = read_file(path, NULL);
	char **list = strlist_split(text ? text : "", "\n");

	free(path);
	free(text);
	return list;
}

int mstore_subscribe(const char *root, const char *name, bool on, struct buf *err)
{
	char **list = mstore_subscriptions(root), *path;
	struct buf b = BUF_INIT;
	bool found = false;
	size_t i;
	int rc;

	for (i = 0; list[i]; i++) {
		if (strcmp(list[i], name) == 0) {
			found = true;
			if (!on)
				continue;
		}
		buf_printf(&b, "%s\n", list[i]);
	}
	if (on && !found)
		buf_printf(&b, "%s\n", name);
	path = xasprintf("%s/subscriptions", root);
	rc = atomic_write_file(path, b.data ? b.data : "", b.len, 0600);
	if (rc < 0)
		buf_printf(err, "cannot write subscriptions: %s", strerror(errno));
	free(path);
	buf_free(&b);
	strlist_free(list);
	return rc;
}

/* mstore_uid_of - after a sync, the UIDs of the files named bases */
static int mstore_uids_of(const char *dir, char **bases, size_t n, uint32_t *uidvalidity,
			  uint32_t *uids, struct buf *err)
{
	struct mstore_list l;
	size_t i, j;
	int rc = mstore_sync_list(dir, false, &l, err);

	if (rc == 0) {
		*uidvalidity = l.uidvalidity;
		for (i = 0; i < n; i++) {
			uids[i] = 0;
			for (j = l.n; j-- > 0;)
				if (strcmp(l.msgs[j].base, bases[i]) == 0) {
					uids[i] = l.msgs[j].uid;
					break;
				}
		}
	}
	mstore_list_free(&l);
	return rc;
}

/* mstore_base_of - the file name of path up to ":2,"; newly allocated */
static char *mstore_base_of(const char *path)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *info = strstr(name, ":2,");

	return info ? xstrndup(name, (size_t)(info - name)) : xstrdup(name);
}

static int mstore_existing(const char *root, const char *name, char **dir, struct buf *err)
{
	struct stat st;

	*dir = mstore_folder_dir(root, name);
	if (*dir == NULL || stat(*dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		buf_puts(err, "no such mailbox");
		x_free(dir);
		return -2;
	}
	return 0;
}

int mstore_append(const char *root, const char *name, const char *data, size_t len,
		  unsigned flags, char *const *kws, size_t nkw, time_t idate,
		  uint32_t *uidvalidity, uint32_t *uid, struct buf *err)
{
	struct maildir_tmp t;
	char letters[40], *dir, *final = NULL, *base, *names[MSTORE_KEYWORDS] = { NULL };
	struct dsn d;
	size_t i, start;
	uint32_t kw = 0;
	int rc;

	if ((rc = mstore_existing(root, name, &dir, err)) < 0)
		return rc;
	mstore_kw_load(dir, names);
	rc = mstore_kw_mask(dir, names, kws, nkw, true, &kw, err);
	mstore_kw_clear(names);
	if (rc < 0) {
		free(dir);
		return -1;
	}
	mstore_info_letters(flags, kw, letters);
	rc = maildir_tmp_open(&t, dir, &d);
	/* a Maildir keeps LF line ends: CR LF from the client becomes LF */
	for (i = start = 0; rc == 0 && i < len; i++)
		if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n') {
			rc = maildir_tmp_write(&t, data + start, i - start, &d);
			start = i + 1;
		}
	if (rc == 0 && start < len)
		rc = maildir_tmp_write(&t, data + start, len - start, &d);
	if (rc == 0)
		rc = maildir_tmp_sync(&t, &d);
	if (rc == 0 && idate > 0) {
		struct timeval tv[2] = { { idate, 0 }, { idate, 0 } };
		futimes(t.fd, tv);	/* INTERNALDATE (RFC 3501 6.3.11) */
	}
	if (rc == 0)
		rc = maildir_tmp_link(&t, dir, letters, &final, &d) < 0 ? -1 : 0;
	if (t.path)
		maildir_tmp_close(&t);
	if (rc < 0) {
		buf_puts(err, d.text);
	} else {
		mstore_notify(final);
		base = mstore_base_of(final);
		rc = mstore_uids_of(dir, &base, 1, uidvalidity, uid, err);
		free(base);
	}
	free(final);
	free(dir);
	return rc;
}

/* mstore_copy_one - put a new name for message m of b into dir/cur (a
 * hard link: the same bytes, flags of its own); its base, newly allocated */
static char *mstore_copy_one(struct mstore_box *b, const struct mstore_msg *m, const char *dir,
			     char **dnames, char *letters, struct buf *err)
{
	char *src = xasprintf("%s/%s", b->path, m->file), *dst, *base = NULL;
	char *u = maildir_unique(), *want[MSTORE_KEYWORDS];
	struct buf ignored = BUF_INIT;
	uint32_t kw = 0;
	size_t n = 0;
	int i;

	/* the keywords by name in the other folder; those it has no room
	 * for are left out, as Dovecot does */
	for (i = 0; i < MSTORE_KEYWORDS; i++)
		if ((m->kw & (1u << i)) && b->kw[i])
			want[n++] = b->kw[i];
	if (n && mstore_kw_mask(dir, dnames, want, n, true, &kw, &ignored) < 0)
		mstore_kw_mask(dir, dnames, want, n, false, &kw, &ignored);
	buf_free(&ignored);
	mstore_info_letters(m->flags, kw, letters);
	base = xasprintf("%s,W=%llu", u, (unsigned long long)m->size);
	dst = xasprintf("%s/cur/%s:2,%s", dir, base, letters);
	if (link(src, dst) < 0) {
		size_t len;
		char *data = read_file(src, &len);
		if (data == NULL || atomic_write_file(dst, data, len, 0600) < 0) {
			buf_printf(err, "copy %s: %s", m->file, strerror(errno));
			x_free(&base);
		}
		free(data);
	}
	if (base)
		mstore_notify(dst);
	free(u);
	free(src);
	free(dst);
	return base;
}

int mstore_copy(struct mstore_box *b, const size_t *idx, size_t n, const char *root,
		const char *name, uint32_t *uidvalidity, uint32_t *uids, struct buf *err)
{
	char *dir, **bases = xcalloc(n + 1, sizeof(char *)), *cur;
	char *dnames[MSTORE_KEYWORDS] = { NULL }, (*letters)[40] = xcalloc(n + 1, 40);
	size_t i;
	int rc;

	if ((rc = mstore_existing(root, name, &dir, err)) < 0) {
		free(bases);
		free(letters);
		return rc;
	}
	mstore_kw_load(dir, dnames);
	for (i = 0; i < n && rc == 0; i++)
		if ((bases[i] = mstore_copy_one(b, &b->msgs[idx[i]], dir, dnames, letters[i],
						err)) == NULL)
			rc = -1;
	mstore_kw_clear(dnames);
	cur = xasprintf("%s/cur", dir);
	if (rc == 0 && fsync_dir(cur) < 0) {
		buf_printf(err, "fsync %s: %s", cur, strerror(errno));
		rc = -1;
	}
	if (rc == 0)
		rc = mstore_uids_of(dir, bases, n, uidvalidity, uids, err);
	else	/* RFC 3501 6.4.7: all or nothing */
		for (i = 0; i < n && bases[i]; i++) {
			char *p = xasprintf("%s/%s:2,%s", cur, bases[i], letters[i]);
			unlink(p);
			free(p);
		}
	free(letters);
	free(cur);
	strlist_free(bases);
	free(dir);
	return rc;
}

int mstore_expunge(struct mstore_box *b, const uint32_t *uids, size_t nuids,
		   struct mstore_changes *ch, struct buf *err)
{
	size_t i, j, gone = 0;

	for (i = 0; i < b->n; i++) {
		bool want = (b->msgs[i].flags & MF_DELETED) != 0;
		char *p;
		if (want && uids) {
			for (want = false, j = 0; j < nuids && !want; j++)
				want = uids[j] == b->msgs[i].uid;
		}
		if (!want)
			continue;
		p = xasprintf("%s/%s", b->path, b->msgs[i].file);
		if (unlink(p) == 0 || errno == ENOENT) {
			mstore_notify(p);
			gone++;
		}
		free(p);
	}
	if (gone) {
		char *cur = xasprintf("%s/cur", b->path);
		fsync_dir(cur);
		free(cur);
	}
	return mstore_rescan(b, ch, err);
}
