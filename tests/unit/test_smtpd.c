/* test_smtpd.c - the SMTP/LMTP engine, for what transcripts show badly:
 * bounded memory and streaming, partial input, the shape of every reply,
 * the reset hook's calls, STARTTLS's discarding of pipelined bytes, BDAT
 * chunks streamed a byte at a time and the SMTPUTF8 flag and UTF-8 rules,
 * and AUTH: the response length, the failure limit, what the hook sees
 * and that the trace shows no credential. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <malloc.h>
#include <stdint.h>
#include <unistd.h>
#include "buf.h"
#include "dsn.h"
#include "msg.h"
#include "sasl.h"
#include "smtpd.h"

struct rec {
	size_t chunks, bytes, resets, mails, ends, starts;
	struct buf msg;
	const char *bad;
	uint32_t hash;		/* FNV-1a of everything data_chunk got */
	bool cr;		/* data_chunk got a CR */
};

static void rec_mail(void *ctx, const char *s, const char *p, struct dsn *out)
{
	((struct rec *)ctx)->mails++;
}

static void rec_chunk(void *ctx, const char *p, size_t n)
{
	struct rec *r = ctx;

	r->chunks++;
	r->bytes += n;
	for (size_t i = 0; i < n; i++) {
		r->hash = (r->hash ^ (unsigned char)p[i]) * 16777619u;
		r->cr |= p[i] == '\r';
	}
	if (r->msg.len < 4096)
		buf_append(&r->msg, p, n);
}

/* rec_end - per recipient i: code 250, 452, 554 in turn, to see the order */
static void rec_end(void *ctx, const char *bad, struct dsn *out, size_t n)
{
	struct rec *r = ctx;
	size_t i;

	r->ends++;
	r->bad = bad;
	for (i = 0; i < n; i++) {
		if (i % 3 == 1)
			dsn_set(&out[i], DSN_TEMPFAIL, "4.2.2", "r%zu full", i);
		else if (i % 3 == 2)
			dsn_set(&out[i], DSN_PERMFAIL, "5.3.0", "r%zu failed", i);
		else
			dsn_ok(&out[i], "r%zu ok", i);
	}
}

static void rec_reset(void *ctx)
{
	((struct rec *)ctx)->resets++;
}

static void rec_start(void *ctx, struct dsn *out)
{
	struct rec *r = ctx;

	r->starts++;
	r->hash = 2166136261u;
}

/* new_session - an engine with the recording hooks */
static struct smtpd *new_session(enum smtpd_mode mode, struct rec *r,
				 const struct smtpd_limits *lim)
{
	struct smtpd_hooks h = {
		.ctx = r, .mail = rec_mail, .data_start = rec_start, .data_chunk = rec_chunk,
		.data_end = rec_end, .reset = rec_reset,
	};

	memset(r, 0, sizeof(*r));
	r->hash = 2166136261u;
	return smtpd_new(mode, "mx.test", lim, &h);
}

static bool feed(struct smtpd *s, const char *str, struct buf *out)
{
	return smtpd_input(s, str, strlen(str), out);
}

static void test_partial_line(void **state)
{
	struct rec r;
	struct smtpd *s = new_session(SMTPD_LMTP, &r, NULL);
	struct buf out = BUF_INIT;

	assert_true(feed(s, "NOO", &out));
	assert_int_equal(out.len, 0);
	assert_true(feed(s, "P\r", &out));
	assert_int_equal(out.len, 0);
	assert_true(feed(s, "\nNOOP\r\nNO", &out));
	assert_string_equal(buf_cstr(&out), "250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n");
	smtpd_free(s);
	buf_free(&out);
}

static void start_data(struct smtpd *s, int nrcpt, struct buf *out)
{
	int i;

	feed(s, "LHLO c.test\r\nMAIL FROM:<a@a.test>\r\n", out);
	for (i = 0; i < nrcpt; i++)
		feed(s, "RCPT TO:<b@b.test>\r\n", out);
	feed(s, "DATA\r\n", out);
	assert_non_null(strstr(buf_cstr(out), "354 "));
	buf_reset(out);
}

