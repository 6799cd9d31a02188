/* test_smtpc.c - the relay client's parts that need no socket: replies
 * parsed line by line (multi-line, enhanced codes, broken ones), EHLO
 * keywords, and the message text encoder (CR LF, stray CR/LF, dots). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "smtpc_int.h"

/* feed - lines (NUL-separated, ending with an empty one) into r; the
 * number of lines taken before the parser said "complete" */
static int feed(struct smtpc_reply *r, const char *lines)
{
	int n = 0;

	smtpc_reply_reset(r);
	while (*lines) {
		n++;
		if (!smtpc_reply_line(r, lines, strlen(lines)))
			break;
		lines += strlen(lines) + 1;
	}
	return n;
}

static void test_reply_single_and_multi(void **state)
{
	struct smtpc_reply r = { 0 };

	assert_int_equal(feed(&r, "250 2.1.0 Ok\0"), 1);
	assert_int_equal(r.code, 250);
	assert_string_equal(r.enh, "2.1.0");
	assert_string_equal(buf_cstr(&r.text), "2.1.0 Ok");
	assert_int_equal(feed(&r, "250-mx.example\0" "250-PIPELINING\0" "250 SIZE 1000\0"), 3);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.nlines, 3);
	assert_string_equal(r.enh, "");
	assert_int_equal(feed(&r, "354\0"), 1);	/* no text at all */
	assert_int_equal(r.code, 354);
	smtpc_reply_free(&r);
}

static void test_reply_bad(void **state)
{
	static const char *const bad[] = {
		"25\0", "2500 x\0", "abc ok\0", "650 x\0", "150 x\0", "250_x\0",
		"250-a\0" "251 b\0",	/* codes differ between lines */
	};
	struct smtpc_reply r = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed(&r, bad[i]);
		assert_int_equal(r.err, SMTPC_R_BAD);
		assert_int_equal(r.code, 0);
	}
	smtpc_reply_free(&r);
}

/* An enhanced code counts only with the reply's class and the right shape. */
static void test_reply_enhanced(void **state)
{
	static const struct { const char *line, *enh; } t[] = {
		{ "550 5.1.1 no such user", "5.1.1" }, { "550 5.1.10", "5.1.10" },
		{ "550 4.1.1 wrong class", "" }, { "550 5.1 short", "" },
		{ "550 5.1.1234 long", "" }, { "451 4.7.1Greylisted", "" },
		{ "550 5.12.345 ok", "5.12.345" },
	};
	struct smtpc_reply r = { 0 };
	struct dsn d;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		smtpc_reply_reset(&r);
		smtpc_reply_line(&r, t[i].line, strlen(t[i].line));
		assert_string_equal(r.enh, t[i].enh);
	}
	smtpc_reply_dsn(&r, "mx.example", "RCPT TO", &d);
	assert_int_equal(d.status, DSN_PERMFAIL);
	assert_string_equal(d.code, "5.12.345");
	assert_string_equal(d.text, "host mx.example said: 550 5.12.345 ok (in reply to RCPT TO)");
	smtpc_reply_free(&r);
}

static void test_reply_dsn(void **state)
{
	struct smtpc_reply r = { 0 };
	struct dsn d;

	feed(&r, "452-4.2.2 mailbox\0" "452 4.2.2 full\x01\0");
	smtpc_reply_dsn(&r, "h", "RCPT TO", &d);
	assert_int_equal(d.status, DSN_TEMPFAIL);
	assert_string_equal(d.code, "4.2.2");
	assert_string_equal(d.text, "host h said: 452 4.2.2 mailbox 4.2.2 full? (in reply to RCPT TO)");
	feed(&r, "554 go away\0");
	smtpc_reply_dsn(&r, "h", NULL, &d);
	assert_string_equal(d.code, "5.0.0");
	smtpc_reply_reset(&r);
	r.err = SMTPC_R_TIMEOUT;
	smtpc_reply_dsn(&r, "h", "DATA", &d);
	assert_int_equal(d.status, DSN_TEMPFAIL);
	assert_string_equal(d.code, "4.4.2");
	assert_string_equal(d.text, "timeout talking to h DATA");
	smtpc_reply_free(&r);
}

