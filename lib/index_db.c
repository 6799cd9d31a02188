/* index_db.c - the notmuch side of the index: reading the notes, indexing
 * them one transaction per Maildir, and finding what a lost note left out.
 * Linked by poczta-index and poczta-ctl, never by the delivery agents. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <notmuch.h>
#include "buf.h"
#include "fsutil.h"
#include "index.h"
#include "strlist.h"
#include "xalloc.h"

#define INDEX_BATCH 5000	/* notes taken in one drain pass */

struct index_note {
	char *file;		/* the note's name in the spool */
	char *root;
	char *path;
	char *tags;		/* space separated */
};


static void index_note_free(struct index_note *n)
{
	free(n->file);
	free(n->root);
	free(n->path);
	free(n->tags);
}

/* index_note_read - parse one note; false if it is not a note (removed) */
static bool index_note_read(const char *spool, const char *file, struct index_note *n)
{
	char *p = xasprintf("%s/%s", spool, file);
	char *text = read_file(p, NULL), *nl1, *nl2, *nl3;

	free(p);
	memset(n, 0, sizeof(*n));
	if (text == NULL || (nl1 = strchr(text, '\n')) == NULL ||
	    (nl2 = strchr(nl1 + 1, '\n')) == NULL || (nl3 = strchr(nl2 + 1, '\n')) == NULL) {
		free(text);
		return false;
	}
	*nl1 = *nl2 = *nl3 = '\0';
	n->file = xstrdup(file);
	n->root = xstrdup(text);
	n->path = xstrdup(nl1 + 1);
	n->tags = xstrdup(nl2 + 1);
	free(text);
	return true;
}

static int index_cmp(const void *a, const void *b)
{
	const struct index_note *x = a, *y = b;
	int c = strcmp(x->root, y->root);
	return c ? c : strcmp(x->file, y->file);
}

/* index_collect - up to INDEX_BATCH notes, sorted by Maildir then age */
static size_t index_collect(const char *spool, struct index_note **out)
{
	DIR *d = opendir(spool);
	struct dirent *e;
	struct index_note *notes = NULL;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while (n < INDEX_BATCH && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		notes = xreallocarray(notes, n + 1, sizeof(*notes));
		if (index_note_read(spool, e->d_name, &notes[n]))
			n++;
		else {
			char *p = xasprintf("%s/%s", spool, e->d_name);
			unlink(p);
			free(p);
		}
	}
	closedir(d);
	if (n)
		qsort(notes, n, sizeof(*notes), index_cmp);
	*out = notes;
	return n;
}

/* index_open - the notmuch database of a Maildir, created when missing;
 * opened without reading any notmuch configuration file */
static notmuch_database_t *index_open(const char *root, struct buf *err)
{
	notmuch_database_t *db = NULL;
	char *msg = NULL;
	char *xapian = xasprintf("%s/.notmuch", root);
	struct stat st;
	notmuch_status_t s;

	if (stat(xapian, &st) < 0)
		s = notmuch_database_create_with_config(root, "", NULL, &db, &msg);
	else
		s = notmuch_database_open_with_config(root, NOTMUCH_DATABASE_MODE_READ_WRITE, "",
						      NULL, &db, &msg);
	free(xapian);
	if (s != NOTMUCH_STATUS_SUCCESS) {
		buf_printf(err, "notmuch database %s: %s", root,
			   msg ? msg : notmuch_status_to_string(s));
		free(msg);
		return NULL;
	}
	free(msg);
	return db;
}

