/* test_imapmsg.c - lib/imapmsg against Dovecot: each message of the corpus
 * in tests/unit/imapmsg/ has beside it the FETCH answer a private Dovecot
 * 2.3 gave for it (dovecot-ref.sh wrote NAME.exp), and the same answer is
 * built here from imapmsg; then section syntax, CRLF input, SEARCH
 * matching and dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"
#include "imapmsg.h"

#define CORPUS "tests/unit/imapmsg/"

/* load - the bytes of a corpus file, NUL-terminated */
static char *load(const char *name, const char *ext, size_t *len)
{
	char path[256];
	FILE *f;
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	snprintf(path, sizeof path, CORPUS "%s%s", name, ext);
	f = fopen(path, "rb");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	buf_putc(&b, '\0');
	*len = b.len - 1;
	return buf_detach(&b);
}

/* fetch - "* 1 FETCH (...)" as Dovecot wrote it for the items in the
 * first line of NAME.exp */
static void fetch(const struct imapmsg *m, char *sections, struct buf *out)
{
	char *save = NULL, *s;
	struct buf part = BUF_INIT;

	buf_printf(out, "* 1 FETCH (RFC822.SIZE %llu ENVELOPE ", (unsigned long long)imapmsg_size(m));
	imapmsg_envelope(m, out);
	buf_puts(out, " BODYSTRUCTURE ");
	imapmsg_bodystructure(m, true, out);
	buf_puts(out, " BODY ");
	imapmsg_bodystructure(m, false, out);
	for (s = strtok_r(sections, "|", &save); s; s = strtok_r(NULL, "|", &save)) {
		buf_reset(&part);
		assert_true(imapmsg_section(m, s, &part));
		buf_printf(out, " BODY[%s] {%zu}\r\n", s, part.len);
		buf_append(out, part.data, part.len);
	}
	buf_puts(out, ")\r\n");
	buf_free(&part);
}

static void check_corpus(const char *name)
{
	size_t len, elen;
	char *msg = load(name, ".eml", &len), *exp = load(name, ".exp", &elen);
	char *nl = strchr(exp, '\n');
	struct imapmsg *m;
	struct buf out = BUF_INIT;

	assert_non_null(nl);
	*nl = '\0';
	m = imapmsg_parse(msg, len);
	free(msg);		/* the message is copied */
	fetch(m, exp, &out);
	if (out.len != elen - (size_t)(nl + 1 - exp) || memcmp(out.data, nl + 1, out.len) != 0)
		fail_msg("%s: got\n%s\nwant\n%s", name, buf_cstr(&out), nl + 1);
	buf_free(&out);
	imapmsg_free(m);
	free(exp);
}

#define CORPUS_TEST(fn, name) \
	static void fn(void **state) { (void)state; check_corpus(name); }
CORPUS_TEST(test_plain, "plain")
CORPUS_TEST(test_qp, "qp")
CORPUS_TEST(test_base64, "base64")
CORPUS_TEST(test_mixed, "mixed")
CORPUS_TEST(test_alternative, "alternative")
CORPUS_TEST(test_rfc822, "rfc822")
CORPUS_TEST(test_rfc2047, "rfc2047")
CORPUS_TEST(test_rfc2231, "rfc2231")
CORPUS_TEST(test_8bit_headers, "8bit-headers")
CORPUS_TEST(test_groups, "groups")
CORPUS_TEST(test_missing, "missing")
CORPUS_TEST(test_no_end_boundary, "no-end-boundary")
CORPUS_TEST(test_bad_base64, "bad-base64")
CORPUS_TEST(test_nul, "nul")
CORPUS_TEST(test_no_colon, "no-colon")
CORPUS_TEST(test_empty, "empty")
CORPUS_TEST(test_digest, "digest")
CORPUS_TEST(test_nested, "nested")
CORPUS_TEST(test_no_boundary, "no-boundary")
CORPUS_TEST(test_no_delimiter, "no-delimiter")
CORPUS_TEST(test_header_only, "header-only")
CORPUS_TEST(test_addresses, "addresses")
CORPUS_TEST(test_addresses2, "addresses2")
CORPUS_TEST(test_unclosed_nest, "unclosed-nest")
CORPUS_TEST(test_thunderbird, "thunderbird")

