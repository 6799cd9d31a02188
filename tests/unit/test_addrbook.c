/* test_addrbook.c - lib/addrbook on a small notmuch index made here (the
 * Maildir written, then indexed as poczta-mda's indexer does) and an
 * aliases file: prefixes of names and addresses, case and UTF-8, most
 * used first, aliases first of all. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "addrbook.h"
#include "index.h"
#include "strlist.h"
#include "xalloc.h"

static char *root, *aliases;

/* put - message n in root/cur with From, To and Cc as given */
static void put(int n, const char *from, const char *to, const char *cc)
{
	char *path = xasprintf("%s/cur/%d.test:2,S", root, n);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "From: %s\nTo: %s\n%s%s%sSubject: m%d\nDate: Mon, %d Nov 2023 10:00:00 +0000\n"
		"Message-ID: <m%d@test>\n\nbody\n", from, to, cc ? "Cc: " : "", cc ? cc : "",
		cc ? "\n" : "", n, 1 + n % 28, n);
	fclose(f);
	free(path);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/poczta-addrbook-XXXXXX";
	struct buf err = BUF_INIT;
	char **tags = strlist_split("inbox", ",");
	int r;

	root = xstrdup(mkdtemp(tmpl));
	for (const char *d = "cur\0new\0tmp\0"; *d; d += 4) {
		char *p = xasprintf("%s/%s", root, d);
		mkdir(p, 0700);
		free(p);
	}
	put(1, "=?utf-8?q?Pawe=C5=82_=C5=81o=C5=9B?= <pawel@example.pl>", "ann@example.org", NULL);
	put(2, "\"Doe, John\" <john@x.example>", "ann@example.org", "Jane Roe <jane@x.example>");
	put(3, "Ann <ann@example.org>", "\"Doe, John\" <john@x.example>", NULL);
	put(4, "Ann <ann@example.org>", "john@x.example, =?utf-8?b?0JbQvtGA0LA=?= <zhora@example.ru>",
	    NULL);
	put(5, "Åsa Öst <asa@example.se>", "Team: ann@example.org, jo@y.example;", NULL);
	put(6, "Joanna <joanna@z.example>", "ann@example.org", NULL);
	r = index_rescan(root, tags, &err) == 6 ? 0 : -1;
	if (r)
		fprintf(stderr, "index_rescan: %s\n", buf_cstr(&err));
	aliases = xasprintf("%s/aliases", root);
	FILE *f = fopen(aliases, "w");
	fprintf(f, "# local aliases\njoint: ann, john@x.example\npostmaster: root\n"
		"team: ann,\n  jo@y.example\n");
	fclose(f);
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
	x_free(&aliases);
	return r == 0 ? 0 : -1;
}

/* expect - the completion of prefix is exactly exp (NULL-terminated) */
static void expect(const char *db, const char *al, const char *prefix, size_t max,
		   const char *const *exp)
{
	char **got = addrbook_complete(db, al, prefix, max);
	size_t i;

	for (i = 0; got[i] && exp[i]; i++) {
		if (strcmp(got[i], exp[i]) != 0)
			print_error("%s: %zu: got '%s', expected '%s'\n", prefix, i, got[i], exp[i]);
		assert_string_equal(got[i], exp[i]);
	}
	if (got[i] || exp[i])
		print_error("%s: got '%s', expected '%s'\n", prefix, got[i] ? got[i] : "(end)",
			    exp[i] ? exp[i] : "(end)");
	assert_null(got[i]);
	assert_null(exp[i]);
	addrbook_free(got);
}

static void test_names_and_addresses(void **state)
{
	/* john is in three messages, Joanna and jo in one each; the alias
	 * "joint" comes first of all */
	expect(root, aliases, "jo", 10, (const char *const[]){ "joint", "\"Doe, John\" <john@x.example>",
		"Joanna <joanna@z.example>", "jo@y.example", NULL });
	/* a word of the name, any case */
	expect(root, NULL, "DOE", 10, (const char *const[]){ "\"Doe, John\" <john@x.example>", NULL });
	expect(root, NULL, "roe", 10, (const char *const[]){ "Jane Roe <jane@x.example>", NULL });
	/* UTF-8 names, folded: Łoś, Жора, Öst */
	expect(root, NULL, "łoś", 10, (const char *const[]){ "Paweł Łoś <pawel@example.pl>", NULL });
	expect(root, NULL, "ŁOŚ", 10, (const char *const[]){ "Paweł Łoś <pawel@example.pl>", NULL });
	expect(root, NULL, "жор", 10, (const char *const[]){ "Жора <zhora@example.ru>", NULL });
	expect(root, NULL, "öst", 10, (const char *const[]){ "Åsa Öst <asa@example.se>", NULL });
	/* more than the prefix's first word: filtered after the search */
	expect(root, NULL, "john@x", 10, (const char *const[]){ "\"Doe, John\" <john@x.example>", NULL });
	expect(root, NULL, "nobody", 10, (const char *const[]){ NULL });
}

static void test_max_and_sources(void **state)
{
	expect(root, aliases, "jo", 2, (const char *const[]){ "joint", "\"Doe, John\" <john@x.example>", NULL });
	expect(NULL, aliases, "t", 10, (const char *const[]){ "team", NULL });
	expect(NULL, NULL, "jo", 10, (const char *const[]){ NULL });
	/* an index or aliases file that is not there gives nothing, not an error */
	expect("/nonexistent", "/nonexistent/aliases", "jo", 10, (const char *const[]){ NULL });
	/* the empty prefix: everything, most used first (Ann, in five) */
	char **all = addrbook_complete(root, NULL, "", 100);
	assert_true(strlist_len(all) == 8);
	/* the name from the message that has one */
	assert_string_equal(all[0], "Ann <ann@example.org>");
	addrbook_free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_addresses),
		cmocka_unit_test(test_max_and_sources),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
