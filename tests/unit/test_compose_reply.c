/* test_compose_reply.c - lib/compose's replies (r, g, L), forwards and
 * drafts read back, on the sample originals in tests/unit/compose/. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "compose.h"
#include "fsutil.h"
#include "mimeview.h"
#include "xalloc.h"

#define CORPUS "tests/unit/compose/"

static char *const alternates[] = { "ann@old.example", NULL };
static const struct compose_opts opts = {
	.from = "Ann <ann@example.org>", .alternates = alternates, .signature = "Ann",
	.attribution = "On %d, %n wrote:", .hostname = "test.example", .now = 1700000000,
};

/* load - a corpus file; newly allocated */
static char *load(const char *name, size_t *len)
{
	char *path = xasprintf(CORPUS "%s", name);
	char *d = read_file(path, len);

	assert_non_null(d);
	free(path);
	return d;
}

/* reply - compose_reply of kind to the corpus file name, checked to work */
static void reply(struct compose *c, const char *name, enum compose_reply_kind kind,
		  const struct compose_opts *o)
{
	struct buf err = BUF_INIT;
	size_t len;
	char *m = load(name, &len);
	int r = compose_reply(c, o ? o : &opts, kind, m, len, &err);

	if (r != 0)
		print_error("%s: %s\n", name, buf_cstr(&err));
	assert_int_equal(r, 0);
	buf_free(&err);
	free(m);
}

static void test_reply_from(void **state)
{
	struct compose c;

	compose_init(&c);
	reply(&c, "own-cc.eml", COMPOSE_REPLY, NULL);
	assert_string_equal(c.from, "Ann <ann@example.org>");
	assert_string_equal(c.to, "Paweł Łoś <pawel@example.pl>");
	assert_null(c.cc);
	assert_string_equal(c.subject, "Re: Spotkanie w środę");
	assert_string_equal(c.in_reply_to, "<orig@example.pl>");
	assert_string_equal(c.references, "<a@x> <b@x> <orig@example.pl>");
	/* the QP ISO-8859-2 text decoded and quoted, its signature and the
	 * attachment left out */
	assert_string_equal(c.body, "On Mon, 20 Nov 2023 10:00:00 +0100, Paweł Łoś wrote:\n"
			    "> Cześć,\n>> earlier text\n> tab     here\n\n\n-- \nAnn\n");
	assert_int_equal(c.natt, 0);
	compose_free(&c);
}

static void test_reply_group(void **state)
{
	struct compose c;

	compose_init(&c);
	reply(&c, "own-cc.eml", COMPOSE_GROUP, NULL);
	assert_string_equal(c.to, "Paweł Łoś <pawel@example.pl>");
	/* the user's own address (Ann in To) is left out */
	assert_string_equal(c.cc, "Bob <bob@example.com>, carol@example.net");
	compose_free(&c);
}

static void test_reply_list(void **state)
{
	struct compose c;
	struct buf err = BUF_INIT;
	size_t len;
	char *m;

	compose_init(&c);
	/* r: Reply-To wins over From */
	reply(&c, "list.eml", COMPOSE_REPLY, NULL);
	assert_string_equal(c.to, "list@lists.example");
	assert_null(c.cc);
	/* an existing "Re[2]:" is kept as it is */
	assert_string_equal(c.subject, "Re[2]: topic");
	/* RFC 5322 3.6.4: no References, one In-Reply-To */
	assert_string_equal(c.references, "<p1@x.example> <p2@x.example>");
	assert_string_equal(c.in_reply_to, "<p2@x.example>");
	assert_string_equal(c.body, "On Tue, 21 Nov 2023 09:30:00 +0000, Doe, John wrote:\n"
			    "> Räksmörgås för alla.\n>> quoted before\n\n\n-- \nAnn\n");
	compose_free(&c);
	/* g: Mail-Followup-To, and nothing else */
	reply(&c, "list.eml", COMPOSE_GROUP, NULL);
	assert_string_equal(c.to, "list@lists.example, john@x.example");
	assert_null(c.cc);
	compose_free(&c);
	/* L: RFC 2369 3.4 List-Post, its query left out */
	reply(&c, "list.eml", COMPOSE_LIST, NULL);
	assert_string_equal(c.to, "list@lists.example");
	assert_null(c.cc);
	compose_free(&c);
	/* no List-Post, or "NO": an error */
	m = load("own-cc.eml", &len);
	assert_int_equal(compose_reply(&c, &opts, COMPOSE_LIST, m, len, &err), -1);
	assert_non_null(strstr(err.data, "List-Post"));
	free(m);
	buf_reset(&err);
	m = load("nopost.eml", &len);
	assert_int_equal(compose_reply(&c, &opts, COMPOSE_LIST, m, len, &err), -1);
	assert_non_null(strstr(err.data, "NO"));
	assert_null(c.to);
	free(m);
	buf_free(&err);
	compose_free(&c);
}