static struct imapmsg *parse_str(const char *s)
{
	return imapmsg_parse(s, strlen(s));
}

/* RFC 3501 9: section-spec; what is not one is BAD, what names no part is
 * empty */
static void test_section_syntax(void **state)
{
	static const char *const bad[] = {
		"1.", ".1", "0", "1.0", "MIME", "HEADER.FIELDS", "HEADER.FIELDS ()",
		"HEADER.FIELDS (FROM", "HEADER.FIELDS (FROM) ", "HEADERX", "TEXT ", "1.MIMEX",
		"1..2", "FOO", "1.HEADER.FIELDS.NOT", "-1",
	};
	struct imapmsg *m = parse_str("From: a@b\nTo: c@d\nX-Long: one\n two\n\nbody\n");
	struct buf out = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (imapmsg_section(m, bad[i], &out))
			fail_msg("accepted [%s]", bad[i]);
		assert_int_equal(out.len, 0);
	}
	assert_true(imapmsg_section(m, "header.fields (\"x-long\" from)", &out));
	assert_string_equal(buf_cstr(&out), "From: a@b\r\nX-Long: one\r\n two\r\n\r\n");
	buf_reset(&out);
	assert_true(imapmsg_section(m, "Header.Fields.Not (FROM X-LONG)", &out));
	assert_string_equal(buf_cstr(&out), "To: c@d\r\n\r\n");
	buf_reset(&out);
	assert_true(imapmsg_section(m, "2", &out));
	assert_true(imapmsg_section(m, "1.2.3", &out));
	assert_int_equal(out.len, 0);
	assert_true(imapmsg_section(m, "", &out));
	assert_int_equal(out.len, imapmsg_size(m));
	buf_free(&out);
	imapmsg_free(m);
}

/* RFC 3501 2.3.4: LF and CRLF input give the same octets and sizes */
static void test_crlf_input(void **state)
{
	struct imapmsg *a = parse_str("Subject: x\n\nline 1\nline 2\n");
	struct imapmsg *b = parse_str("Subject: x\r\n\r\nline 1\r\nline 2\r\n");
	struct buf x = BUF_INIT, y = BUF_INIT;

	(void)state;
	assert_int_equal(imapmsg_size(a), 30);
	assert_int_equal(imapmsg_size(b), 30);
	imapmsg_bodystructure(a, true, &x);
	imapmsg_bodystructure(b, true, &y);
	assert_string_equal(buf_cstr(&x), buf_cstr(&y));
	assert_string_equal(buf_cstr(&x),
			    "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 16 2 NIL NIL NIL NIL)");
	buf_free(&x);
	buf_free(&y);
	imapmsg_free(a);
	imapmsg_free(b);
}

/* RFC 3501 6.4.4: decoded text, any case */
static void test_search(void **state)
{
	size_t len;
	char *d;
	struct imapmsg *m;

	(void)state;
	d = load("rfc2047", ".eml", &len);
	m = imapmsg_parse(d, len);
	assert_true(imapmsg_header_has(m, "subject", "Grüße aus Köln"));
	assert_true(imapmsg_header_has(m, "SUBJECT", "AUS"));
	assert_true(imapmsg_header_has(m, "From", "jörg müller"));
	assert_true(imapmsg_header_has(m, "to", "André"));
	assert_true(imapmsg_header_has(m, "Date", ""));
	assert_false(imapmsg_header_has(m, "Cc", ""));
	assert_false(imapmsg_header_has(m, "Subject", "=?utf-8"));
	assert_false(imapmsg_body_has(m, "Köln"));
	assert_true(imapmsg_text_has(m, "köln"));
	assert_true(imapmsg_text_has(m, "BODY"));
	imapmsg_free(m);
	free(d);

	d = load("qp", ".eml", &len);
	m = imapmsg_parse(d, len);
	assert_true(imapmsg_body_has(m, "Zażółć gęślą jaźń, a soft break"));
	assert_false(imapmsg_body_has(m, "=BF"));
	assert_true(imapmsg_header_has(m, "subject", "gęślą"));
	imapmsg_free(m);
	free(d);

	d = load("base64", ".eml", &len);
	m = imapmsg_parse(d, len);
	assert_true(imapmsg_body_has(m, "unicode BODY text"));
	assert_true(imapmsg_body_has(m, "gęślą"));
	assert_false(imapmsg_body_has(m, "WmHF"));
	imapmsg_free(m);
	free(d);

	d = load("rfc822", ".eml", &len);
	m = imapmsg_parse(d, len);
	assert_true(imapmsg_body_has(m, "needle-in-forward"));
	assert_true(imapmsg_body_has(m, "inner html"));
	assert_true(imapmsg_body_has(m, "news@example.com"));	/* the forwarded header */
	assert_false(imapmsg_header_has(m, "From", "news@"));
	assert_false(imapmsg_body_has(m, "no such words"));
	imapmsg_free(m);
	free(d);
}