/* index_add_tags - tag a message new to the index, then apply its Maildir flags */
static void index_add_tags(notmuch_message_t *m, const char *tags, bool is_new)
{
	char *copy = xstrdup(tags), *save = NULL, *t;

	notmuch_message_freeze(m);
	if (is_new)
		for (t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
			notmuch_message_add_tag(m, t);
	notmuch_message_maildir_flags_to_tags(m);
	notmuch_message_thaw(m);
	free(copy);
}

/* index_forget_stale - drop the names of m that are no longer there: a
 * reader renamed the file (new/ to cur/, other flags) behind the index's
 * back, as notmuch new would find; the flags of the names left then give
 * the tags (index_add_tags); whether any was dropped */
static bool index_forget_stale(notmuch_database_t *db, notmuch_message_t *m)
{
	notmuch_filenames_t *fs;
	char **gone = NULL;
	size_t n = 0, i;

	for (fs = notmuch_message_get_filenames(m); notmuch_filenames_valid(fs);
	     notmuch_filenames_move_to_next(fs)) {
		const char *f = notmuch_filenames_get(fs);
		if (access(f, F_OK) < 0 && errno == ENOENT) {
			gone = xreallocarray(gone, n + 1, sizeof(*gone));
			gone[n++] = xstrdup(f);
		}
	}
	notmuch_filenames_destroy(fs);
	for (i = 0; i < n; i++) {
		notmuch_database_remove_message(db, gone[i]);
		free(gone[i]);
	}
	free(gone);
	return n > 0;
}

/* index_find_gone - the indexed message a removed file was, under any of
 * the names its Maildir base may have had in the index: the same name,
 * new/BASE, or cur/BASE:2, with any set of the standard flags (the index
 * may have been drained before the last rename) */
static notmuch_message_t *index_find_gone(notmuch_database_t *db, const char *path)
{
	static const char flags[] = "DFPRST";
	const char *slash = strrchr(path, '/'), *colon;
	notmuch_message_t *m = NULL;
	char *folder, *base, *p;
	unsigned set, bit;

	if (notmuch_database_find_message_by_filename(db, path, &m) == NOTMUCH_STATUS_SUCCESS && m)
		return m;
	if (slash == NULL || slash - path < 4 || slash[-4] != '/')
		return NULL;
	folder = xstrndup(path, (size_t)(slash - 4 - path));
	colon = strstr(slash + 1, ":2,");
	base = colon ? xstrndup(slash + 1, (size_t)(colon - slash - 1)) : xstrdup(slash + 1);
	p = xasprintf("%s/new/%s", folder, base);
	if (notmuch_database_find_message_by_filename(db, p, &m) != NOTMUCH_STATUS_SUCCESS)
		m = NULL;
	free(p);
	for (set = 0; m == NULL && set < 64; set++) {
		struct buf b = BUF_INIT;

		buf_printf(&b, "%s/cur/%s:2,", folder, base);
		for (bit = 0; bit < 6; bit++)
			if (set & (1u << bit))
				buf_putc(&b, flags[bit]);
		if (notmuch_database_find_message_by_filename(db, buf_cstr(&b), &m) !=
		    NOTMUCH_STATUS_SUCCESS)
			m = NULL;
		buf_free(&b);
	}
	free(folder);
	free(base);
	return m;
}

/* index_file - index one file; 1 if indexed, 0 if gone, -1 on error */
static int index_file(notmuch_database_t *db, const char *path, const char *tags)
{
	notmuch_message_t *m = NULL;
	notmuch_status_t s;
	char *now = index_file_now(path);

	if (now == NULL) {
		/* gone (expunged, moved to another folder): the index forgets
		 * its names here; the message stays while another file has it */
		if ((m = index_find_gone(db, path)) != NULL) {
			index_forget_stale(db, m);
			notmuch_message_destroy(m);
		}
		return 0;
	}
	s = notmuch_database_index_file(db, now, NULL, &m);
	if (s == NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID && index_forget_stale(db, m)) {
		/* the message object still lists the names just dropped */
		notmuch_message_destroy(m);
		m = NULL;
		if (notmuch_database_find_message_by_filename(db, now, &m) != NOTMUCH_STATUS_SUCCESS ||
		    m == NULL) {
			free(now);
			return -1;
		}
	}
	free(now);
	if (s != NOTMUCH_STATUS_SUCCESS && s != NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID)
		return s == NOTMUCH_STATUS_FILE_NOT_EMAIL ? 0 : -1;
	index_add_tags(m, tags, s == NOTMUCH_STATUS_SUCCESS);
	notmuch_message_destroy(m);
	return 1;
}

/* index_batch - notes[0..n) all of one Maildir, in one transaction; returns
 * how many were indexed or -1 (notes kept) */
static int index_batch(const char *spool, struct index_note *notes, size_t n, struct buf *err)
{
	notmuch_database_t *db = index_open(notes[0].root, err);
	size_t i;
	int count = 0;

	if (db == NULL)
		return -1;
	notmuch_database_begin_atomic(db);
	for (i = 0; i < n; i++)
		if (index_file(db, notes[i].path, notes[i].tags) > 0)
			count++;
	notmuch_database_end_atomic(db);
	if (notmuch_database_close(db) != NOTMUCH_STATUS_SUCCESS) {
		notmuch_database_destroy(db);
		buf_printf(err, "notmuch database %s: commit failed", notes[0].root);
		return -1;
	}
	notmuch_database_destroy(db);
	for (i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", spool, notes[i].file);
		unlink(p);
		free(p);
	}
	return count;
}

int index_drain(const char *spool, struct buf *err)
{
	struct index_note *notes;
	size_t n, i, start;
	int total = 0, rc, failed = 0;

	while ((n = index_collect(spool, &notes)) > 0) {
		for (start = 0; start < n; start = i) {
			for (i = start; i < n && strcmp(notes[i].root, notes[start].root) == 0; i++)
				;
			rc = index_batch(spool, notes + start, i - start, err);
			if (rc < 0)
				failed = 1;
			else
				total += rc;
		}
		for (i = 0; i < n; i++)
			index_note_free(&notes[i]);
		free(notes);
		if (failed)
			return -1;
	}
	return total;
}

/* index_rescan_dir - index the files of FOLDER/sub that db lacks */
static int index_rescan_dir(notmuch_database_t *db, const char *folder, const char *sub,
			    const char *tags)
{
	char *dir = xasprintf("%s/%s", folder, sub);
	DIR *d = opendir(dir);
	struct dirent *e;
	int count = 0;

	while (d && (e = readdir(d)) != NULL) {
		notmuch_message_t *m = NULL;
		char *path;
		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (notmuch_database_find_message_by_filename(db, path, &m) == NOTMUCH_STATUS_SUCCESS &&
		    m == NULL && index_file(db, path, tags) > 0)
			count++;
		if (m)
			notmuch_message_destroy(m);
		free(path);
		if (count && count % 1000 == 0) {	/* commit in batches */
			notmuch_database_end_atomic(db);
			notmuch_database_begin_atomic(db);
		}
	}
	if (d)
		closedir(d);
	free(dir);
	return count;
}

/* index_rescan_folder - cur/ and new/ of one folder */
static int index_rescan_folder(notmuch_database_t *db, const char *folder, const char *tags)
{
	return index_rescan_dir(db, folder, "cur", tags) + index_rescan_dir(db, folder, "new", tags);
}

int index_rescan(const char *root, char *const *tags, struct buf *err)
{
	notmuch_database_t *db = index_open(root, err);
	struct buf t = BUF_INIT;
	DIR *d;
	struct dirent *e;
	int count;

	if (db == NULL)
		return -1;
	for (; tags && *tags; tags++)
		buf_printf(&t, "%s%s", *tags, tags[1] ? " " : "");
	notmuch_database_begin_atomic(db);
	count = index_rescan_folder(db, root, buf_cstr(&t));
	d = opendir(root);
	while (d && (e = readdir(d)) != NULL) {
		/* Maildir++ subfolders are ROOT/.NAME; .notmuch is the index itself */
		if (e->d_name[0] != '.' || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 || strcmp(e->d_name, ".notmuch") == 0)
			continue;
		char *folder = xasprintf("%s/%s", root, e->d_name);
		count += index_rescan_folder(db, folder, buf_cstr(&t));
		free(folder);
	}
	if (d)
		closedir(d);
	notmuch_database_end_atomic(db);
	notmuch_database_close(db);
	notmuch_database_destroy(db);
	buf_free(&t);
	return count;
}

int index_run(const char *spool, int delay_ms)
{
	struct timespec ts = { delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L };
	struct buf err = BUF_INIT;
	int kick, lock, rc = 0;

	kick = index_lock(spool, ".kick", LOCK_EX | LOCK_NB);
	if (kick < 0)
		return 0;		/* another one is waiting and will see our note */
	nanosleep(&ts, NULL);
	close(kick);
	while ((lock = index_lock(spool, ".lock", LOCK_EX | LOCK_NB)) >= 0) {
		rc = index_drain(spool, &err);
		close(lock);
		if (rc < 0 || !index_pending(spool))
			break;
	}
	if (rc < 0)
		fprintf(stderr, "poczta-index: %s\n", buf_cstr(&err));
	buf_free(&err);
	return rc < 0 ? -1 : 0;
}


char **index_find_message(const char *root, const char *message_id, struct buf *err)
{
	notmuch_database_t *db = NULL;
	notmuch_message_t *m = NULL;
	notmuch_filenames_t *fn;
	char *xapian = xasprintf("%s/.notmuch", root), *msg = NULL;
	char **paths = xcalloc(1, sizeof(*paths));
	struct stat st;
	notmuch_status_t s;

	if (stat(xapian, &st) < 0) {	/* no index yet: nothing to find */
		free(xapian);
		return paths;
	}
	free(xapian);
	s = notmuch_database_open_with_config(root, NOTMUCH_DATABASE_MODE_READ_ONLY, "",
					      NULL, &db, &msg);
	if (s != NOTMUCH_STATUS_SUCCESS) {
		buf_printf(err, "notmuch database %s: %s", root,
			   msg ? msg : notmuch_status_to_string(s));
		free(msg);
		strlist_free(paths);
		return NULL;
	}
	free(msg);
	if (notmuch_database_find_message(db, message_id, &m) == NOTMUCH_STATUS_SUCCESS && m) {
		for (fn = notmuch_message_get_filenames(m); notmuch_filenames_valid(fn);
		     notmuch_filenames_move_to_next(fn))
			paths = strlist_add(paths, notmuch_filenames_get(fn));
		notmuch_message_destroy(m);
	}
	notmuch_database_destroy(db);
	return paths;
}

char **index_search_folder(const char *root, const char *dir, const char *expr, size_t *indexed,
			   time_t *updated, struct buf *err)
{
	notmuch_database_t *db = NULL;
	notmuch_query_t *q = NULL;
	notmuch_messages_t *ms = NULL;
	char *xapian = xasprintf("%s/.notmuch", root), *msg = NULL, *where, *full;
	char **bases = NULL;
	struct stat st;
	unsigned count = 0;
	notmuch_status_t s;

	*indexed = 0;
	if (stat(xapian, &st) < 0) {
		buf_printf(err, "%s: no notmuch index", root);
		free(xapian);
		return NULL;
	}
	free(xapian);
	/* Xapian renames its version file into xapian/ at each commit */
	xapian = xasprintf("%s/.notmuch/xapian", root);
	*updated = stat(xapian, &st) == 0 ? st.st_mtime : 0;
	free(xapian);
	s = notmuch_database_open_with_config(root, NOTMUCH_DATABASE_MODE_READ_ONLY, "", NULL,
					      &db, &msg);
	if (s != NOTMUCH_STATUS_SUCCESS) {
		buf_printf(err, "notmuch database %s: %s", root,
			   msg ? msg : notmuch_status_to_string(s));
		free(msg);
		return NULL;
	}
	free(msg);
	/* path: is the file's directory relative to the root, exactly */
	where = *dir ? xasprintf("(path:\"%s/new\" or path:\"%s/cur\")", dir, dir)
		     : xstrdup("(path:new or path:cur)");
	full = xasprintf("%s and (%s)", where, expr);
	q = notmuch_query_create(db, where);
	if (q == NULL || notmuch_query_count_messages(q, &count) != NOTMUCH_STATUS_SUCCESS) {
		buf_printf(err, "notmuch: cannot count %s", where);
		goto out;
	}
	*indexed = count;
	notmuch_query_destroy(q);
	q = notmuch_query_create(db, full);
	if (q == NULL || notmuch_query_search_messages(q, &ms) != NOTMUCH_STATUS_SUCCESS) {
		buf_printf(err, "notmuch: cannot search %s", full);
		goto out;
	}
	bases = xcalloc(1, sizeof(*bases));
	for (; notmuch_messages_valid(ms); notmuch_messages_move_to_next(ms)) {
		notmuch_message_t *m = notmuch_messages_get(ms);
		notmuch_filenames_t *fn;

		for (fn = notmuch_message_get_filenames(m); notmuch_filenames_valid(fn);
		     notmuch_filenames_move_to_next(fn)) {
			const char *f = notmuch_filenames_get(fn), *slash = strrchr(f, '/');
			const char *b = slash ? slash + 1 : f;
			char *base = xstrndup(b, strcspn(b, ":"));

			bases = strlist_add(bases, base);
			free(base);
		}
		notmuch_message_destroy(m);
	}
out:
	if (q)
		notmuch_query_destroy(q);
	notmuch_database_destroy(db);
	free(where);
	free(full);
	return bases;
}
