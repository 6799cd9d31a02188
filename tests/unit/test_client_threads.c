/* test_client_threads.c - the client's lazy lists against notmuch itself: a
 * thread list built from the date-windowed message stream (mbox_stream.h)
 * must be notmuch_query_search_threads's list, thread for thread and field
 * for field, on a generated mailbox whose threads interleave over years;
 * the first screen must read a screen's worth of messages and fill only
 * the rows it shows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <notmuch.h>
#include "../../client/demo.h"
#include "../../client/mbox.h"
#include "../../client/mbox_stream.h"
#include "index.h"
#include "strlist.h"
#include "xalloc.h"

#define N_MESSAGES 400

static char *root;
static time_t now;
static unsigned long seed = 12345;

static unsigned long rnd(void)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return seed >> 33;
}

/* add - message id, a reply to parent (0: none), at date (0: no Date) */
static void add(struct demo_message **m, size_t *n, int id, int parent, time_t date,
		const char *flags)
{
	struct demo_message *x;
	char d[64];
	struct tm tm;

	*m = xreallocarray(*m, *n + 1, sizeof(**m));
	x = &(*m)[(*n)++];
	x->folder = id % 7 == 0 ? "Lists" : NULL;
	x->flags = flags;
	buf_init(&x->text);
	buf_printf(&x->text, "From: Tester %d <t%d@example.org>\nTo: u@example.org\n"
		   "Subject: %stopic %d\nMessage-ID: <m%d@test>\n", id % 13, id % 13,
		   parent ? "Re: " : "", parent ? parent : id, id);
	if (date) {
		gmtime_r(&date, &tm);
		strftime(d, sizeof(d), "%a, %d %b %Y %H:%M:%S +0000", &tm);
		buf_printf(&x->text, "Date: %s\n", d);
	}
	if (parent)
		buf_printf(&x->text, "In-Reply-To: <m%d@test>\nReferences: <m%d@test>\n",
			   parent, parent);
	buf_printf(&x->text, "\nbody %d\n", id);
}

/* the dates: most within three years back from now, some the same second,
 * some within the last day, one in the future, one in 1970, one missing */
static time_t date_of(int i)
{
	if (i == 5)
		return now + 3600;
	if (i == 6)
		return 10;
	if (i == 7)
		return 0;
	if (i % 11 == 0)
		return now - (time_t)(rnd() % 86400);
	if (i % 17 == 0)
		return now - MBOX_WINDOW_FIRST;	/* on a window's edge */
	if (i % 19 == 0)
		return now - MBOX_WINDOW_FIRST - 1;
	return now - (time_t)(rnd() % (3UL * 365 * 86400));
}

/* make - N_MESSAGES in threads that interleave: a reply answers a random
 * earlier message, so a thread's messages are spread over the years */
static int setup(void **state)
{
	char tmpl[] = "/tmp/poczta-threads-XXXXXX";
	struct demo_message *m = NULL;
	size_t count = 0;
	struct buf err = BUF_INIT;
	char **tags = strlist_split("inbox,unread", ",");
	int i, r;

	now = time(NULL);
	root = xstrdup(mkdtemp(tmpl));
	for (i = 1; i <= N_MESSAGES; i++) {
		int parent = i > 10 && rnd() % 3 ? (int)(rnd() % (unsigned long)(i - 1)) + 1 : 0;
		add(&m, &count, i, parent, date_of(i), rnd() % 4 ? "S" : "");
	}
	r = demo_write(root, m, count, &err);
	demo_mail_free(m, count);
	if (r == 0)
		r = index_rescan(root, tags, &err) == (int)count ? 0 : -1;
	if (r != 0)
		fprintf(stderr, "setup: %s\n", buf_cstr(&err));
	strlist_free(tags);
	buf_free(&err);
	return r;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", root);
	int r = system(cmd);

	free(cmd);
	x_free(&root);
	return r == 0 ? 0 : -1;
}

static notmuch_database_t *nm_open(void)
{
	notmuch_database_t *nm = NULL;
	char *msg = NULL;

	assert_int_equal(notmuch_database_open_with_config(root, NOTMUCH_DATABASE_MODE_READ_ONLY,
							   "", NULL, &nm, &msg), 0);
	free(msg);
	return nm;
}

static char *tags_of(notmuch_tags_t *t)
{
	struct buf b = BUF_INIT;

	for (; notmuch_tags_valid(t); notmuch_tags_move_to_next(t)) {
		if (b.len)
			buf_putc(&b, ' ');
		buf_puts(&b, notmuch_tags_get(t));
	}
	notmuch_tags_destroy(t);
	return buf_detach(&b);
}

