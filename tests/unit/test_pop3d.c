/* test_pop3d.c - the POP3 engine (lib/pop3d*.c) with a fake maildrop in
 * its hooks, for what transcripts show badly: dot-stuffing of any message
 * text undone by a client's reading, big messages, bounded memory under an
 * endless line, the close hook called once whatever ends the session, the
 * password wiped once the hook has seen it, STLS dropping pipelined
 * commands, the shape and length of every reply, and the hooks'
 * arguments (TOP's lines, the ascending list of deleted messages). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <malloc.h>
#include "buf.h"
#include "pop3d.h"

#define NMSG 3

struct drop {
	struct pop3d_msg msgs[NMSG];
	struct buf text[NMSG];
	int auths, opens, reads, updates, closes;
	int open_rc, update_rc;
	long last_lines;
	size_t del[NMSG + 1], ndel;
	const char *pass_seen;	/* where the password was, to see it wiped */
	size_t pass_len;
	char user[64];
};

static int d_auth(void *ctx, const char *user, const char *pass)
{
	struct drop *d = ctx;

	d->auths++;
	d->pass_seen = pass;
	d->pass_len = strlen(pass);
	snprintf(d->user, sizeof(d->user), "%s", user);
	return strcmp(pass, "secret") == 0 ? 0 : -1;
}

static int d_open(void *ctx, const struct pop3d_msg **msgs, size_t *n)
{
	struct drop *d = ctx;

	d->opens++;
	*msgs = d->msgs;
	*n = NMSG;
	return d->open_rc;
}

static int d_read(void *ctx, size_t i, long lines, struct buf *out)
{
	struct drop *d = ctx;

	d->reads++;
	d->last_lines = lines;
	buf_append(out, d->text[i].data, d->text[i].len);
	return 0;
}

static int d_update(void *ctx, const size_t *del, size_t ndel)
{
	struct drop *d = ctx;

	d->updates++;
	assert_true(ndel <= NMSG);
	memcpy(d->del, del, ndel * sizeof(*del));
	d->ndel = ndel;
	return d->update_rc;
}

static void d_close(void *ctx)
{
	((struct drop *)ctx)->closes++;
}

static void drop_init(struct drop *d)
{
	static const char *const uidl[NMSG] = { "a1", "b2", "c3" };
	size_t i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < NMSG; i++) {
		buf_init(&d->text[i]);
		buf_printf(&d->text[i], "Subject: %zu\r\n\r\nbody %zu\r\n", i + 1, i + 1);
		d->msgs[i].uidl = uidl[i];
		d->msgs[i].size = d->text[i].len;
	}
}

static void drop_free(struct drop *d)
{
	size_t i;

	for (i = 0; i < NMSG; i++)
		buf_free(&d->text[i]);
}

static struct pop3d *session(struct drop *d, const struct pop3d_limits *lim, struct buf *out)
{
	struct pop3d_hooks h = {
		.ctx = d, .auth = d_auth, .open = d_open, .read = d_read,
		.update = d_update, .close = d_close,
	};
	struct pop3d *p = pop3d_new("pop.test", lim, &h);

	pop3d_allow_auth_in_clear(p, true);
	pop3d_greeting(p, out);
	return p;
}

static bool feed(struct pop3d *p, const char *s, struct buf *out)
{
	return pop3d_input(p, s, strlen(s), out);
}

static struct pop3d *logged_in(struct drop *d, struct buf *out)
{
	struct pop3d *p = session(d, NULL, out);

	assert_true(feed(p, "USER alice\r\nPASS secret\r\n", out));
	assert_non_null(strstr(buf_cstr(out), "+OK Logged in"));
	buf_reset(out);
	return p;
}

/* unstuff - what a client reads from a multi-line response after its
 * first line: the text up to the ".", un-dot-stuffed (RFC 1939 3); false
 * if the response has no end or anything follows it */
static bool unstuff(const char *r, size_t n, struct buf *text)
{
	const char *end = r + n, *lf;

	lf = memchr(r, '\n', n);
	if (!lf)
		return false;
	r = lf + 1;
	while (r < end) {
		lf = memchr(r, '\n', (size_t)(end - r));
		if (!lf || lf == r || lf[-1] != '\r')
			return false;
		if (lf - r == 2 && r[0] == '.')
			return lf + 1 == end;
		if (r[0] == '.')
			r++;
		buf_append(text, r, (size_t)(lf + 1 - r));
		r = lf + 1;
	}
	return false;
}