static void test_reply_own(void **state)
{
	struct compose c;
	struct compose_opts o = opts;

	compose_init(&c);
	/* a reply to one's own message goes to its recipients */
	reply(&c, "mine.eml", COMPOSE_REPLY, NULL);
	assert_string_equal(c.to, "Bob <bob@example.com>");
	assert_string_equal(c.subject, "RE: sent by me");
	compose_free(&c);
	reply(&c, "mine.eml", COMPOSE_GROUP, NULL);
	assert_string_equal(c.to, "Bob <bob@example.com>");
	assert_null(c.cc);
	compose_free(&c);
	/* without the alternates, the old address stays in a group reply */
	o.alternates = NULL;
	reply(&c, "list.eml", COMPOSE_GROUP, &o);
	assert_string_equal(c.to, "list@lists.example, john@x.example");
	compose_free(&c);
	o.attribution = NULL;
	o.signature = NULL;
	reply(&c, "nopost.eml", COMPOSE_GROUP, &o);
	assert_string_equal(c.to, "Announcer <news@lists.example>");
	assert_null(c.cc);
	assert_string_equal(c.body, "> Read only.\n\n");
	compose_free(&c);
}

static void test_reply_group_alternates(void **state)
{
	struct compose c;
	struct compose_opts o = opts;
	size_t len;
	char *m = load("list.eml", &len);
	struct buf err = BUF_INIT;

	/* without Mail-Followup-To: Reply-To, then To and Cc less Ann's
	 * addresses (the identity's and the alternate) */
	char *cut = strstr(m, "Mail-Followup-To");
	memcpy(cut, "X-Followup-To-X", 15);
	compose_init(&c);
	assert_int_equal(compose_reply(&c, &o, COMPOSE_GROUP, m, len, &err), 0);
	assert_string_equal(c.to, "list@lists.example");
	assert_null(c.cc);
	compose_free(&c);
	o.alternates = NULL;
	assert_int_equal(compose_reply(&c, &o, COMPOSE_GROUP, m, len, &err), 0);
	assert_string_equal(c.cc, "ann@old.example");
	compose_free(&c);
	buf_free(&err);
	free(m);
}

static void test_references_trimmed(void **state)
{
	struct compose c;

	compose_init(&c);
	reply(&c, "long-thread.eml", COMPOSE_REPLY, NULL);
	/* the root and the 19 most recent */
	struct buf exp = BUF_INIT;
	buf_puts(&exp, "<r0@thread.example>");
	for (int i = 32; i <= 50; i++)
		buf_printf(&exp, " <r%d@thread.example>", i);
	assert_string_equal(c.references, exp.data);
	/* the flowed paragraph joined before it is quoted; %d of a message
	 * without Date is empty */
	assert_non_null(strstr(c.body, ", bob@example.com wrote:\n> This line is long and flowed"));
	assert_string_equal(c.subject, "Re: long thread");
	/* the reply builds */
	struct buf out = BUF_INIT, err = BUF_INIT;
	assert_int_equal(compose_build(&c, &opts, &out, &err), 0);
	assert_non_null(strstr(out.data, "\nIn-Reply-To: <r50@thread.example>\n"));
	buf_free(&out);
	buf_free(&err);
	buf_free(&exp);
	compose_free(&c);
}

