/* smtpd_cmd.c - the SMTP/LMTP commands: one table {verb, handler, states
 * allowed, flags}, as Postfix's smtpd_cmd_table, and a handler per verb.
 * BDAT's handler and reader are in smtpd_bdat.c, AUTH's in smtpd_auth.c.
 * What needs authentication first is MAIL alone (in submission): the
 * other commands of a transaction need a MAIL. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "smtpd_int.h"
#include "xalloc.h"

/* Command flags. */
#define SMTPD_C_LMTP	0x01	/* only in LMTP */
#define SMTPD_C_SMTP	0x02	/* only in the SMTP modes */
#define SMTPD_C_ARG	0x04	/* needs an argument */
#define SMTPD_C_NOARG	0x08	/* takes none */
#define SMTPD_C_PRE_TLS	0x10	/* allowed before TLS when TLS is required (RFC 3207 4) */
#define SMTPD_C_LAST	0x20	/* ends a PIPELINING group (RFC 2920 3.1) */
#define SMTPD_C_TLS	0x40	/* listed by HELP only while STARTTLS is offered */
#define SMTPD_C_OCTETS	0x80	/* octets follow the line, whatever the reply (BDAT) */
#define SMTPD_C_AUTH	0x100	/* listed by HELP only while AUTH is offered */

#define SMTPD_ANY	(SMTPD_IN(SMTPD_S_INIT) | SMTPD_IN(SMTPD_S_READY) | \
			 SMTPD_IN(SMTPD_S_MAIL) | SMTPD_IN(SMTPD_S_RCPT) | \
			 SMTPD_IN(SMTPD_S_CHUNKS))
#define SMTPD_TXN	(SMTPD_IN(SMTPD_S_MAIL) | SMTPD_IN(SMTPD_S_RCPT) | \
			 SMTPD_IN(SMTPD_S_CHUNKS))

struct smtpd_cmd {
	const char *verb;
	void (*run)(struct smtpd *s, char *arg);
	unsigned states;	/* SMTPD_IN() of the states it is allowed in */
	unsigned flags;
	const char *syntax;	/* the 501 text */
};

static void smtpd_cmd_helo(struct smtpd *s, char *arg);
static void smtpd_cmd_ehlo(struct smtpd *s, char *arg);
static void smtpd_cmd_mail(struct smtpd *s, char *arg);
static void smtpd_cmd_rcpt(struct smtpd *s, char *arg);
static void smtpd_cmd_data(struct smtpd *s, char *arg);
static void smtpd_cmd_rset(struct smtpd *s, char *arg);
static void smtpd_cmd_noop(struct smtpd *s, char *arg);
static void smtpd_cmd_quit(struct smtpd *s, char *arg);
static void smtpd_cmd_vrfy(struct smtpd *s, char *arg);
static void smtpd_cmd_help(struct smtpd *s, char *arg);
static void smtpd_cmd_starttls(struct smtpd *s, char *arg);