/* the text reaches data_chunk while it streams in, not at its end */
static void test_streaming(void **state)
{
	struct rec r;
	struct smtpd *s = new_session(SMTPD_LMTP, &r, NULL);
	struct buf out = BUF_INIT;
	char line[100];
	int i;

	start_data(s, 1, &out);
	memset(line, 'x', sizeof(line));
	line[98] = '\r';
	line[99] = '\n';
	for (i = 0; i < 20000; i++)
		assert_true(smtpd_input(s, line, sizeof(line), &out));
	assert_int_equal(r.bytes, 20000 * 99);
	assert_int_equal(out.len, 0);
	feed(s, ".\r\n", &out);
	assert_string_equal(buf_cstr(&out), "250 2.0.0 r0 ok\r\n");
	assert_null(r.bad);
	smtpd_free(s);
	buf_free(&out);
	buf_free(&r.msg);
}

/* over max_message, nothing more is handed on and the end gets 552 */
static void test_max_message(void **state)
{
	struct smtpd_limits lim = { .max_message = 1000 };
	struct rec r;
	struct smtpd *s = new_session(SMTPD_SMTP, &r, &lim);
	struct buf out = BUF_INIT;
	int i;

	feed(s, "EHLO c.test\r\n", &out);
	assert_non_null(strstr(buf_cstr(&out), "250-SIZE 1000\r\n"));
	buf_reset(&out);
	feed(s, "MAIL FROM:<a@a.test>\r\nRCPT TO:<b@b.test>\r\nDATA\r\n", &out);
	buf_reset(&out);
	for (i = 0; i < 1000; i++)
		feed(s, "0123456789\r\n", &out);
	assert_true(r.bytes <= 1000);
	feed(s, ".\r\n", &out);
	assert_string_equal(buf_cstr(&out),
			    "552 5.3.4 Error: message size exceeds fixed maximum message size\r\n");
	assert_non_null(r.bad);
	smtpd_free(s);
	buf_free(&out);
	buf_free(&r.msg);
}

/* a line without end is refused once and dropped, however long it is */
static void test_endless_line(void **state)
{
	struct rec r;
	struct smtpd *s = new_session(SMTPD_LMTP, &r, NULL);
	struct buf out = BUF_INIT;
	char *junk = malloc(65536);
	int i;

	memset(junk, 'A', 65536);
	for (i = 0; i < 160; i++)
		assert_true(smtpd_input(s, junk, 65536, &out));
	assert_string_equal(buf_cstr(&out), "500 5.5.2 Error: line too long\r\n");
	buf_reset(&out);
	feed(s, "AAAA\r\nNOOP\r\n", &out);
	assert_string_equal(buf_cstr(&out), "250 2.0.0 Ok\r\n");
	free(junk);
	smtpd_free(s);
	buf_free(&out);
}

/* with default limits a command line is 1000 bytes with its CR LF */
static void test_default_line_limit(void **state)
{
	struct rec r;
	struct smtpd *s = new_session(SMTPD_LMTP, &r, NULL);
	struct buf out = BUF_INIT, cmd = BUF_INIT;

	buf_puts(&cmd, "NOOP ");
	while (cmd.len < 998)
		buf_putc(&cmd, 'x');
	buf_puts(&cmd, "\r\n");
	feed(s, cmd.data, &out);
	assert_string_equal(buf_cstr(&out), "250 2.0.0 Ok\r\n");
	buf_reset(&out);
	buf_reset(&cmd);
	buf_puts(&cmd, "NOOP ");
	while (cmd.len < 999)
		buf_putc(&cmd, 'x');
	buf_puts(&cmd, "\r\n");
	feed(s, cmd.data, &out);
	assert_string_equal(buf_cstr(&out), "500 5.5.2 Error: line too long\r\n");
	smtpd_free(s);
	buf_free(&out);
	buf_free(&cmd);
}

/* check_replies - every line is "ddd" SP/- text CR LF; all but the greeting,
 * HELO/EHLO/LHLO's and 354 carry an enhanced code of the same class
 * (RFC 2034 3) */
static void check_replies(const struct buf *out)
{
	const char *p = buf_cstr(out), *eol;
	bool hello = false;

	while (*p) {
		eol = strstr(p, "\r\n");
		assert_non_null(eol);
		assert_true(eol - p >= 4);
		assert_true(p[0] >= '2' && p[0] <= '5');
		assert_true(p[3] == ' ' || p[3] == '-');
		assert_null(memchr(p, '\n', (size_t)(eol - p)));
		if (p[3] == '-' && strncmp(p, "250", 3) == 0)
			hello = true;
		if (!hello && strncmp(p, "220 mx", 6) != 0 && strncmp(p, "354", 3) != 0
		    && strncmp(p, "250 mx.test", 11) != 0) {
			assert_int_equal(p[4], p[0]);
			assert_int_equal(p[5], '.');
		}
		if (p[3] == ' ')
			hello = false;
		p = eol + 2;
	}
}