/* same_threads - the list of query is notmuch's thread list of it */
static void same_threads(struct mbox_db *db, notmuch_database_t *nm, const char *query,
			 bool oldest)
{
	struct buf err = BUF_INIT;
	struct mbox_list *l = mbox_list_new(db, query, MBOX_THREADS, oldest, &err);
	notmuch_query_t *q = NULL;
	notmuch_threads_t *ts = NULL;
	size_t i = 0;

	assert_non_null(l);
	assert_int_equal(notmuch_query_create_with_syntax(nm, query, NOTMUCH_QUERY_SYNTAX_XAPIAN,
							  &q), 0);
	notmuch_query_set_sort(q, oldest ? NOTMUCH_SORT_OLDEST_FIRST : NOTMUCH_SORT_NEWEST_FIRST);
	assert_int_equal(notmuch_query_search_threads(q, &ts), 0);
	for (; notmuch_threads_valid(ts); notmuch_threads_move_to_next(ts), i++) {
		notmuch_thread_t *t = notmuch_threads_get(ts);
		struct mbox_entry *e;
		char *tags = tags_of(notmuch_thread_get_tags(t));

		assert_true(mbox_list_need(l, i) > i);
		e = mbox_list_get(l, i);
		if (strcmp(e->id, notmuch_thread_get_thread_id(t)) != 0)
			fail_msg("%s (%s): row %zu is thread %s, notmuch has %s", query,
				 oldest ? "oldest first" : "newest first", i, e->id,
				 notmuch_thread_get_thread_id(t));
		assert_string_equal(e->authors, notmuch_thread_get_authors(t));
		assert_string_equal(e->subject, notmuch_thread_get_subject(t));
		assert_string_equal(e->tags, tags);
		assert_int_equal(e->total, notmuch_thread_get_total_messages(t));
		assert_int_equal(e->matched, notmuch_thread_get_matched_messages(t));
		assert_int_equal(e->date, oldest ? notmuch_thread_get_oldest_date(t)
						 : notmuch_thread_get_newest_date(t));
		free(tags);
		notmuch_thread_destroy(t);
	}
	assert_true(i > 0);
	assert_int_equal(mbox_list_need(l, i + 10), i);	/* nothing more */
	assert_true(l->done);
	notmuch_query_destroy(q);
	mbox_list_free(l);
	buf_free(&err);
}

/* same_messages - the message list of query is notmuch's, in its order */
static void same_messages(struct mbox_db *db, notmuch_database_t *nm, const char *query,
			  bool oldest)
{
	struct buf err = BUF_INIT;
	struct mbox_list *l = mbox_list_new(db, query, MBOX_MESSAGES, oldest, &err);
	notmuch_query_t *q = NULL;
	notmuch_messages_t *ms = NULL;
	size_t i = 0;

	assert_non_null(l);
	assert_int_equal(notmuch_query_create_with_syntax(nm, query, NOTMUCH_QUERY_SYNTAX_XAPIAN,
							  &q), 0);
	notmuch_query_set_sort(q, oldest ? NOTMUCH_SORT_OLDEST_FIRST : NOTMUCH_SORT_NEWEST_FIRST);
	assert_int_equal(notmuch_query_search_messages(q, &ms), 0);
	for (; notmuch_messages_valid(ms); notmuch_messages_move_to_next(ms), i++) {
		notmuch_message_t *m = notmuch_messages_get(ms);

		assert_true(mbox_list_need(l, i) > i);
		assert_string_equal(l->e[i].id, notmuch_message_get_message_id(m));
		assert_int_equal(l->e[i].date, notmuch_message_get_date(m));
		notmuch_message_destroy(m);
	}
	assert_int_equal(mbox_list_need(l, i + 10), i);
	notmuch_query_destroy(q);
	mbox_list_free(l);
	buf_free(&err);
}

static const char *const queries[] = {
	"*", "tag:unread", "folder:\".Lists\"", "from:t3@example.org or from:t5@example.org",
	"tag:inbox and not tag:unread", "subject:topic", NULL
};

static void test_thread_order(void **state)
{
	struct buf err = BUF_INIT;
	struct mbox_db *db = mbox_db_open(root, &err);
	notmuch_database_t *nm = nm_open();
	size_t i;

	assert_non_null(db);
	for (i = 0; queries[i]; i++) {
		same_threads(db, nm, queries[i], false);
		same_threads(db, nm, queries[i], true);
		same_messages(db, nm, queries[i], false);
		same_messages(db, nm, queries[i], true);
	}
	notmuch_database_destroy(nm);
	mbox_db_close(db);
	buf_free(&err);
}

/* the windows' edges: a stream from any "now" gives notmuch's order, with
 * no message twice or lost where windows meet */
