/* mbox.c - lists of threads and messages loaded lazily from notmuch, counts,
 * and tag changes synchronised to Maildir flags (mbox.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <notmuch.h>
#include "i18n.h"
#include "mbox.h"
#include "mbox_stream.h"
#include "xalloc.h"

#define MBOX_WRITE_TRIES 20	/* the indexer holds the write lock briefly */
#define MBOX_WRITE_WAIT_US 50000

struct mbox_db {
	notmuch_database_t *nm;
	char *root;
	unsigned long revision;	/* notmuch's lastmod when last refreshed */
};

/* mbox_nm_open - open root's database in mode without any notmuch
 * configuration file (poczta's index is its own, lib/index_db.c) */
static notmuch_database_t *mbox_nm_open(const char *root, notmuch_database_mode_t mode,
					 struct buf *err)
{
	notmuch_database_t *nm = NULL;
	char *msg = NULL;
	notmuch_status_t s;

	s = notmuch_database_open_with_config(root, mode, "", NULL, &nm, &msg);
	if (s != NOTMUCH_STATUS_SUCCESS) {
		buf_printf(err, _("cannot open the index of %s: %s"), root,
			   msg ? msg : notmuch_status_to_string(s));
		free(msg);
		return NULL;
	}
	free(msg);
	return nm;
}

struct mbox_db *mbox_db_open(const char *root, struct buf *err)
{
	notmuch_database_t *nm = mbox_nm_open(root, NOTMUCH_DATABASE_MODE_READ_ONLY, err);
	struct mbox_db *db;

	if (nm == NULL)
		return NULL;
	db = xcalloc(1, sizeof(*db));
	db->nm = nm;
	db->root = xstrdup(root);
	mbox_db_refresh(db);
	return db;
}

void mbox_db_close(struct mbox_db *db)
{
	if (db == NULL)
		return;
	notmuch_database_destroy(db->nm);
	free(db->root);
	free(db);
}

const char *mbox_db_root(const struct mbox_db *db)
{
	return db->root;
}

bool mbox_db_refresh(struct mbox_db *db)
{
	const char *uuid;
	unsigned long rev;

	notmuch_database_reopen(db->nm, NOTMUCH_DATABASE_MODE_READ_ONLY);
	rev = notmuch_database_get_revision(db->nm, &uuid);
	if (rev == db->revision)
		return false;
	db->revision = rev;
	return true;
}

static void mbox_entry_free(struct mbox_entry *e)
{
	free(e->id);
	free(e->authors);
	free(e->subject);
	free(e->tags);
	free(e->file);
}

/* mbox_tags_join - the tags as one space-separated string; newly allocated */
static char *mbox_tags_join(notmuch_tags_t *tags)
{
	struct buf b = BUF_INIT;

	for (; notmuch_tags_valid(tags); notmuch_tags_move_to_next(tags)) {
		if (b.len)
			buf_putc(&b, ' ');
		buf_puts(&b, notmuch_tags_get(tags));
	}
	notmuch_tags_destroy(tags);
	return buf_detach(&b);
}

static struct mbox_entry *mbox_list_push(struct mbox_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->e = xreallocarray(l->e, l->cap, sizeof(*l->e));
	}
	memset(&l->e[l->n], 0, sizeof(l->e[0]));
	return &l->e[l->n++];
}

static const char *mbox_or_empty(const char *s)
{
	return s ? s : "";
}

/* mbox_display_name - "Name <addr>" as Name without quotes, else as it is
 * (RFC 5322 3.4); newly allocated */
static char *mbox_display_name(const char *from)
{
	const char *lt = strchr(from, '<');
	size_t n;

	if (lt == NULL || lt == from)
		return xstrdup(from);
	n = (size_t)(lt - from);
	while (n > 0 && from[n - 1] == ' ')
		n--;
	if (n >= 2 && from[0] == '"' && from[n - 1] == '"')
		return xstrndup(from + 1, n - 2);
	return n ? xstrndup(from, n) : xstrdup(from);
}

/* mbox_push_message - append one message at depth */
static void mbox_push_message(struct mbox_list *l, notmuch_message_t *m, int depth)
{
	struct mbox_entry *e = mbox_list_push(l);

	e->id = xstrdup(mbox_or_empty(notmuch_message_get_message_id(m)));
	e->authors = mbox_display_name(mbox_or_empty(notmuch_message_get_header(m, "from")));
	e->subject = xstrdup(mbox_or_empty(notmuch_message_get_header(m, "subject")));
	e->tags = mbox_tags_join(notmuch_message_get_tags(m));
	e->file = xstrdup(mbox_or_empty(notmuch_message_get_filename(m)));
	e->date = notmuch_message_get_date(m);
	e->total = e->matched = 1;
	e->depth = depth;
	e->filled = true;
}

