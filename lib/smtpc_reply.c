/* smtpc_reply.c - a server's replies, parsed line by line without I/O
 * (RFC 5321 4.2): "NNN-text" lines then one "NNN text" line, every line
 * with the same code; an enhanced status code (RFC 2034, RFC 3463) at the
 * start of the first line's text.  A line that does not fit marks the reply
 * bad, and a bad reply ends the session: guessing at what a confused or
 * hostile server meant is how a client gets desynchronised. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "smtpc_int.h"

void smtpc_reply_reset(struct smtpc_reply *r)
{
	r->code = 0;
	r->err = SMTPC_R_OK;
	r->enh[0] = '\0';
	buf_reset(&r->text);
	r->nlines = 0;
}

void smtpc_reply_free(struct smtpc_reply *r)
{
	buf_free(&r->text);
}

/* smtpc_enh_len - the length of an enhanced code "c.sss.ddd" of class cls
 * at the start of p (RFC 3463 2), followed by a space or the end; else 0 */
static size_t smtpc_enh_len(const char *p, size_t len, int cls)
{
	size_t i = 0, part, digits;

	if (len < 5 || p[0] != '0' + cls || p[1] != '.')
		return 0;
	for (i = 2, part = 0; part < 2; part++) {
		for (digits = 0; i < len && isdigit((unsigned char)p[i]); i++)
			digits++;
		if (digits < 1 || digits > 3)
			return 0;
		if (part == 0 && (i >= len || p[i++] != '.'))
			return 0;
	}
	return i == len || p[i] == ' ' ? i : 0;
}

/* smtpc_reply_line - add one line (without its CR LF) to r; returns 1 when
 * more lines follow, 0 when the reply is complete (or bad: r->err) */
int smtpc_reply_line(struct smtpc_reply *r, const char *line, size_t len)
{
	int code, more;
	size_t n;

	if (len < 3 || !isdigit((unsigned char)line[0]) || line[0] < '2' || line[0] > '5' ||
	    !isdigit((unsigned char)line[1]) || !isdigit((unsigned char)line[2]) ||
	    (len > 3 && line[3] != ' ' && line[3] != '-'))
		goto bad;
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (r->nlines > 0 && code != r->code)
		goto bad;	/* RFC 5321 4.2.1: one code for all lines */
	more = len > 3 && line[3] == '-';
	line += len > 3 ? 4 : 3;
	len -= len > 3 ? 4 : 3;
	if (r->nlines == 0 && (n = smtpc_enh_len(line, len, code / 100)) > 0 && n < sizeof(r->enh)) {
		memcpy(r->enh, line, n);
		r->enh[n] = '\0';
	}
	if (r->nlines > 0)
		buf_putc(&r->text, '\n');
	buf_append(&r->text, line, len);
	r->code = code;
	if (++r->nlines > SMTPC_MAX_LINES)
		goto bad;
	return more;
bad:
	r->err = SMTPC_R_BAD;
	r->code = 0;
	return 0;
}

/* smtpc_reply_text - the reply's text on one line, control bytes shown as
 * '?', onto out: it goes to logs and bounces */
static void smtpc_reply_text(const struct smtpc_reply *r, struct buf *out)
{
	size_t i;

	for (i = 0; i < r->text.len; i++) {
		unsigned char c = (unsigned char)r->text.data[i];
		buf_putc(out, c == '\n' ? ' ' : c < 0x20 || c == 0x7f ? '?' : c);
	}
}

void smtpc_reply_dsn(const struct smtpc_reply *r, const char *host, const char *cmd,
		     struct dsn *d)
{
	struct buf t = BUF_INIT;
	char code[16];
	enum dsn_status st;

	if (r->code == 0) {
		dsn_set(d, DSN_TEMPFAIL, r->err == SMTPC_R_BAD ? "4.5.0" : "4.4.2", "%s %s %s",
			r->err == SMTPC_R_BAD ? "protocol error from" :
			r->err == SMTPC_R_TIMEOUT ? "timeout talking to" :
			r->err == SMTPC_R_EOF ? "lost connection with" : "error talking to",
			host, cmd ? cmd : "");
		return;
	}
	st = r->code < 400 ? DSN_OK : r->code < 500 ? DSN_TEMPFAIL : DSN_PERMFAIL;
	if (r->enh[0])
		strcpy(code, r->enh);
	else
		strcpy(code, r->code < 400 ? "2.0.0" : r->code < 500 ? "4.0.0" : "5.0.0");
	smtpc_reply_text(r, &t);
	dsn_set(d, st, code, "host %s said: %d %s%s%s%s", host, r->code, buf_cstr(&t),
		cmd ? " (in reply to " : "", cmd ? cmd : "", cmd ? ")" : "");
	buf_free(&t);
}

/* smtpc_auth_mechs - the SASL mechanisms we use among those listed in p */
static unsigned smtpc_auth_mechs(const char *p, size_t len)
{
	unsigned ext = 0;
	size_t i = 0, w;

	while (i < len) {
		while (i < len && p[i] == ' ')
			i++;
		for (w = 0; i + w < len && p[i + w] != ' '; w++)
			;
		if (w == 5 && strncasecmp(p + i, "PLAIN", 5) == 0)
			ext |= SMTPC_EXT_AUTH_PLAIN;
		if (w == 5 && strncasecmp(p + i, "LOGIN", 5) == 0)
			ext |= SMTPC_EXT_AUTH_LOGIN;
		i += w;
	}
	return ext;
}

/* smtpc_ehlo_word - the extension one EHLO line names (RFC 5321 4.1.1.1:
 * keyword, then parameters separated by spaces) */
static unsigned smtpc_ehlo_word(const char *p, size_t len, unsigned long *size_max)
{
	static const struct { const char *kw; unsigned ext; } t[] = {
		{ "PIPELINING", SMTPC_EXT_PIPELINING }, { "STARTTLS", SMTPC_EXT_STARTTLS },
		{ "SIZE", SMTPC_EXT_SIZE }, { "8BITMIME", SMTPC_EXT_8BITMIME },
		{ "ENHANCEDSTATUSCODES", SMTPC_EXT_ENHANCED }, { "DSN", SMTPC_EXT_DSN },
		{ "SMTPUTF8", SMTPC_EXT_SMTPUTF8 },
	};
	size_t i, w;

	for (w = 0; w < len && p[w] != ' ' && p[w] != '='; w++)
		;
	if (w == 4 && strncasecmp(p, "AUTH", 4) == 0 && w < len)
		return smtpc_auth_mechs(p + w + 1, len - w - 1);	/* "AUTH=" too */
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strlen(t[i].kw) != w || strncasecmp(p, t[i].kw, w) != 0)
			continue;
		if (t[i].ext == SMTPC_EXT_SIZE && w < len)
			*size_max = strtoul(p + w + 1, NULL, 10);
		return t[i].ext;
	}
	return 0;
}

unsigned smtpc_ehlo_parse(const struct smtpc_reply *r, unsigned long *size_max)
{
	const char *p = buf_cstr(&r->text), *end = p + r->text.len, *nl;
	unsigned ext = SMTPC_EXT_ESMTP;

	*size_max = 0;
	nl = memchr(p, '\n', (size_t)(end - p));	/* the first line is the server's name */
	while (nl != NULL) {
		p = nl + 1;
		nl = memchr(p, '\n', (size_t)(end - p));
		ext |= smtpc_ehlo_word(p, (size_t)((nl ? nl : end) - p), size_max);
	}
	return ext;
}
