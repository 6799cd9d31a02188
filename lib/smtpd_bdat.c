/* smtpd_bdat.c - BDAT (RFC 3030 CHUNKING, without BINARYMIME): a command
 * followed by exactly size octets, which are message data or, when the
 * command or the message is refused, thrown away; never commands.
 *
 * The session is in SMTPD_S_BDAT while octets are due, and between the
 * chunks of one message in SMTPD_S_CHUNKS, where only BDAT, RSET and the
 * commands allowed anywhere are taken (RFC 3030 2: no DATA, MAIL or RCPT).
 * The octets themselves go through smtpd_data.c, so that a message stored
 * from chunks is the same as one stored from DATA. */
#include <stdio.h>
#include "smtpd_int.h"

static void smtpd_bdat_done(struct smtpd *s);

/* smtpd_bdat_read - read this chunk's octets, or end it now if it has none */
static void smtpd_bdat_read(struct smtpd *s)
{
	s->bdat.left = s->bdat.size;
	if (s->bdat.left == 0) {
		smtpd_bdat_done(s);
		return;
	}
	smtpd_enter_state(s, SMTPD_S_BDAT);
}

void smtpd_bdat_refuse(struct smtpd *s, const struct smtpd_rep *r)
{
	s->bdat.mode = SMTPD_B_REFUSED;
	s->bdat.rep = *r;
	s->bdat.resume = s->state;
	smtpd_bdat_read(s);
}

/* smtpd_bdat_open - the first chunk of a message: ask data_start.  When it
 * says no, the message is refused with its answer: the chunks the client
 * has pipelined after this one must not start a message without it. */
static void smtpd_bdat_open(struct smtpd *s)
{
	struct dsn d;

	dsn_set(&d, DSN_OK, "2.0.0", "Ok");
	if (s->hooks.data_start)
		s->hooks.data_start(s->hooks.ctx, &d);
	smtpd_hook_done(&d);
	smtpd_data_begin(s, true);
	s->bdat.total = 0;
	if (d.status != DSN_OK) {
		s->data.open = false;
		smtpd_data_refuse(s, dsn_smtp_code(&d), d.code, d.text[0] ? d.text : "data refused");
	}
	smtpd_enter_state(s, SMTPD_S_CHUNKS);
}

void smtpd_bdat_cmd(struct smtpd *s, char *arg)
{
	struct smtpd_rep rep;
	unsigned long long max = s->lim.max_message;

	if (!s->esmtp) {	/* CHUNKING is announced to EHLO only */
		smtpd_rep_set(&rep, 502, "5.5.1", "Error: BDAT needs EHLO");
		smtpd_bdat_refuse(s, &rep);
		return;
	}
	if (s->state == SMTPD_S_MAIL) {
		smtpd_rep_set(&rep, 554, "5.5.1", "Error: no valid recipients");
		smtpd_bdat_refuse(s, &rep);
		return;
	}
	if (s->state == SMTPD_S_RCPT)
		smtpd_bdat_open(s);
	s->bdat.mode = SMTPD_B_DROP;
	if (s->data.bad.code)
		;	/* refused already: RFC 3030 2, discard what was pipelined */
	else if (max && (s->bdat.size > max || s->bdat.total > max - s->bdat.size))
		smtpd_data_refuse(s, 552, "5.3.4", "message size exceeds fixed maximum message size");
	else {
		s->bdat.mode = SMTPD_B_KEEP;
		s->bdat.total += s->bdat.size;
	}
	smtpd_bdat_read(s);
}

/* smtpd_bdat_done - all octets of the chunk are read: the reply */
static void smtpd_bdat_done(struct smtpd *s)
{
	struct smtpd_rep *bad = &s->data.bad;

	if (s->bdat.mode == SMTPD_B_REFUSED) {
		smtpd_enter_state(s, s->bdat.resume);
		smtpd_refuse(s, &s->bdat.rep);
		return;
	}
	if (s->bdat.last) {
		/* a CR ending the last chunk has no LF to come */
		if (s->data.ds == SMTPD_D_CR)
			smtpd_data_refuse(s, 550, "5.6.0", "bare CR in message text");
		smtpd_data_finish(s);
		return;
	}
	smtpd_enter_state(s, SMTPD_S_CHUNKS);
	if (bad->code)
		smtpd_reply(s, bad->code, bad->enh, "Error: %s", bad->text);
	else
		smtpd_reply(s, 250, "2.0.0", "%llu octets received", s->bdat.size);
}

size_t smtpd_bdat_input(struct smtpd *s, const char *p, size_t n)
{
	size_t take = s->bdat.left < n ? (size_t)s->bdat.left : n;

	if (s->bdat.mode == SMTPD_B_KEEP)
		smtpd_data_octets(s, p, take);
	s->bdat.left -= take;
	if (s->bdat.left == 0)
		smtpd_bdat_done(s);
	return take;
}