/* mbox_thread_query - the first thread of text, sorted as the list is;
 * NULL when there is none, else *q owns it */
static notmuch_thread_t *mbox_thread_query(struct mbox_list *l, const char *text,
					   notmuch_query_t **q)
{
	notmuch_threads_t *ts = NULL;
	notmuch_thread_t *t = NULL;

	if (notmuch_query_create_with_syntax(l->db->nm, text, NOTMUCH_QUERY_SYNTAX_XAPIAN, q)
	    != NOTMUCH_STATUS_SUCCESS)
		return NULL;
	notmuch_query_set_sort(*q, l->oldest_first ? NOTMUCH_SORT_OLDEST_FIRST
						   : NOTMUCH_SORT_NEWEST_FIRST);
	if (notmuch_query_search_threads(*q, &ts) == NOTMUCH_STATUS_SUCCESS &&
	    notmuch_threads_valid(ts))
		t = notmuch_threads_get(ts);
	if (t == NULL) {
		notmuch_query_destroy(*q);
		*q = NULL;
	}
	return t;
}

/* mbox_fill_thread - a thread row's details, from the query "thread:ID and
 * (the list's query)": notmuch_thread_* then count, date and name it over
 * the matching messages, as in the whole query's thread list.  When the
 * thread matches no more (its tags changed), from thread:ID alone, with
 * nothing matched. */
static void mbox_fill_thread(struct mbox_list *l, struct mbox_entry *e)
{
	char *quoted = mbox_quote(e->id), *one = xasprintf("thread:%s", quoted);
	char *text = mbox_and(one, l->query);
	notmuch_query_t *q = NULL;
	notmuch_thread_t *t = mbox_thread_query(l, text, &q);
	bool matching = t != NULL;

	if (t == NULL)
		t = mbox_thread_query(l, one, &q);
	free(e->authors);
	free(e->subject);
	free(e->tags);
	e->authors = xstrdup(t ? mbox_or_empty(notmuch_thread_get_authors(t)) : "");
	e->subject = xstrdup(t ? mbox_or_empty(notmuch_thread_get_subject(t)) : "");
	e->tags = t ? mbox_tags_join(notmuch_thread_get_tags(t)) : xstrdup("");
	e->total = t ? notmuch_thread_get_total_messages(t) : 0;
	e->matched = matching ? notmuch_thread_get_matched_messages(t) : 0;
	if (matching)
		e->date = l->oldest_first ? notmuch_thread_get_oldest_date(t)
					  : notmuch_thread_get_newest_date(t);
	if (q)
		notmuch_query_destroy(q);
	e->filled = true;
	l->fills++;
	free(text);
	free(one);
	free(quoted);
}

/* mbox_walk_replies - a thread's messages in reply order (depth first) */
static void mbox_walk_replies(struct mbox_list *l, notmuch_messages_t *ms, int depth)
{
	notmuch_message_t *m;

	for (; notmuch_messages_valid(ms); notmuch_messages_move_to_next(ms)) {
		m = notmuch_messages_get(ms);
		mbox_push_message(l, m, depth);
		mbox_walk_replies(l, notmuch_message_get_replies(m), depth + 1);
	}
}

/* mbox_list_start - the stream of the query's messages, or for a thread's
 * messages the query of that thread; false with err */
static bool mbox_list_start(struct mbox_list *l, struct buf *err)
{
	notmuch_query_t *q = NULL;
	notmuch_status_t s;
	notmuch_threads_t *ts = NULL;
	char *text;

	l->done = false;
	if (l->kind != MBOX_THREAD) {
		l->st = mbox_stream_new(l->db->nm, l->query, l->oldest_first, time(NULL), err);
		if (l->kind == MBOX_THREADS)
			l->seen = mbox_idset_new();
		return l->st != NULL;
	}
	text = xasprintf("thread:%s", l->query);
	s = notmuch_query_create_with_syntax(l->db->nm, text, NOTMUCH_QUERY_SYNTAX_XAPIAN, &q);
	free(text);
	if (s == NOTMUCH_STATUS_SUCCESS) {
		notmuch_query_set_sort(q, NOTMUCH_SORT_OLDEST_FIRST);
		s = notmuch_query_search_threads(q, &ts);
	}
	if (s != NOTMUCH_STATUS_SUCCESS) {
		buf_printf(err, _("bad query \"%s\": %s"), l->query, notmuch_status_to_string(s));
		notmuch_query_destroy(q);
		return false;
	}
	l->q = q;
	l->iter = ts;
	return true;
}