static const struct smtpd_cmd smtpd_cmds[] = {
	{ "LHLO", smtpd_cmd_ehlo, SMTPD_ANY, SMTPD_C_LMTP | SMTPD_C_ARG | SMTPD_C_PRE_TLS | SMTPD_C_LAST,
	  "Syntax: LHLO hostname" },
	{ "EHLO", smtpd_cmd_ehlo, SMTPD_ANY, SMTPD_C_SMTP | SMTPD_C_ARG | SMTPD_C_PRE_TLS | SMTPD_C_LAST,
	  "Syntax: EHLO hostname" },
	{ "HELO", smtpd_cmd_helo, SMTPD_ANY, SMTPD_C_SMTP | SMTPD_C_ARG | SMTPD_C_PRE_TLS | SMTPD_C_LAST,
	  "Syntax: HELO hostname" },
	{ "STARTTLS", smtpd_cmd_starttls, SMTPD_IN(SMTPD_S_INIT) | SMTPD_IN(SMTPD_S_READY),
	  SMTPD_C_NOARG | SMTPD_C_PRE_TLS | SMTPD_C_LAST | SMTPD_C_TLS, "Syntax: STARTTLS" },
	/* RFC 4954 4: not pipelined; the next line may be a response */
	{ "AUTH", smtpd_auth_cmd, SMTPD_IN(SMTPD_S_READY),
	  SMTPD_C_SMTP | SMTPD_C_ARG | SMTPD_C_LAST | SMTPD_C_AUTH,
	  "Syntax: AUTH mechanism [initial-response]" },
	{ "MAIL", smtpd_cmd_mail, SMTPD_IN(SMTPD_S_READY), SMTPD_C_ARG,
	  "Syntax: MAIL FROM:<address>" },
	{ "RCPT", smtpd_cmd_rcpt, SMTPD_IN(SMTPD_S_MAIL) | SMTPD_IN(SMTPD_S_RCPT), SMTPD_C_ARG,
	  "Syntax: RCPT TO:<address>" },
	{ "DATA", smtpd_cmd_data, SMTPD_IN(SMTPD_S_RCPT), SMTPD_C_NOARG | SMTPD_C_LAST,
	  "Syntax: DATA" },
	/* RFC 3030 4.2: BDAT may be pipelined, BDAT LAST too */
	{ "BDAT", smtpd_bdat_cmd, SMTPD_TXN, SMTPD_C_ARG | SMTPD_C_OCTETS,
	  "Syntax: BDAT size [LAST]" },
	{ "RSET", smtpd_cmd_rset, SMTPD_ANY, SMTPD_C_NOARG | SMTPD_C_PRE_TLS, "Syntax: RSET" },
	/* RFC 5321 4.1.1.9: NOOP may have an argument, to be ignored */
	{ "NOOP", smtpd_cmd_noop, SMTPD_ANY, SMTPD_C_PRE_TLS | SMTPD_C_LAST, "" },
	{ "QUIT", smtpd_cmd_quit, SMTPD_ANY, SMTPD_C_NOARG | SMTPD_C_PRE_TLS | SMTPD_C_LAST,
	  "Syntax: QUIT" },
	{ "VRFY", smtpd_cmd_vrfy, SMTPD_ANY, SMTPD_C_ARG | SMTPD_C_LAST, "Syntax: VRFY address" },
	{ "HELP", smtpd_cmd_help, SMTPD_ANY, SMTPD_C_LAST, "" },
};

/* smtpd_cmd_find - the table row for verb in this mode, or NULL */
static const struct smtpd_cmd *smtpd_cmd_find(const struct smtpd *s, const char *verb)
{
	unsigned skip = s->mode == SMTPD_LMTP ? SMTPD_C_SMTP : SMTPD_C_LMTP;
	size_t i;

	for (i = 0; i < sizeof(smtpd_cmds) / sizeof(smtpd_cmds[0]); i++)
		if (!(smtpd_cmds[i].flags & skip) && strcasecmp(verb, smtpd_cmds[i].verb) == 0)
			return &smtpd_cmds[i];
	return NULL;
}

/* smtpd_cmd_sequence - the 503 text for a command out of its state */
static const char *smtpd_cmd_sequence(const struct smtpd *s, const struct smtpd_cmd *c)
{
	switch (s->state) {
	case SMTPD_S_INIT:
		return s->mode == SMTPD_LMTP ? "Error: send LHLO first" : "Error: send HELO/EHLO first";
	case SMTPD_S_READY:
		return "Error: need MAIL command";
	case SMTPD_S_MAIL:
	case SMTPD_S_RCPT:
		if (c->run == smtpd_cmd_mail)
			return "Error: nested MAIL command";
		if (c->run == smtpd_cmd_data)
			return "Error: need RCPT command (no valid recipients)";
		return "Error: MAIL transaction in progress";
	case SMTPD_S_CHUNKS:	/* RFC 3030 2 */
		if (c->run == smtpd_cmd_data)
			return "Error: DATA after BDAT";
		return "Error: BDAT transaction in progress";
	default:
		return "Error: bad sequence of commands";
	}
}