static void test_window_edges(void **state)
{
	notmuch_database_t *nm = nm_open();
	struct buf err = BUF_INIT;
	time_t from[] = { now, now + 1, now - 1, now - 86400 * 40, now + 86400 * 400 };
	size_t k;

	for (k = 0; k < sizeof(from) / sizeof(from[0]); k++) {
		struct mbox_stream *s = mbox_stream_new(nm, "*", false, from[k], &err);
		notmuch_query_t *q = NULL;
		notmuch_messages_t *ms = NULL;
		notmuch_message_t *a, *b;
		size_t n = 0;

		assert_non_null(s);
		notmuch_query_create_with_syntax(nm, "*", NOTMUCH_QUERY_SYNTAX_XAPIAN, &q);
		notmuch_query_set_sort(q, NOTMUCH_SORT_NEWEST_FIRST);
		assert_int_equal(notmuch_query_search_messages(q, &ms), 0);
		for (; notmuch_messages_valid(ms); notmuch_messages_move_to_next(ms), n++) {
			a = notmuch_messages_get(ms);
			b = mbox_stream_next(s);
			if (b == NULL)
				fail_msg("from %lld: the stream lost %s (date %lld)", (long long)from[k],
					 notmuch_message_get_message_id(a),
					 (long long)notmuch_message_get_date(a));
			assert_string_equal(notmuch_message_get_message_id(a),
					    notmuch_message_get_message_id(b));
			notmuch_message_destroy(a);
			notmuch_message_destroy(b);
		}
		assert_int_equal(n, N_MESSAGES);
		assert_null(mbox_stream_next(s));
		assert_true(mbox_stream_windows(s) > 2);	/* it did run in windows */
		notmuch_query_destroy(q);
		mbox_stream_free(s);
	}
	assert_null(mbox_stream_new(nm, "date:nonsense..x", false, now, &err));
	assert_non_null(strstr(buf_cstr(&err), "date:nonsense..x"));	/* the user's query */
	buf_free(&err);
	notmuch_database_destroy(nm);
}

/* the first screen reads about a screen of messages, in one window, and
 * fills only the rows asked for */
static void test_first_screen_bounded(void **state)
{
	struct buf err = BUF_INIT;
	struct mbox_db *db = mbox_db_open(root, &err);
	struct mbox_list *l = mbox_list_new(db, "*", MBOX_THREADS, false, &err);
	size_t i, recent = N_MESSAGES / 11;	/* the messages of the last day */

	assert_non_null(l);
	assert_int_equal(l->read, 0);
	assert_int_equal(mbox_list_need(l, 9), 10);
	assert_true(l->read >= 10 && l->read < recent);	/* not the whole mailbox */
	assert_int_equal(mbox_stream_windows(l->st), 1);	/* the last day only */
	assert_int_equal(l->fills, 0);	/* rows known, nothing read for them */
	for (i = 0; i < 10; i++)
		assert_true(mbox_list_get(l, i)->filled);
	assert_int_equal(l->fills, 10);
	mbox_list_get(l, 3);
	assert_int_equal(l->fills, 10);	/* once per row */
	mbox_list_refresh(l, 3);	/* a tag change: that row alone */
	assert_int_equal(l->fills, 11);
	assert_int_equal(l->n, 10);
	mbox_list_free(l);
	mbox_db_close(db);
	buf_free(&err);
}

static void test_refresh_and_find(void **state)
{
	struct buf err = BUF_INIT;
	struct mbox_db *db = mbox_db_open(root, &err);
	struct mbox_list *l = mbox_list_new(db, "tag:unread", MBOX_THREADS, false, &err);
	struct mbox_entry *e;
	char *q, *id;
	size_t at;

	assert_non_null(l);
	mbox_list_need(l, 20);
	e = mbox_list_get(l, 2);
	id = xstrdup(e->id);
	q = mbox_query_for(l, e);
	assert_true(mbox_tag(db, q, "-unread +seen", &err) > 0);
	mbox_list_refresh(l, 2);
	e = mbox_list_get(l, 2);
	assert_string_equal(e->id, id);	/* the row stays where it was */
	assert_false(mbox_entry_has_tag(e, "unread"));
	assert_true(mbox_entry_has_tag(e, "seen"));
	assert_int_equal(e->matched, 0);	/* matches the query no more */
	assert_true(e->total > 0);
	mbox_list_reload(l);	/* a reload leaves it out */
	assert_int_equal(mbox_list_find(l, id, 100), (size_t)-1);
	at = mbox_list_find(l, l->e[5].id, 100);
	assert_int_equal(at, 5);
	free(id);
	id = xstrdup(l->e[7].id);
	mbox_list_restart(l);	/* nothing read until asked */
	assert_int_equal(l->n, 0);
	assert_int_equal(mbox_list_find(l, id, 100), 7);
	assert_int_equal(l->n, 8);	/* read as far as the entry, no further */
	free(q);
	free(id);
	mbox_list_free(l);
	mbox_db_close(db);
	buf_free(&err);
}

static void test_idset(void **state)
{
	struct mbox_idset *set = mbox_idset_new();
	char id[32];
	int i;

	for (i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "%016x", i * 7919);
		assert_true(mbox_idset_add(set, id));
	}
	for (i = 0; i < 5000; i += 7) {
		snprintf(id, sizeof(id), "%016x", i * 7919);
		assert_false(mbox_idset_add(set, id));
	}
	mbox_idset_free(set);
}

static void test_and(void **state)
{
	char *s = mbox_and("*", "date:@1..");

	assert_string_equal(s, "date:@1..");
	free(s);
	s = mbox_and("a or b", "c");
	assert_string_equal(s, "(a or b) and (c)");
	free(s);
	s = mbox_and("thread:x", "  ");
	assert_string_equal(s, "thread:x");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_thread_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_screen_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_and_find, setup, teardown),
		cmocka_unit_test(test_idset),
		cmocka_unit_test(test_and),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