struct mbox_list *mbox_list_new(struct mbox_db *db, const char *query, enum mbox_kind kind,
				bool oldest_first, struct buf *err)
{
	struct mbox_list *l = xcalloc(1, sizeof(*l));

	l->db = db;
	l->query = xstrdup(query);
	l->kind = kind;
	l->oldest_first = oldest_first;
	if (!mbox_list_start(l, err)) {
		mbox_list_free(l);
		return NULL;
	}
	return l;
}

/* mbox_list_next_thread - a thread's messages, all at once (a thread is
 * small); false when they were loaded already */
static bool mbox_list_next_thread(struct mbox_list *l)
{
	notmuch_threads_t *ts = l->iter;
	notmuch_thread_t *t;

	l->done = true;
	if (ts == NULL || !notmuch_threads_valid(ts))
		return false;
	t = notmuch_threads_get(ts);
	mbox_walk_replies(l, notmuch_thread_get_toplevel_messages(t), 0);
	notmuch_thread_destroy(t);
	return true;
}

/* mbox_list_next - load one more entry; false when the query is done.  A
 * thread's row opens at its first message in the stream. */
static bool mbox_list_next(struct mbox_list *l)
{
	notmuch_message_t *m;
	struct mbox_entry *e;

	if (l->done)
		return false;
	if (l->kind == MBOX_THREAD)
		return mbox_list_next_thread(l);
	while (l->st && (m = mbox_stream_next(l->st)) != NULL) {
		l->read++;
		if (l->kind == MBOX_MESSAGES) {
			mbox_push_message(l, m, 0);
			notmuch_message_destroy(m);
			return true;
		}
		if (mbox_idset_add(l->seen, mbox_or_empty(notmuch_message_get_thread_id(m)))) {
			e = mbox_list_push(l);
			e->id = xstrdup(mbox_or_empty(notmuch_message_get_thread_id(m)));
			e->date = notmuch_message_get_date(m);
			notmuch_message_destroy(m);
			return true;
		}
		notmuch_message_destroy(m);
	}
	l->done = true;
	return false;
}

size_t mbox_list_need(struct mbox_list *l, size_t upto)
{
	while (l->n <= upto && mbox_list_next(l))
		;
	return l->n;
}

struct mbox_entry *mbox_list_get(struct mbox_list *l, size_t i)
{
	struct mbox_entry *e = &l->e[i];

	if (!e->filled)
		mbox_fill_thread(l, e);
	return e;
}

void mbox_list_refresh(struct mbox_list *l, size_t i)
{
	struct mbox_entry *e;
	notmuch_message_t *m = NULL;

	if (i >= l->n)
		return;
	e = &l->e[i];
	if (l->kind == MBOX_THREADS) {
		mbox_fill_thread(l, e);
		return;
	}
	if (notmuch_database_find_message(l->db->nm, e->id, &m) != NOTMUCH_STATUS_SUCCESS ||
	    m == NULL)
		return;
	free(e->tags);
	free(e->file);
	e->tags = mbox_tags_join(notmuch_message_get_tags(m));
	e->file = xstrdup(mbox_or_empty(notmuch_message_get_filename(m)));
	notmuch_message_destroy(m);
}

size_t mbox_list_find(struct mbox_list *l, const char *id, size_t upto)
{
	size_t i;

	for (i = 0; i <= upto && mbox_list_need(l, i) > i; i++)
		if (strcmp(l->e[i].id, id) == 0)
			return i;
	return (size_t)-1;
}

/* mbox_list_clear - forget the entries and the query */
static void mbox_list_clear(struct mbox_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		mbox_entry_free(&l->e[i]);
	l->n = 0;
	mbox_stream_free(l->st);
	mbox_idset_free(l->seen);
	l->st = NULL;
	l->seen = NULL;
	if (l->q)
		notmuch_query_destroy(l->q);
	l->q = l->iter = NULL;
	l->done = true;
}

