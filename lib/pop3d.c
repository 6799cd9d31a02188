/* pop3d.c - the POP3 server engine: the session, the line reader and the
 * replies.  The commands are in pop3d_cmd.c; USER, PASS, AUTH and the
 * opening of the maildrop in pop3d_auth.c.
 *
 * Replies are protocol text for the peer, not messages for a person, so
 * they are not translated. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "msg.h"
#include "pop3d_int.h"
#include "xalloc.h"

static const char *const pop3d_state_names[] = {
	[POP3D_S_AUTHZ] = "authorization",
	[POP3D_S_SASL] = "sasl",
	[POP3D_S_TRANS] = "transaction",
	[POP3D_S_UPDATE] = "update",
	[POP3D_S_TLS] = "stls",
	[POP3D_S_CLOSED] = "closed",
};

/* pop3d_enter_state - the one place the session state changes */
void pop3d_enter_state(struct pop3d *p, enum pop3d_state st)
{
	if (p->state != st)
		msg_debug("pop3d state=%s -> %s", pop3d_state_names[p->state],
			  pop3d_state_names[st]);
	p->state = st;
}

/* pop3d_clean - copy text for a reply: control bytes become '?' (they
 * would let a name start a reply line of its own), and so do bytes over
 * 0x7e (RFC 1939 3: replies are ASCII), at most max bytes */
