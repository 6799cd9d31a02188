/* fuzz_smtpd.c - libFuzzer target for the SMTP/LMTP engine (lib/smtpd*.c).
 *
 * Input: byte 0 picks the mode (unless FUZZ_LMTP fixes it), whether STARTTLS
 * is offered or required or, instead, AUTH allowed in clear, and the read
 * size; with STARTTLS the auth hook is set too (AUTH after TLS); byte 1 the limits; the rest is what the
 * peer sends, in segments separated by "\xff\xfe" (between segments a
 * pending STARTTLS handshake "succeeds").
 *
 * The same input is played twice, all of each segment in one call and in
 * small reads, and everything observable (replies and hook calls) must be
 * the same: the engine must not depend on how bytes arrive.  Beside that:
 * every reply line is well-formed, data_chunk is called only inside DATA
 * or BDAT and never gets a CR or NUL, never more than max_message bytes,
 * data_end sees the recipients that were accepted, the hooks get only
 * well-formed UTF-8 addresses, and non-ASCII ones only when smtpd_smtputf8
 * says the transaction asked for it.  The auth hook is called only where
 * AUTH is offered, with an authzid "" or the user, non-empty user and
 * password of at most 255 octets without NUL, and in submission MAIL gets
 * to its hook only after a successful AUTH. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "dsn.h"
#include "smtpd.h"

struct fz {
	struct smtpd *s;
	enum smtpd_mode mode;
	struct smtpd_limits lim;
	bool auth;		/* the auth hook is set */
	struct buf log;		/* replies and hook calls, in order */
	size_t nrcpt;
	bool in_data;
	unsigned long long msg_bytes;
	uint32_t hash;
};

static void fz_check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_smtpd: invariant broken: %s\n", what);
		abort();
	}
}

/* fz_utf8_ok - a well-formed UTF-8 address (RFC 3629), ASCII only unless
 * the transaction has SMTPUTF8 */