void mbox_list_reload(struct mbox_list *l)
{
	size_t had = l->n;

	mbox_list_restart(l);
	if (had > 0)
		mbox_list_need(l, had - 1);
}

void mbox_list_restart(struct mbox_list *l)
{
	struct buf err = BUF_INIT;

	mbox_list_clear(l);
	mbox_list_start(l, &err);
	buf_free(&err);
}

void mbox_list_free(struct mbox_list *l)
{
	if (l == NULL)
		return;
	mbox_list_clear(l);
	free(l->e);
	free(l->query);
	free(l);
}

bool mbox_entry_has_tag(const struct mbox_entry *e, const char *tag)
{
	size_t n = strlen(tag);
	const char *p = e->tags;

	while (p && *p) {
		if (strncmp(p, tag, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return false;
}

long mbox_count(struct mbox_db *db, const char *query, bool unread)
{
	char *text = unread ? xasprintf("(%s) and tag:unread", query) : xstrdup(query);
	notmuch_query_t *q = NULL;
	unsigned count = 0;
	long r = -1;

	if (notmuch_query_create_with_syntax(db->nm, text, NOTMUCH_QUERY_SYNTAX_XAPIAN, &q)
	    == NOTMUCH_STATUS_SUCCESS &&
	    notmuch_query_count_messages(q, &count) == NOTMUCH_STATUS_SUCCESS)
		r = (long)count;
	notmuch_query_destroy(q);
	free(text);
	return r;
}

/* mbox_trash_name - path with the Maildir flag T (trashed) set or cleared,
 * moved from new/ to cur/ when it gains flags; NULL when nothing changes.
 * notmuch's flag table has no T, so the deleted tag is carried here
 * (Maildir spec: "T - Trashed"; IMAP \Deleted, RFC 3501 2.3.2). */
static char *mbox_trash_name(const char *path, bool deleted)
{
	const char *info = strstr(path, ":2,"), *base = strrchr(path, '/');
	bool has = info && strchr(info + 3, 'T');
	struct buf b = BUF_INIT;
	const char *f;

	if (has == deleted || base == NULL)
		return NULL;
	if (info == NULL) {	/* new/NAME -> cur/NAME:2,T */
		if (base - path < 4 || strncmp(base - 4, "/new", 4) != 0)
			return NULL;
		buf_append(&b, path, (size_t)(base - path - 3));
		buf_printf(&b, "cur%s:2,T", base);
		return buf_detach(&b);
	}
	buf_append(&b, path, (size_t)(info + 3 - path));
	for (f = info + 3; *f; f++) {	/* flags stay in ASCII order */
		if (deleted && *f > 'T' && !strchr(b.data + (info + 3 - path), 'T'))
			buf_putc(&b, 'T');
		if (*f != 'T')
			buf_putc(&b, *f);
	}
	if (deleted && !strchr(b.data + (info + 3 - path), 'T'))
		buf_putc(&b, 'T');
	return buf_detach(&b);
}

/* mbox_sync_trash - rename m's files to carry its deleted tag as T, and
 * tell the index about the new names */
static void mbox_sync_trash(notmuch_database_t *nm, notmuch_message_t *m)
{
	bool deleted = false;
	notmuch_tags_t *t;
	notmuch_filenames_t *fs;
	char **old = NULL;
	size_t n = 0, i;

	for (t = notmuch_message_get_tags(m); notmuch_tags_valid(t); notmuch_tags_move_to_next(t))
		deleted |= strcmp(notmuch_tags_get(t), "deleted") == 0;
	notmuch_tags_destroy(t);
	for (fs = notmuch_message_get_filenames(m); notmuch_filenames_valid(fs);
	     notmuch_filenames_move_to_next(fs)) {
		old = xreallocarray(old, n + 1, sizeof(char *));
		old[n++] = xstrdup(notmuch_filenames_get(fs));
	}
	notmuch_filenames_destroy(fs);
	for (i = 0; i < n; i++) {
		char *to = mbox_trash_name(old[i], deleted);
		notmuch_message_t *same = NULL;

		if (to && rename(old[i], to) == 0) {
			notmuch_database_index_file(nm, to, NULL, &same);
			if (same)
				notmuch_message_destroy(same);
			notmuch_database_remove_message(nm, old[i]);
		}
		free(to);
		free(old[i]);
	}
	free(old);
}

/* mbox_apply - one message's tag changes; whether any tag changed */
static bool mbox_apply(notmuch_database_t *nm, notmuch_message_t *m, char **words)
{
	bool changed = false;
	size_t i;

	notmuch_message_freeze(m);
	for (i = 0; words[i]; i++) {
		bool has = false;
		notmuch_tags_t *t;

		for (t = notmuch_message_get_tags(m); notmuch_tags_valid(t);
		     notmuch_tags_move_to_next(t))
			has |= strcmp(notmuch_tags_get(t), words[i] + 1) == 0;
		notmuch_tags_destroy(t);
		if (words[i][0] == '+' && !has)
			changed |= notmuch_message_add_tag(m, words[i] + 1) == NOTMUCH_STATUS_SUCCESS;
		else if (words[i][0] == '-' && has)
			changed |= notmuch_message_remove_tag(m, words[i] + 1) == NOTMUCH_STATUS_SUCCESS;
	}
	notmuch_message_thaw(m);
	if (changed) {
		notmuch_message_tags_to_maildir_flags(m);
		mbox_sync_trash(nm, m);
	}
	return changed;
}

/* mbox_split_changes - the words of changes, each +TAG or -TAG; NULL with
 * err when one is neither */
static char **mbox_split_changes(const char *changes, struct buf *err)
{
	char *copy = xstrdup(changes), *save = NULL, *w;
	char **words = xcalloc(1, sizeof(char *));
	size_t n = 0;

	for (w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if ((w[0] != '+' && w[0] != '-') || w[1] == '\0' || strpbrk(w + 1, "\"()")) {
			buf_printf(err, _("not a tag change (+TAG or -TAG): %s"), w);
			for (n = 0; words[n]; n++)
				free(words[n]);
			free(words);
			free(copy);
			return NULL;
		}
		words = xreallocarray(words, n + 2, sizeof(char *));
		words[n++] = xstrdup(w);
		words[n] = NULL;
	}
	free(copy);
	return words;
}

int mbox_tag(struct mbox_db *db, const char *query, const char *changes, struct buf *err)
{
	char **words = mbox_split_changes(changes, err);
	notmuch_database_t *nm = NULL;
	notmuch_query_t *q = NULL;
	notmuch_messages_t *ms = NULL;
	struct buf why = BUF_INIT;
	int i, n = -1;

	if (words == NULL)
		return -1;
	/* the indexer holds the write lock for a batch at a time */
	for (i = 0; i < MBOX_WRITE_TRIES && nm == NULL; i++) {
		buf_reset(&why);
		nm = mbox_nm_open(db->root, NOTMUCH_DATABASE_MODE_READ_WRITE, &why);
		if (nm == NULL)
			usleep(MBOX_WRITE_WAIT_US);
	}
	if (nm == NULL)
		buf_puts(err, buf_cstr(&why));
	else if (notmuch_query_create_with_syntax(nm, query, NOTMUCH_QUERY_SYNTAX_XAPIAN, &q)
		 != NOTMUCH_STATUS_SUCCESS ||
		 notmuch_query_search_messages(q, &ms) != NOTMUCH_STATUS_SUCCESS)
		buf_printf(err, _("bad query \"%s\""), query);
	else if (notmuch_database_begin_atomic(nm) == NOTMUCH_STATUS_SUCCESS) {
		for (n = 0; notmuch_messages_valid(ms); notmuch_messages_move_to_next(ms)) {
			notmuch_message_t *m = notmuch_messages_get(ms);
			n += mbox_apply(nm, m, words);
			notmuch_message_destroy(m);
		}
		notmuch_database_end_atomic(nm);
	}
	if (q)
		notmuch_query_destroy(q);
	if (nm && notmuch_database_destroy(nm) != NOTMUCH_STATUS_SUCCESS && n >= 0) {
		buf_puts(err, _("the index could not be written"));
		n = -1;
	}
	for (i = 0; words[i]; i++)
		free(words[i]);
	free(words);
	buf_free(&why);
	mbox_db_refresh(db);
	return n;
}

char *mbox_quote(const char *s)
{
	struct buf b = BUF_INIT;

	buf_putc(&b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(&b, '"');
		buf_putc(&b, *s);
	}
	buf_putc(&b, '"');
	return buf_detach(&b);
}

char *mbox_query_for(const struct mbox_list *l, const struct mbox_entry *e)
{
	char *q = mbox_quote(e->id);
	char *r = xasprintf("%s:%s", l->kind == MBOX_THREADS ? "thread" : "id", q);

	free(q);
	return r;
}

