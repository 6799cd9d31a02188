/* smtpd_data.c - the message text after DATA's 354 (RFC 5321 4.1.1.4),
 * and the octets of BDAT chunks (RFC 3030; the commands are smtpd_bdat.c).
 *
 * A byte-at-a-time reader with five states, so that any split of the input
 * gives the same result and nothing is buffered but one chunk: the text goes
 * to the data_chunk hook as it comes, un-dot-stuffed (RFC 5321 4.5.2), with
 * CR LF turned into LF.  Only CR LF "." CR LF ends the text.  A bare CR, a
 * bare LF or a NUL never ends or splits anything: it makes the message
 * refused once its end is seen (SMTP smuggling, CVE-2023-51764), as do a
 * line over max_line (RFC 5321 4.5.3.1.6) and a message over max_message
 * (RFC 1870).  Once a message is refused, no more of it goes to the hook.
 *
 * BDAT chunks go through the same byte reader without its start-of-line
 * states: no dot-stuffing, no end marker, no line limit; CR LF still
 * becomes LF (a CR ending one chunk waits for the next), and a bare CR, a
 * bare LF or a NUL still refuses the message (550 5.6.0): 8-bit text is
 * fine but binary would need BINARYMIME (RFC 3030 3), which we do not offer. */
#include <stdlib.h>
#include <string.h>
#include "msg.h"
#include "smtpd_int.h"
#include "xalloc.h"

void smtpd_data_begin(struct smtpd *s, bool chunked)
{
	struct smtpd_data *d = &s->data;

	d->open = true;
	/* the DATA command's CR LF starts the first line; chunks have none */
	d->ds = chunked ? SMTPD_D_TEXT : SMTPD_D_BOL;
	d->line_len = 0;
	d->size = 0;
	d->bad.code = 0;
	d->nchunk = 0;
}

/* smtpd_data_refuse - the message will be refused for this reason (the
 * first one given wins); what is not yet handed on is dropped */
void smtpd_data_refuse(struct smtpd *s, int code, const char *enh, const char *why)
{
	struct smtpd_data *d = &s->data;

	if (d->bad.code)
		return;
	smtpd_rep_set(&d->bad, code, enh, "%s", why);
	d->nchunk = 0;
}

/* smtpd_data_flush - hand the gathered text to the data_chunk hook */
static void smtpd_data_flush(struct smtpd *s)
{
	struct smtpd_data *d = &s->data;

	if (d->nchunk && !d->bad.code && s->hooks.data_chunk)
		s->hooks.data_chunk(s->hooks.ctx, d->chunk, d->nchunk);
	d->nchunk = 0;
}

/* smtpd_data_put - one byte of the message; wire counts it as the RFC 1870
 * size does (a LF from CR LF is 2) */
static void smtpd_data_put(struct smtpd *s, char c, unsigned wire)
{
	struct smtpd_data *d = &s->data;

	d->size += wire;
	if (d->bad.code)
		return;
	if (s->lim.max_message && d->size > s->lim.max_message) {
		smtpd_data_refuse(s, 552, "5.3.4", "message size exceeds fixed maximum message size");
		return;
	}
	d->chunk[d->nchunk++] = c;
	if (d->nchunk == sizeof(d->chunk))
		smtpd_data_flush(s);
}

/* smtpd_data_text - a byte inside a line */
static void smtpd_data_text(struct smtpd *s, unsigned char c)
{
	struct smtpd_data *d = &s->data;

	d->ds = SMTPD_D_TEXT;
	if (c == '\r') {
		d->ds = SMTPD_D_CR;
		return;
	}
	if (c == '\n') {
		/* RFC 5321 2.3.8: a bare LF is not a line end, so the next byte
		 * is not at the start of a line and a "." there ends nothing */
		smtpd_data_refuse(s, 550, "5.6.0", "bare LF in message text");
		d->line_len = 0;
	} else if (c == '\0') {
		smtpd_data_refuse(s, 550, "5.6.0", "NUL byte in message text");
	}
	smtpd_data_put(s, (char)c, 1);
}

/* smtpd_data_bare_cr - a CR not followed by LF */
static void smtpd_data_bare_cr(struct smtpd *s)
{
	smtpd_data_refuse(s, 550, "5.6.0", "bare CR in message text");
	smtpd_data_put(s, '\r', 1);
}