static bool fz_utf8_ok(const struct fz *f, const char *a)
{
	const unsigned char *p = (const unsigned char *)a;
	bool eight = false;
	size_t n, i;

	for (; *p; p += n + 1) {
		n = *p < 0x80 ? 0 : *p < 0xc2 ? 9 : *p < 0xe0 ? 1 : *p < 0xf0 ? 2 : *p < 0xf5 ? 3 : 9;
		if (n == 9)
			return false;
		eight |= n > 0;
		for (i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
	}
	return !eight || smtpd_smtputf8(f->s);
}

/* fz_verdict - a hook's answer, from the address's first character */
static void fz_verdict(const char *addr, struct dsn *out)
{
	switch (addr[0]) {
	case 'u': dsn_set(out, DSN_PERMFAIL, "5.1.1", "unknown"); break;
	case 'd': dsn_set(out, DSN_TEMPFAIL, "4.3.0", "defer\r\n250 x"); break;
	case 'b': dsn_set(out, DSN_OK, "5.x", "bad code"); break;
	default: break;
	}
}

static void fz_helo(void *ctx, const char *name, struct dsn *out)
{
	struct fz *f = ctx;

	buf_printf(&f->log, "H<%s>\n", name);
	fz_verdict(name, out);
}

static void fz_mail(void *ctx, const char *s, const char *p, struct dsn *out)
{
	struct fz *f = ctx;

	fz_check(!f->in_data, "mail inside DATA");
	fz_check(fz_utf8_ok(f, s), "sender not UTF-8 or without SMTPUTF8");
	fz_check(f->mode != SMTPD_SUBMISSION || !f->auth || smtpd_auth_user(f->s),
		 "MAIL in submission before AUTH");
	buf_printf(&f->log, "M<%s>%s%s\n", s, p, smtpd_smtputf8(f->s) ? " U" : "");
	fz_verdict(s, out);
}

static void fz_rcpt(void *ctx, const char *r, const char *p, struct dsn *out)
{
	struct fz *f = ctx;

	fz_check(fz_utf8_ok(f, r), "recipient not UTF-8 or without SMTPUTF8");
	buf_printf(&f->log, "R<%s>%s\n", r, p);
	fz_verdict(r, out);
	if (out->status == DSN_OK && r[0] != 'b')	/* 'b': the engine refuses it */
		f->nrcpt++;
	fz_check(f->nrcpt <= f->lim.max_recipients || f->lim.max_recipients == 0, "too many recipients");
}

static void fz_data_start(void *ctx, struct dsn *out)
{
	struct fz *f = ctx;

	fz_check(f->nrcpt > 0, "DATA without recipients");
	f->in_data = true;
	f->msg_bytes = 0;
	f->hash = 2166136261u;
}

static void fz_chunk(void *ctx, const char *p, size_t n)
{
	struct fz *f = ctx;
	size_t i;

	fz_check(f->in_data, "data_chunk outside DATA");
	fz_check(n > 0, "empty chunk");
	for (i = 0; i < n; i++) {
		fz_check(p[i] != '\r' && p[i] != '\0', "CR or NUL handed on");
		f->hash = (f->hash ^ (unsigned char)p[i]) * 16777619u;
	}
	f->msg_bytes += n;
	fz_check(!f->lim.max_message || f->msg_bytes <= f->lim.max_message, "over max_message");
}

static void fz_data_end(void *ctx, const char *bad, struct dsn *out, size_t n)
{
	struct fz *f = ctx;

	fz_check(f->in_data, "data_end outside DATA");
	fz_check(n == f->nrcpt, "data_end recipient count");
	f->in_data = false;
	/* what was handed on before a problem showed depends on the reads */
	if (bad)
		buf_printf(&f->log, "E bad=%s\n", bad);
	else
		buf_printf(&f->log, "E %llu %08x\n", f->msg_bytes, f->hash);
	if (n > 1)
		dsn_set(&out[1], DSN_TEMPFAIL, "4.2.2", "full");
}

static void fz_reset(void *ctx)
{
	struct fz *f = ctx;

	buf_puts(&f->log, "X\n");
	f->nrcpt = 0;
	f->in_data = false;
}

/* fz_auth - credentials: alice/secret is right, a user starting with 't'
 * fails temporarily, the rest permanently */
static void fz_auth(void *ctx, const char *mech, const char *authzid, const char *user,
		    const char *pass, struct dsn *out)
{
	struct fz *f = ctx;

	fz_check(f->mode != SMTPD_LMTP, "AUTH in LMTP");
	fz_check(!smtpd_auth_user(f->s), "AUTH twice");
	fz_check(strcmp(mech, "PLAIN") == 0 || strcmp(mech, "LOGIN") == 0, "mechanism");
	fz_check(!*authzid || strcmp(authzid, user) == 0, "authzid other than the user");
	fz_check(*user && *pass && strlen(user) <= 255 && strlen(pass) <= 255, "credential length");
	buf_printf(&f->log, "A%s<%s>\n", mech, user);
	if (user[0] == 't')
		dsn_set(out, DSN_TEMPFAIL, "4.7.0", "later");
	else if (strcmp(user, "alice") != 0 || strcmp(pass, "secret") != 0)
		dsn_set(out, DSN_PERMFAIL, "5.7.8", "no\r\n235 x");
}

/* fz_check_replies - "ddd" SP or "-", text without CR or LF, CR LF */
static void fz_check_replies(const char *p, size_t n)
{
	size_t i = 0, start;

	while (i < n) {
		start = i;
		while (i < n && p[i] != '\r' && p[i] != '\n')
			i++;
		fz_check(i + 1 < n && p[i] == '\r' && p[i + 1] == '\n', "reply line end");
		fz_check(i - start >= 4 && p[start] >= '2' && p[start] <= '5', "reply code");
		fz_check(p[start + 3] == ' ' || p[start + 3] == '-', "reply separator");
		i += 2;
	}
}

/* fz_play - one session over the segments, step bytes a read (0: whole);
 * returns the log, which the caller frees */
static char *fz_play(const struct fz *conf, int tls, const uint8_t *data, size_t size,
		     size_t step)
{
	struct fz f = *conf;
	struct smtpd_hooks h = {
		.ctx = &f, .helo = fz_helo, .mail = fz_mail, .rcpt = fz_rcpt,
		.data_start = fz_data_start, .data_chunk = fz_chunk,
		.data_end = fz_data_end, .reset = fz_reset,
		.auth = f.auth ? fz_auth : NULL,
	};
	struct smtpd *s = smtpd_new(f.mode, "mx.fuzz", &f.lim, &h);
	struct buf out = BUF_INIT;
	const uint8_t *end = data + size, *seg, *p;
	size_t k, n;
	bool open = true;

	buf_init(&f.log);
	f.s = s;
	if (tls == 1 || tls == 2)
		smtpd_offer_starttls(s, tls > 1);
	smtpd_allow_auth_in_clear(s, tls == 3);
	smtpd_greeting(s, &out);
	for (seg = data; seg < end; seg = p + 2) {
		p = memmem(seg, (size_t)(end - seg), "\xff\xfe", 2);
		if (!p)
			p = end;
		for (n = (size_t)(p - seg); n > 0; n -= k, seg += k) {
			k = step && step < n ? step : n;
			size_t before = out.len;
			bool was_open = open;
			open = smtpd_input(s, (const char *)seg, k, &out) && open;
			fz_check(was_open || out.len == before, "output after close");
		}
		if (smtpd_starttls_pending(s))
			smtpd_tls_started(s);
		if (p == end)
			break;
	}
	smtpd_eof(s);
	smtpd_free(s);
	fz_check_replies(out.data ? out.data : "", out.len);
	buf_append(&f.log, out.data ? out.data : "", out.len);
	buf_free(&out);
	return buf_detach(&f.log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz conf;
	char *whole, *split;
	size_t step;
	int tls;		/* 0: no STARTTLS, 1: offered, 2: required, 3: AUTH in clear */

	if (size < 2)
		return 0;
	memset(&conf, 0, sizeof(conf));
#ifdef FUZZ_LMTP
	conf.mode = SMTPD_LMTP;
#else
	conf.mode = data[0] % 3 == 0 ? SMTPD_LMTP : data[0] % 3 == 1 ? SMTPD_SMTP : SMTPD_SUBMISSION;
#endif
	tls = (data[0] >> 2) & 3;
	conf.auth = tls != 0;
	step = 1 + (data[0] >> 4);
	conf.lim.max_line = 16 + (data[1] & 0x1f) * 4;
	conf.lim.max_message = (data[1] & 0x20) ? 0 : 200;
	conf.lim.max_recipients = 1 + ((data[1] >> 6) & 3);
	conf.lim.max_errors = (data[1] & 0x80) ? 3 : 50;
	whole = fz_play(&conf, tls, data + 2, size - 2, 0);
	split = fz_play(&conf, tls, data + 2, size - 2, step);
	fz_check(strcmp(whole, split) == 0, "output depends on how the input is split");
	free(whole);
	free(split);
	return 0;
}
