/* test_maildir.c - Maildir delivery: unique names, tmp → new/cur, folders, flags. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "maildir.h"
#include "fsutil.h"
#include "xalloc.h"

static char *scratch;

static int setup(void **state)
{
	char tmpl[] = "/tmp/poczta-maildir-XXXXXX";
	scratch = xstrdup(mkdtemp(tmpl));
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		return -1;
	free(cmd);
	x_free(&scratch);
	return 0;
}

/* count_dir - entries in DIR other than . and .. ; the last name in *last */
static int count_dir(const char *dir, char **last)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		if (last) {
			free(*last);
			*last = xstrdup(e->d_name);
		}
	}
	closedir(d);
	return n;
}

/* A Maildir is made once per process; one removed meanwhile (by hand, by
 * a test) is made again when the next file cannot be created in it. */
static void test_removed_maildir_made_again(void **state)
{
	struct dsn d;
	struct maildir_tmp t;
	char *root = xasprintf("%s/Gone", scratch), *cmd = xasprintf("rm -rf '%s'", root);

	(void)state;
	assert_int_equal(maildir_create(root, &d), 0);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(maildir_create(root, &d), 0);	/* known: nothing done */
	assert_int_equal(maildir_tmp_open(&t, root, &d), 0);
	maildir_tmp_close(&t);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(maildir_tmp_open_named(&t, root, "qid9.R1", &d), 0);
	maildir_tmp_close(&t);
	free(cmd);
	free(root);
}

static void test_unique_names_differ(void **state)
{
	char *a = maildir_unique(), *b = maildir_unique();
	assert_string_not_equal(a, b);
	assert_null(strchr(a, '/'));
	assert_null(strchr(a, ':'));
	free(a);
	free(b);
}

/* deliver_named_fresh - a named delivery of "x", fresh or not (XFRESH);
 * maildir_tmp_link's result */
static int deliver_named_fresh(const char *root, bool fresh, char **final)
{
	struct maildir_tmp t;
	struct dsn d;
	int rc;

	assert_int_equal(maildir_tmp_open_named(&t, root, "qid1.R0123", &d), 0);
	t.fresh = fresh;
	assert_int_equal(maildir_tmp_write(&t, "Subject: x\n\nbody\n", 18, &d), 0);
	assert_int_equal(maildir_tmp_sync(&t, &d), 0);
	rc = maildir_tmp_link(&t, root, NULL, final, &d);
	maildir_tmp_close(&t);
	return rc;
}

static int deliver_named(const char *root, char **final)
{
	return deliver_named_fresh(root, false, final);
}

/* A delivery repeated after a crash (the same name) is not made again,
 * whether its copy is still in new/ or a reader moved it to cur/ with flags. */
static void test_named_delivery_once(void **state)
{
	struct dsn d;
	char *root = xasprintf("%s/Named", scratch);
	char *first = NULL, *again = NULL, *read, *dir;

	assert_int_equal(maildir_create(root, &d), 0);
	assert_int_equal(deliver_named(root, &first), 0);
	assert_int_equal(deliver_named(root, &again), 1);
	assert_string_equal(first, again);
	free(again);
	again = NULL;
	read = xasprintf("%s/cur/%s:2,RS", root, strrchr(first, '/') + 1);
	assert_int_equal(rename(first, read), 0);
	assert_int_equal(deliver_named(root, &again), 1);
	assert_string_equal(again, read);
	dir = xasprintf("%s/new", root);
	assert_int_equal(count_dir(dir, NULL), 0);	/* not delivered a second time */
	/* fresh (the client never handed it over before): cur/ is not
	 * looked at, so this one, which has no business being fresh, is
	 * stored again; in new/ the name alone would still catch it */
	free(again);
	assert_int_equal(deliver_named_fresh(root, true, &again), 0);
	assert_int_equal(count_dir(dir, NULL), 1);
	assert_int_equal(deliver_named_fresh(root, true, NULL), 1);
	free(dir);
	free(again);
	free(read);
	free(first);
	free(root);
}