static void pop3d_clean(char *dst, const char *src, size_t max)
{
	size_t i;

	for (i = 0; i < max && src[i]; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || (unsigned char)src[i] > 0x7e ? '?' : src[i];
	dst[i] = '\0';
}

/* pop3d_put - append one line, CR LF included, and trace it */
static void pop3d_put(struct pop3d *p, const char *line, size_t len)
{
	msg_trace("S", line, len);
	if (p->out)
		buf_append(p->out, line, len);
}

/* pop3d_status - "+OK text" or "-ERR [code] text" (RFC 2449 8), at most
 * POP3D_REPLY_MAX octets with CR LF (RFC 2449 4) */
static void pop3d_status(struct pop3d *p, bool ok, const char *code, const char *fmt,
			 va_list ap)
{
	char text[POP3D_REPLY_MAX], clean[POP3D_REPLY_MAX], line[POP3D_REPLY_MAX];
	int n;

	vsnprintf(text, sizeof(text), fmt, ap);
	pop3d_clean(clean, text, sizeof(clean) - 1);
	n = snprintf(line, sizeof(line) - 1, "%s%s%s%s%s%s", ok ? "+OK" : "-ERR",
		     code ? " [" : "", code ? code : "", code ? "]" : "",
		     clean[0] ? " " : "", clean);
	if (n < 0 || (size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	memcpy(line + n, "\r\n", 2);
	pop3d_put(p, line, (size_t)n + 2);
}

void pop3d_ok(struct pop3d *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pop3d_status(p, true, NULL, fmt, ap);
	va_end(ap);
}

void pop3d_err(struct pop3d *p, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pop3d_status(p, false, code, fmt, ap);
	va_end(ap);
}

void pop3d_count_error(struct pop3d *p)
{
	if (++p->errors < p->lim.max_errors || p->state == POP3D_S_CLOSED)
		return;
	pop3d_err(p, NULL, "Too many errors, closing connection");
	pop3d_end(p);
}

void pop3d_error(struct pop3d *p, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pop3d_status(p, false, code, fmt, ap);
	va_end(ap);
	pop3d_count_error(p);
}

void pop3d_data_line(struct pop3d *p, const char *fmt, ...)
{
	char line[POP3D_REPLY_MAX];
	va_list ap;
	int n;

	/* at most POP3D_REPLY_MAX octets, a stuffed "." and CR LF included */
	line[0] = '.';
	va_start(ap, fmt);
	n = vsnprintf(line + 1, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > sizeof(line) - 3)
		n = (int)sizeof(line) - 3;
	memcpy(line + 1 + n, "\r\n", 2);
	/* RFC 1939 3: a line starting with "." gets one more */
	if (line[1] == '.')
		pop3d_put(p, line, (size_t)n + 3);
	else
		pop3d_put(p, line + 1, (size_t)n + 2);
}

void pop3d_data_end(struct pop3d *p)
{
	pop3d_put(p, ".\r\n", 3);
}

void pop3d_data_text(struct pop3d *p, const char *t, size_t n)
{
	const char *end = t + n, *lf;
	size_t k;
	char note[64];
	int len;

	len = snprintf(note, sizeof(note), "[%zu octets of message text]", n);
	msg_trace("S", note, (size_t)len);
	if (!p->out)
		return;
	buf_reserve(p->out, n + n / 64 + 8);
	while (t < end) {
		/* RFC 1939 3: byte-stuff a "." at the start of a line; a line
		 * starts after any LF, so that no reader can see ".CRLF" */
		if (*t == '.')
			buf_putc(p->out, '.');
		lf = memchr(t, '\n', (size_t)(end - t));
		k = lf ? (size_t)(lf - t) + 1 : (size_t)(end - t);
		buf_append(p->out, t, k);
		t += k;
	}
	if (n > 0 && (n < 2 || end[-2] != '\r' || end[-1] != '\n'))
		buf_append(p->out, "\r\n", 2);
}

void pop3d_end(struct pop3d *p)
{
	pop3d_enter_state(p, POP3D_S_CLOSED);
	if (!p->close_done && p->hooks.close)
		p->hooks.close(p->hooks.ctx);
	p->close_done = true;
}

bool pop3d_auth_allowed(const struct pop3d *p)
{
	return p->tls_active || p->auth_clear;
}

/* pop3d_set_limits - the caller's limits with defaults for what is 0 */
static void pop3d_set_limits(struct pop3d_limits *l, const struct pop3d_limits *from)
{
	if (from)
		*l = *from;
	else
		memset(l, 0, sizeof(*l));
	if (l->max_line == 0)
		l->max_line = POP3D_DEF_LINE;
	if (l->max_line < POP3D_MIN_LINE)
		l->max_line = POP3D_MIN_LINE;
	if (l->max_errors <= 0)
		l->max_errors = POP3D_DEF_ERRORS;
	if (l->max_auth_failures <= 0)
		l->max_auth_failures = POP3D_DEF_AUTH_FAILURES;
}

struct pop3d *pop3d_new(const char *hostname, const struct pop3d_limits *limits,
			const struct pop3d_hooks *hooks)
{
	struct pop3d *p = xcalloc(1, sizeof(*p));
	size_t n = strlen(hostname);

	if (!hooks || !hooks->auth || !hooks->open || !hooks->read || !hooks->update)
		msg_panic("pop3d_new: auth, open, read and update hooks are required");
	p->hooks = *hooks;
	p->hostname = xmalloc(n + 1);
	pop3d_clean(p->hostname, hostname, n);
	pop3d_set_limits(&p->lim, limits);
	buf_init(&p->line);
	/* room for the longest line at once: the buffer then never moves, so
	 * no copy of a password is left behind in freed memory */
	buf_reserve(&p->line, (p->lim.max_line > POP3D_AUTH_LINE + 2 ?
			       p->lim.max_line : POP3D_AUTH_LINE + 2) + 1);
	buf_init(&p->text);
	p->state = POP3D_S_AUTHZ;
	return p;
}

void pop3d_free(struct pop3d *p)
{
	if (!p)
		return;
	if (!p->close_done && p->hooks.close)
		p->hooks.close(p->hooks.ctx);
	pop3d_line_clear(p);
	buf_free(&p->line);
	buf_free(&p->text);
	free(p->deleted);
	free(p->user_given);
	free(p->user);
	free(p->hostname);
	free(p);
}

void pop3d_greeting(struct pop3d *p, struct buf *out)
{
	p->out = out;
	/* RFC 1939 4; no APOP timestamp: APOP is not offered */
	pop3d_ok(p, "%s POP3 server ready", p->hostname);
	p->out = NULL;
}

void pop3d_line_clear(struct pop3d *p)
{
	if (p->line.data)
		explicit_bzero(p->line.data, p->line.len);
	buf_reset(&p->line);
}

/* pop3d_line_max - the longest line now, CR LF included */
static size_t pop3d_line_max(const struct pop3d *p)
{
	return p->state == POP3D_S_SASL ? POP3D_AUTH_LINE + 2 : p->lim.max_line;
}

/* pop3d_line_too_long - the reply to a line over pop3d_line_max */
static void pop3d_line_too_long(struct pop3d *p)
{
	if (p->state == POP3D_S_SASL)
		pop3d_auth_fail(p, NULL, "Authentication line too long");
	else
		pop3d_error(p, NULL, "Line too long");
}

/* pop3d_line_done - a complete line (CR LF or a lone LF at its end) is in
 * p->line: run it as a command, or an AUTH response */
static void pop3d_line_done(struct pop3d *p)
{
	size_t len = p->line.len - 1;

	if (len > 0 && p->line.data[len - 1] == '\r')
		len--;
	pop3d_auth_trace(p, p->line.data, len);
	if (len + 2 > pop3d_line_max(p))
		pop3d_line_too_long(p);
	else if (p->state == POP3D_S_SASL)
		pop3d_auth_line(p, p->line.data, len);
	else
		pop3d_cmd_run(p, p->line.data, len);
	pop3d_line_clear(p);
}

/* pop3d_line_input - gather a line from d; returns the bytes used.  The
 * buffer never holds more than the limit: a longer line is refused when
 * it passes it, and the rest, up to its LF, dropped unread. */
static size_t pop3d_line_input(struct pop3d *p, const char *d, size_t n)
{
	const char *lf = memchr(d, '\n', n);
	size_t take = lf ? (size_t)(lf - d) + 1 : n;

	if (p->skip_line) {
		p->skip_line = lf == NULL;
		return take;
	}
	if (!lf && p->line.len + take >= pop3d_line_max(p)) {
		pop3d_auth_trace(p, p->line.data, p->line.len);
		pop3d_line_clear(p);
		p->skip_line = true;
		pop3d_line_too_long(p);
		return take;
	}
	if (lf && p->line.len + take > pop3d_line_max(p) + 1) {
		pop3d_line_clear(p);
		pop3d_line_too_long(p);
		return take;
	}
	buf_append(&p->line, d, take);
	if (lf)
		pop3d_line_done(p);
	return take;
}

bool pop3d_input(struct pop3d *p, const char *data, size_t n, struct buf *out)
{
	size_t used;

	p->out = out;
	/* RFC 2449 6.6 PIPELINING: every complete line in order */
	while (n > 0 && p->state != POP3D_S_CLOSED && p->state != POP3D_S_TLS) {
		used = pop3d_line_input(p, data, n);
		data += used;
		n -= used;
	}
	/* in POP3D_S_TLS what is left was sent in clear after STLS: dropped
	 * (RFC 2595 4 and 8, as RFC 3207 5 for SMTP; CVE-2011-0411) */
	p->out = NULL;
	return p->state != POP3D_S_CLOSED;
}

void pop3d_offer_stls(struct pop3d *p)
{
	p->tls_offer = true;
}

void pop3d_allow_auth_in_clear(struct pop3d *p, bool allow)
{
	p->auth_clear = allow;
}

bool pop3d_stls_pending(const struct pop3d *p)
{
	return p->state == POP3D_S_TLS;
}

void pop3d_tls_started(struct pop3d *p)
{
	p->tls_active = true;
	pop3d_line_clear(p);
	p->skip_line = false;
	/* RFC 2595 4: what the client said before TLS is forgotten */
	free(p->user_given);
	p->user_given = NULL;
	if (p->state == POP3D_S_TLS)
		pop3d_enter_state(p, POP3D_S_AUTHZ);
}

void pop3d_timeout(struct pop3d *p, struct buf *out)
{
	if (p->state == POP3D_S_CLOSED)
		return;
	p->out = out;
	/* RFC 1939 3: an autologout timer; no UPDATE, nothing is removed */
	pop3d_err(p, NULL, "Autologout; idle for too long");
	pop3d_end(p);
	p->out = NULL;
}

void pop3d_eof(struct pop3d *p)
{
	if (p->state != POP3D_S_CLOSED)
		pop3d_end(p);
}

const char *pop3d_user(const struct pop3d *p)
{
	return p->user;
}