static void test_ehlo_parse(void **state)
{
	struct smtpc_reply r = { 0 };
	unsigned long max = 99;
	unsigned ext;

	feed(&r, "250-mx.example hello\0" "250-pipelining\0" "250-SIZE 10240000\0"
	     "250-AUTH=LOGIN\0" "250-AUTH CRAM-MD5 PLAIN\0" "250-8BITMIME\0"
	     "250-STARTTLSX\0" "250 ENHANCEDSTATUSCODES\0");
	ext = smtpc_ehlo_parse(&r, &max);
	assert_true(ext & SMTPC_EXT_ESMTP);
	assert_true(ext & SMTPC_EXT_PIPELINING);
	assert_true(ext & SMTPC_EXT_SIZE);
	assert_int_equal(max, 10240000);
	assert_true(ext & SMTPC_EXT_AUTH_LOGIN);
	assert_true(ext & SMTPC_EXT_AUTH_PLAIN);
	assert_true(ext & SMTPC_EXT_8BITMIME);
	assert_false(ext & SMTPC_EXT_STARTTLS);	/* STARTTLSX is not STARTTLS */
	assert_true(ext & SMTPC_EXT_ENHANCED);
	/* the server's name on the first line is not a keyword */
	feed(&r, "250 STARTTLS\0");
	assert_false(smtpc_ehlo_parse(&r, &max) & SMTPC_EXT_STARTTLS);
	smtpc_reply_free(&r);
}

/* encode - the wire form of in, fed in pieces of step bytes */
static char *encode(const char *in, size_t step, struct smtpc_enc *e)
{
	struct buf out = BUF_INIT;
	size_t i, n = strlen(in);

	smtpc_enc_init(e);
	for (i = 0; i < n; i += step)
		smtpc_enc_feed(e, (const unsigned char *)in + i, n - i < step ? n - i : step, &out);
	smtpc_enc_end(e, &out);
	return buf_detach(&out);
}

static void test_encoder(void **state)
{
	static const struct { const char *in, *out; unsigned long long size; } t[] = {
		{ "", ".\r\n", 0 },
		{ "a\nb\n", "a\r\nb\r\n.\r\n", 6 },
		{ "no end", "no end\r\n.\r\n", 8 },
		{ ".x\n..y\n.\n", "..x\r\n...y\r\n..\r\n.\r\n", 12 },
		{ "a\rb\r\nc\n\rd", "a\r\nb\r\nc\r\n\r\nd\r\n.\r\n", 14 },
		{ "x\r", "x\r\n.\r\n", 3 },
		{ "\r.\r", "\r\n..\r\n.\r\n", 5 },
		{ "smuggle\n.\nMAIL FROM:<e>\n", "smuggle\r\n..\r\nMAIL FROM:<e>\r\n.\r\n", 27 },
		{ "a\n\n", "a\r\n\r\n.\r\n", 5 },
	};
	size_t i, step;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (step = 1; step <= 4; step++) {
			struct smtpc_enc e;
			char *out = encode(t[i].in, step, &e);
			assert_string_equal(out, t[i].out);
			assert_int_equal(e.size, t[i].size);
			assert_false(e.eightbit);
			free(out);
		}
}

static void test_scan(void **state)
{
	char path[] = "/tmp/test_smtpc.XXXXXX";
	int fd = mkstemp(path);
	struct smtpc_enc e;

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, "caf\xc3\xa9\n", 6), 6);
	assert_int_equal(smtpc_data_scan(fd, &e), 0);
	assert_true(e.eightbit);
	assert_int_equal(e.size, 7);
	close(fd);
	assert_int_equal(smtpc_data_scan(fd, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_single_and_multi),
		cmocka_unit_test(test_reply_bad),
		cmocka_unit_test(test_reply_enhanced),
		cmocka_unit_test(test_reply_dsn),
		cmocka_unit_test(test_ehlo_parse),
		cmocka_unit_test(test_encoder),
		cmocka_unit_test(test_scan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