static void test_deliver_into_new_and_cur(void **state)
{
	struct maildir_tmp t;
	struct dsn d;
	char *root = xasprintf("%s/Maildir", scratch);
	char *final = NULL, *name = NULL, *dir, *data;
	size_t len;

	assert_int_equal(maildir_create(root, &d), 0);
	assert_int_equal(maildir_tmp_open(&t, root, &d), 0);
	assert_int_equal(maildir_tmp_write(&t, "Subject: x\n\nbody\r\n", 18, &d), 0);
	assert_int_equal(t.size, 18);
	assert_int_equal(t.crlf_size, 20);	/* two bare LFs become CRLF */
	assert_int_equal(maildir_tmp_sync(&t, &d), 0);
	assert_int_equal(maildir_tmp_link(&t, root, NULL, &final, &d), 0);
	assert_non_null(strstr(final, "/new/"));
	assert_non_null(strstr(final, ",S=18,W=20"));
	assert_int_equal(maildir_tmp_link(&t, root, "FS", NULL, &d), 0);
	maildir_tmp_close(&t);

	dir = xasprintf("%s/tmp", root);
	assert_int_equal(count_dir(dir, NULL), 0);	/* tmp/ is left empty */
	free(dir);
	dir = xasprintf("%s/cur", root);
	assert_int_equal(count_dir(dir, &name), 1);
	assert_non_null(strstr(name, ":2,FS"));
	free(dir);
	data = read_file(final, &len);
	assert_int_equal(len, 18);
	assert_memory_equal(data, "Subject: x\n\nbody\r\n", 18);
	free(data);
	free(name);
	free(final);
	free(root);
}

static void test_folder_paths(void **state)
{
	struct dsn d;
	char *root = xasprintf("%s/M2", scratch);
	char *p;
	struct stat st;

	assert_int_equal(maildir_create(root, &d), 0);
	p = maildir_folder_path(root, "INBOX", true, &d);
	assert_string_equal(p, root);
	free(p);
	p = maildir_folder_path(root, "Lists/debian", true, &d);
	assert_non_null(p);
	assert_non_null(strstr(p, "/.Lists.debian"));
	free(p);
	p = xasprintf("%s/.Lists.debian/maildirfolder", root);
	assert_int_equal(stat(p, &st), 0);
	free(p);
	p = xasprintf("%s/.Lists.debian/new", root);
	assert_int_equal(stat(p, &st), 0);
	free(p);
	p = maildir_folder_path(root, "Przesyłki", true, &d);
	assert_non_null(p);
	assert_non_null(strstr(p, "/.Przesy&AUI-ki"));	/* RFC 3501 5.1.3 */
	free(p);
	free(root);
}

static void test_folder_names_refused(void **state)
{
	static const char *const bad[] = { "../x", "a/../b", "/etc", ".hidden", "a//b",
					   "a/", "a\nb", "a/./b", "x\x7f" };
	struct dsn d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *p = maildir_folder_path(scratch, bad[i], false, &d);
		if (p)
			fail_msg("folder name %s was accepted as %s", bad[i], p);
		assert_int_equal(d.status, DSN_PERMFAIL);
	}
}

static void test_flags(void **state)
{
	char *none[] = { NULL };
	char *some[] = { "\\Seen", "$Label1", "\\flagged", "\\Deleted", NULL };
	char *f;

	f = maildir_flags(none);
	assert_string_equal(f, "");
	free(f);
	f = maildir_flags(some);
	assert_string_equal(f, "FST");
	free(f);
}

static void test_mutf7(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "plain", "plain" }, { "a&b", "a&-b" },
		{ "~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
		{ "Входящие", "&BBIERQQ+BDQETwRJBDgENQ-" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = maildir_mutf7_encode(cases[i].in);
		assert_string_equal(e, cases[i].out);
		free(e);
	}
	assert_null(maildir_mutf7_encode("\xff\xfe"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique_names_differ),
		cmocka_unit_test(test_removed_maildir_made_again),
		cmocka_unit_test(test_deliver_into_new_and_cur),
		cmocka_unit_test(test_named_delivery_once),
		cmocka_unit_test(test_folder_paths),
		cmocka_unit_test(test_folder_names_refused),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_mutf7),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
