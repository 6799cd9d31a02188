/* smtpd.c - the SMTP/LMTP server engine: the session, the command line
 * reader and the replies.  The commands are in smtpd_cmd.c, the message
 * text reader in smtpd_data.c, BDAT chunks in smtpd_bdat.c, AUTH in
 * smtpd_auth.c.
 *
 * Replies are protocol text for the peer, not messages for a person, so they
 * are not translated (Postfix and OpenSMTPD do the same). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "msg.h"
#include "smtpd_int.h"
#include "xalloc.h"

static const char *const smtpd_state_names[] = {
	[SMTPD_S_INIT] = "init",
	[SMTPD_S_READY] = "ready",
	[SMTPD_S_MAIL] = "mail",
	[SMTPD_S_RCPT] = "rcpt",
	[SMTPD_S_DATA] = "data",
	[SMTPD_S_CHUNKS] = "chunks",
	[SMTPD_S_BDAT] = "bdat",
	[SMTPD_S_TLS] = "starttls",
	[SMTPD_S_AUTH] = "auth",
	[SMTPD_S_CLOSED] = "closed",
};

/* smtpd_mode_name - "LMTP", "SMTP" or "submission", for logs */
const char *smtpd_mode_name(enum smtpd_mode mode)
{
	return mode == SMTPD_LMTP ? "LMTP" : mode == SMTPD_SMTP ? "SMTP" : "submission";
}

/* smtpd_enter_state - the one place the session state changes */
void smtpd_enter_state(struct smtpd *s, enum smtpd_state st)
{
	if (s->state != st)
		msg_debug("smtpd %s state=%s -> %s", smtpd_mode_name(s->mode),
			  smtpd_state_names[s->state], smtpd_state_names[st]);
	s->state = st;
}

/* smtpd_clean - copy text for a reply: no control bytes (they would let a
 * hook's text start a reply line of its own), at most max bytes, and only
 * ASCII (RFC 5321 4.2: a hook's text may come translated from a catalogue)
 * unless the transaction is SMTPUTF8 (RFC 6531 3.7.4.2: then the reply may
 * name the client's UTF-8 address, which the engine checked is well formed) */
static void smtpd_clean(char *dst, const char *src, size_t max, bool utf8)
{
	size_t i;

	for (i = 0; i < max && src[i]; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c < 0x20 || c == 0x7f || (c > 0x7f && !utf8) ? '?' : (char)c;
	}
	dst[i] = '\0';
}

/* smtpd_put - append one reply line and trace it */
static void smtpd_put(struct smtpd *s, const char *line, size_t len)
{
	msg_trace("S", line, len);
	if (s->out)
		buf_append(s->out, line, len);
}

/* smtpd_reply_line - one line "code-text" (more lines follow) or "code text";
 * RFC 5321 4.2.1.  RFC 5321 4.5.3.1.5 limits a reply line to 512 octets */
void smtpd_reply_line(struct smtpd *s, int code, bool more, const char *text)
{
	char clean[480], line[512];
	int n;

	smtpd_clean(clean, text, sizeof(clean) - 1, s->smtputf8);
	n = snprintf(line, sizeof(line), "%03d%c%s\r\n", code, more ? '-' : ' ', clean);
	smtpd_put(s, line, (size_t)n);
}

/* smtpd_reply - a one-line reply with an RFC 3463 enhanced code (RFC 2034) */
void smtpd_reply(struct smtpd *s, int code, const char *enh, const char *fmt, ...)
{
	char text[480];
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (enh)
		buf_printf(&b, "%s %s", enh, text);
	else
		buf_puts(&b, text);
	smtpd_reply_line(s, code, false, buf_cstr(&b));
	buf_free(&b);
}

/* smtpd_rep_set - fill in a reply the engine makes itself */
void smtpd_rep_set(struct smtpd_rep *r, int code, const char *enh, const char *fmt, ...)
{
	va_list ap;

	r->code = code;
	snprintf(r->enh, sizeof(r->enh), "%s", enh ? enh : "");
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
}

void smtpd_reply_rep(struct smtpd *s, const struct smtpd_rep *r)
{
	smtpd_reply(s, r->code, r->enh[0] ? r->enh : NULL, "%s", r->text);
}

/* smtpd_dsn_code_ok - d's enhanced code is "c.x.y" with the class status says */
static bool smtpd_dsn_code_ok(const struct dsn *d)
{
	static const char cls[] = { [DSN_OK] = '2', [DSN_TEMPFAIL] = '4', [DSN_PERMFAIL] = '5' };
	unsigned a, b, c;
	int end = 0;

	if (d->status != DSN_OK && d->status != DSN_TEMPFAIL && d->status != DSN_PERMFAIL)
		return false;
	if (sscanf(d->code, "%1u.%3u.%3u%n", &a, &b, &c, &end) != 3 || d->code[end])
		return false;
	return d->code[0] == cls[d->status];
}

