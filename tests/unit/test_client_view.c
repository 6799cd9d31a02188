/* test_client_view.c - what the client's screens are built from, with no
 * terminal: widths of wide characters and emoji, the key table and its
 * bindings, the [client] settings and saved searches, the demo's mail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../client/config.h"
#include "../../client/demo.h"
#include "../../client/keys.h"
#include "../../client/text.h"
#include "conf.h"
#include "xalloc.h"

static void test_width(void **state)
{
	struct buf b = BUF_INIT;

	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("zażółć"), 6);
	assert_int_equal(text_width("日本語"), 6);	/* wide: two columns each */
	assert_int_equal(text_width("a\xf0\x9f\x98\x80" "b"), 4);	/* an emoji is wide */
	assert_int_equal(text_fit(&b, "日本語", 5, 1), 5);	/* a wide char is never cut */
	assert_string_equal(buf_cstr(&b), "日本 ");
	buf_reset(&b);
	assert_int_equal(text_fit(&b, "bad\xff\x01x", 10, 0), 6);
	assert_string_equal(buf_cstr(&b), "bad??x");	/* invalid and control bytes */
	buf_reset(&b);
	text_fit(&b, "Привет", 3, 0);
	assert_string_equal(buf_cstr(&b), "При");
	assert_string_equal(text_skip("日本語", 2), "本語");
	buf_free(&b);
}

static void test_date(void **state)
{
	char d[32];
	long long now = 1700000000;	/* 2023-11-14 */

	setenv("TZ", "UTC", 1);
	text_date(d, sizeof(d), now - 60, now);
	assert_string_equal(d, "22:12");
	text_date(d, sizeof(d), now - 40 * 86400, now);
	assert_string_equal(d, "Oct 05");
	text_date(d, sizeof(d), now - 400 * 86400, now);
	assert_string_equal(d, "2022-10-10");
}

static void test_keys(void **state)
{
	struct keys k;
	struct buf b = BUF_INIT;

	keys_init(&k);
	assert_int_equal(keys_lookup(&k, 'j'), ACT_DOWN);
	assert_int_equal(keys_lookup(&k, KEYS_DOWN), ACT_DOWN);
	assert_int_equal(keys_lookup(&k, '\r'), ACT_OPEN);
	assert_int_equal(keys_lookup(&k, '/'), ACT_SEARCH);
	assert_int_equal(keys_lookup(&k, '\t'), ACT_FOCUS);
	assert_int_equal(keys_lookup(&k, 'x'), ACT_NONE);
	assert_true(keys_bind(&k, "x:quit", &b));
	assert_true(keys_bind(&k, "^D:page-down", &b));
	assert_true(keys_bind(&k, "j:none", &b));
	assert_true(keys_bind(&k, "ł:down", &b));	/* any character */
	assert_int_equal(keys_lookup(&k, 'x'), ACT_QUIT);
	assert_int_equal(keys_lookup(&k, 4), ACT_PAGE_DOWN);
	assert_int_equal(keys_lookup(&k, 'j'), ACT_NONE);
	assert_int_equal(keys_lookup(&k, L'ł'), ACT_DOWN);
	assert_false(keys_bind(&k, "x:fly", &b));
	assert_false(keys_bind(&k, "Nokey:quit", &b));
	assert_false(keys_bind(&k, "quit", &b));
	keys_of(&k, ACT_DOWN, &b);
	assert_non_null(strstr(buf_cstr(&b), "Down, ł"));
	buf_reset(&b);
	keys_of(&k, ACT_PAGE_DOWN, &b);
	assert_string_equal(buf_cstr(&b), "PageDown, Space, ^D");
	buf_free(&b);
}

static void test_config(void **state)
{
	static const char text[] =
		"[client]\nview = messages\nsort = oldest\nmaildir = /srv/mail\n"
		"bind = x:quit, G:last\ncolor = selected:black/cyan, quote:green/default\n"
		"headers = Subject, From\n"
		"[search urgent]\nquery = tag:urgent and tag:unread\n";
	static const char bad[] = "[client]\nbind = x:fly\ncolor = bold:red/blue\n";
	struct buf err = BUF_INIT;
	struct conf *c = conf_parse("t.conf", text, sizeof(text) - 1, poczta_conf_schema, &err);
	struct client_config cfg;

	assert_non_null(c);
	assert_int_equal(conf_error_count(c), 0);
	assert_true(cfg_load(&cfg, c, &err));
	assert_false(cfg.threads);
	assert_true(cfg.oldest_first);
	assert_string_equal(cfg.maildir, "/srv/mail");
	assert_int_equal(keys_lookup(&cfg.keys, 'G'), ACT_LAST);
	assert_int_equal(cfg.colors[COL_SELECTED].fg, 0);
	assert_int_equal(cfg.colors[COL_SELECTED].bg, 6);
	assert_int_equal(cfg.colors[COL_QUOTE].bg, -1);
	assert_string_equal(cfg.headers[0], "Subject");
	assert_int_equal(cfg.nsearches, 1);
	assert_string_equal(cfg.searches[0].name, "urgent");
	assert_string_equal(cfg.searches[0].query, "tag:urgent and tag:unread");
	cfg_free(&cfg);
	conf_free(c);

	c = conf_parse("t.conf", bad, strlen(bad), poczta_conf_schema, &err);
	assert_false(cfg_load(&cfg, c, &err));
	assert_non_null(strstr(buf_cstr(&err), "t.conf:2: bind: \"x:fly\": unknown action"));
	assert_non_null(strstr(buf_cstr(&err), "t.conf:3: color: \"bold:red/blue\": unknown element"));
	assert_int_equal(cfg.nsearches, 3);	/* inbox, unread, flagged */
	cfg_free(&cfg);
	conf_free(c);
	buf_free(&err);
}

static void test_demo_mail(void **state)
{
	struct demo_message *m;
	size_t n = demo_mail(&m, 1700000000), i, threads = 0, mime = 0, words = 0;

	assert_true(n >= 30);
	for (i = 0; i < n; i++) {
		const char *t = m[i].text.data;
		threads += strstr(t, "\nIn-Reply-To: <demo-") != NULL;
		mime += strstr(t, "multipart/") != NULL;
		words += strstr(t, "=?ISO-8859-2?Q?") || strstr(t, "=?KOI8-R?B?");
	}
	assert_true(threads >= 3);
	assert_true(mime >= 2);
	assert_int_equal(words, 2);
	demo_mail_free(m, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_demo_mail),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
