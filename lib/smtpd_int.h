/* smtpd_int.h - the SMTP/LMTP engine's private parts, shared by smtpd.c
 * (session, line reader, replies), smtpd_cmd.c (the command table),
 * smtpd_parse.c (paths and ESMTP parameters) and smtpd_data.c (the DATA
 * stream).  Nothing outside lib/smtpd*.c includes this file. */
#ifndef POCZTA_SMTPD_INT_H
#define POCZTA_SMTPD_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "dsn.h"
#include "smtpd.h"

/* Defaults for limits the caller leaves at 0 (max_message 0 stays "none"). */
#define SMTPD_DEF_LINE	1000	/* RFC 5321 4.5.3.1.4/4.5.3.1.6 */
#define SMTPD_MIN_LINE	16	/* shorter makes "MAIL FROM:<>" impossible */
#define SMTPD_DEF_RCPT	100	/* RFC 5321 4.5.3.1.8 */
#define SMTPD_DEF_ERRORS 10
#define SMTPD_MAX_PATH	256	/* RFC 5321 4.5.3.1.3 */
#define SMTPD_CHUNK	4096	/* message bytes handed to data_chunk at once */

/* The session states; enter_state() is the only place that changes them. */
enum smtpd_state {
	SMTPD_S_INIT,		/* greeted, no HELO/EHLO/LHLO yet */
	SMTPD_S_READY,		/* introduced, no transaction */
	SMTPD_S_MAIL,		/* MAIL accepted, no recipient yet */
	SMTPD_S_RCPT,		/* at least one recipient accepted */
	SMTPD_S_DATA,		/* reading message text after 354 */
	SMTPD_S_TLS,		/* STARTTLS answered 220: waiting for the handshake */
	SMTPD_S_CLOSED,		/* QUIT or 421: input is ignored */
};
#define SMTPD_IN(st)	(1u << (st))

/* Where the DATA reader is within a line (smtpd_data.c). */
enum smtpd_dstate {
	SMTPD_D_BOL,		/* just after CR LF (or the DATA command) */
	SMTPD_D_DOT,		/* "." at the start of a line */
	SMTPD_D_DOTCR,		/* ".\r" at the start of a line */
	SMTPD_D_TEXT,		/* inside a line */
	SMTPD_D_CR,		/* "\r" inside a line */
};

/* A reply the engine makes itself: a refused message (the first problem
 * wins), a bad path or parameter.  code 0: nothing to say. */
struct smtpd_rep {
	int code;
	const char *enh;
	char text[128];
};

struct smtpd_data {
	enum smtpd_dstate ds;
	size_t line_len;	/* wire bytes of this line so far, CR LF included */
	unsigned long long size;	/* RFC 1870 size: CR LF counted, stuffing not */
	struct smtpd_rep bad;
	char chunk[SMTPD_CHUNK];
	size_t nchunk;
};

struct smtpd {
	enum smtpd_mode mode;
	char *hostname;
	struct smtpd_limits lim;
	struct smtpd_hooks hooks;
	enum smtpd_state state;
	struct buf *out;	/* the caller's reply buffer during one call */
	struct buf line;	/* a command line being read, at most max_line */
	bool skip_line;		/* discarding the rest of an overlong line */
	bool need_reset;	/* the reset hook has something to forget */
	int errors;		/* protocol errors so far (max_errors) */
	bool esmtp;		/* EHLO/LHLO rather than HELO: AUTH and BDAT will need it */
	/* the transaction: accepted recipients, in RCPT order */
	char **rcpt;
	size_t nrcpt;
	struct smtpd_data data;
	/* STARTTLS, RFC 3207 */
	bool tls_offer, tls_required, tls_active;
};

/* smtpd.c */
void smtpd_enter_state(struct smtpd *s, enum smtpd_state st);
void smtpd_reply(struct smtpd *s, int code, const char *enh, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void smtpd_reply_line(struct smtpd *s, int code, bool more, const char *text);
void smtpd_hook_done(struct dsn *d);
void smtpd_reply_dsn(struct smtpd *s, const struct dsn *d);
void smtpd_reply_rep(struct smtpd *s, const struct smtpd_rep *r);
void smtpd_rep_set(struct smtpd_rep *r, int code, const char *enh, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void smtpd_error(struct smtpd *s, int code, const char *enh, const char *text);
void smtpd_close(struct smtpd *s, int code, const char *enh, const char *text);
void smtpd_reset_txn(struct smtpd *s, bool always);
const char *smtpd_mode_name(enum smtpd_mode mode);

/* smtpd_cmd.c */
void smtpd_cmd_run(struct smtpd *s, char *line, size_t len);

/* smtpd_parse.c */
/* smtpd_parse_path - split "FROM:<path> params" (kw "FROM" or "TO") into
 * the address (source route dropped, NUL-terminated inside arg) and the
 * parameters (pointing into arg); false and *rep filled on a syntax error */
bool smtpd_parse_path(char *arg, const char *kw, char **addr, char **params,
		      struct smtpd_rep *rep);
/* smtpd_parse_mail_params - check MAIL's ESMTP parameters (RFC 1870 SIZE,
 * RFC 6152 BODY); false and *rep filled when they are refused */
bool smtpd_parse_mail_params(const struct smtpd *s, const char *params,
			     struct smtpd_rep *rep);
/* smtpd_parse_rcpt_params - RCPT takes no parameters we announced */
bool smtpd_parse_rcpt_params(const struct smtpd *s, const char *params,
			     struct smtpd_rep *rep);
/* smtpd_parse_domain - true if name is one HELO/EHLO argument we accept */
bool smtpd_parse_domain(const char *name);

/* smtpd_data.c */
void smtpd_data_begin(struct smtpd *s);
/* smtpd_data_input - consume message text; returns the bytes used, which is
 * less than n when the end of data was seen (the rest are commands) */
size_t smtpd_data_input(struct smtpd *s, const char *p, size_t n);

#endif
