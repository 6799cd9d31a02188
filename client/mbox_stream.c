/* mbox_stream.c - a query's messages a date window at a time, and a set of
 * thread ids (mbox_stream.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "mbox_stream.h"
#include "xalloc.h"

enum mbox_window { WINDOW_FIRST, WINDOW_MIDDLE, WINDOW_DONE };

struct mbox_stream {
	notmuch_database_t *nm;
	char *query;
	bool oldest_first;
	time_t now;
	enum mbox_window next;	/* the window to run when this one ends */
	long width;		/* how far back from now the next window reaches */
	time_t hi;		/* the newest date the next window takes */
	notmuch_query_t *q;
	notmuch_messages_t *ms;
	unsigned windows;
};

static bool mbox_match_all(const char *q)
{
	return q[strspn(q, " \t")] == '\0' || strcmp(q, "*") == 0;
}

char *mbox_and(const char *a, const char *b)
{
	if (mbox_match_all(a))
		return xstrdup(b);
	if (mbox_match_all(b))
		return xstrdup(a);
	return xasprintf("(%s) and (%s)", a, b);
}

/* mbox_stream_range - the date range of the next window, and what comes
 * after it (notmuch-search-terms(7): date:@A..@B takes A <= date <= B,
 * either end may be left open) */
static char *mbox_stream_range(struct mbox_stream *s)
{
	time_t lo;

	if (s->oldest_first) {
		s->next = WINDOW_DONE;
		return NULL;
	}
	if (s->next == WINDOW_FIRST) {
		lo = s->now - MBOX_WINDOW_FIRST;
		s->hi = lo - 1;
		s->width = (long)MBOX_WINDOW_FIRST * MBOX_WINDOW_GROWTH;
		s->next = WINDOW_MIDDLE;
		return xasprintf("date:@%lld..", (long long)lo);
	}
	lo = s->now - s->width;
	if (s->width > MBOX_WINDOW_MAX || lo <= 0) {
		/* not date:..@HI: a message without a Date has no value to compare */
		s->next = WINDOW_DONE;
		return xasprintf("not date:@%lld..", (long long)s->hi + 1);
	}
	{
		char *r = xasprintf("date:@%lld..@%lld", (long long)lo, (long long)s->hi);

		s->hi = lo - 1;
		s->width *= MBOX_WINDOW_GROWTH;
		return r;
	}
}

/* mbox_stream_run - run the next window; false with err when notmuch
 * refuses it */
static bool mbox_stream_run(struct mbox_stream *s, struct buf *err)
{
	char *range = mbox_stream_range(s);
	char *text = range ? mbox_and(s->query, range) : xstrdup(s->query);
	notmuch_status_t st;

	if (s->q)
		notmuch_query_destroy(s->q);
	s->q = NULL;
	s->ms = NULL;
	st = notmuch_query_create_with_syntax(s->nm, text, NOTMUCH_QUERY_SYNTAX_XAPIAN, &s->q);
	if (st == NOTMUCH_STATUS_SUCCESS) {
		notmuch_query_set_sort(s->q, s->oldest_first ? NOTMUCH_SORT_OLDEST_FIRST
							     : NOTMUCH_SORT_NEWEST_FIRST);
		st = notmuch_query_search_messages(s->q, &s->ms);
	}
	free(range);
	free(text);
	s->windows++;
	if (st != NOTMUCH_STATUS_SUCCESS) {
		buf_printf(err, _("bad query \"%s\": %s"), s->query, notmuch_status_to_string(st));
		s->next = WINDOW_DONE;
		s->ms = NULL;
		return false;
	}
	return true;
}

struct mbox_stream *mbox_stream_new(notmuch_database_t *nm, const char *query,
				    bool oldest_first, time_t now, struct buf *err)
{
	struct mbox_stream *s = xcalloc(1, sizeof(*s));

	s->nm = nm;
	s->query = xstrdup(query);
	s->oldest_first = oldest_first;
	s->now = now;
	s->next = WINDOW_FIRST;
	if (!mbox_stream_run(s, err)) {
		mbox_stream_free(s);
		return NULL;
	}
	return s;
}

notmuch_message_t *mbox_stream_next(struct mbox_stream *s)
{
	struct buf err = BUF_INIT;
	notmuch_message_t *m;

	for (;;) {
		if (s->ms && notmuch_messages_valid(s->ms)) {
			m = notmuch_messages_get(s->ms);
			notmuch_messages_move_to_next(s->ms);
			return m;
		}
		if (s->next == WINDOW_DONE)
			break;
		if (!mbox_stream_run(s, &err))	/* the first window parsed: not expected */
			break;
	}
	buf_free(&err);
	return NULL;
}

unsigned mbox_stream_windows(const struct mbox_stream *s)
{
	return s->windows;
}

void mbox_stream_free(struct mbox_stream *s)
{
	if (s == NULL)
		return;
	if (s->q)
		notmuch_query_destroy(s->q);
	free(s->query);
	free(s);
}

struct mbox_idset {
	char **slot;
	size_t n, cap;		/* cap a power of two, kept over twice n */
};

struct mbox_idset *mbox_idset_new(void)
{
	struct mbox_idset *set = xcalloc(1, sizeof(*set));

	set->cap = 64;
	set->slot = xcalloc(set->cap, sizeof(char *));
	return set;
}

/* mbox_idset_hash - FNV-1a */
static size_t mbox_idset_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static char **mbox_idset_find(char **slot, size_t cap, const char *s)
{
	size_t i = mbox_idset_hash(s) & (cap - 1);

	while (slot[i] && strcmp(slot[i], s) != 0)
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

bool mbox_idset_add(struct mbox_idset *set, const char *s)
{
	char **p = mbox_idset_find(set->slot, set->cap, s);
	size_t i;

	if (*p)
		return false;
	*p = xstrdup(s);
	if (++set->n * 2 > set->cap) {
		char **bigger = xcalloc(set->cap * 2, sizeof(char *));

		for (i = 0; i < set->cap; i++)
			if (set->slot[i])
				*mbox_idset_find(bigger, set->cap * 2, set->slot[i]) = set->slot[i];
		free(set->slot);
		set->slot = bigger;
		set->cap *= 2;
	}
	return true;
}

void mbox_idset_free(struct mbox_idset *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	free(set);
}