static void test_reply_shape(void **state)
{
	static const char *const dialogues[] = {
		"LHLO c\r\nMAIL FROM:<a@b> SIZE=x\r\nMAIL FROM:<a@b> FOO\r\nRCPT TO:<x>\r\n",
		"MAIL FROM:<a@b>\r\nHELO x\r\nEHLO x\r\nLHLO\r\nLHLO x\r\nVRFY x\r\nHELP\r\n",
		"LHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<b@c>\r\nRCPT TO:<d@c>\r\nRCPT TO:<e@c>\r\n"
		"DATA\r\nx\r\n.\r\nRSET x\r\nRSET\r\nSTARTTLS\r\nQUIT\r\n",
		"LHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<b@c>\r\nDATA\r\na\nb\r\n.\r\n\r\n\x01\r\n",
		"BDAT 3\r\nabcLHLO c\r\nBDAT 1\r\nxMAIL FROM:<a@b>\r\nBDAT 1\r\nx"
		"RCPT TO:<b@c>\r\nRCPT TO:<d@c>\r\nBDAT 2\r\na\rBDAT 1\r\n\nDATA\r\n"
		"BDAT x\r\nBDAT 0 LAST\r\nBDAT 1 LAST\r\nx",
		"LHLO c\r\nMAIL FROM:<a@b> SMTPUTF8\r\nRCPT TO:<\xc3\xa9@c>\r\nRCPT TO:<\xc0\xaf@c>\r\n"
		"BDAT 3\r\na\nbBDAT 1 LAST\r\nx",
	};
	struct rec r;
	struct buf out = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(dialogues) / sizeof(dialogues[0]); i++) {
		struct smtpd *s = new_session(SMTPD_LMTP, &r, NULL);
		smtpd_greeting(s, &out);
		feed(s, dialogues[i], &out);
		smtpd_timeout(s, &out);
		check_replies(&out);
		buf_reset(&out);
		smtpd_free(s);
		buf_free(&r.msg);
	}
	buf_free(&out);
}

/* utf8_rcpt - a rcpt hook refusing with translated (UTF-8) text */
static void utf8_rcpt(void *ctx, const char *s, const char *p, struct dsn *out)
{
	dsn_set(out, DSN_TEMPFAIL, "4.3.0", "b\xc5\x82\xc4\x85" "d kolejki");
}

/* Reply text is US-ASCII (RFC 5321 4.2) whatever a hook says, unless the
 * transaction is SMTPUTF8: a translated message is not sent as UTF-8. */
static void test_reply_ascii(void **state)
{
	struct smtpd_hooks h = { .rcpt = utf8_rcpt };
	struct smtpd *s = smtpd_new(SMTPD_SMTP, "mx.test", NULL, &h);
	struct buf out = BUF_INIT;

	feed(s, "EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n", &out);
	assert_non_null(strstr(buf_cstr(&out), "451 4.3.0 b????d kolejki\r\n"));
	buf_reset(&out);
	feed(s, "RSET\r\nMAIL FROM:<a@b> SMTPUTF8\r\nRCPT TO:<c@d>\r\n", &out);
	assert_non_null(strstr(buf_cstr(&out), "451 4.3.0 b\xc5\x82\xc4\x85" "d kolejki\r\n"));
	smtpd_free(s);
	buf_free(&out);
}

/* LMTP: one reply per recipient after the dot, in RCPT order */
static void test_lmtp_order(void **state)
{
	struct rec r;
	struct smtpd *s = new_session(SMTPD_LMTP, &r, NULL);
	struct buf out = BUF_INIT;

	start_data(s, 4, &out);
	feed(s, "a\r\n.\r\n", &out);
	assert_string_equal(buf_cstr(&out),
			    "250 2.0.0 r0 ok\r\n452 4.2.2 r1 full\r\n"
			    "554 5.3.0 r2 failed\r\n250 2.0.0 r3 ok\r\n");
	assert_memory_equal(r.msg.data, "a\n", 2);
	smtpd_free(s);
	buf_free(&out);
	buf_free(&r.msg);
}

