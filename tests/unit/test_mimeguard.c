/* test_mimeguard.c - hostile nesting that would overflow libetpan's
 * recursive parsers: the guard itself, and each program part that hands
 * mail to libetpan (the Sieve address test, poczta-ctl trace's Received
 * reader, the pager) surviving a header of 300,000 "(". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"
#include "hops.h"
#include "mimeguard.h"
#include "mimeview.h"
#include "sieve_msg.h"

#define DEEP 300000

/* hostile - "Name: " + DEEP "(" + rest, as a message with a body */
static char *hostile(const char *name, const char *rest, size_t *len)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_printf(&b, "%s: ", name);
	for (i = 0; i < DEEP; i++)
		buf_putc(&b, '(');
	buf_printf(&b, "%s\nSubject: deep\n\nbody\n", rest);
	*len = b.len;
	return b.data;
}

static void test_flatten(void **state)
{
	static const char calm[] = "To: a@b (x (y (z)))\n\nbody (((\n";
	char deep[200], *out;
	size_t i;

	(void)state;
	out = mimeguard_flatten(calm, strlen(calm));
	assert_ptr_equal(out, calm);	/* nothing to change: no copy */
	memcpy(deep, "To: ", 4);
	for (i = 4; i < 4 + 100; i++)
		deep[i] = '(';
	strcpy(deep + 104, "\n (x\nFrom: (a)\n");
	out = mimeguard_flatten(deep, strlen(deep));
	assert_ptr_not_equal(out, deep);
	assert_int_equal(strlen(out), strlen(deep));	/* offsets stay */
	assert_int_equal(out[4 + MIMEGUARD_MAX_COMMENT - 1], '(');
	assert_int_equal(out[4 + MIMEGUARD_MAX_COMMENT], ' ');	/* too deep: a blank */
	assert_non_null(strstr(out, "\n  x\nFrom: (a)\n"));	/* the fold goes on, the next field starts over */
	free(out);
}

static void test_too_deep(void **state)
{
	static const char three[] = "Content-Type: multipart/mixed\n\n--b\nContent-type : text/plain\n"
		"\n--b\nCONTENT-TYPE:x\nX-Content-Type: y\n";
	(void)state;
	assert_false(mimeguard_too_deep(three, strlen(three), 3));
	assert_true(mimeguard_too_deep(three, strlen(three), 2));
}

static void test_sieve_address(void **state)
{
	size_t len;
	char *msg = hostile("To", "a@b.test", &len);
	char **a;

	(void)state;
	a = sieve_msg_addresses(msg + 4, len - 4);	/* would overflow the stack unguarded */
	sieve_msg_addresses_free(a);
	free(msg);
}

static void test_hops(void **state)
{
	size_t len;
	char *msg = hostile("Received", "from x by y with ESMTP; Mon, 2 Nov 2026 10:00:00 +0000", &len);
	struct hops h;

	(void)state;
	assert_int_equal(hops_parse(msg, len, &h), 0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.subject, "deep");
	hops_free(&h);
	free(msg);
}

static void test_pager(void **state)
{
	struct mimeview_opts o = { .no_external = true };
	size_t len;
	char *msg = hostile("Content-Type", "text/plain", &len);
	struct mimeview *mv;

	(void)state;
	mv = mimeview_parse(msg, len, &o);
	assert_non_null(mv);
	assert_string_equal(mv->subject, "deep");
	mimeview_free(mv);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flatten),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_sieve_address),
		cmocka_unit_test(test_hops),
		cmocka_unit_test(test_pager),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