/* smtpd_hook_done - check a hook's answer before the engine acts on it: one
 * that broke the dsn contract becomes a temporary failure, rather than a
 * reply that says one thing while the engine does another */
void smtpd_hook_done(struct dsn *d)
{
	if (smtpd_dsn_code_ok(d))
		return;
	msg_warnx("smtpd: hook returned status=%d code=%.16s", (int)d->status, d->code);
	dsn_set(d, DSN_TEMPFAIL, "4.3.0", "internal error: bad status from hook");
}

/* smtpd_reply_dsn - the reply for a hook's answer (checked by smtpd_hook_done) */
void smtpd_reply_dsn(struct smtpd *s, const struct dsn *d)
{
	smtpd_reply(s, dsn_smtp_code(d), d->code, "%s", d->text[0] ? d->text : "Ok");
}

/* smtpd_close - a 421 (or other closing reply); the session is over */
void smtpd_close(struct smtpd *s, int code, const char *enh, const char *text)
{
	smtpd_reply(s, code, enh, "%s %s", s->hostname, text);
	smtpd_enter_state(s, SMTPD_S_CLOSED);
}

/* smtpd_error - a reply to a bad command; max_errors of them close the
 * session (RFC 5321 4.2.4 lets a server close on 421) */
void smtpd_error(struct smtpd *s, int code, const char *enh, const char *text)
{
	smtpd_reply(s, code, enh, "%s", text);
	if (++s->errors >= s->lim.max_errors)
		smtpd_close(s, 421, "4.7.0", "Error: too many errors");
}

/* smtpd_refuse - the reply for a refused command: counted towards
 * max_errors when it is one of the engine's protocol errors (smtpd.h) */
void smtpd_refuse(struct smtpd *s, const struct smtpd_rep *r)
{
	switch (r->code) {
	case 500: case 501: case 502: case 503: case 530: case 555:
		smtpd_error(s, r->code, r->enh[0] ? r->enh : NULL, r->text);
		break;
	default:
		smtpd_reply_rep(s, r);
	}
}

/* smtpd_reset_txn - forget the transaction; the reset hook is called when
 * it has anything to forget, or always */
void smtpd_reset_txn(struct smtpd *s, bool always)
{
	size_t i;

	for (i = 0; i < s->nrcpt; i++)
		free(s->rcpt[i]);
	s->nrcpt = 0;
	s->smtputf8 = false;
	if ((s->need_reset || always) && s->hooks.reset)
		s->hooks.reset(s->hooks.ctx);
	s->need_reset = false;
}

/* smtpd_set_limits - the caller's limits with defaults for what is 0 */
static void smtpd_set_limits(struct smtpd_limits *l, const struct smtpd_limits *from)
{
	if (from)
		*l = *from;
	else
		memset(l, 0, sizeof(*l));
	if (l->max_line == 0)
		l->max_line = SMTPD_DEF_LINE;
	if (l->max_line < SMTPD_MIN_LINE)
		l->max_line = SMTPD_MIN_LINE;
	if (l->max_recipients == 0)
		l->max_recipients = SMTPD_DEF_RCPT;
	if (l->max_errors <= 0)
		l->max_errors = SMTPD_DEF_ERRORS;
	if (l->max_auth_failures <= 0)
		l->max_auth_failures = SMTPD_DEF_AUTH_FAILURES;
}

struct smtpd *smtpd_new(enum smtpd_mode mode, const char *hostname,
			const struct smtpd_limits *limits, const struct smtpd_hooks *hooks)
{
	struct smtpd *s = xcalloc(1, sizeof(*s));
	size_t n = strlen(hostname);

	s->mode = mode;
	s->hostname = xmalloc(n + 1);
	smtpd_clean(s->hostname, hostname, n, false);
	smtpd_set_limits(&s->lim, limits);
	if (hooks)
		s->hooks = *hooks;
	s->rcpt = xcalloc(s->lim.max_recipients, sizeof(*s->rcpt));
	buf_init(&s->line);
	/* room for the longest line at once: the buffer then never moves, so
	 * no copy of a credential is left behind in freed memory */
	buf_reserve(&s->line, (s->lim.max_line > SMTPD_AUTH_LINE + 2 ?
			       s->lim.max_line : SMTPD_AUTH_LINE + 2) + 1);
	s->state = SMTPD_S_INIT;
	return s;
}

void smtpd_free(struct smtpd *s)
{
	if (!s)
		return;
	smtpd_reset_txn(s, false);
	smtpd_auth_free(s);
	free(s->rcpt);
	smtpd_line_clear(s);
	buf_free(&s->line);
	free(s->hostname);
	free(s);
}

void smtpd_greeting(struct smtpd *s, struct buf *out)
{
	s->out = out;
	/* RFC 5321 4.2: "ESMTP" tells old clients that EHLO is understood */
	smtpd_reply(s, 220, NULL, "%s %s poczta", s->hostname,
		    s->mode == SMTPD_LMTP ? "LMTP" : "ESMTP");
	s->out = NULL;
}