/* reset: on RSET, on a MAIL after a transaction, once at eof and free */
static void test_reset_calls(void **state)
{
	struct rec r;
	struct smtpd *s = new_session(SMTPD_LMTP, &r, NULL);
	struct buf out = BUF_INIT;

	start_data(s, 1, &out);
	feed(s, "x\r\n.\r\n", &out);
	assert_int_equal(r.resets, 0);
	feed(s, "MAIL FROM:<a@a.test>\r\n", &out);
	assert_int_equal(r.resets, 1);
	feed(s, "RSET\r\n", &out);
	assert_int_equal(r.resets, 2);
	feed(s, "MAIL FROM:<a@a.test>\r\nRCPT TO:<b@b.test>\r\nDATA\r\npartial", &out);
	smtpd_eof(s);
	assert_int_equal(r.resets, 3);
	smtpd_free(s);
	assert_int_equal(r.resets, 3);
	buf_free(&r.msg);

	s = new_session(SMTPD_LMTP, &r, NULL);
	start_data(s, 1, &out);
	smtpd_free(s);
	assert_int_equal(r.resets, 1);
	buf_free(&out);
	buf_free(&r.msg);
}

/* no hooks at all: everything is accepted */
static void test_null_hooks(void **state)
{
	struct smtpd *s = smtpd_new(SMTPD_SMTP, "mx.test", NULL, NULL);
	struct buf out = BUF_INIT;

	feed(s, "HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<b@b>\r\nDATA\r\nhi\r\n.\r\n", &out);
	assert_string_equal(buf_cstr(&out),
			    "250 mx.test\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
			    "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued\r\n");
	smtpd_free(s);
	buf_free(&out);
}

/* STARTTLS: what follows it in the same read never runs (CVE-2011-0411) */
static void test_starttls_discard(void **state)
{
	struct rec r;
	struct smtpd *s = new_session(SMTPD_SMTP, &r, NULL);
	struct buf out = BUF_INIT;

	smtpd_offer_starttls(s, false);
	feed(s, "EHLO c\r\n", &out);
	assert_non_null(strstr(buf_cstr(&out), "250-STARTTLS\r\n"));
	buf_reset(&out);
	assert_true(feed(s, "STARTTLS\r\nMAIL FROM:<evil@x>\r\n", &out));
	assert_string_equal(buf_cstr(&out), "220 2.0.0 Ready to start TLS\r\n");
	assert_true(smtpd_starttls_pending(s));
	assert_true(feed(s, "RCPT TO:<evil@x>\r\n", &out));
	assert_int_equal(r.mails, 0);
	smtpd_tls_started(s);
	assert_false(smtpd_starttls_pending(s));
	buf_reset(&out);
	feed(s, "MAIL FROM:<a@b>\r\nEHLO c\r\n", &out);
	assert_non_null(strstr(buf_cstr(&out), "503 5.5.1"));
	assert_null(strstr(buf_cstr(&out), "STARTTLS"));
	smtpd_free(s);
	buf_free(&out);
}

/* after QUIT or 421 input is ignored and nothing more is said */
static void test_closed(void **state)
{
	struct rec r;
	struct smtpd *s = new_session(SMTPD_LMTP, &r, NULL);
	struct buf out = BUF_INIT;

	assert_false(feed(s, "QUIT\r\nNOOP\r\n", &out));
	assert_string_equal(buf_cstr(&out), "221 2.0.0 Bye\r\n");
	assert_false(feed(s, "NOOP\r\n", &out));
	smtpd_timeout(s, &out);
	assert_string_equal(buf_cstr(&out), "221 2.0.0 Bye\r\n");
	smtpd_free(s);
	buf_free(&out);
}

/* feed_bytes - n bytes, one per smtpd_input call */
static void feed_bytes(struct smtpd *s, const char *p, size_t n, struct buf *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_true(smtpd_input(s, p + i, 1, out));
}

/* heap_in_use - bytes malloc has handed out; 0 where it cannot tell (ASan) */
static size_t heap_in_use(void)
{
	return mallinfo2().uordblks;
}

/* a 10 MB chunk fed one byte per call: data_chunk gets exactly its octets
 * with CR LF turned into LF while they come, nothing is said until the
 * chunk is over, and the heap does not grow with it */