/* smtpd_data_byte - one byte of input; true at the end of the data */
static bool smtpd_data_byte(struct smtpd *s, unsigned char c)
{
	struct smtpd_data *d = &s->data;

	if (++d->line_len > s->lim.max_line)
		smtpd_data_refuse(s, 550, "5.6.0", "line too long");	/* RFC 5321 4.5.3.1.6 */
	switch (d->ds) {
	case SMTPD_D_BOL:
		if (c == '.')
			d->ds = SMTPD_D_DOT;
		else
			smtpd_data_text(s, c);
		return false;
	case SMTPD_D_DOT:	/* RFC 5321 4.5.2: the first "." is dropped */
		if (c == '\r')
			d->ds = SMTPD_D_DOTCR;
		else
			smtpd_data_text(s, c);
		return false;
	case SMTPD_D_DOTCR:
		if (c == '\n')
			return true;
		smtpd_data_bare_cr(s);
		smtpd_data_text(s, c);
		return false;
	case SMTPD_D_CR:
		if (c == '\n') {
			smtpd_data_put(s, '\n', 2);
			d->ds = SMTPD_D_BOL;
			d->line_len = 0;
			return false;
		}
		smtpd_data_bare_cr(s);
		smtpd_data_text(s, c);
		return false;
	case SMTPD_D_TEXT:
		smtpd_data_text(s, c);
		return false;
	}
	return false;
}

/* smtpd_data_reply - the replies after the final dot: one per accepted
 * recipient in RCPT order in LMTP (RFC 2033 4.2), one in SMTP */
static void smtpd_data_reply(struct smtpd *s, struct dsn *out)
{
	size_t i, n = s->mode == SMTPD_LMTP ? s->nrcpt : 1;

	for (i = 0; i < n; i++) {
		smtpd_hook_done(&out[i]);
		if (s->data.bad.code)
			smtpd_reply(s, s->data.bad.code, s->data.bad.enh, "Error: %s", s->data.bad.text);
		else
			smtpd_reply_dsn(s, &out[i]);
	}
}

/* smtpd_data_finish - the final dot or BDAT LAST: ask data_end (if
 * data_start said yes), reply, end the transaction (the reset hook runs at
 * the next MAIL, RSET or the end of the session) */
void smtpd_data_finish(struct smtpd *s)
{
	struct smtpd_data *d = &s->data;
	struct dsn *out = xcalloc(s->nrcpt, sizeof(*out));
	size_t i;

	smtpd_data_flush(s);
	for (i = 0; i < s->nrcpt; i++) {
		if (s->mode == SMTPD_LMTP)
			dsn_ok(&out[i], "<%s> Ok", s->rcpt[i]);
		else
			dsn_ok(&out[i], "Ok: queued");
	}
	if (d->open && s->hooks.data_end)
		s->hooks.data_end(s->hooks.ctx, d->bad.code ? d->bad.text : NULL, out, s->nrcpt);
	smtpd_data_reply(s, out);
	free(out);
	for (i = 0; i < s->nrcpt; i++)
		free(s->rcpt[i]);
	s->nrcpt = 0;
	d->open = false;
	smtpd_enter_state(s, SMTPD_S_READY);
}

size_t smtpd_data_input(struct smtpd *s, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (smtpd_data_byte(s, (unsigned char)p[i])) {
			msg_trace("C", ".", 1);
			smtpd_data_finish(s);
			return i + 1;
		}
	}
	smtpd_data_flush(s);
	return n;
}

/* smtpd_data_octet - one octet of a BDAT chunk: DATA's reader inside a
 * line, without the line limit */
static void smtpd_data_octet(struct smtpd *s, unsigned char c)
{
	struct smtpd_data *d = &s->data;

	if (d->ds == SMTPD_D_CR) {
		if (c == '\n') {
			smtpd_data_put(s, '\n', 2);
			d->ds = SMTPD_D_TEXT;
			return;
		}
		smtpd_data_bare_cr(s);
	}
	smtpd_data_text(s, c);
}

void smtpd_data_octets(struct smtpd *s, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && !s->data.bad.code; i++)
		smtpd_data_octet(s, (unsigned char)p[i]);
	smtpd_data_flush(s);
}