static void test_forward_inline(void **state)
{
	struct compose c;
	struct buf err = BUF_INIT, out = BUF_INIT;
	size_t len;
	char *m = load("own-cc.eml", &len);

	compose_init(&c);
	assert_int_equal(compose_forward(&c, &opts, false, m, len, &err), 0);
	assert_string_equal(c.subject, "Fwd: Spotkanie w środę");
	assert_null(c.to);
	assert_null(c.in_reply_to);
	assert_string_equal(c.body, "\n-------- Forwarded message --------\n"
			    "From: Paweł Łoś <pawel@example.pl>\n"
			    "Date: Mon, 20 Nov 2023 10:00:00 +0100\n"
			    "Subject: Spotkanie w środę\n"
			    "To: Ann <ann@example.org>, Bob <bob@example.com>\n"
			    "Cc: carol@example.net\n\n"
			    "Cześć,\n> earlier text\ntab     here\n\n-- \nPaweł\n"
			    "-------- End of forwarded message --------\n\n-- \nAnn\n");
	/* the original's attachment goes with it */
	assert_int_equal(c.natt, 1);
	assert_string_equal(c.att[0].name, "a.pdf");
	assert_string_equal(c.att[0].type, "application/pdf");
	assert_int_equal(c.att[0].len, 9);
	assert_memory_equal(c.att[0].data, "%PDF-1.4\n", 9);
	c.to = xstrdup("dave@example.com");
	assert_int_equal(compose_build(&c, &opts, &out, &err), 0);
	assert_non_null(strstr(out.data, "filename=a.pdf"));
	buf_free(&out);
	buf_free(&err);
	free(m);
	compose_free(&c);
}

static void test_forward_attached(void **state)
{
	struct compose c, d;
	struct buf err = BUF_INIT, out = BUF_INIT;
	size_t len;
	char *m = load("list.eml", &len);

	compose_init(&c);
	compose_init(&d);
	assert_int_equal(compose_forward(&c, &opts, true, m, len, &err), 0);
	assert_string_equal(c.subject, "Fwd: Re[2]: topic");
	assert_string_equal(c.body, "\n\n-- \nAnn\n");
	assert_int_equal(c.natt, 1);
	c.to = xstrdup("dave@example.com");
	assert_int_equal(compose_build(&c, &opts, &out, &err), 0);
	/* RFC 2046 5.2.1: message/rfc822 in 7bit, never base64 */
	const char *p = strstr(out.data, "Content-Type: message/rfc822");
	assert_non_null(p);
	assert_non_null(strstr(p, "Content-Transfer-Encoding: 7bit\n\nFrom: \"Doe, John\""));
	assert_non_null(strstr(out.data, m));
	/* read back, the message is the attachment octet for octet */
	assert_int_equal(compose_from_message(&d, out.data, out.len, &err), 0);
	assert_int_equal(d.natt, 1);
	assert_string_equal(d.att[0].type, "message/rfc822");
	assert_int_equal(d.att[0].len, len);
	assert_memory_equal(d.att[0].data, m, len);
	buf_free(&out);
	buf_free(&err);
	free(m);
	compose_free(&c);
	compose_free(&d);
}