static void test_bdat_stream(void **state)
{
	enum { SIZE = 10 * 1024 * 1024 };
	struct rec r;
	struct smtpd *s = new_session(SMTPD_SMTP, &r, NULL);
	struct buf out = BUF_INIT;
	char *chunk = malloc(SIZE), cmd[64];
	uint32_t want = 2166136261u;
	size_t i, lfs = 0, heap;

	for (i = 0; i < SIZE; i++) {
		chunk[i] = i % 100 == 98 ? '\r' : i % 100 == 99 ? '\n' : (char)('a' + i % 26);
		if (chunk[i] != '\r')
			want = (want ^ (unsigned char)chunk[i]) * 16777619u;
		lfs += chunk[i] == '\n';
	}
	feed(s, "EHLO c\r\nMAIL FROM:<a@a>\r\nRCPT TO:<b@b>\r\n", &out);
	buf_reset(&out);
	snprintf(cmd, sizeof(cmd), "BDAT %d LAST\r\n", SIZE);
	feed_bytes(s, cmd, strlen(cmd), &out);
	feed_bytes(s, chunk, 65536, &out);	/* the recorder's own buffer grows here */
	heap = heap_in_use();
	feed_bytes(s, chunk + 65536, SIZE - 1 - 65536, &out);
	assert_int_equal(out.len, 0);
	assert_true(heap_in_use() <= heap + 4096);
	assert_int_equal(r.bytes, SIZE - 1 - lfs);	/* the last LF is still to come */
	feed_bytes(s, chunk + SIZE - 1, 1, &out);
	assert_string_equal(buf_cstr(&out), "250 2.0.0 r0 ok\r\n");
	assert_int_equal(r.bytes, SIZE - lfs);
	assert_int_equal(r.hash, want);
	assert_false(r.cr);
	assert_null(r.bad);
	free(chunk);
	smtpd_free(s);
	buf_free(&out);
	buf_free(&r.msg);
}

/* a BDAT line, its octets and more commands in one call: each answered in
 * order, the octets never run */
static void test_bdat_pipelined(void **state)
{
	static const char in[] = "LHLO c\r\nMAIL FROM:<a@a>\r\nRCPT TO:<b@b>\r\n"
		"BDAT 6\r\nQUIT\r\nBDAT 6 LAST\r\nRSET\r\nNOOP\r\nBDAT 6\r\nQUIT\r\nNOOP\r\n";
	struct rec r;
	struct smtpd *s = new_session(SMTPD_LMTP, &r, NULL);
	struct buf out = BUF_INIT;

	assert_true(feed(s, in, &out));
	assert_string_equal(strstr(buf_cstr(&out), "250 2.1.5"),
			    "250 2.1.5 Ok\r\n250 2.0.0 6 octets received\r\n250 2.0.0 r0 ok\r\n"
			    "250 2.0.0 Ok\r\n503 5.5.1 Error: need MAIL command\r\n250 2.0.0 Ok\r\n");
	assert_memory_equal(r.msg.data, "QUIT\nRSET\n", 10);
	assert_int_equal(r.starts, 1);
	assert_int_equal(r.ends, 1);
	smtpd_free(s);
	buf_free(&out);
	buf_free(&r.msg);
}

/* data_start once per message; RSET or EHLO between chunks resets, and a
 * refused BDAT never reaches data_start */
static void test_bdat_hooks(void **state)
{
	struct rec r;
	struct smtpd *s = new_session(SMTPD_SMTP, &r, NULL);
	struct buf out = BUF_INIT;

	feed(s, "EHLO c\r\nMAIL FROM:<a@a>\r\nBDAT 1\r\nx", &out);
	assert_int_equal(r.starts, 0);
	feed(s, "RCPT TO:<b@b>\r\nBDAT 1\r\nxBDAT 1\r\ny", &out);
	assert_int_equal(r.starts, 1);
	assert_int_equal(r.resets, 0);
	feed(s, "EHLO c\r\n", &out);
	assert_int_equal(r.resets, 1);
	assert_int_equal(r.ends, 0);
	feed(s, "MAIL FROM:<a@a>\r\nRCPT TO:<b@b>\r\nBDAT 2\r\nab", &out);
	assert_int_equal(r.starts, 2);
	feed(s, "RSET\r\n", &out);
	assert_int_equal(r.resets, 2);
	assert_int_equal(r.ends, 0);
	smtpd_free(s);
	buf_free(&out);
	buf_free(&r.msg);
}

