/* test_index.c - batched notmuch indexing of delivered mail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <notmuch.h>
#include "buf.h"
#include "fsutil.h"
#include "index.h"
#include "maildir.h"
#include "xalloc.h"

static char *scratch, *root, *spool;

static int setup(void **state)
{
	char tmpl[] = "/tmp/poczta-index-XXXXXX";
	struct dsn d;

	scratch = xstrdup(mkdtemp(tmpl));
	root = xasprintf("%s/Maildir", scratch);
	spool = xasprintf("%s/index", scratch);
	return maildir_create(root, &d);
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", scratch);
	int rc = system(cmd);
	free(cmd);
	x_free(&scratch);
	x_free(&root);
	x_free(&spool);
	return rc;
}

/* deliver - put a message with this Message-ID into the Maildir; its path */
static char *deliver(const char *id, const char *flags)
{
	struct maildir_tmp t;
	struct dsn d;
	char *msg = xasprintf("From: a@example.org\nMessage-ID: <%s>\nSubject: %s\n\nbody %s\n", id, id, id);
	char *final = NULL;

	assert_int_equal(maildir_tmp_open(&t, root, &d), 0);
	assert_int_equal(maildir_tmp_write(&t, msg, strlen(msg), &d), 0);
	assert_int_equal(maildir_tmp_sync(&t, &d), 0);
	assert_int_equal(maildir_tmp_link(&t, root, flags, &final, &d), 0);
	maildir_tmp_close(&t);
	free(msg);
	return final;
}

/* count - messages matching query in the index */
static unsigned count(const char *query)
{
	notmuch_database_t *db;
	notmuch_query_t *q;
	unsigned n = 0;

	assert_int_equal(notmuch_database_open_with_config(root, NOTMUCH_DATABASE_MODE_READ_ONLY,
							   "", NULL, &db, NULL), NOTMUCH_STATUS_SUCCESS);
	q = notmuch_query_create(db, query);
	assert_int_equal(notmuch_query_count_messages(q, &n), NOTMUCH_STATUS_SUCCESS);
	notmuch_query_destroy(q);
	notmuch_database_destroy(db);
	return n;
}

static void test_drain_batches_and_tags(void **state)
{
	char *tags[] = { "inbox", "unread", NULL };
	struct buf err = BUF_INIT;
	char *p1 = deliver("one@x", NULL), *p2 = deliver("two@x", NULL), *p3 = deliver("three@x", "S");

	assert_int_equal(index_enqueue(spool, root, p1, tags), 0);
	assert_int_equal(index_enqueue(spool, root, p2, tags), 0);
	assert_int_equal(index_enqueue(spool, root, p3, tags), 0);
	assert_int_equal(index_drain(spool, &err), 3);
	assert_int_equal(count("tag:inbox"), 3);
	/* the Maildir flag S (seen) removes unread, as notmuch new does */
	assert_int_equal(count("tag:unread"), 2);
	assert_int_equal(count("id:three@x and not tag:unread"), 1);
	/* the notes are gone: a second drain has nothing to do */
	assert_int_equal(index_drain(spool, &err), 0);
	free(p1);
	free(p2);
	free(p3);
	buf_free(&err);
}

static void test_moved_before_indexed(void **state)
{
	char *tags[] = { "inbox", NULL };
	struct buf err = BUF_INIT;
	char *p = deliver("moved@x", NULL);
	char *slash = strrchr(p, '/');
	char *moved = xasprintf("%s/cur/%s:2,S", root, slash + 1);

	assert_int_equal(index_enqueue(spool, root, p, tags), 0);
	assert_int_equal(rename(p, moved), 0);	/* an IMAP client read it meanwhile */
	assert_int_equal(index_drain(spool, &err), 1);
	assert_int_equal(count("id:moved@x"), 1);
	free(p);
	free(moved);
	buf_free(&err);
}

static void test_rescan_finds_unnoted(void **state)
{
	char *tags[] = { "inbox", "unread", NULL };
	struct buf err = BUF_INIT;
	char *p = deliver("lost-note@x", NULL);

	assert_int_equal(count("id:lost-note@x"), 0);
	assert_int_equal(index_rescan(root, tags, &err), 1);
	assert_int_equal(count("id:lost-note@x and tag:unread"), 1);
	assert_int_equal(index_rescan(root, tags, &err), 0);
	free(p);
	buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drain_batches_and_tags),
		cmocka_unit_test(test_moved_before_indexed),
		cmocka_unit_test(test_rescan_finds_unnoted),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