/* smtpd_cmd_check - may c run now with arg?  If not, *rep is the reply */
static bool smtpd_cmd_check(struct smtpd *s, const struct smtpd_cmd *c, const char *arg,
			    struct smtpd_rep *rep)
{
	if (s->tls_required && !s->tls_active && !(c->flags & SMTPD_C_PRE_TLS)) {
		/* RFC 3207 4 */
		smtpd_rep_set(rep, 530, "5.7.0", "Must issue a STARTTLS command first");
		return false;
	}
	if (!(c->states & SMTPD_IN(s->state))) {
		smtpd_rep_set(rep, 503, "5.5.1", "%s", smtpd_cmd_sequence(s, c));
		return false;
	}
	if (((c->flags & SMTPD_C_ARG) && !*arg) || ((c->flags & SMTPD_C_NOARG) && *arg)) {
		smtpd_rep_set(rep, 501, "5.5.4", "%s", c->syntax);
		return false;
	}
	return true;
}

/* smtpd_cmd_octets - BDAT: read its size first, for whatever the reply,
 * its octets must be read and not run as commands (RFC 3030 2); false if
 * the size cannot be read (501: where the octets end is unknown) */
static bool smtpd_cmd_octets(struct smtpd *s, const struct smtpd_cmd *c, const char *arg)
{
	if (smtpd_parse_bdat(arg, &s->bdat.size, &s->bdat.last))
		return true;
	smtpd_error(s, 501, "5.5.4", c->syntax);
	return false;
}

/* smtpd_cmd_run - run one command line (len bytes, CR LF removed) */
void smtpd_cmd_run(struct smtpd *s, char *line, size_t len)
{
	const struct smtpd_cmd *c;
	struct smtpd_rep rep;
	char *arg, *end;
	size_t i;

	for (i = 0; i < len; i++)
		if (line[i] == '\0' || line[i] == '\r' || line[i] == '\n') {
			smtpd_error(s, 500, "5.5.2", "Error: bad character in command");
			return;
		}
	line[len] = '\0';
	end = line + len;
	while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	arg = line + strcspn(line, " ");
	if (*arg)
		*arg++ = '\0';
	while (*arg == ' ')
		arg++;
	c = smtpd_cmd_find(s, line);
	if (!c) {
		smtpd_error(s, 500, "5.5.2", "Error: command not recognized");
		return;
	}
	if ((c->flags & SMTPD_C_OCTETS) && !smtpd_cmd_octets(s, c, arg))
		return;
	if (smtpd_cmd_check(s, c, arg, &rep))
		c->run(s, arg);
	else if (c->flags & SMTPD_C_OCTETS)
		smtpd_bdat_refuse(s, &rep);
	else
		smtpd_refuse(s, &rep);
}

/* smtpd_cmd_hello - the common part of HELO, EHLO and LHLO; true if the
 * peer was accepted (a reply is still to be sent) */
static bool smtpd_cmd_hello(struct smtpd *s, const char *name)
{
	struct dsn d;

	if (!smtpd_parse_domain(name)) {
		smtpd_error(s, 501, "5.5.4", "Error: bad hostname");
		return false;
	}
	/* RFC 5321 4.1.4: a later EHLO resets the state as RSET does */
	smtpd_reset_txn(s, false);
	dsn_ok(&d, "%s", s->hostname);
	if (s->hooks.helo)
		s->hooks.helo(s->hooks.ctx, name, &d);
	smtpd_hook_done(&d);
	if (d.status != DSN_OK) {
		smtpd_enter_state(s, SMTPD_S_INIT);
		smtpd_reply_dsn(s, &d);
		return false;
	}
	smtpd_enter_state(s, SMTPD_S_READY);
	return true;
}

/* HELO: RFC 5321 4.1.1.1; no enhanced code on this reply (RFC 2034 3) */
static void smtpd_cmd_helo(struct smtpd *s, char *arg)
{
	if (!smtpd_cmd_hello(s, arg))
		return;
	s->esmtp = false;
	smtpd_reply(s, 250, NULL, "%s", s->hostname);
}

