/* test_mra_msg.c - lib/mra_msg.c: Return-Path and Message-ID read from a
 * fetched message (hostile ones included), and DATA dot-stuffing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"
#include "mra_msg.h"
#include "rfc5322.h"

static char *rp(const char *msg, size_t *start, size_t *end)
{
	return mra_msg_return_path(msg, rfc5322_header_end(msg, strlen(msg)), start, end);
}

static void test_return_path(void **state)
{
	const char *m1 = "From: a\r\nReturn-Path: <s@example.org>\r\nSubject: x\r\n\r\nReturn-Path: <no@x>\r\n";
	const char *m2 = "Return-Path:\n <folded@example.org>\nTo: b\n\nbody\n";
	const char *m3 = "Subject: x\n\nReturn-Path: <in-body@x>\n";
	size_t s = 0, e = 0;
	char *a;

	(void)state;
	a = rp(m1, &s, &e);
	assert_string_equal(a, "s@example.org");
	assert_memory_equal(m1 + s, "Return-Path:", 12);
	assert_memory_equal(m1 + e, "Subject:", 8);
	free(a);
	a = rp(m2, &s, &e);
	assert_string_equal(a, "folded@example.org");
	assert_int_equal(s, 0);
	assert_memory_equal(m2 + e, "To: b", 5);
	free(a);
	assert_null(rp(m3, &s, &e));
	assert_null(rp("Return-Path: <unterminated\n\n", &s, &e));
	assert_null(rp("Return-Path: nobrackets\n\n", &s, &e));
	a = rp("Return-Path: <>\n\n", &s, &e);
	assert_string_equal(a, "");
	free(a);
	assert_null(rp("", &s, &e));
}

static void test_message_id(void **state)
{
	char *id;

	(void)state;
	id = mra_msg_message_id("Subject: x\r\nMessage-ID:   <a.b@c>  \r\n\r\nbody", 40);
	assert_string_equal(id, "<a.b@c>");
	free(id);
	id = mra_msg_message_id("message-id: <low@case>\n\n", 25);
	assert_string_equal(id, "<low@case>");
	free(id);
	assert_null(mra_msg_message_id("Subject: x\n\nMessage-ID: <body@x>\n", 34));
	assert_null(mra_msg_message_id("Message-ID: <a b@x>\n\n", 21));	/* a space inside */
	assert_null(mra_msg_message_id("Message-ID: <a\x01@x>\n\n", 21));
	assert_null(mra_msg_message_id("Message-ID:\n\n", 13));
	assert_null(mra_msg_message_id("Message-ID: <x@y>", 11));	/* cut short */
}

static void test_dotstuff(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	mra_msg_dotstuff(&b, ".a\n..b\r\nc\n.\n", 12);
	assert_string_equal(b.data, "..a\r\n...b\r\nc\r\n..\r\n.\r\n");
	buf_reset(&b);
	mra_msg_dotstuff(&b, "no newline at end", 17);
	assert_string_equal(b.data, "no newline at end\r\n.\r\n");
	buf_reset(&b);
	mra_msg_dotstuff(&b, "", 0);
	assert_string_equal(b.data, ".\r\n");
	buf_reset(&b);
	mra_msg_dotstuff(&b, "bare\rcr\n\n", 9);	/* a stray CR ends a line */
	assert_string_equal(b.data, "bare\r\ncr\r\n\r\n.\r\n");
	buf_free(&b);
}

/* the BDAT form: the same line ends, the dots left alone, no "." line */
static void test_crlf(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	mra_msg_crlf(&b, ".a\n..b\r\nc\n.\n", 12);
	assert_int_equal(b.len, 15);
	assert_memory_equal(b.data, ".a\r\n..b\r\nc\r\n.\r\n", 15);
	buf_reset(&b);
	mra_msg_crlf(&b, "bare\rcr\nend", 11);
	assert_int_equal(b.len, 15);
	assert_memory_equal(b.data, "bare\r\ncr\r\nend\r\n", 15);
	buf_reset(&b);
	mra_msg_crlf(&b, "", 0);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_return_path),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_dotstuff),
		cmocka_unit_test(test_crlf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