/* any message text: lines with dots in every place, CR LF ends, empty
 * lines, a last line without CR LF; what the client gets back is it with
 * a CR LF added where it lacked one */
static void test_dot_stuffing(void **state)
{
	static const char *const texts[] = {
		"", ".\r\n", "..\r\n.\r\n", "a\r\n.\r\n.\r\n", ".x", "x\r\n.", "\r\n\r\n.\r\n",
		"...\r\n. .\r\n.\r\n\r\n", "no end", "x\r\n.\r\n\r\n.\r\n.",
	};
	struct drop d;
	struct buf out = BUF_INIT, got = BUF_INIT, want = BUF_INIT;
	struct pop3d *p;
	size_t i;

	drop_init(&d);
	p = logged_in(&d, &out);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		buf_reset(&d.text[0]);
		buf_puts(&d.text[0], texts[i]);
		buf_reset(&out);
		buf_reset(&got);
		assert_true(feed(p, "RETR 1\r\n", &out));
		assert_true(strncmp(out.data, "+OK ", 4) == 0);
		assert_true(unstuff(out.data, out.len, &got));
		buf_reset(&want);
		buf_puts(&want, texts[i]);
		if (want.len && (want.len < 2 || strcmp(want.data + want.len - 2, "\r\n") != 0))
			buf_puts(&want, "\r\n");
		assert_string_equal(buf_cstr(&got), buf_cstr(&want));
	}
	pop3d_free(p);
	buf_free(&out);
	buf_free(&got);
	buf_free(&want);
	drop_free(&d);
}

/* a 4 MB message with a dot line every 1000 octets comes through whole */
static void test_big_message(void **state)
{
	enum { SIZE = 4 * 1024 * 1024 };
	struct drop d;
	struct buf out = BUF_INIT, got = BUF_INIT;
	struct pop3d *p;
	size_t i;

	drop_init(&d);
	buf_reset(&d.text[1]);
	for (i = 0; i < SIZE / 1000; i++)
		buf_printf(&d.text[1], "%s%0996zu\r\n", i % 2 ? "." : "", i);
	p = logged_in(&d, &out);
	assert_true(feed(p, "RETR 2\r\nNOOP\r\n", &out));
	assert_true(out.len > d.text[1].len);
	assert_true(strcmp(out.data + out.len - 10, "\r\n.\r\n+OK\r\n") == 0);
	out.len -= 5;
	assert_true(unstuff(out.data, out.len, &got));
	assert_int_equal(got.len, d.text[1].len);
	assert_memory_equal(got.data, d.text[1].data, got.len);
	pop3d_free(p);
	buf_free(&out);
	buf_free(&got);
	drop_free(&d);
}

static size_t heap_in_use(void)
{
	return mallinfo2().uordblks;
}

/* an endless line, fed in pieces: one -ERR, the heap does not grow, and
 * the line after it is run */
static void test_endless_line(void **state)
{
	struct drop d;
	struct buf out = BUF_INIT;
	struct pop3d *p;
	char piece[4096];
	size_t heap;
	int i;

	drop_init(&d);
	memset(piece, 'A', sizeof(piece));
	p = session(&d, NULL, &out);
	buf_reserve(&out, 4096);
	buf_reset(&out);
	assert_true(pop3d_input(p, piece, sizeof(piece), &out));
	heap = heap_in_use();
	for (i = 0; i < 2500; i++)
		assert_true(pop3d_input(p, piece, sizeof(piece), &out));
	assert_true(heap_in_use() <= heap + 1024);
	assert_string_equal(buf_cstr(&out), "-ERR Line too long\r\n");
	assert_true(feed(p, "\r\nCAPA\r\n", &out));
	assert_non_null(strstr(buf_cstr(&out), "+OK Capability list follows\r\n"));
	pop3d_free(p);
	buf_free(&out);
	drop_free(&d);
}