/* EHLO and LHLO: the extensions (RFC 5321 4.1.1.1, RFC 2033 4.1) */
static void smtpd_cmd_ehlo(struct smtpd *s, char *arg)
{
	char size[40];
	const char *ext[12];
	size_t n = 0, i;

	if (!smtpd_cmd_hello(s, arg))
		return;
	s->esmtp = true;
	ext[n++] = "PIPELINING";				/* RFC 2920 */
	if (s->lim.max_message)
		snprintf(size, sizeof(size), "SIZE %llu", s->lim.max_message);
	else
		snprintf(size, sizeof(size), "SIZE");
	ext[n++] = size;					/* RFC 1870 */
	ext[n++] = "8BITMIME";					/* RFC 6152 */
	if (s->tls_offer && !s->tls_active)
		ext[n++] = "STARTTLS";				/* RFC 3207 */
	if (smtpd_auth_offered(s))
		ext[n++] = "AUTH PLAIN LOGIN";			/* RFC 4954 */
	ext[n++] = "ENHANCEDSTATUSCODES";			/* RFC 2034 */
	ext[n++] = "DSN";					/* RFC 3461 */
	ext[n++] = "CHUNKING";					/* RFC 3030 */
	ext[n++] = "SMTPUTF8";					/* RFC 6531 */
	if (s->mode == SMTPD_LMTP)
		ext[n++] = "XDELIVERY";		/* ours: MAIL XDELIVERY=id [XFRESH], see
						 * smtpd_parse.c */
	smtpd_reply_line(s, 250, true, s->hostname);
	for (i = 0; i < n; i++)
		smtpd_reply_line(s, 250, i + 1 < n, ext[i]);
}

/* smtpd_cmd_utf8 - an address with UTF-8 (checked well-formed by the
 * parser) needs SMTPUTF8 on this transaction's MAIL (RFC 6531 3.7.4.1) */
static bool smtpd_cmd_utf8(const char *addr, bool smtputf8, bool from, struct smtpd_rep *rep)
{
	if (smtputf8 || !smtpd_parse_8bit(addr))
		return true;
	smtpd_rep_set(rep, 553, "5.6.7", "Error: non-ASCII %s address needs SMTPUTF8",
		      from ? "sender" : "recipient");
	return false;
}

/* MAIL FROM: RFC 5321 4.1.1.2 */
static void smtpd_cmd_mail(struct smtpd *s, char *arg)
{
	struct smtpd_rep rep;
	struct dsn d;
	char *addr, *params;
	bool utf8 = false;

	if (s->mode == SMTPD_SUBMISSION && s->hooks.auth && !s->auth_user) {
		/* RFC 6409 4.1, RFC 4954 6 */
		smtpd_error(s, 530, "5.7.0", "Authentication required");
		return;
	}
	if (!smtpd_parse_path(arg, "FROM", &addr, &params, &rep)
	    || !smtpd_parse_mail_params(s, params, &utf8, &rep)
	    || !smtpd_cmd_utf8(addr, utf8, true, &rep)) {
		smtpd_refuse(s, &rep);
		return;
	}
	smtpd_reset_txn(s, false);	/* after a completed transaction */
	s->need_reset = true;
	s->smtputf8 = utf8;	/* the hook may ask smtpd_smtputf8 */
	dsn_set(&d, DSN_OK, "2.1.0", "Ok");
	if (s->hooks.mail)
		s->hooks.mail(s->hooks.ctx, addr, params, &d);
	smtpd_hook_done(&d);
	if (d.status == DSN_OK)
		smtpd_enter_state(s, SMTPD_S_MAIL);
	else
		s->smtputf8 = false;
	smtpd_reply_dsn(s, &d);
}

/* RCPT TO: RFC 5321 4.1.1.3 */
static void smtpd_cmd_rcpt(struct smtpd *s, char *arg)
{
	struct smtpd_rep rep;
	struct dsn d;
	char *addr, *params;

	if (!smtpd_parse_path(arg, "TO", &addr, &params, &rep)
	    || !smtpd_parse_rcpt_params(s, params, &rep)
	    || !smtpd_cmd_utf8(addr, s->smtputf8, false, &rep)) {
		smtpd_refuse(s, &rep);
		return;
	}
	if (s->nrcpt >= s->lim.max_recipients) {
		/* RFC 5321 4.5.3.1.10 */
		smtpd_reply(s, 452, "4.5.3", "Error: too many recipients");
		return;
	}
	dsn_set(&d, DSN_OK, "2.1.5", "Ok");
	if (s->hooks.rcpt)
		s->hooks.rcpt(s->hooks.ctx, addr, params, &d);
	smtpd_hook_done(&d);
	if (d.status == DSN_OK) {
		s->rcpt[s->nrcpt++] = xstrdup(addr);
		smtpd_enter_state(s, SMTPD_S_RCPT);
	}
	smtpd_reply_dsn(s, &d);
}

