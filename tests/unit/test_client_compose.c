/* test_client_compose.c - the client's side of writing mail without
 * curses (client/composer.c, the compose settings of client/config.c and
 * the compose screen's keymap in client/keys.c): the editor's argv and
 * temporary file, the signature, drafts saved durably and listed, and the
 * defaults a sandbox gets with nothing set by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "../../client/composer.h"
#include "../../client/config.h"
#include "../../client/keys.h"
#include "conf.h"
#include "fsutil.h"
#include "strlist.h"
#include "xalloc.h"

static char *tmpdir;

static int setup(void **state)
{
	char tmpl[] = "/tmp/poczta-compose-XXXXXX";

	(void)state;
	tmpdir = xstrdup(mkdtemp(tmpl));
	return tmpdir ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	(void)state;
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(tmpdir);
	return 0;
}

static void test_editor_argv(void **state)
{
	char **a;

	(void)state;
	unsetenv("VISUAL");
	unsetenv("EDITOR");
	a = composer_editor_argv(NULL, "/tmp/f");
	assert_int_equal(strlist_len(a), 2);
	assert_string_equal(a[0], "vi");
	assert_string_equal(a[1], "/tmp/f");
	strlist_free(a);
	setenv("EDITOR", "nano -R", 1);
	a = composer_editor_argv(NULL, "/tmp/f");
	assert_int_equal(strlist_len(a), 3);
	assert_string_equal(a[0], "nano");
	assert_string_equal(a[1], "-R");
	strlist_free(a);
	setenv("VISUAL", "vim  +set\tnocp", 1);	/* $VISUAL first; no shell */
	a = composer_editor_argv(NULL, "/tmp/f g");
	assert_int_equal(strlist_len(a), 4);
	assert_string_equal(a[0], "vim");
	assert_string_equal(a[2], "nocp");
	assert_string_equal(a[3], "/tmp/f g");
	strlist_free(a);
	a = composer_editor_argv("emacs -nw", "x");	/* the setting wins */
	assert_string_equal(a[0], "emacs");
	strlist_free(a);
	a = composer_editor_argv("  ", "x");	/* blank: as unset */
	assert_string_equal(a[0], "vim");
	strlist_free(a);
	unsetenv("VISUAL");
	unsetenv("EDITOR");
}

