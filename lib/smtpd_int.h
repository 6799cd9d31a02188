/* smtpd_int.h - the SMTP/LMTP engine's private parts, shared by smtpd.c
 * (session, line reader, replies), smtpd_cmd.c (the command table),
 * smtpd_parse.c (paths and ESMTP parameters), smtpd_data.c (the message
 * text of DATA and BDAT), smtpd_bdat.c (BDAT chunks, RFC 3030) and
 * smtpd_auth.c (AUTH, RFC 4954).
 * Nothing outside lib/smtpd*.c includes this file. */
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
#define SMTPD_BDAT_DIGITS 18	/* a BDAT size of 10^18 octets or more is absurd: 501 */
#define SMTPD_DEF_AUTH_FAILURES 3
#define SMTPD_AUTH_LINE	12288	/* RFC 4954 4: an AUTH response line, CR LF not counted */

/* Where an AUTH exchange is (smtpd_auth.c). */
enum smtpd_astep {
	SMTPD_A_NONE,
	SMTPD_A_PLAIN,		/* PLAIN: the whole message */
	SMTPD_A_LOGIN_USER,	/* LOGIN: the username */
	SMTPD_A_LOGIN_PASS,	/* LOGIN: the password; the username is kept */
};

/* The session states; enter_state() is the only place that changes them. */
enum smtpd_state {
	SMTPD_S_INIT,		/* greeted, no HELO/EHLO/LHLO yet */
	SMTPD_S_READY,		/* introduced, no transaction */
	SMTPD_S_MAIL,		/* MAIL accepted, no recipient yet */
	SMTPD_S_RCPT,		/* at least one recipient accepted */
	SMTPD_S_DATA,		/* reading message text after 354 */
	SMTPD_S_CHUNKS,		/* between the BDAT chunks of one message (RFC 3030) */
	SMTPD_S_BDAT,		/* reading the octets of one BDAT chunk */
	SMTPD_S_TLS,		/* STARTTLS answered 220: waiting for the handshake */
	SMTPD_S_AUTH,		/* AUTH answered 334: waiting for a response line */
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
	char enh[16];
	char text[128];
};

struct smtpd_data {
	bool open;		/* data_start said yes: data_end will be called */
	enum smtpd_dstate ds;
	size_t line_len;	/* wire bytes of this line so far, CR LF included */
	unsigned long long size;	/* RFC 1870 size: CR LF counted, stuffing not */
	struct smtpd_rep bad;
	char chunk[SMTPD_CHUNK];
	size_t nchunk;
};

/* What happens to the octets of the BDAT chunk being read (smtpd_bdat.c). */
enum smtpd_bmode {
	SMTPD_B_KEEP,		/* message data, to data_chunk */
	SMTPD_B_DROP,		/* the message is refused: thrown away */
	SMTPD_B_REFUSED,	/* the command was refused: thrown away, then rep */
};

