/* fuzz_pop3d.c - libFuzzer target for the POP3 engine (lib/pop3d*.c).
 *
 * Input: byte 0 says whether STLS is offered, logins allowed in clear and
 * TLS on from the start, and the read size; byte 1 the limits; the rest is
 * what the client sends, in segments separated by "\xff\xfe" (between
 * segments a pending STLS handshake "succeeds").
 *
 * The same input is played twice, all of each segment in one call and in
 * small reads, and everything observable (replies and hook calls) must be
 * the same.  Beside that: every reply line ends in CR LF and is at most
 * 512 octets; nothing is said after the session ended; the auth hook is
 * called only where logins are allowed, with a user and a password of 1
 * to 255 octets; open only after a right password, once; read and update
 * only in the TRANSACTION state, update once at most with ascending
 * indexes; close exactly once, last. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "pop3d.h"

#define FZ_NMSG 4

static const char *const fz_texts[FZ_NMSG] = {
	"Subject: a\r\n\r\nbody\r\n",
	".\r\n..\r\n.x\r\n",
	"",
	"Subject: d\r\n\r\n1\r\n.2\r\n3\r\n",
};

struct fz {
	struct pop3d *p;
	bool tls, clear;	/* logins allowed */
	struct buf log;		/* hook calls, in order */
	bool authed, opened, updated, closed;
	struct pop3d_msg msgs[FZ_NMSG];
};

static void fz_check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_pop3d: invariant broken: %s\n", what);
		abort();
	}
}

static int fz_auth(void *ctx, const char *user, const char *pass)
{
	struct fz *f = ctx;

	fz_check(!f->closed, "auth after close");
	fz_check(f->tls || f->clear, "auth before TLS");
	fz_check(!f->authed, "auth after a right password");
	fz_check(*user && *pass && strlen(user) <= 255 && strlen(pass) <= 255, "credential length");
	buf_printf(&f->log, "A<%s>\n", user);
	if (user[0] == 't')
		return -2;
	if (strcmp(pass, "secret") != 0)
		return -1;
	f->authed = true;
	return 0;
}

static int fz_open(void *ctx, const struct pop3d_msg **msgs, size_t *n)
{
	struct fz *f = ctx;
	const char *u = pop3d_user(f->p);

	fz_check(f->authed && !f->opened && !f->closed, "open out of turn");
	fz_check(u != NULL, "open without a user");
	f->opened = true;
	buf_puts(&f->log, "O\n");
	*msgs = f->msgs;
	*n = u[0] == 'e' ? 0 : FZ_NMSG;
	return u[0] == 'l' ? -1 : u[0] == 'b' ? -2 : 0;
}

static int fz_read(void *ctx, size_t i, long lines, struct buf *out)
{
	struct fz *f = ctx;

	fz_check(f->opened && !f->closed && !f->updated, "read out of turn");
	fz_check(i < FZ_NMSG, "read past the maildrop");
	buf_printf(&f->log, "R%zu %ld\n", i, lines);
	if (i == 3 && lines == 1)
		return -1;
	buf_puts(out, fz_texts[i]);
	return 0;
}

static int fz_update(void *ctx, const size_t *del, size_t ndel)
{
	struct fz *f = ctx;
	size_t k;

	fz_check(f->opened && !f->closed && !f->updated, "update out of turn");
	fz_check(ndel > 0 && ndel <= FZ_NMSG, "update count");
	for (k = 0; k < ndel; k++)
		fz_check(del[k] < FZ_NMSG && (k == 0 || del[k] > del[k - 1]), "update order");
	f->updated = true;
	buf_printf(&f->log, "U%zu\n", ndel);
	return del[0] == 2 ? -1 : 0;
}

static void fz_close(void *ctx)
{
	struct fz *f = ctx;

	fz_check(!f->closed, "close twice");
	f->closed = true;
	buf_puts(&f->log, "C\n");
}

/* fz_check_replies - every line ends in CR LF, at most 512 octets */
static void fz_check_replies(const char *p, size_t n)
{
	const char *end = p + n, *lf;

	for (; p < end; p = lf + 1) {
		lf = memchr(p, '\n', (size_t)(end - p));
		fz_check(lf && lf > p && lf[-1] == '\r', "reply line end");
		fz_check(lf + 1 - p <= 512, "reply line length");
		fz_check(!memchr(p, '\r', (size_t)(lf - 1 - p)), "CR inside a reply line");
	}
}

/* fz_play - one session over the segments, step bytes a read (0: whole);
 * returns the log and the replies, which the caller frees */
static char *fz_play(unsigned flags, const struct pop3d_limits *lim, const uint8_t *data,
		     size_t size, size_t step)
{
	struct fz f;
	struct pop3d_hooks h = {
		.ctx = &f, .auth = fz_auth, .open = fz_open, .read = fz_read,
		.update = fz_update, .close = fz_close,
	};
	struct buf out = BUF_INIT;
	const uint8_t *end = data + size, *seg, *q;
	size_t k, n, i;
	bool open = true;

	memset(&f, 0, sizeof(f));
	for (i = 0; i < FZ_NMSG; i++) {
		f.msgs[i].uidl = i == 1 ? "~!x" : "uid";
		f.msgs[i].size = strlen(fz_texts[i]);
	}
	buf_init(&f.log);
	f.p = pop3d_new("pop.fuzz", lim, &h);
	if (flags & 1)
		pop3d_offer_stls(f.p);
	f.clear = flags & 2;
	pop3d_allow_auth_in_clear(f.p, f.clear);
	if (flags & 4) {
		pop3d_tls_started(f.p);
		f.tls = true;
	}
	pop3d_greeting(f.p, &out);
	for (seg = data; seg < end; seg = q + 2) {
		q = memmem(seg, (size_t)(end - seg), "\xff\xfe", 2);
		if (!q)
			q = end;
		for (n = (size_t)(q - seg); n > 0; n -= k, seg += k) {
			size_t before = out.len;
			bool was_open = open;
			k = step && step < n ? step : n;
			open = pop3d_input(f.p, (const char *)seg, k, &out) && open;
			fz_check(was_open || out.len == before, "output after the end");
			fz_check(open || f.closed, "ended without close");
		}
		if (pop3d_stls_pending(f.p)) {
			pop3d_tls_started(f.p);
			f.tls = true;
		}
		if (q == end)
			break;
	}
	pop3d_eof(f.p);
	fz_check(f.closed, "eof without close");
	pop3d_free(f.p);
	fz_check_replies(out.data ? out.data : "", out.len);
	buf_append(&f.log, out.data ? out.data : "", out.len);
	buf_free(&out);
	return buf_detach(&f.log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pop3d_limits lim;
	char *whole, *split;
	size_t step;

	if (size < 2)
		return 0;
	memset(&lim, 0, sizeof(lim));
	step = 1 + (data[0] >> 3);
	lim.max_line = 8 + (data[1] & 0x1f) * 8;
	lim.max_errors = (data[1] & 0x20) ? 3 : 40;
	lim.max_auth_failures = (data[1] & 0x40) ? 1 : 5;
	whole = fz_play(data[0] & 7, &lim, data + 2, size - 2, 0);
	split = fz_play(data[0] & 7, &lim, data + 2, size - 2, step);
	fz_check(strcmp(whole, split) == 0, "output depends on how the input is split");
	free(whole);
	free(split);
	return 0;
}