static void test_tmp_and_run(void **state)
{
	struct buf err = BUF_INIT;
	char *path = NULL, *data;
	struct stat st;
	size_t len;

	(void)state;
	setenv("TMPDIR", tmpdir, 1);
	assert_int_equal(composer_tmp("To: a@b\n\nhi\n", 12, &path, &err), 0);
	assert_true(strncmp(path, tmpdir, strlen(tmpdir)) == 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	data = read_file(path, &len);
	assert_int_equal(len, 12);
	assert_memory_equal(data, "To: a@b\n\nhi\n", 12);
	free(data);
	assert_int_equal(composer_run((char *[]){ "sh", "-c", "exit 3", NULL }), 3);
	assert_int_equal(composer_run((char *[]){ "true", NULL }), 0);
	assert_int_equal(composer_run((char *[]){ "/nonexistent/editor", NULL }), 127);
	unlink(path);
	free(path);
	setenv("TMPDIR", "/nonexistent/dir", 1);
	assert_int_equal(composer_tmp("x", 1, &path, &err), -1);
	assert_non_null(strstr(buf_cstr(&err), "/nonexistent/dir"));
	unsetenv("TMPDIR");
	buf_free(&err);
}

static void test_signature(void **state)
{
	char *p = xasprintf("%s/sig", tmpdir), *s;
	FILE *f = fopen(p, "w");

	(void)state;
	fputs("-- \nAnna Nowak\nhttps://example.pl\n\n\n", f);
	fclose(f);
	s = composer_signature(p);
	assert_string_equal(s, "Anna Nowak\nhttps://example.pl");
	free(s);
	assert_null(composer_signature(NULL));
	unlink(p);
	assert_null(composer_signature(p));
	free(p);
}

static void test_drafts(void **state)
{
	char *root = xasprintf("%s/mail", tmpdir), *f1 = NULL, *f2 = NULL, **l;
	struct buf err = BUF_INIT;
	struct stat st;
	size_t len;
	char *data;

	(void)state;
	l = composer_draft_list(root, "Drafts");	/* no folder yet */
	assert_null(l[0]);
	strlist_free(l);
	assert_int_equal(composer_draft_save(root, "Drafts", NULL, "Subject: one\n\n1\n", 16,
					     &f1, &err), 0);
	assert_non_null(strstr(f1, "/mail/.Drafts/cur/"));
	assert_non_null(strstr(f1, ":2,DS"));	/* Maildir flags draft and seen */
	data = read_file(f1, &len);
	assert_memory_equal(data, "Subject: one\n\n1\n", 16);
	free(data);
	assert_int_equal(composer_draft_save(root, "Drafts", NULL, "Subject: two\n\n2\n", 16,
					     &f2, &err), 0);
	/* the older one a minute back, so the order does not rest on the clock */
	assert_int_equal(stat(f1, &st), 0);
	{
		struct timespec ts[2] = { { st.st_mtime - 60, 0 }, { st.st_mtime - 60, 0 } };
		assert_int_equal(utimensat(AT_FDCWD, f1, ts, 0), 0);
	}
	l = composer_draft_list(root, "Drafts");
	assert_int_equal(strlist_len(l), 2);
	assert_string_equal(l[0], f2);
	assert_string_equal(l[1], f1);
	strlist_free(l);
	assert_int_equal(composer_draft_remove(root, f1, &err), 0);
	assert_int_equal(access(f1, F_OK), -1);
	l = composer_draft_list(root, "Drafts");
	assert_int_equal(strlist_len(l), 1);
	strlist_free(l);
	/* the tmp file is gone once linked */
	data = xasprintf("%s/.Drafts/tmp", root);
	l = NULL;
	{
		char *cmd = xasprintf("test -z \"$(ls -A '%s')\"", data);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	free(data);
	assert_int_equal(composer_draft_save(root, "../x", NULL, "x\n", 2, &f1, &err), -1);
	free(f1);
	free(f2);
	free(root);
	buf_free(&err);
}

static void test_config(void **state)
{
	static const char text[] = "[global]\nuser = anna\ndomains = poczta.test, example.pl\n"
				   "hostname = mx.poczta.test\n";
	static const char text2[] = "[client]\nfrom = Anna <a@example.pl>\nalternates = b@x, c@y\n"
				    "editor = ed -s\nflowed = yes\nbind = y:compose-postpone, "
				    "m:reply\n";
	struct buf err = BUF_INIT;
	struct conf *c = conf_parse("t.conf", text, sizeof(text) - 1, poczta_conf_schema, &err);
	struct client_config cfg;
	struct compose_opts o;

	(void)state;
	assert_true(cfg_load(&cfg, c, &err));
	assert_string_equal(cfg.from, "anna@poczta.test");
	assert_string_equal(cfg.attribution, "On %d, %n wrote:");
	assert_string_equal(cfg.drafts, "Drafts");
	assert_null(cfg.editor);
	assert_false(cfg.flowed);
	assert_null(cfg.alternates[0]);
	composer_opts(&o, &cfg, "sig");
	assert_string_equal(o.from, "anna@poczta.test");
	assert_string_equal(o.hostname, "mx.poczta.test");
	assert_string_equal(o.signature, "sig");
	assert_true(o.now > 0);
	assert_int_equal(keys_lookup(&cfg.compose_keys, 'y'), ACT_C_SEND);
	assert_int_equal(keys_lookup(&cfg.compose_keys, 'P'), ACT_C_POSTPONE);
	assert_int_equal(keys_lookup(&cfg.keys, 'm'), ACT_COMPOSE);
	assert_int_equal(keys_lookup(&cfg.keys, 'r'), ACT_REPLY);
	assert_int_equal(keys_lookup(&cfg.keys, 'L'), ACT_LIST_REPLY);
	cfg_free(&cfg);
	conf_free(c);
	c = conf_parse("t.conf", text2, sizeof(text2) - 1, poczta_conf_schema, &err);
	assert_true(cfg_load(&cfg, c, &err));
	assert_string_equal(cfg.from, "Anna <a@example.pl>");
	assert_int_equal(strlist_len(cfg.alternates), 2);
	assert_string_equal(cfg.editor, "ed -s");
	assert_true(cfg.flowed);
	/* compose- actions bind in the compose screen's own keymap */
	assert_int_equal(keys_lookup(&cfg.compose_keys, 'y'), ACT_C_POSTPONE);
	assert_int_equal(keys_lookup(&cfg.keys, 'y'), ACT_NONE);
	assert_int_equal(keys_lookup(&cfg.keys, 'm'), ACT_REPLY);
	cfg_free(&cfg);
	conf_free(c);
	buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_editor_argv),
		cmocka_unit_test(test_tmp_and_run),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_drafts),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