/* smtpd_smtputf8: set by MAIL's SMTPUTF8, kept until the transaction is
 * over and the next MAIL or RSET */
static void test_smtputf8_flag(void **state)
{
	struct rec r;
	struct smtpd *s = new_session(SMTPD_SMTP, &r, NULL);
	struct buf out = BUF_INIT;

	feed(s, "EHLO c\r\n", &out);
	assert_non_null(strstr(buf_cstr(&out), "250-CHUNKING\r\n250 SMTPUTF8\r\n"));
	assert_false(smtpd_smtputf8(s));
	feed(s, "MAIL FROM:<a@a> SMTPUTF8\r\nRCPT TO:<\xc3\xa9@b>\r\n", &out);
	assert_true(smtpd_smtputf8(s));
	feed(s, "DATA\r\nx\r\n.\r\n", &out);
	assert_true(smtpd_smtputf8(s));
	feed(s, "MAIL FROM:<a@a>\r\n", &out);
	assert_false(smtpd_smtputf8(s));
	feed(s, "RSET\r\nMAIL FROM:<a@a> SMTPUTF8\r\nRSET\r\n", &out);
	assert_false(smtpd_smtputf8(s));
	buf_reset(&out);
	feed(s, "HELO c\r\n", &out);
	assert_string_equal(buf_cstr(&out), "250 mx.test\r\n");
	smtpd_free(s);
	buf_free(&out);
	buf_free(&r.msg);
}

/* the UTF-8 rules, one address at a time, with and without SMTPUTF8 */
static void test_utf8_addresses(void **state)
{
	static const struct {
		const char *addr;
		const char *with, *without;	/* reply prefixes */
	} cases[] = {
		{ "ascii@b", "250", "250" },
		{ "\xc3\xa9@b", "250", "553 5.6.7" },
		{ "\xe2\x82\xac@b", "250", "553 5.6.7" },
		{ "\xf0\x9f\x98\x80@b", "250", "553 5.6.7" },
		{ "\xf4\x8f\xbf\xbf@b", "250", "553 5.6.7" },	/* U+10FFFF */
		{ "\xee\x80\x80@b", "250", "553 5.6.7" },		/* U+E000 */
		{ "\xc2\xa0@b", "250", "553 5.6.7" },		/* U+00A0 */
		{ "\xc0\x80@b", "501 5.1.3", "501 5.1.3" },		/* overlong NUL */
		{ "\xc1\xbf@b", "501 5.1.3", "501 5.1.3" },
		{ "\xe0\x9f\xbf@b", "501 5.1.3", "501 5.1.3" },	/* overlong */
		{ "\xf0\x8f\xbf\xbf@b", "501 5.1.3", "501 5.1.3" },	/* overlong */
		{ "\xed\xa0\x80@b", "501 5.1.3", "501 5.1.3" },	/* U+D800 */
		{ "\xed\xbf\xbf@b", "501 5.1.3", "501 5.1.3" },	/* U+DFFF */
		{ "\xf4\x90\x80\x80@b", "501 5.1.3", "501 5.1.3" },	/* U+110000 */
		{ "\xf8\x88\x80\x80\x80@b", "501 5.1.3", "501 5.1.3" },
		{ "\xc2\x80@b", "501 5.1.3", "501 5.1.3" },		/* C1 */
		{ "\xc2\x9f@b", "501 5.1.3", "501 5.1.3" },		/* C1 */
		{ "\xa9@b", "501 5.1.3", "501 5.1.3" },		/* stray */
		{ "a\xc3", "501 5.1.3", "501 5.1.3" },		/* cut short */
		{ "a\xef\xbf", "501 5.1.3", "501 5.1.3" },
		{ "a\xf0\x9f\x98", "501 5.1.3", "501 5.1.3" },
	};
	struct rec r;
	struct buf out = BUF_INIT, cmd = BUF_INIT;
	size_t i, utf8;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (utf8 = 0; utf8 < 2; utf8++) {
			struct smtpd *s = new_session(SMTPD_SMTP, &r, NULL);
			feed(s, utf8 ? "EHLO c\r\nMAIL FROM:<a@a> SMTPUTF8\r\n"
			     : "EHLO c\r\nMAIL FROM:<a@a>\r\n", &out);
			buf_reset(&out);
			buf_reset(&cmd);
			buf_printf(&cmd, "RCPT TO:<%s>\r\n", cases[i].addr);
			feed(s, cmd.data, &out);
			assert_true(strncmp(buf_cstr(&out), utf8 ? cases[i].with : cases[i].without,
					    strlen(utf8 ? cases[i].with : cases[i].without)) == 0);
			buf_reset(&cmd);
			buf_printf(&cmd, "RSET\r\nMAIL FROM:<%s>%s\r\n", cases[i].addr,
				   utf8 ? " SMTPUTF8" : "");
			buf_reset(&out);
			feed(s, cmd.data, &out);
			assert_int_equal(strstr(buf_cstr(&out), "\r\n")[2],
					 (utf8 ? cases[i].with : cases[i].without)[0]);
			smtpd_free(s);
			buf_free(&r.msg);
		}
	}
	buf_free(&out);
	buf_free(&cmd);
}

