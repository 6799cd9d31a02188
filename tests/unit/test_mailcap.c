/* test_mailcap.c - lib/mailcap: RFC 1524 syntax, lookup by type, the
 * substitution rules that keep message data away from a shell, and
 * running a program with argv under a time limit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "buf.h"
#include "fsutil.h"
#include "mailcap.h"
#include "xalloc.h"

/* RFC 1524 syntax: comments, continuations, "\;", flags */
static void test_mailcap_parse(void **state)
{
	const char *text = "# comment\n\n"
		"Text/HTML; w3m -dump \\\n  -T text/html %s; copiousoutput;\\\n nametemplate=%s.html\n"
		"text/x-a; echo a\\;b %s ; needsterminal ; test=test -n \"$DISPLAY\"\r\n"
		"broken line without a command\n";
	struct mailcap mc = { 0 };
	const struct mailcap_entry *e;

	mailcap_parse(&mc, text, strlen(text));
	assert_int_equal(mc.n, 2);
	e = &mc.entries[0];
	assert_string_equal(e->type, "text/html");
	assert_string_equal(e->view, "w3m -dump   -T text/html %s");
	assert_true(e->copiousoutput);
	assert_false(e->needsterminal);
	assert_string_equal(e->nametemplate, "%s.html");
	e = &mc.entries[1];
	assert_string_equal(e->view, "echo a;b %s");
	assert_true(e->needsterminal);
	assert_string_equal(e->test, "test -n \"$DISPLAY\"");
	assert_ptr_equal(mailcap_find(&mc, "text/html", true, false), &mc.entries[0]);
	assert_null(mailcap_find(&mc, "text/x-a", false, false));
	assert_null(mailcap_find(&mc, "text/x-a", true, true));
	free(mc.entries[0].type); free(mc.entries[0].view); free(mc.entries[0].nametemplate);
	free(mc.entries[1].type); free(mc.entries[1].view); free(mc.entries[1].test);
	free(mc.entries);
}

/* words as sh splits them, with substitutions inside; shell syntax refused */
static void test_mailcap_argv(void **state)
{
	static const char *const params[] = { "charset", "utf-8", "name", "a;b", NULL };
	char **a;
	bool has_file;

	a = mailcap_argv("w3m -I %{charset} 'a b' \"c d\" e\\ f -T %t %s", "text/html",
			 "/tmp/x y", params, &has_file);
	assert_non_null(a);
	assert_true(has_file);
	assert_string_equal(a[0], "w3m");
	assert_string_equal(a[2], "utf-8");
	assert_string_equal(a[3], "a b");
	assert_string_equal(a[4], "c d");
	assert_string_equal(a[5], "e f");
	assert_string_equal(a[7], "text/html");
	assert_string_equal(a[8], "/tmp/x y");
	assert_null(a[9]);
	mailcap_argv_free(a);
	a = mailcap_argv("lynx -dump", "text/html", "/tmp/x", NULL, &has_file);
	assert_non_null(a);
	assert_false(has_file);
	mailcap_argv_free(a);
	assert_null(mailcap_argv("cat %s | less", "text/html", "/tmp/x", NULL, NULL));
	assert_null(mailcap_argv("cat %s; rm x", "text/html", "/tmp/x", NULL, NULL));
	assert_null(mailcap_argv("cat \"$HOME\"", "text/html", "/tmp/x", NULL, NULL));
	assert_null(mailcap_argv("cat 'x", "text/html", "/tmp/x", NULL, NULL));
	assert_null(mailcap_argv("show %{name} %s", "text/html", "/tmp/x", params, NULL));
	assert_null(mailcap_argv("show %{none} %s", "text/html", "/tmp/x", params, NULL));
	assert_null(mailcap_argv("show %F", "text/html", "/tmp/x", params, NULL));
	assert_null(mailcap_argv("", "text/html", "/tmp/x", params, NULL));
}

/* "text" and the wildcard subtype match any text type; the first entry
 * wins; files of the list that are missing are skipped */
static void test_mailcap_find(void **state)
{
	char path[] = "/tmp/test_mailcap.XXXXXX";
	const char *text = "text/plain; first %s\ntext/*; second %s; copiousoutput\n"
		"text; third %s\nimage/png; ok %s; test=true\nimage/png; no %s\n"
		"image/gif; no %s; test=false\n";
	const struct mailcap_entry *e;
	struct mailcap *mc;
	char *list;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, text, strlen(text)), 0);
	close(fd);
	list = xasprintf("/nonexistent/mailcap:%s", path);
	mc = mailcap_load(list);
	assert_int_equal(mc->n, 6);
	assert_string_equal(mailcap_find(mc, "text/plain", false, true)->view, "first %s");
	assert_string_equal(mailcap_find(mc, "text/plain", true, true)->view, "second %s");
	assert_string_equal(mailcap_find(mc, "text/x-diff", false, true)->view, "second %s");
	assert_null(mailcap_find(mc, "textual/x", false, true));
	e = mailcap_find(mc, "image/png", false, true);
	assert_string_equal(e->view, "ok %s");
	assert_string_equal(mailcap_find(mc, "image/png", false, false)->view, "no %s");
	assert_null(mailcap_find(mc, "image/gif", false, true));
	mailcap_free(mc);
	unlink(path);
	free(list);
}

/* a program's output captured; a hanging one killed at the time limit */
static void test_mailcap_run(void **state)
{
	char *const echo[] = { "echo", "a b", NULL };
	char *const cat[] = { "cat", NULL };
	char *const sleeper[] = { "sleep", "30", NULL };
	char *const missing[] = { "/nonexistent/program", NULL };
	struct buf out = BUF_INIT;

	assert_int_equal(mailcap_run(echo, "/dev/null", 1024, 10000, &out), 0);
	assert_string_equal(buf_cstr(&out), "a b\n");
	buf_reset(&out);
	assert_int_equal(mailcap_run(cat, "tests/unit/mimeview/render.sh", 10, 10000, &out), -1);
	assert_int_equal(out.len, 10);
	buf_reset(&out);
	assert_int_equal(mailcap_run(sleeper, "/dev/null", 1024, 200, &out), -1);
	assert_int_equal(mailcap_run(missing, "/dev/null", 1024, 10000, &out), -1);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mailcap_parse),
		cmocka_unit_test(test_mailcap_argv),
		cmocka_unit_test(test_mailcap_find),
		cmocka_unit_test(test_mailcap_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