/* DATA: RFC 5321 4.1.1.4; the text follows in smtpd_data.c */
static void smtpd_cmd_data(struct smtpd *s, char *arg)
{
	struct dsn d;

	dsn_set(&d, DSN_OK, "2.0.0", "Ok");
	if (s->hooks.data_start)
		s->hooks.data_start(s->hooks.ctx, &d);
	smtpd_hook_done(&d);
	if (d.status != DSN_OK) {
		smtpd_reply_dsn(s, &d);
		return;
	}
	/* 354 is an intermediate reply: no enhanced code (RFC 3463 has no class 3) */
	smtpd_reply(s, 354, NULL, "End data with <CR><LF>.<CR><LF>");
	smtpd_data_begin(s, false);
	smtpd_enter_state(s, SMTPD_S_DATA);
}

/* RSET: RFC 5321 4.1.1.5 */
static void smtpd_cmd_rset(struct smtpd *s, char *arg)
{
	smtpd_reset_txn(s, true);
	if (s->state != SMTPD_S_INIT)
		smtpd_enter_state(s, SMTPD_S_READY);
	smtpd_reply(s, 250, "2.0.0", "Ok");
}

static void smtpd_cmd_noop(struct smtpd *s, char *arg)
{
	smtpd_reply(s, 250, "2.0.0", "Ok");
}

/* QUIT: RFC 5321 4.1.1.10 */
static void smtpd_cmd_quit(struct smtpd *s, char *arg)
{
	smtpd_reply(s, 221, "2.0.0", "Bye");
	smtpd_enter_state(s, SMTPD_S_CLOSED);
}

/* VRFY: RFC 5321 3.5.3, 252 is the answer of a server that does not tell */
static void smtpd_cmd_vrfy(struct smtpd *s, char *arg)
{
	smtpd_reply(s, 252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery");
}

/* HELP: RFC 5321 4.1.1.8; the commands of this mode, from the table */
static void smtpd_cmd_help(struct smtpd *s, char *arg)
{
	unsigned skip = s->mode == SMTPD_LMTP ? SMTPD_C_SMTP : SMTPD_C_LMTP;
	struct buf b = BUF_INIT;
	size_t i;

	buf_puts(&b, "Commands:");
	for (i = 0; i < sizeof(smtpd_cmds) / sizeof(smtpd_cmds[0]); i++) {
		if (smtpd_cmds[i].flags & skip)
			continue;
		if ((smtpd_cmds[i].flags & SMTPD_C_TLS) && (!s->tls_offer || s->tls_active))
			continue;
		if ((smtpd_cmds[i].flags & SMTPD_C_AUTH) && !smtpd_auth_offered(s))
			continue;
		buf_printf(&b, " %s", smtpd_cmds[i].verb);
	}
	smtpd_reply(s, 214, "2.0.0", "%s", buf_cstr(&b));
	buf_free(&b);
}

/* STARTTLS: RFC 3207 4.  The input loop stops at SMTPD_S_TLS and drops
 * what the peer sent after this line (RFC 3207 5; CVE-2011-0411). */
static void smtpd_cmd_starttls(struct smtpd *s, char *arg)
{
	if (s->tls_active) {
		smtpd_error(s, 503, "5.5.1", "Error: TLS already active");
		return;
	}
	if (!s->tls_offer) {
		smtpd_error(s, 502, "5.5.1", "Error: command not implemented");
		return;
	}
	if (s->auth_user) {
		/* credentials went in clear: TLS now would not make them secret */
		smtpd_error(s, 503, "5.5.1", "Error: already authenticated");
		return;
	}
	smtpd_reset_txn(s, false);
	smtpd_reply(s, 220, "2.0.0", "Ready to start TLS");
	smtpd_enter_state(s, SMTPD_S_TLS);
}
