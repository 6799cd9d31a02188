/* test_mra_url.c - account URLs (lib/mra_url.c): a table of good ones with
 * what they give, and of bad ones, hostile included. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"
#include "mra_url.h"

struct good {
	const char *url, *type, *tls, *user, *host, *port, *folders;
};

static const struct good goods[] = {
	{ "imap://me@mail.example.org", "imap", "starttls", "me", "mail.example.org", NULL, NULL },
	{ "imaps://me@mail.example.org:10993/INBOX", "imap", "implicit", "me", "mail.example.org",
	  "10993", "INBOX" },
	{ "imap://me@127.0.0.1:1143/INBOX,Lists/ietf?tls=none", "imap", "none", "me", "127.0.0.1",
	  "1143", "INBOX,Lists/ietf" },
	{ "imaps://me@h/INBOX?tls=starttls", "imap", "starttls", "me", "h", NULL, "INBOX" },
	{ "pop3://anna%40example.org@pop.example.org", "pop3", "starttls", "anna@example.org",
	  "pop.example.org", NULL, NULL },
	{ "pop3s://x@[::1]:995", "pop3", "implicit", "x", "::1", "995", NULL },
	{ "imaps://x@[2001:db8::1]", "imap", "implicit", "x", "2001:db8::1", NULL, NULL },
	{ "imap://me@h/Gel%C3%A9e", "imap", "starttls", "me", "h", NULL, "Gel\xc3\xa9" "e" },
};

static const char *const bads[] = {
	"http://me@h", "imap://h", "imap://@h", "imap://me@", "imap://me@h:0", "imap://me@h:65536",
	"imap://me@h:12a", "imap://me@h:", "pop3://me@h/INBOX", "imap://me@h?tls=maybe",
	"imap://me@h/INBOX?x=1", "imap://me%0a@h", "imap://me%4@h", "imap://me%@h",
	"imap://me@h%20x", "imap://me@h/IN%00BOX", "imap://me@ho st", "imaps:/me@h", "", "imap://me@[::1", "imap://me@[::1]x",
	"imap://me@[::1]:", "imap://me@h:000000000143", "imap://me@h/%ZZ",
};

static void test_good(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		struct mra_url u;
		struct buf err = BUF_INIT;
		bool ok = mra_url_parse(g->url, &u, &err);
		if (!ok)
			fail_msg("%s: %s", g->url, buf_cstr(&err));
		assert_string_equal(u.type, g->type);
		assert_string_equal(u.tls, g->tls);
		assert_string_equal(u.user, g->user);
		assert_string_equal(u.host, g->host);
		if (g->port)
			assert_string_equal(u.port, g->port);
		else
			assert_null(u.port);
		if (g->folders)
			assert_string_equal(u.folders, g->folders);
		else
			assert_null(u.folders);
		mra_url_free(&u);
		buf_free(&err);
	}
}

static void test_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct mra_url u;
		struct buf err = BUF_INIT;
		if (mra_url_parse(bads[i], &u, &err))
			fail_msg("accepted: \"%s\"", bads[i]);
		assert_true(err.len > 0);
		mra_url_free(&u);
		buf_free(&err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