/* What the auth hook saw. */
struct authrec {
	int calls;
	char mech[16], authzid[300], user[300], pass[300];
	const char *user_at;	/* where the engine kept the user */
};

static void auth_hook(void *ctx, const char *mech, const char *authzid, const char *user,
		      const char *pass, struct dsn *out)
{
	struct authrec *a = ctx;

	a->calls++;
	snprintf(a->mech, sizeof(a->mech), "%s", mech);
	snprintf(a->authzid, sizeof(a->authzid), "%s", authzid);
	snprintf(a->user, sizeof(a->user), "%s", user);
	snprintf(a->pass, sizeof(a->pass), "%s", pass);
	a->user_at = user;
	if (strcmp(user, "alice") != 0 || strcmp(pass, "secret") != 0)
		dsn_set(out, DSN_PERMFAIL, "5.7.8", "bad password for %s", user);
}

/* auth_session - a submission engine with AUTH allowed in clear, after EHLO */
static struct smtpd *auth_session(struct authrec *a, struct buf *out)
{
	struct smtpd_hooks h = { .ctx = a, .auth = auth_hook };
	struct smtpd *s;

	memset(a, 0, sizeof(*a));
	s = smtpd_new(SMTPD_SUBMISSION, "mx.test", NULL, &h);
	smtpd_allow_auth_in_clear(s, true);
	assert_true(feed(s, "EHLO c.test\r\n", out));
	assert_non_null(strstr(buf_cstr(out), "250-AUTH PLAIN LOGIN\r\n"));
	buf_reset(out);
	return s;
}

/* RFC 4954 4: a response line of 12288 octets is read whatever max_line
 * is; one more is 500 5.5.6; fed in pieces across calls */
static void test_auth_long_response(void **state)
{
	struct authrec a;
	struct buf out = BUF_INIT;
	struct smtpd *s = auth_session(&a, &out);
	char piece[1000];
	size_t i;

	memset(piece, 'A', sizeof(piece));
	for (int extra = 0; extra < 2; extra++) {
		assert_true(feed(s, "AUTH PLAIN\r\n", &out));
		assert_string_equal(buf_cstr(&out), "334 \r\n");
		buf_reset(&out);
		for (i = 0; i < 12; i++)
			assert_true(smtpd_input(s, piece, sizeof(piece), &out));
		assert_true(smtpd_input(s, piece, 288 + (size_t)extra, &out));
		assert_int_equal(out.len, 0);
		assert_true(feed(s, "\r\n", &out));
		/* 9216 NULs are no PLAIN message: 535, but the line was read */
		assert_string_equal(buf_cstr(&out), extra ? "500 5.5.6 Authentication Exchange line is too long\r\n"
				    : "535 5.7.8 Authentication credentials invalid\r\n");
		buf_reset(&out);
	}
	assert_int_equal(a.calls, 0);
	smtpd_free(s);
	buf_free(&out);
}