/* close is called exactly once, whatever ends the session */
static void test_close_once(void **state)
{
	struct drop d;
	struct buf out = BUF_INIT;
	struct pop3d *p;
	struct pop3d_limits lim = { .max_errors = 2 };

	drop_init(&d);
	p = logged_in(&d, &out);			/* QUIT */
	assert_false(feed(p, "QUIT\r\n", &out));
	assert_false(feed(p, "STAT\r\n", &out));
	pop3d_eof(p);
	pop3d_free(p);
	assert_int_equal(d.closes, 1);

	d.closes = 0;					/* too many errors */
	p = session(&d, &lim, &out);
	assert_false(feed(p, "X\r\nY\r\n", &out));
	pop3d_timeout(p, &out);
	pop3d_free(p);
	assert_int_equal(d.closes, 1);

	d.closes = 0;					/* timeout */
	buf_reset(&out);
	p = logged_in(&d, &out);
	pop3d_timeout(p, &out);
	assert_string_equal(buf_cstr(&out), "-ERR Autologout; idle for too long\r\n");
	pop3d_eof(p);
	pop3d_free(p);
	assert_int_equal(d.closes, 1);
	assert_int_equal(d.updates, 0);

	d.closes = 0;					/* nothing: pop3d_free */
	p = session(&d, NULL, &out);
	pop3d_free(p);
	assert_int_equal(d.closes, 1);

	d.closes = 0;					/* open fails */
	d.open_rc = -1;
	p = session(&d, NULL, &out);
	assert_false(feed(p, "USER a\r\nPASS secret\r\n", &out));
	pop3d_free(p);
	assert_int_equal(d.closes, 1);
	buf_free(&out);
	drop_free(&d);
}

/* the password is wiped once the hook returns, and the user kept */
static void test_pass_wiped(void **state)
{
	struct drop d;
	struct buf out = BUF_INIT;
	struct pop3d *p;
	size_t i;

	drop_init(&d);
	p = session(&d, NULL, &out);
	assert_null(pop3d_user(p));
	assert_true(feed(p, "USER alice\r\nPASS not the secret\r\n", &out));
	assert_int_equal(d.auths, 1);
	assert_int_equal(d.pass_len, 14);
	for (i = 0; i < d.pass_len; i++)
		assert_int_equal(d.pass_seen[i], 0);
	assert_null(pop3d_user(p));
	assert_true(feed(p, "USER alice\r\nPASS secret\r\n", &out));
	assert_string_equal(pop3d_user(p), "alice");
	pop3d_free(p);
	buf_free(&out);
	drop_free(&d);
}

/* STLS: what follows it in the same input, or before the handshake, is
 * never run; afterwards USER and PASS are allowed */
static void test_stls_drops(void **state)
{
	struct pop3d_hooks h = {
		.auth = d_auth, .open = d_open, .read = d_read, .update = d_update,
		.close = d_close,
	};
	struct drop d;
	struct buf out = BUF_INIT;
	struct pop3d *p;

	drop_init(&d);
	h.ctx = &d;
	p = pop3d_new("pop.test", NULL, &h);
	pop3d_offer_stls(p);
	pop3d_greeting(p, &out);
	buf_reset(&out);
	assert_true(feed(p, "USER alice\r\n", &out));
	assert_string_equal(buf_cstr(&out),
			    "-ERR [AUTH] Plaintext authentication disallowed without TLS\r\n");
	buf_reset(&out);
	assert_false(pop3d_stls_pending(p));
	assert_true(feed(p, "STLS\r\nUSER alice\r\nPASS secret\r\n", &out));
	assert_true(pop3d_stls_pending(p));
	assert_true(feed(p, "USER alice\r\nPASS secret\r\n", &out));
	assert_string_equal(buf_cstr(&out), "+OK Begin TLS negotiation\r\n");
	assert_int_equal(d.auths, 0);
	pop3d_tls_started(p);
	assert_false(pop3d_stls_pending(p));
	assert_true(feed(p, "PASS secret\r\nUSER alice\r\nPASS secret\r\n", &out));
	assert_int_equal(d.auths, 1);
	assert_non_null(strstr(buf_cstr(&out), "-ERR No user name given"));
	pop3d_free(p);
	buf_free(&out);
	drop_free(&d);
}

/* TOP passes its line count, DELE marks, QUIT hands the deleted messages
 * in ascending order whatever order DELE came in */
