/* smtpc_mail.c - one mail transaction (RFC 5321 3.3): MAIL, a RCPT per
 * recipient, DATA, the text, and the reply that decides every accepted
 * recipient at once.  With PIPELINING (RFC 2920 3.1) MAIL, the RCPTs and
 * DATA go out in one write and their replies are read in order after it;
 * without, each command waits for its reply.  Either way each reply is
 * handled by the same functions below. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "smtpc_int.h"

#define SMTPC_TEXT_CHUNK 65536

/* smtpc_path_ok - whether an address can go between < > on a command line:
 * no control bytes (a CR or LF would be a command injection), no brackets,
 * at most 256 octets (RFC 5321 4.5.3.1.3) */
static bool smtpc_path_ok(const char *a)
{
	size_t i;

	for (i = 0; a[i]; i++)
		if ((unsigned char)a[i] < 0x20 || a[i] == 0x7f || a[i] == '<' || a[i] == '>')
			return false;
	return i <= 256;
}

/* smtpc_rcpt_reply - what s->r says about recipient i; -1 when the session
 * ends (connection lost, 421) */
static int smtpc_rcpt_reply(struct smtpc *s, size_t i, int *naccepted)
{
	if (s->r.code == 0 || s->r.code == 421)
		return smtpc_fail_reply(s, "RCPT TO", true);
	if (s->r.code == 250 || s->r.code == 251) {
		s->accepted[i] = true;
		(*naccepted)++;
		return 0;
	}
	smtpc_reply_dsn(&s->r, s->host, "RCPT TO", &s->per[i]);
	if (s->per[i].status == DSN_OK)	/* some other 2xx/3xx: not an acceptance */
		dsn_set(&s->per[i], DSN_TEMPFAIL, "4.5.0", "host %s: unexpected reply %d to RCPT TO",
			s->host, s->r.code);
	s->decided[i] = true;
	return 0;
}

/* smtpc_send_text - the message from data_fd, encoded, then the "." line */
static int smtpc_send_text(struct smtpc *s, int data_fd)
{
	unsigned char b[SMTPC_TEXT_CHUNK];
	struct smtpc_enc e;
	off_t off = 0;
	ssize_t n;

	smtpc_enc_init(&e);
	while ((n = pread(data_fd, b, sizeof(b), off)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			dsn_from_errno(s->session, errno, "read the message");
			s->dead = true;	/* the text is half sent: no clean way on */
			return -1;
		}
		off += n;
		smtpc_enc_feed(&e, b, (size_t)n, &s->out);
		if (s->out.len >= SMTPC_TEXT_CHUNK && smtpc_flush(s) < 0)
			return smtpc_fail_reply(s, "the message text", true);
	}
	smtpc_enc_end(&e, &s->out);
	if (smtpc_flush(s) < 0)
		return smtpc_fail_reply(s, "the message text", true);
	return 0;
}

/* smtpc_8bit - whether an address has bytes over 0x7f (RFC 6531) */
static bool smtpc_8bit(const char *a)
{
	for (; *a; a++)
		if ((unsigned char)*a > 0x7f)
			return true;
	return false;
}

/* smtpc_xtext_ok - whether v is xtext (RFC 3461 4): printable ASCII but
 * "+" and "=", each "+" followed by two upper-case hex digits */
static bool smtpc_xtext_ok(const char *v)
{
	for (; *v; v++) {
		if (*v == '+') {
			if (!strchr("0123456789ABCDEF", v[1]) || !v[1] ||
			    !strchr("0123456789ABCDEF", v[2]) || !v[2])
				return false;
			v += 2;
		} else if (*v < '!' || *v > '~' || *v == '=')
			return false;
	}
	return true;
}

/* smtpc_xtext - v as xtext: as it is when it already is (it came so from
 * the client), else encoded (an ORCPT the MTA made from an address) */
static void smtpc_xtext(struct buf *out, const char *v)
{
	if (smtpc_xtext_ok(v)) {
		buf_puts(out, v);
		return;
	}
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;

		if (c < '!' || c > '~' || c == '+' || c == '=')
			buf_printf(out, "+%02X", c);
		else
			buf_putc(out, (char)c);
	}
}

/* smtpc_mail_cmd - MAIL FROM with SIZE (RFC 1870), BODY (RFC 6152),
 * SMTPUTF8 (RFC 6531) and RET and ENVID (RFC 3461) when the server offers
 * them and the message has them */
