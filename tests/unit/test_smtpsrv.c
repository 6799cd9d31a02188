/* test_smtpsrv.c - the submission header fix-ups of lib/smtpsrv_submit.c
 * (RFC 6409 8) and the end of the header section, without a socket; and
 * the reply code a dsn can carry (553 for a sender refused). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"
#include "dsn.h"
#include "smtpsrv.h"

/* only_alice - the sender check: alice's addresses are alice@a.test and
 * alice@b.test */
static bool only_alice(void *ctx, const char *user, const char *addr)
{
	(void)ctx;
	return strcmp(user, "alice") == 0 &&
	       (strcmp(addr, "alice@a.test") == 0 || strcmp(addr, "alice@b.test") == 0);
}

static const struct smtpsrv_fixup fx = { "msa.test", "alice", "alice@a.test", only_alice, NULL };

/* fixup - run the fix-ups on text; its return, the output in out */
static int fixup(const char *text, struct buf *out, struct dsn *d)
{
	buf_reset(out);
	return smtpsrv_fixup_header(&fx, text, strlen(text), out, d);
}

static void test_header_end(void **state)
{
	static const struct { const char *text; size_t from, end; } cases[] = {
		{ "Subject: x\n\nbody\n", 0, 12 },
		{ "Subject: x\n\nbody\n", 11, 12 },	/* resumed right at the LF */
		{ "\nbody\n", 0, 1 },			/* no header fields */
		{ "Subject: x\n", 0, 0 },		/* not yet */
		{ "Subject: x\n Folded\nTo: y\n\n", 0, 26 },
		{ "", 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(smtpsrv_header_end(cases[i].text, strlen(cases[i].text),
						    cases[i].from), cases[i].end);
}

static void test_adds_date_and_msgid(void **state)
{
	struct buf out = BUF_INIT;
	struct dsn d;

	(void)state;
	assert_int_equal(fixup("From: alice@a.test\nSubject: s\n\n", &out, &d), 0);
	assert_non_null(strstr(buf_cstr(&out), "\nDate: "));
	assert_non_null(strstr(buf_cstr(&out), "\nMessage-ID: <"));
	assert_non_null(strstr(buf_cstr(&out), "@msa.test>\n\n"));	/* before the empty line */
	assert_true(strncmp(buf_cstr(&out), "From: alice@a.test\nSubject: s\n", 30) == 0);
	buf_free(&out);
}

static void test_keeps_what_is_there(void **state)
{
	const char *text = "From: Alice <alice@a.test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n"
			   "message-id : <x@y>\nSubject: s\n\n";
	struct buf out = BUF_INIT;
	struct dsn d;

	(void)state;
	assert_int_equal(fixup(text, &out, &d), 0);
	assert_string_equal(buf_cstr(&out), text);
	buf_free(&out);
}

static void test_adds_from(void **state)
{
	struct buf out = BUF_INIT;
	struct dsn d;

	(void)state;
	assert_int_equal(fixup("Subject: s\n\n", &out, &d), 0);
	assert_non_null(strstr(buf_cstr(&out), "\nFrom: <alice@a.test>\n"));
	/* header fields only, no empty line and no body */
	assert_int_equal(fixup("Subject: s", &out, &d), 0);
	assert_true(strncmp(buf_cstr(&out), "Subject: s\nFrom: <alice@a.test>\n", 32) == 0);
	buf_free(&out);
}

static void test_refuses_other_authors(void **state)
{
	static const char *const bad[] = {
		"From: Bob <bob@a.test>\n\n",
		"From: alice@a.test, bob@a.test\nSender: alice@a.test\n\n",
		"From: alice@a.test\nSender: bob@a.test\n\n",
		"FROM:\n  \"Bob, B.\" <bob@a.test>\n\n",	/* folded, quoted */
	};
	struct buf out = BUF_INIT;
	struct dsn d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fixup(bad[i], &out, &d), -1);
		assert_int_equal(d.status, DSN_PERMFAIL);
		assert_string_equal(d.code, "5.7.1");
		assert_int_equal(dsn_smtp_code(&d), 553);
		assert_non_null(strstr(d.text, "<bob@a.test>"));
	}
	assert_int_equal(fixup("From: A <alice@a.test>, alice@b.test\nSender: alice@a.test\n\n",
			       &out, &d), 0);
	buf_free(&out);
}

static void test_unreadable_from(void **state)
{
	struct buf out = BUF_INIT;
	struct dsn d;

	(void)state;
	assert_int_equal(fixup("From: <<<\n\n", &out, &d), -1);
	assert_string_equal(d.code, "5.6.0");
	assert_int_equal(fixup("From: alice@a.test junk (\n\n", &out, &d), -1);
	assert_string_equal(d.code, "5.6.0");
	assert_int_equal(fixup("From: alice\n\n", &out, &d), -1);	/* no domain */
	assert_string_equal(d.code, "5.6.0");
	buf_free(&out);
}

static void test_dsn_reply(void **state)
{
	struct dsn d;

	(void)state;
	dsn_set(&d, DSN_PERMFAIL, "5.7.1", "x");
	assert_int_equal(dsn_smtp_code(&d), 554);
	d.reply = 553;
	assert_int_equal(dsn_smtp_code(&d), 553);
	d.reply = 451;		/* of another class than the status: ignored */
	assert_int_equal(dsn_smtp_code(&d), 554);
	dsn_set(&d, DSN_PERMFAIL, "5.7.1", "x");	/* the setters reset it */
	assert_int_equal(d.reply, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_end),
		cmocka_unit_test(test_adds_date_and_msgid),
		cmocka_unit_test(test_keeps_what_is_there),
		cmocka_unit_test(test_adds_from),
		cmocka_unit_test(test_refuses_other_authors),
		cmocka_unit_test(test_unreadable_from),
		cmocka_unit_test(test_dsn_reply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