/* A BDAT chunk and the transaction's chunks so far (RFC 3030). */
struct smtpd_bdat {
	enum smtpd_bmode mode;
	unsigned long long size;	/* this chunk's octets, for the reply */
	unsigned long long left;	/* of them still to read */
	unsigned long long total;	/* octets of the transaction's kept chunks */
	bool last;			/* BDAT size LAST */
	struct smtpd_rep rep;		/* SMTPD_B_REFUSED: the reply after the octets */
	enum smtpd_state resume;	/* SMTPD_B_REFUSED: the state to go back to */
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
	bool esmtp;		/* EHLO/LHLO rather than HELO: AUTH and BDAT need it */
	bool smtputf8;		/* this transaction's MAIL had SMTPUTF8 (RFC 6531) */
	/* the transaction: accepted recipients, in RCPT order */
	char **rcpt;
	size_t nrcpt;
	struct smtpd_data data;
	struct smtpd_bdat bdat;
	/* STARTTLS, RFC 3207 */
	bool tls_offer, tls_required, tls_active;
	/* AUTH, RFC 4954 */
	bool auth_clear;	/* smtpd_allow_auth_in_clear */
	char *auth_user;	/* after 235; NULL before */
	int auth_failures;
	enum smtpd_astep auth_step;
	char auth_login[256];	/* LOGIN's username between its two steps */
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
void smtpd_refuse(struct smtpd *s, const struct smtpd_rep *r);
void smtpd_close(struct smtpd *s, int code, const char *enh, const char *text);
void smtpd_reset_txn(struct smtpd *s, bool always);
const char *smtpd_mode_name(enum smtpd_mode mode);
/* smtpd_line_clear - empty the line buffer, wiping what it held (it may
 * have been a credential) */
void smtpd_line_clear(struct smtpd *s);

/* smtpd_cmd.c */
void smtpd_cmd_run(struct smtpd *s, char *line, size_t len);

/* smtpd_parse.c */
/* smtpd_parse_path - split "FROM:<path> params" (kw "FROM" or "TO") into
 * the address (source route dropped, NUL-terminated inside arg) and the
 * parameters (pointing into arg); false and *rep filled on a syntax error */
bool smtpd_parse_path(char *arg, const char *kw, char **addr, char **params,
		      struct smtpd_rep *rep);
/* smtpd_parse_mail_params - check MAIL's ESMTP parameters (RFC 1870 SIZE,
 * RFC 6152 BODY, RFC 6531 SMTPUTF8, whether given in *utf8); false and *rep
 * filled when they are refused */
bool smtpd_parse_mail_params(const struct smtpd *s, const char *params, bool *utf8,
			     struct smtpd_rep *rep);
/* smtpd_parse_rcpt_params - RCPT takes no parameters we announced */
bool smtpd_parse_rcpt_params(const struct smtpd *s, const char *params,
			     struct smtpd_rep *rep);
/* smtpd_parse_domain - true if name is one HELO/EHLO argument we accept */
bool smtpd_parse_domain(const char *name);
/* smtpd_parse_8bit - whether addr has a byte over 0x7f (needs SMTPUTF8) */
bool smtpd_parse_8bit(const char *addr);
/* smtpd_parse_bdat - BDAT's "size [LAST]" (RFC 3030 2); false if malformed
 * or absurd (SMTPD_BDAT_DIGITS) */
bool smtpd_parse_bdat(const char *arg, unsigned long long *size, bool *last);

/* smtpd_data.c */
/* smtpd_data_begin - a new message after data_start said yes: DATA's text
 * (dot-stuffed lines) or BDAT chunks (octets, chunked) */
void smtpd_data_begin(struct smtpd *s, bool chunked);
/* smtpd_data_refuse - the message will be refused for this reason (the
 * first one given wins) */
void smtpd_data_refuse(struct smtpd *s, int code, const char *enh, const char *why);
/* smtpd_data_input - consume message text; returns the bytes used, which is
 * less than n when the end of data was seen (the rest are commands) */
size_t smtpd_data_input(struct smtpd *s, const char *p, size_t n);
/* smtpd_data_octets - n octets of a BDAT chunk, all used */
void smtpd_data_octets(struct smtpd *s, const char *p, size_t n);
/* smtpd_data_finish - the end of the message (final dot or BDAT LAST): ask
 * data_end if data_start said yes, reply, end the transaction */
void smtpd_data_finish(struct smtpd *s);

/* smtpd_bdat.c */
/* smtpd_bdat_cmd - BDAT accepted by the command table; s->bdat has its size */
void smtpd_bdat_cmd(struct smtpd *s, char *arg);
/* smtpd_bdat_refuse - BDAT refused with r: its octets are read and thrown
 * away, then r is the reply (RFC 3030 2) */
void smtpd_bdat_refuse(struct smtpd *s, const struct smtpd_rep *r);
/* smtpd_bdat_input - read chunk octets; returns the bytes used, which is
 * less than n when the chunk ended (the rest are commands) */
size_t smtpd_bdat_input(struct smtpd *s, const char *p, size_t n);

/* smtpd_auth.c */
/* smtpd_auth_offered - whether EHLO announces AUTH now */
bool smtpd_auth_offered(const struct smtpd *s);
/* smtpd_auth_cmd - AUTH accepted by the command table */
void smtpd_auth_cmd(struct smtpd *s, char *arg);
/* smtpd_auth_line - a response line (len bytes, CR LF removed) in SMTPD_S_AUTH */
void smtpd_auth_line(struct smtpd *s, const char *line, size_t len);
/* smtpd_auth_too_long - a response line passed SMTPD_AUTH_LINE (500 5.5.6) */
void smtpd_auth_too_long(struct smtpd *s);
/* smtpd_auth_trace - trace a client line with any credential in it masked */
void smtpd_auth_trace(const struct smtpd *s, const char *line, size_t len);
/* smtpd_auth_free - forget the exchange and the user, wiping what was kept */
void smtpd_auth_free(struct smtpd *s);

#endif