void smtpd_line_clear(struct smtpd *s)
{
	if (s->line.data)
		explicit_bzero(s->line.data, s->line.len);
	buf_reset(&s->line);
}

/* smtpd_line_max - the longest line now, CR LF included: max_line, or for
 * a response in an AUTH exchange what RFC 4954 4 requires */
static size_t smtpd_line_max(const struct smtpd *s)
{
	return s->state == SMTPD_S_AUTH ? SMTPD_AUTH_LINE + 2 : s->lim.max_line;
}

/* smtpd_line_too_long - the reply to a line over smtpd_line_max */
static void smtpd_line_too_long(struct smtpd *s)
{
	if (s->state == SMTPD_S_AUTH)
		smtpd_auth_too_long(s);
	else
		smtpd_error(s, 500, "5.5.2", "Error: line too long");
}

/* smtpd_line_done - a complete command line (CR LF or a lone LF at its end)
 * is in s->line: check its length and run it, or an AUTH response */
static void smtpd_line_done(struct smtpd *s)
{
	size_t len = s->line.len - 1;

	if (len > 0 && s->line.data[len - 1] == '\r')
		len--;
	smtpd_auth_trace(s, s->line.data, len);
	if (len + 2 > smtpd_line_max(s))
		smtpd_line_too_long(s);
	else if (s->state == SMTPD_S_AUTH)
		smtpd_auth_line(s, s->line.data, len);
	else
		smtpd_cmd_run(s, s->line.data, len);
	smtpd_line_clear(s);
}

/* smtpd_line_input - gather a command line from p; returns the bytes used.
 * The buffer never holds more than max_line bytes: a longer line is refused
 * when it passes the limit and the rest of it, up to its LF, is dropped
 * rather than run as a command (RFC 5321 4.5.3.1.4). */
static size_t smtpd_line_input(struct smtpd *s, const char *p, size_t n)
{
	const char *lf = memchr(p, '\n', n);
	size_t take = lf ? (size_t)(lf - p) + 1 : n;

	if (s->skip_line) {
		s->skip_line = lf == NULL;
		return take;
	}
	if (!lf && s->line.len + take >= smtpd_line_max(s)) {
		smtpd_auth_trace(s, s->line.data, s->line.len);
		smtpd_line_clear(s);
		s->skip_line = true;
		smtpd_line_too_long(s);
		return take;
	}
	if (lf && s->line.len + take > smtpd_line_max(s) + 1) {
		smtpd_line_clear(s);
		smtpd_line_too_long(s);
		return take;
	}
	buf_append(&s->line, p, take);
	if (lf)
		smtpd_line_done(s);
	return take;
}

bool smtpd_input(struct smtpd *s, const char *p, size_t n, struct buf *out)
{
	size_t used;

	s->out = out;
	/* PIPELINING (RFC 2920): every complete line in order, replies appended */
	while (n > 0 && s->state != SMTPD_S_CLOSED && s->state != SMTPD_S_TLS) {
		if (s->state == SMTPD_S_DATA)
			used = smtpd_data_input(s, p, n);
		else if (s->state == SMTPD_S_BDAT)
			used = smtpd_bdat_input(s, p, n);
		else
			used = smtpd_line_input(s, p, n);
		p += used;
		n -= used;
	}
	/* in SMTPD_S_TLS whatever is left was sent in clear after STARTTLS:
	 * dropped (RFC 3207 5, CVE-2011-0411) */
	s->out = NULL;
	return s->state != SMTPD_S_CLOSED;
}

void smtpd_timeout(struct smtpd *s, struct buf *out)
{
	if (s->state == SMTPD_S_CLOSED)
		return;
	s->out = out;
	smtpd_close(s, 421, "4.4.2", "Error: timeout exceeded");
	s->out = NULL;
}

void smtpd_eof(struct smtpd *s)
{
	smtpd_reset_txn(s, false);
	smtpd_enter_state(s, SMTPD_S_CLOSED);
}

void smtpd_offer_starttls(struct smtpd *s, bool required)
{
	s->tls_offer = true;
	s->tls_required = required;
}

bool smtpd_starttls_pending(const struct smtpd *s)
{
	return s->state == SMTPD_S_TLS;
}

void smtpd_tls_started(struct smtpd *s)
{
	smtpd_reset_txn(s, false);
	smtpd_line_clear(s);
	s->skip_line = false;
	s->esmtp = false;
	s->tls_active = true;
	smtpd_enter_state(s, SMTPD_S_INIT);
}

bool smtpd_esmtp(const struct smtpd *s)
{
	return s->esmtp;
}

bool smtpd_smtputf8(const struct smtpd *s)
{
	return s->smtputf8;
}