/* roundtrip - c built as a draft and read back equals c */
static void roundtrip(struct compose *c)
{
	struct compose d;
	struct buf out = BUF_INIT, out2 = BUF_INIT, err = BUF_INIT;

	compose_init(&d);
	assert_int_equal(compose_build_draft(c, &opts, &out, &err), 0);
	assert_int_equal(compose_from_message(&d, out.data, out.len, &err), 0);
	assert_string_equal(d.from, c->from);
	assert_string_equal(d.to, c->to);
	assert_string_equal(d.cc, c->cc);
	assert_string_equal(d.bcc, c->bcc);
	assert_string_equal(d.reply_to, c->reply_to);
	assert_string_equal(d.subject, c->subject);
	assert_string_equal(d.in_reply_to, c->in_reply_to);
	assert_string_equal(d.references, c->references);
	assert_string_equal(d.body, c->body);
	assert_int_equal(d.flowed, c->flowed);
	assert_int_equal(d.natt, c->natt);
	for (size_t i = 0; i < c->natt; i++) {
		assert_string_equal(d.att[i].name, c->att[i].name);
		assert_int_equal(d.att[i].len, c->att[i].len);
		assert_memory_equal(d.att[i].data, c->att[i].data, c->att[i].len);
		if (c->att[i].description)
			assert_string_equal(d.att[i].description, c->att[i].description);
	}
	/* built again it is the same message */
	d.message_id = xstrdup(c->message_id);
	assert_int_equal(compose_build_draft(&d, &opts, &out2, &err), 0);
	const char *b1 = strstr(out.data, "boundary=");
	if (!b1)
		assert_string_equal(out.data, out2.data);
	else
		assert_int_equal(out.len, out2.len);
	buf_free(&out);
	buf_free(&out2);
	buf_free(&err);
	compose_free(&d);
}

static void test_from_message(void **state)
{
	struct compose c;
	unsigned char bin[600];

	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(255 - i % 256);
	compose_init(&c);
	c.from = xstrdup("Paweł Łoś <pawel@example.pl>");
	c.to = xstrdup("\"Doe, John\" <j@x.example>, Жора <z@example.ru>");
	c.cc = xstrdup("Åsa <asa@example.se>");
	c.bcc = xstrdup("hidden@example.org");
	c.reply_to = xstrdup("list@lists.example");
	c.subject = xstrdup("Zażółć — Съешь — Räksmörgås");
	c.in_reply_to = xstrdup("<p@x>");
	c.references = xstrdup("<o@x> <p@x>");
	c.body = xstrdup("Zażółć gęślą jaźń\n> quoted\nFrom the start\n");
	roundtrip(&c);
	/* format=flowed: a long line is wrapped on the way out, joined on
	 * the way back */
	c.flowed = true;
	free(c.body);
	c.body = xstrdup("A paragraph long enough to be wrapped into more than one line "
			 "by format=flowed, which the reader joins back again.\n\n-- \nPaweł\n");
	roundtrip(&c);
	c.flowed = false;
	c.att = xcalloc(2, sizeof(*c.att));
	c.natt = 2;
	c.att[0].data = xmemdup(bin, sizeof(bin));
	c.att[0].len = sizeof(bin);
	c.att[0].name = xstrdup("dane binarne — zażółć.bin");
	c.att[0].description = xstrdup("Dane");
	c.att[1].data = xstrdup("text file\nwithout final newline");
	c.att[1].len = strlen(c.att[1].data);
	c.att[1].name = xstrdup("t.txt");
	roundtrip(&c);
	compose_free(&c);
}

static void test_hostile(void **state)
{
	static const char *const bad[] = { "", "no header at all", "\n\nbody only" };
	struct compose c;
	struct buf err = BUF_INIT;

	compose_init(&c);
	for (size_t i = 0; i < 3; i++) {
		buf_reset(&err);
		assert_int_equal(compose_reply(&c, &opts, COMPOSE_REPLY, bad[i], strlen(bad[i]), &err), -1);
		assert_true(err.len > 0);
		assert_int_equal(compose_forward(&c, &opts, false, bad[i], strlen(bad[i]), &err), -1);
		assert_int_equal(compose_from_message(&c, bad[i], strlen(bad[i]), &err), -1);
	}
	/* a header with no address to reply to */
	const char *m = "Subject: x\n\nbody\n";
	buf_reset(&err);
	assert_int_equal(compose_reply(&c, &opts, COMPOSE_REPLY, m, strlen(m), &err), -1);
	assert_true(err.len > 0);
	buf_free(&err);
	compose_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_from),
		cmocka_unit_test(test_reply_group),
		cmocka_unit_test(test_reply_list),
		cmocka_unit_test(test_reply_own),
		cmocka_unit_test(test_reply_group_alternates),
		cmocka_unit_test(test_references_trimmed),
		cmocka_unit_test(test_forward_inline),
		cmocka_unit_test(test_forward_attached),
		cmocka_unit_test(test_from_message),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