/* RFC 5322 3.3: the zone is applied; what is not a date is -1 */
static void test_date(void **state)
{
	static const struct {
		const char *msg;
		time_t t;
	} cases[] = {
		{ "Date: Sat, 21 Nov 2026 23:10:05 +0100\n\n", 1795299005 },
		{ "Date: 1 Jan 1970 00:00:00 -0130\n\n", 5400 },
		{ "Date: yesterday\n\n", (time_t)-1 },
		{ "Subject: no date\n\n", (time_t)-1 },
		{ "", (time_t)-1 },
	};
	size_t i;
	int y, mo, d;
	struct imapmsg *m;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		m = parse_str(cases[i].msg);
		assert_int_equal(imapmsg_date(m), cases[i].t);
		assert_int_equal(imapmsg_sent_day(m, &y, &mo, &d), cases[i].t != (time_t)-1);
		imapmsg_free(m);
	}
	/* RFC 3501 6.4.4: SENTON looks at the day as written, not in UTC */
	m = parse_str("Date: Sat, 21 Nov 2026 00:30:00 +0200\n\n");
	assert_true(imapmsg_sent_day(m, &y, &mo, &d));
	assert_int_equal(y * 10000 + mo * 100 + d, 20261121);
	assert_int_equal(imapmsg_date(m), 1795213800);
	imapmsg_free(m);
}

/* RFC 3501 6.4.4: case-insensitive beyond ASCII, for pl, ru and sv text */
static void test_search_case(void **state)
{
	struct imapmsg *m = parse_str("Subject: =?utf-8?q?Za=C5=BC=C3=B3=C5=82=C4=87_=D0=9F=D1=80=D0=B8?=\n"
				      "Content-Type: text/plain; charset=utf-8\n\n"
				      "ÅNGSTRÖM, ЁЛКА\n");

	(void)state;
	assert_true(imapmsg_header_has(m, "Subject", "ZAŻÓŁĆ"));
	assert_true(imapmsg_header_has(m, "Subject", "zażółć при"));
	assert_true(imapmsg_header_has(m, "Subject", "ПРИ"));
	assert_false(imapmsg_header_has(m, "Subject", "zazolc"));
	assert_true(imapmsg_body_has(m, "ångström"));
	assert_true(imapmsg_body_has(m, "ёлка"));
	assert_true(imapmsg_text_has(m, "subject"));
	imapmsg_free(m);
}

/* nest - a message with n levels of multiparts, or of message/rfc822 */
static struct imapmsg *nest(int n, bool multipart)
{
	struct buf b = BUF_INIT;
	struct imapmsg *m;
	int i;

