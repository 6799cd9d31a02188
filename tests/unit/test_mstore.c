/* test_mstore.c - the UID list's fast path (lib/mstore_list.c): a sync of
 * an unchanged folder trusts the list without reading new/ and cur/, and
 * any change is still seen, also one made in the same clock tick as the
 * scan before it (its directory mtime equal to the one that scan saw). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "fsutil.h"
#include "mstore.h"
#include "xalloc.h"

static char *dir;

static int setup(void **state)
{
	char tmpl[] = "/tmp/test_mstore.XXXXXX";
	const char *subs[] = { "cur", "new", "tmp" };
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	dir = xstrdup(tmpl);
	for (i = 0; i < 3; i++) {
		char *p = xasprintf("%s/%s", dir, subs[i]);
		assert_int_equal(mkdir(p, 0700), 0);
		free(p);
	}
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)state;
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
	return 0;
}

static void put(const char *file)
{
	char *p = xasprintf("%s/%s", dir, file);

	assert_int_equal(atomic_write_file(p, "Subject: x\n\nbody\n", 17, 0600), 0);
	free(p);
}

static void move(const char *from, const char *to)
{
	char *a = xasprintf("%s/%s", dir, from), *b = xasprintf("%s/%s", dir, to);

	assert_int_equal(rename(a, b), 0);
	free(a);
	free(b);
}

/* set_mtime - give new/ or cur/ this mtime (what a change in the same
 * clock tick as the last scan would leave); 0 in sec: a minute ago */
static void set_mtime(const char *sub, struct timespec t)
{
	char *p = xasprintf("%s/%s", dir, sub);
	struct timespec ts[2];

	if (t.tv_sec == 0) {
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec -= 60;
	}
	ts[0] = ts[1] = t;
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	free(p);
}

static struct timespec get_mtime(const char *sub)
{
	char *p = xasprintf("%s/%s", dir, sub);
	struct stat st;

	assert_int_equal(stat(p, &st), 0);
	free(p);
	return st.st_mtim;
}

static void age(void)
{
	struct timespec zero = { 0, 0 };

	set_mtime("new", zero);
	set_mtime("cur", zero);
}

static struct mstore_box *open_box(bool readonly)
{
	struct buf err = BUF_INIT;
	struct mstore_box *b = mstore_open(dir, "INBOX", readonly, &err);

	if (b == NULL)
		fail_msg("mstore_open: %s", buf_cstr(&err));
	buf_free(&err);
	return b;
}

static void test_unchanged_is_fast(void **state)
{
	struct mstore_box *b;
	struct buf err = BUF_INIT;
	size_t len;
	char *data;

	(void)state;
	put("cur/1.a.host:2,S");
	put("cur/2.b.host:2,");
	put("cur/3.c.host:2,Fa");	/* a keyword letter of another program */
	age();
	b = open_box(false);
	assert_false(b->fast);	/* no list yet */
	assert_int_equal(b->n, 3);
	mstore_close(b);
	b = open_box(false);
	assert_true(b->fast);
	assert_int_equal(b->n, 3);
	assert_int_equal(b->msgs[0].uid, 1);
	assert_int_equal(b->msgs[0].flags, MF_SEEN);
	assert_int_equal(b->msgs[2].flags, MF_FLAGGED);
	assert_int_equal(b->msgs[2].kw, 1);	/* "a": keyword 0 */
	data = mstore_read(b, 2, &len, &err);	/* its own name, not the one the flags give */
	assert_non_null(data);
	assert_int_equal(len, 17);
	free(data);
	buf_free(&err);
	mstore_close(b);
}

/* the binary copy is mapped when it is that of the list, and left alone
 * when another writer replaced the list's text */
static void test_index(void **state)
{
	struct mstore_box *b;
	char *p, *text, *s;
	size_t len;

	(void)state;
	put("cur/1.a.host:2,S");
	put("cur/2.b.host:2,");
	age();
	mstore_close(open_box(false));	/* scans, writes the list and its copy */
	b = open_box(false);
	assert_true(b->fast);
	assert_non_null(b->map);
	assert_int_equal(b->n, 2);
	assert_int_equal(b->msgs[0].flags, MF_SEEN);
	assert_string_equal(b->msgs[1].base, "2.b.host");
	assert_string_equal(b->msgs[1].file, "cur/2.b.host:2,");
	mstore_close(b);
	/* another writer: message 1 now \Flagged in the text only */
	p = xasprintf("%s/poczta-uidlist", dir);
	text = read_file(p, &len);
	assert_non_null(text);
	s = strstr(text, " S 1.a.host");
	assert_non_null(s);
	s[1] = 'F';
	assert_int_equal(atomic_write_file(p, text, len, 0600), 0);
	free(text);
	free(p);
	b = open_box(false);
	assert_null(b->map);
	assert_int_equal(b->msgs[0].flags, MF_FLAGGED);
	mstore_close(b);
	b = open_box(false);	/* the copy was made again from the text */
	assert_non_null(b->map);
	assert_int_equal(b->msgs[0].flags, MF_FLAGGED);
	mstore_close(b);
}

static void test_change_in_same_tick(void **state)
{
	struct mstore_box *b;
	struct timespec seen;

	(void)state;
	put("cur/1.a.host:2,");
	put("cur/2.b.host:2,");
	age();
	mstore_close(open_box(false));
	/* another program sets \Seen: cur/ changes, the stamp no longer matches */
	move("cur/1.a.host:2,", "cur/1.a.host:2,S");
	b = open_box(false);
	assert_false(b->fast);
	assert_int_equal(b->msgs[0].flags, MF_SEEN);
	mstore_close(b);
	/* a second change in the same tick as that scan: cur/ keeps the mtime
	 * the scan saw; the scan was too close to it to trust it */
	seen = get_mtime("cur");
	move("cur/2.b.host:2,", "cur/2.b.host:2,F");
	set_mtime("cur", seen);
	b = open_box(false);
	assert_false(b->fast);
	assert_int_equal(b->msgs[1].flags, MF_FLAGGED);
	mstore_close(b);
	/* a delivery, then an EXPUNGE by another program, both seen */
	put("new/3.c.host");
	b = open_box(false);
	assert_int_equal(b->n, 3);
	assert_true(b->msgs[2].recent);
	mstore_close(b);
	move("cur/1.a.host:2,S", "tmp/gone");
	b = open_box(false);
	assert_int_equal(b->n, 2);
	assert_int_equal(b->msgs[0].uid, 2);
	mstore_close(b);
}

static void test_new_moved_by_select(void **state)
{
	struct mstore_box *b;

	(void)state;
	put("new/1.a.host");
	age();
	mstore_close(open_box(true));	/* EXAMINE leaves new/ as it is */
	b = open_box(true);
	assert_true(b->fast);
	assert_string_equal(b->msgs[0].file, "new/1.a.host");
	mstore_close(b);
	b = open_box(false);	/* SELECT: the message comes to cur/, \Recent */
	assert_false(b->fast);
	assert_int_equal(b->n, 1);
	assert_int_equal(b->msgs[0].uid, 1);
	assert_true(b->msgs[0].recent);
	assert_string_equal(b->msgs[0].file, "cur/1.a.host:2,");
	mstore_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unchanged_is_fast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_in_same_tick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_moved_by_select, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
