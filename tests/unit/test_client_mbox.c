/* test_client_mbox.c - the client's model on a temporary notmuch database:
 * threads as notmuch builds them, lazy loading a screen at a time, tags
 * synchronised to Maildir flags, sidebar folders and counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "../../client/demo.h"
#include "../../client/mbox.h"
#include "../../client/sidebar.h"
#include "index.h"
#include "strlist.h"
#include "xalloc.h"

static char *root;

/* add - a message in folder (NULL: INBOX) with Maildir flags */
static void add(struct demo_message **m, size_t *n, const char *folder, const char *flags,
		int id, int parent, time_t date, const char *subject)
{
	struct demo_message *x;
	char d[64];
	struct tm tm;

	*m = xreallocarray(*m, *n + 1, sizeof(**m));
	x = &(*m)[(*n)++];
	x->folder = folder;
	x->flags = flags;
	buf_init(&x->text);
	gmtime_r(&date, &tm);
	strftime(d, sizeof(d), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_printf(&x->text, "From: \"Tester %d\" <t%d@example.org>\nTo: u@example.org\n"
		   "Subject: %s\nDate: %s\nMessage-ID: <m%d@test>\n", id, id, subject, d, id);
	if (parent)
		buf_printf(&x->text, "In-Reply-To: <m%d@test>\nReferences: <m%d@test>\n",
			   parent, parent);
	buf_printf(&x->text, "\nbody %d\n", id);
}

/* make - a Maildir of n single messages plus a thread of three, indexed */
static int make(int n)
{
	char tmpl[] = "/tmp/poczta-client-XXXXXX";
	struct demo_message *m = NULL;
	size_t count = 0;
	struct buf err = BUF_INIT;
	char **tags = strlist_split("inbox,unread", ",");
	time_t now = 1700000000;
	int i, r;

	root = xstrdup(mkdtemp(tmpl));
	add(&m, &count, NULL, "", 1, 0, now - 100, "thread start");
	add(&m, &count, NULL, "S", 2, 1, now - 50, "Re: thread start");
	add(&m, &count, NULL, "", 3, 2, now - 10, "Re: thread start");
	for (i = 0; i < n; i++)
		add(&m, &count, i % 10 == 0 ? "Lists.café" : NULL, "S", 100 + i, 0,
		    now - 1000 - i * 60, "single");
	r = demo_write(root, m, count, &err);
	demo_mail_free(m, count);
	if (r == 0)
		r = index_rescan(root, tags, &err) == (int)count ? 0 : -1;
	if (r != 0)
		fprintf(stderr, "make: %s\n", buf_cstr(&err));
	strlist_free(tags);
	buf_free(&err);
	return r;
}

static int setup_small(void **state)
{
	return make(20);
}

static int setup_big(void **state)
{
	return make(600);
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", root);
	int r = system(cmd);

	free(cmd);
	x_free(&root);
	return r == 0 ? 0 : -1;
}

static struct mbox_db *open_db(void)
{
	struct buf err = BUF_INIT;
	struct mbox_db *db = mbox_db_open(root, &err);

	assert_non_null(db);
	buf_free(&err);
	return db;
}

static void test_threads(void **state)
{
	struct mbox_db *db = open_db();
	struct buf err = BUF_INIT;
	struct mbox_list *l = mbox_list_new(db, "*", MBOX_THREADS, false, &err), *t;

	assert_non_null(l);
	mbox_list_need(l, 100);
	assert_true(l->done);
	assert_int_equal(l->n, 21);	/* the thread of three and 20 singles */
	assert_string_equal(mbox_list_get(l, 0)->subject, "thread start");	/* newest first */
	assert_int_equal(l->e[0].total, 3);
	assert_true(mbox_entry_has_tag(&l->e[0], "unread"));
	t = mbox_list_new(db, l->e[0].id, MBOX_THREAD, false, &err);
	assert_non_null(t);
	mbox_list_need(t, 10);
	assert_int_equal(t->n, 3);
	assert_int_equal(t->e[0].depth, 0);
	assert_int_equal(t->e[1].depth, 1);
	assert_int_equal(t->e[2].depth, 2);
	assert_string_equal(t->e[2].id, "m3@test");
	assert_string_equal(t->e[0].authors, "Tester 1");	/* the display name */
	assert_false(mbox_entry_has_tag(&t->e[1], "unread"));	/* its S flag */
	mbox_list_free(t);
	mbox_list_free(l);
	l = mbox_list_new(db, "*", MBOX_THREADS, true, &err);	/* oldest first */
	mbox_list_need(l, 0);
	assert_string_equal(mbox_list_get(l, 0)->subject, "single");
	mbox_list_free(l);
	assert_null(mbox_list_new(db, "date:nonsense..x", MBOX_MESSAGES, false, &err));
	assert_true(err.len > 0);
	buf_free(&err);
	mbox_db_close(db);
}

static void test_lazy(void **state)
{
	struct mbox_db *db = open_db();
	struct buf err = BUF_INIT;
	struct mbox_list *l = mbox_list_new(db, "*", MBOX_MESSAGES, false, &err);

	assert_non_null(l);
	assert_int_equal(l->n, 0);	/* nothing before it is asked for */
	assert_int_equal(mbox_list_need(l, 49), 50);	/* one screen */
	assert_false(l->done);
	assert_int_equal(mbox_list_need(l, 99), 100);
	assert_string_equal(l->e[0].id, "m3@test");
	mbox_list_need(l, 10000);
	assert_true(l->done);
	assert_int_equal(l->n, 603);
	mbox_list_free(l);
	l = mbox_list_new(db, "*", MBOX_MESSAGES, false, &err);
	mbox_list_need(l, 120);
	mbox_list_reload(l);	/* as far as before, no further */
	assert_int_equal(l->n, 121);
	mbox_list_free(l);
	buf_free(&err);
	mbox_db_close(db);
}

/* flags_of - the Maildir flags of the message's file, after ":2," */
static char *flags_of(struct mbox_db *db, const char *id)
{
	struct buf err = BUF_INIT;
	char *q = xasprintf("id:%s", id), *r;
	struct mbox_list *l = mbox_list_new(db, q, MBOX_MESSAGES, false, &err);
	const char *c;

	mbox_list_need(l, 0);
	assert_int_equal(l->n, 1);
	assert_int_equal(access(l->e[0].file, R_OK), 0);	/* the index knows the name */
	c = strstr(l->e[0].file, ":2,");
	r = xstrdup(c ? c + 3 : "(new)");
	mbox_list_free(l);
	free(q);
	buf_free(&err);
	return r;
}

static void test_tag_sync(void **state)
{
	struct mbox_db *db = open_db();
	struct buf err = BUF_INIT;
	char *f;

	f = flags_of(db, "m1@test");
	assert_string_equal(f, "(new)");
	free(f);
	assert_int_equal(mbox_tag(db, "id:m1@test", "+flagged -unread", &err), 1);
	f = flags_of(db, "m1@test");
	assert_string_equal(f, "FS");	/* moved to cur/ with F and S */
	free(f);
	assert_int_equal(mbox_tag(db, "id:m1@test", "+deleted +unread", &err), 1);
	f = flags_of(db, "m1@test");
	assert_string_equal(f, "FT");
	free(f);
	assert_int_equal(mbox_tag(db, "id:m1@test", "+deleted", &err), 0);	/* no change */
	assert_int_equal(mbox_tag(db, "id:m1@test", "-deleted", &err), 1);
	f = flags_of(db, "m1@test");
	assert_string_equal(f, "F");
	free(f);
	assert_int_equal(mbox_tag(db, "id:m3@test", "+deleted", &err), 1);	/* from new/ */
	f = flags_of(db, "m3@test");
	assert_string_equal(f, "T");
	free(f);
	assert_int_equal(mbox_count(db, "folder:\"\"", false), 21);	/* no file lost */
	assert_int_equal(mbox_tag(db, "thread:{id:m1@test}", "+project", &err), 3);
	assert_int_equal(mbox_count(db, "tag:project", false), 3);
	assert_int_equal(mbox_count(db, "tag:project", true), 2);	/* m1, m3 */
	assert_int_equal(mbox_tag(db, "*", "flagged", &err), -1);
	assert_non_null(strstr(buf_cstr(&err), "flagged"));
	buf_free(&err);
	mbox_db_close(db);
}

static void test_sidebar(void **state)
{
	struct mbox_db *db = open_db();
	struct client_config cfg;
	struct cfg_search s = { "mine", "tag:unread" };
	struct sidebar sb;
	const struct sidebar_item *it;

	memset(&cfg, 0, sizeof(cfg));
	cfg.searches = &s;
	cfg.nsearches = 1;
	sidebar_load(&sb, root, &cfg);
	sidebar_count(&sb, db);
	assert_int_equal(sb.n, 3);
	assert_string_equal(sb.items[0].name, "INBOX");
	assert_int_equal(sb.items[0].total, 21);
	assert_int_equal(sb.items[0].unread, 2);
	it = sidebar_find(&sb, "Lists/café");	/* Maildir++ ".Lists.caf&AOk-" */
	assert_non_null(it);
	assert_int_equal(it->total, 2);
	assert_int_equal(sb.items[2].unread, 2);
	assert_false(sb.items[2].folder);
	sidebar_free(&sb);
	mbox_db_close(db);
}

static void test_mutf7(void **state)
{
	char *s = sidebar_mutf7_decode("Za&AXwA8wFCAQc-");

	assert_string_equal(s, "Zażółć");
	free(s);
	s = sidebar_mutf7_decode("A&-B");
	assert_string_equal(s, "A&B");
	free(s);
	assert_null(sidebar_mutf7_decode("bad&***-"));
	s = mbox_quote("say \"hi\"");
	assert_string_equal(s, "\"say \"\"hi\"\"\"");
	free(s);
}

/* a file another program moved from new/ to cur/ with flags is found by
 * its base name; one that is gone is NULL */
static void test_file_now(void **state)
{
	char dir[] = "/tmp/test_mbox_now.XXXXXX", *p, *q, *got;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	p = xasprintf("%s/.Lists/cur", dir);
	assert_int_equal(system(q = xasprintf("mkdir -p %s %s/.Lists/new", p, dir)), 0);
	free(q);
	q = xasprintf("%s/1700000000.M1P2.host:2,S", p);
	assert_non_null(f = fopen(q, "w"));
	fclose(f);
	got = index_file_now(q);		/* as it is */
	assert_string_equal(got, q);
	free(got);
	free(p);
	p = xasprintf("%s/.Lists/new/1700000000.M1P2.host", dir);
	got = index_file_now(p);		/* moved to cur/ and flagged */
	assert_non_null(got);
	assert_string_equal(got, q);
	free(got);
	free(p);
	p = xasprintf("%s/.Lists/new/1700000000.M1P2.hos", dir);
	assert_null(index_file_now(p));	/* a prefix of a base name is not it */
	free(p);
	p = xasprintf("%s/.Lists/cur/1700000000.M1P2.host:2,FS", dir);
	unlink(q);
	assert_null(index_file_now(p));	/* gone */
	free(p);
	free(q);
	q = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(q), 0);
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_threads, setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_lazy, setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_tag_sync, setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_sidebar, setup_small, teardown),
		cmocka_unit_test(test_mutf7),
		cmocka_unit_test(test_file_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