static void smtpc_mail_cmd(struct smtpc *s, const char *sender, const struct smtpc_enc *e,
			   bool utf8)
{
	const struct smtpc_params *p = s->o->params;
	struct buf ps = BUF_INIT;

	if (s->ext & SMTPC_EXT_SIZE)
		buf_printf(&ps, " SIZE=%llu", e->size);
	if (e->eightbit && (s->ext & SMTPC_EXT_8BITMIME))
		buf_puts(&ps, " BODY=8BITMIME");
	if (utf8)
		buf_puts(&ps, " SMTPUTF8");
	if (p && (s->ext & SMTPC_EXT_DSN)) {
		if (p->ret)
			buf_puts(&ps, p->ret == 1 ? " RET=FULL" : " RET=HDRS");
		if (p->envid && *p->envid) {
			buf_puts(&ps, " ENVID=");
			smtpc_xtext(&ps, p->envid);
		}
	}
	smtpc_cmd(s, false, "MAIL FROM:<%s>%s", sender, buf_cstr(&ps));
	buf_free(&ps);
}

/* smtpc_rcpt_params - RCPT's NOTIFY and ORCPT for recipient i (RFC 3461
 * 4.1, 4.2), for a server that offers DSN */
static void smtpc_rcpt_params(struct smtpc *s, size_t i, struct buf *ps)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ 2, "SUCCESS" }, { 4, "FAILURE" }, { 8, "DELAY" },
	};
	const struct smtpc_params *p = s->o->params;
	size_t k;

	if (p == NULL || !(s->ext & SMTPC_EXT_DSN))
		return;
	if (p->notify && p->notify[i]) {
		const char *sep = "=";

		buf_puts(ps, " NOTIFY");
		if (p->notify[i] & 1)
			buf_puts(ps, "=NEVER");	/* alone, RFC 3461 4.1 */
		else
			for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
				if (p->notify[i] & names[k].bit) {
					buf_printf(ps, "%s%s", sep, names[k].name);
					sep = ",";
				}
	}
	if (p->orcpt && p->orcpt[i]) {
		buf_puts(ps, " ORCPT=");
		smtpc_xtext(ps, p->orcpt[i]);
	}
}

/* smtpc_check - what must hold before MAIL: addresses that cannot inject a
 * command, a readable message that fits the server's SIZE */
static int smtpc_check(struct smtpc *s, const char *sender, int data_fd, struct smtpc_enc *e)
{
	if (!smtpc_path_ok(sender))
		return smtpc_fail(s, DSN_PERMFAIL, "5.1.7", "bad sender address syntax");
	if (smtpc_data_scan(data_fd, e) < 0) {
		dsn_from_errno(s->session, errno, "read the message");
		return -1;
	}
	if ((s->ext & SMTPC_EXT_SIZE) && s->size_max > 0 && e->size > s->size_max)
		return smtpc_fail(s, DSN_PERMFAIL, "5.3.4", "message of %llu bytes exceeds the "
				  "limit of %lu bytes of host %s", e->size, s->size_max, s->host);
	return 0;
}

/* smtpc_rcpts - a RCPT per recipient; without pipelining each reply is
 * read at once.  Recipients with bad addresses are decided here.  Sets
 * *nsent, and *naccepted when replies were read. */
static int smtpc_rcpts(struct smtpc *s, bool pipe, size_t *nsent, int *naccepted)
{
	size_t i;

	for (i = 0; i < s->nrcpts; i++) {
		if (!smtpc_path_ok(s->rcpts[i])) {
			dsn_set(&s->per[i], DSN_PERMFAIL, "5.1.3", "bad recipient address syntax");
			s->decided[i] = true;
			continue;
		}
		{
			struct buf ps = BUF_INIT;

			smtpc_rcpt_params(s, i, &ps);
			smtpc_cmd(s, false, "RCPT TO:<%s>%s", s->rcpts[i], buf_cstr(&ps));
			buf_free(&ps);
		}
		(*nsent)++;
		if (pipe)
			continue;
		if (smtpc_flush(s) < 0 || smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_RCPT)) < 0 ||
		    smtpc_rcpt_reply(s, i, naccepted) < 0)
			return smtpc_fail_reply(s, "RCPT TO", true);
	}
	return 0;
}