	buf_puts(&b, "Subject: deep\n");
	for (i = 0; i < n; i++)
		if (multipart)
			buf_printf(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
		else
			buf_puts(&b, "Content-Type: message/rfc822\n\n");
	buf_puts(&b, "\ntext\n");
	m = imapmsg_parse(b.data, b.len);
	buf_free(&b);
	return m;
}

/* hostile nesting: thousands of levels get no libetpan tree (its parser
 * would overflow the stack) and stop at 64 levels; a few are parts, and a
 * section names them */
static void test_deep(void **state)
{
	static const char leaf[] = "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" ";
	struct imapmsg *m;
	struct buf out = BUF_INIT;
	size_t i, n = 0;

	(void)state;
	m = nest(50000, false);
	imapmsg_bodystructure(m, false, &out);
	for (i = 0; i < out.len; i++)
		n += out.data[i] == '(';
	assert_int_equal(n, 64 * 2 + 2);	/* each level: (body (envelope)) */
	assert_non_null(strstr(buf_cstr(&out), leaf));
	buf_reset(&out);
	assert_true(imapmsg_section(m, "1.1.1.HEADER", &out));
	assert_string_equal(buf_cstr(&out), "Content-Type: message/rfc822\r\n\r\n");
	imapmsg_free(m);
	buf_reset(&out);
	buf_reset(&out);	/* a folded value does not hide a level */
	for (i = 0; i < 40000; i++)
		buf_puts(&out, "Content-Type:\n message/rfc822\n\n");
	m = imapmsg_parse(out.data, out.len);
	buf_reset(&out);
	imapmsg_bodystructure(m, true, &out);
	assert_true(out.len > 0);
	imapmsg_free(m);
	buf_reset(&out);
	m = nest(5000, true);
	assert_true(imapmsg_section(m, "1.1.1", &out));
	assert_int_equal(out.len, 0);
	imapmsg_free(m);
	buf_reset(&out);
	m = nest(10, true);
	imapmsg_bodystructure(m, false, &out);
	assert_non_null(strstr(buf_cstr(&out), "((((((((((\"text\" \"plain\""));
	assert_non_null(strstr(buf_cstr(&out), "6 1) \"mixed\") \"mixed\") \"mixed\")"));
	buf_reset(&out);
	assert_true(imapmsg_section(m, "1.1.1.1.1.1.1.1.1.1", &out));
	assert_string_equal(buf_cstr(&out), "text\r\n");
	imapmsg_free(m);
	buf_free(&out);
}

/* RFC 5322 3.2.2 comments nest; libetpan recurses on each, so deep ones
 * are flattened for it, while BODY[] still gives the octets as they came */
static void test_deep_comments(void **state)
{
	static const char *const fields[] = { "From: a@b ", "To: x", "Content-Type: text/plain; a=b ",
					      "Date: 1 Jan 2000 00:00 +0000 " };
	struct buf msg = BUF_INIT, out = BUF_INIT;
	struct imapmsg *m;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		buf_puts(&msg, fields[i]);
		for (j = 0; j < 200000; j++)
			buf_putc(&msg, '(');
		buf_puts(&msg, "\r\n");
	}
	buf_puts(&msg, "\r\nbody\r\n");
	m = imapmsg_parse(msg.data, msg.len);
	imapmsg_envelope(m, &out);
	imapmsg_bodystructure(m, true, &out);
	assert_false(imapmsg_text_has(m, "needle"));
	buf_reset(&out);
	assert_true(imapmsg_section(m, "HEADER", &out));
	assert_int_equal(out.len, msg.len - 6);
	assert_memory_equal(out.data, msg.data, out.len);
	buf_reset(&out);
	assert_true(imapmsg_section(m, "1", &out));
	assert_string_equal(buf_cstr(&out), "body\r\n");
	imapmsg_free(m);
	buf_free(&out);
	buf_free(&msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_alternative),
		cmocka_unit_test(test_rfc822),
		cmocka_unit_test(test_rfc2047),
		cmocka_unit_test(test_rfc2231),
		cmocka_unit_test(test_8bit_headers),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_no_end_boundary),
		cmocka_unit_test(test_bad_base64),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_no_colon),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_no_boundary),
		cmocka_unit_test(test_no_delimiter),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_addresses2),
		cmocka_unit_test(test_unclosed_nest),
		cmocka_unit_test(test_thunderbird),
		cmocka_unit_test(test_section_syntax),
		cmocka_unit_test(test_crlf_input),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_search_case),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_deep_comments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