/* three failed AUTH close the session; the hook's text is not shown */
static void test_auth_three_failures(void **state)
{
	struct authrec a;
	struct buf out = BUF_INIT;
	struct smtpd *s = auth_session(&a, &out);

	assert_true(feed(s, "AUTH PLAIN AGFsaWNlAHdyb25n\r\n", &out));
	assert_true(feed(s, "AUTH LOGIN\r\n*\r\n", &out));
	assert_null(strstr(buf_cstr(&out), "bad password"));
	assert_false(feed(s, "AUTH PLAIN AGJvYgBzZWNyZXQ=\r\nNOOP\r\n", &out));
	assert_non_null(strstr(buf_cstr(&out), "535 5.7.8 Authentication credentials invalid\r\n"
			       "421 4.7.0 mx.test Error: too many failed authentication attempts\r\n"));
	assert_null(strstr(buf_cstr(&out), "250"));
	assert_int_equal(a.calls, 2);
	assert_null(smtpd_auth_user(s));
	smtpd_free(s);
	buf_free(&out);
}

/* LOGIN: the hook gets the decoded user and password; the user the
 * engine kept between the two steps is wiped once the hook returned */
static void test_auth_login_wiped(void **state)
{
	struct authrec a;
	struct buf out = BUF_INIT;
	struct smtpd *s = auth_session(&a, &out);

	assert_null(smtpd_auth_user(s));
	assert_true(feed(s, "AUTH LOGIN YWxpY2U=\r\nc2VjcmV0\r\n", &out));
	assert_string_equal(buf_cstr(&out), "334 UGFzc3dvcmQ6\r\n235 2.7.0 Authentication successful\r\n");
	assert_int_equal(a.calls, 1);
	assert_string_equal(a.mech, "LOGIN");
	assert_string_equal(a.authzid, "");
	assert_string_equal(a.user, "alice");
	assert_string_equal(a.pass, "secret");
	assert_non_null(a.user_at);
	assert_int_equal(a.user_at[0], '\0');	/* inside the live engine: wiped */
	assert_string_equal(smtpd_auth_user(s), "alice");
	smtpd_free(s);
	buf_free(&out);
}

/* with the trace on, neither the base64 nor the decoded credentials show */
static void test_auth_trace(void **state)
{
	char path[] = "/tmp/test_smtpd_trace.XXXXXX";
	struct authrec a;
	struct buf out = BUF_INIT, log = BUF_INIT;
	struct smtpd *s;
	char chunk[512];
	size_t n;
	FILE *f;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	msg_set_logfile(path);
	msg_set_trace(true);
	s = auth_session(&a, &out);
	feed(s, "AUTH PLAIN AGFsaWNlAHdyb25n\r\nAUTH LOGIN YWxpY2U=\r\nd3Jvbmc=\r\n", &out);
	feed(s, "AUTH PLAIN\r\nAGFsaWNlAHNlY3JldA==\r\n", &out);
	msg_set_trace(false);
	msg_set_logfile(NULL);
	smtpd_free(s);
	f = fopen(path, "r");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&log, chunk, n);
	fclose(f);
	unlink(path);
	assert_non_null(strstr(buf_cstr(&log), "C: AUTH PLAIN ****\n"));
	assert_non_null(strstr(buf_cstr(&log), "C: AUTH LOGIN ****\n"));
	assert_non_null(strstr(buf_cstr(&log), "C: ****\n"));
	assert_non_null(strstr(buf_cstr(&log), "S: 235 "));
	for (const char *const *p = (const char *const[]){ "AGFsaWNl", "YWxpY2U", "d3Jvbmc",
			"wrong", "secret", "alice", "c2VjcmV0", NULL }; *p; p++)
		assert_null(strstr(buf_cstr(&log), *p));
	buf_free(&log);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partial_line),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_max_message),
		cmocka_unit_test(test_endless_line),
		cmocka_unit_test(test_default_line_limit),
		cmocka_unit_test(test_reply_shape),
		cmocka_unit_test(test_reply_ascii),
		cmocka_unit_test(test_lmtp_order),
		cmocka_unit_test(test_reset_calls),
		cmocka_unit_test(test_null_hooks),
		cmocka_unit_test(test_starttls_discard),
		cmocka_unit_test(test_closed),
		cmocka_unit_test(test_bdat_stream),
		cmocka_unit_test(test_bdat_pipelined),
		cmocka_unit_test(test_bdat_hooks),
		cmocka_unit_test(test_smtputf8_flag),
		cmocka_unit_test(test_utf8_addresses),
		cmocka_unit_test(test_auth_long_response),
		cmocka_unit_test(test_auth_three_failures),
		cmocka_unit_test(test_auth_login_wiped),
		cmocka_unit_test(test_auth_trace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