/* smtpc_pipe_replies - the replies to a pipelined MAIL and RCPTs (RFC 2920
 * 3.1: in order); mail gets MAIL's reply as a status */
static int smtpc_pipe_replies(struct smtpc *s, struct dsn *mail, int *naccepted)
{
	size_t i;

	if (smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_MAIL)) < 0 || s->r.code == 421)
		return smtpc_fail_reply(s, "MAIL FROM", true);
	smtpc_reply_dsn(&s->r, s->host, "MAIL FROM", mail);
	for (i = 0; i < s->nrcpts; i++) {
		if (s->decided[i])
			continue;	/* not sent */
		if (smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_RCPT)) < 0)
			return smtpc_fail_reply(s, "RCPT TO", true);
		if (mail->status == DSN_OK && smtpc_rcpt_reply(s, i, naccepted) < 0)
			return -1;
	}
	return 0;
}

/* smtpc_no_rcpt - every recipient was refused: each has its reply, and the
 * session ran its course; a 354 to a pipelined DATA gets an empty text
 * (RFC 2920 3.1) */
static int smtpc_no_rcpt(struct smtpc *s)
{
	if (s->r.code == 354) {
		smtpc_cmd(s, false, ".");
		if (smtpc_flush(s) < 0 || smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_DOT)) < 0)
			s->dead = true;
	}
	dsn_ok(s->session, "host %s accepted none of the recipients", s->host);
	return 0;
}

/* smtpc_done - the reply to the end of the text decides every recipient
 * RCPT accepted */
static int smtpc_done(struct smtpc *s)
{
	size_t i;

	if (smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_DOT)) < 0 || s->r.code != 250)
		return smtpc_fail_reply(s, "end of DATA", false);
	for (i = 0; i < s->nrcpts; i++) {
		if (!s->accepted[i] || s->decided[i])
			continue;
		smtpc_reply_dsn(&s->r, s->host, "end of DATA", &s->per[i]);
		s->decided[i] = true;
	}
	smtpc_reply_dsn(&s->r, s->host, "end of DATA", s->session);
	return 0;
}

int smtpc_transaction(struct smtpc *s, const char *sender, int data_fd)
{
	bool pipe = (s->ext & SMTPC_EXT_PIPELINING) != 0;
	struct smtpc_enc e;
	struct dsn mail;
	size_t nsent = 0, i;
	int naccepted = 0;
	bool utf8 = smtpc_8bit(sender);

	for (i = 0; i < s->nrcpts; i++)
		utf8 |= smtpc_8bit(s->rcpts[i]);
	/* RFC 6531 3.2: a server without SMTPUTF8 cannot take these addresses,
	 * and they cannot be downgraded: refused for good, not retried */
	if (utf8 && !(s->ext & SMTPC_EXT_SMTPUTF8))
		return smtpc_fail(s, DSN_PERMFAIL, "5.6.7", "host %s does not support SMTPUTF8, "
				  "needed for non-ASCII addresses", s->host);
	if (smtpc_check(s, sender, data_fd, &e) < 0)
		return -1;
	smtpc_mail_cmd(s, sender, &e, utf8);
	if (!pipe && (smtpc_flush(s) < 0 || smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_MAIL)) < 0 ||
		      s->r.code != 250))
		return smtpc_fail_reply(s, "MAIL FROM", false);
	if (smtpc_rcpts(s, pipe, &nsent, &naccepted) < 0)
		return -1;
	if (!pipe && naccepted == 0)
		return smtpc_no_rcpt(s);
	if (nsent > 0 || !pipe)
		smtpc_cmd(s, false, "DATA");
	if (smtpc_flush(s) < 0)
		return smtpc_fail_reply(s, "DATA", true);
	if (pipe && smtpc_pipe_replies(s, &mail, &naccepted) < 0)
		return -1;
	if (nsent > 0 && smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_DATA)) < 0)
		return smtpc_fail_reply(s, "DATA", true);
	if (pipe && mail.status != DSN_OK) {
		if (s->r.code == 354)
			smtpc_no_rcpt(s);	/* a confused server: end its text */
		*s->session = mail;
		return -1;
	}
	if (naccepted == 0)
		return smtpc_no_rcpt(s);
	if (s->r.code != 354)
		return smtpc_fail_reply(s, "DATA", false);
	if (smtpc_send_text(s, data_fd) < 0)
		return -1;
	return smtpc_done(s);
}