static void test_hook_arguments(void **state)
{
	struct drop d;
	struct buf out = BUF_INIT;
	struct pop3d *p;

	drop_init(&d);
	p = logged_in(&d, &out);
	assert_true(feed(p, "TOP 2 7\r\n", &out));
	assert_int_equal(d.last_lines, 7);
	assert_true(feed(p, "TOP 2 0\r\n", &out));
	assert_int_equal(d.last_lines, 0);
	assert_true(feed(p, "RETR 2\r\n", &out));
	assert_true(d.last_lines < 0);
	assert_true(feed(p, "DELE 3\r\nDELE 1\r\n", &out));
	d.update_rc = -1;
	buf_reset(&out);
	assert_false(feed(p, "QUIT\r\n", &out));
	assert_string_equal(buf_cstr(&out), "-ERR [SYS/TEMP] Some deleted messages not removed\r\n");
	assert_int_equal(d.updates, 1);
	assert_int_equal(d.ndel, 2);
	assert_int_equal(d.del[0], 0);
	assert_int_equal(d.del[1], 2);
	pop3d_free(p);
	assert_int_equal(d.closes, 1);
	buf_free(&out);
	drop_free(&d);
}

/* every reply line: "+OK", "-ERR", "+ " or a data line, CR LF, at most 512
 * octets (RFC 2449 4), printable ASCII even with a hostile hostname */
static void test_reply_shape(void **state)
{
	struct pop3d_hooks h = {
		.auth = d_auth, .open = d_open, .read = d_read, .update = d_update,
	};
	struct drop d;
	struct buf out = BUF_INIT, host = BUF_INIT;
	struct pop3d *p;
	const char *l, *lf;
	int i;

	drop_init(&d);
	h.ctx = &d;
	for (i = 0; i < 100; i++)
		buf_puts(&host, "evil\r\n+OK \xc5\xbc");
	p = pop3d_new(buf_cstr(&host), NULL, &h);
	pop3d_allow_auth_in_clear(p, true);
	pop3d_greeting(p, &out);
	feed(p, "CAPA\r\nUSER alice\r\nPASS secret\r\nLIST\r\nUIDL\r\nSTAT\r\nBAD\r\n", &out);
	feed(p, "QUIT\r\n", &out);
	for (l = out.data; l < out.data + out.len; l = lf + 1) {
		lf = memchr(l, '\n', (size_t)(out.data + out.len - l));
		assert_non_null(lf);
		assert_true(lf > l && lf[-1] == '\r');
		assert_true(lf + 1 - l <= 512);
		for (const char *c = l; c < lf - 1; c++)
			assert_true((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
	}
	assert_true(strncmp(out.data, "+OK pop.test", 12) != 0);
	assert_int_equal((const char *)memchr(out.data, '\n', out.len) - out.data, 511);
	pop3d_free(p);
	buf_free(&out);
	buf_free(&host);
	drop_free(&d);
}

/* a limit under 16 octets is taken as 16; the AUTH response line has its
 * own limit of 1024 octets whatever max_line is */
static void test_limits(void **state)
{
	struct pop3d_limits lim = { .max_line = 4 };
	struct drop d;
	struct buf out = BUF_INIT, resp = BUF_INIT;
	struct pop3d *p;

	drop_init(&d);
	p = session(&d, &lim, &out);
	buf_reset(&out);
	assert_true(feed(p, "CAPA\r\nAUTH PLAIN\r\n", &out));
	assert_non_null(strstr(buf_cstr(&out), "+ \r\n"));
	/* a malformed PLAIN message (too many NULs) in a 1004-octet line:
	 * read whole and refused as bad credentials, not as too long */
	while (resp.len < 1000)
		buf_puts(&resp, "YWxpY2UAYWxpY2UAc2VjcmV0");
	resp.len = 984;
	buf_puts(&resp, "AGFsaWNlAHNlY3JldA==\r\n");
	buf_reset(&out);
	assert_true(feed(p, resp.data, &out));
	assert_string_equal(buf_cstr(&out), "-ERR [AUTH] Authentication failed\r\n");
	assert_true(feed(p, "USER 1234567890\r\n", &out));
	assert_non_null(strstr(buf_cstr(&out), "-ERR Line too long\r\n"));
	pop3d_free(p);
	buf_free(&out);
	buf_free(&resp);
	drop_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dot_stuffing),
		cmocka_unit_test(test_big_message),
		cmocka_unit_test(test_endless_line),
		cmocka_unit_test(test_close_once),
		cmocka_unit_test(test_pass_wiped),
		cmocka_unit_test(test_stls_drops),
		cmocka_unit_test(test_hook_arguments),
		cmocka_unit_test(test_reply_shape),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
