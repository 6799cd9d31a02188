/* smtpc_int.h - the SMTP client's private parts, shared by smtpc.c (the
 * session: connect, hello, TLS, AUTH, QUIT), smtpc_mail.c (the transaction:
 * MAIL, RCPT, DATA, pipelined or not), smtpc_reply.c (parsing replies),
 * smtpc_io.c (reading replies, writing commands) and smtpc_data.c (the
 * message text on the wire).  Nothing
 * outside lib/smtpc*.c includes this file but the unit test. */
#ifndef POCZTA_SMTPC_INT_H
#define POCZTA_SMTPC_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "dsn.h"
#include "smtpc.h"

/* RFC 5321 4.5.3.2 timeouts, in milliseconds, used when opts->timeout_ms is 0 */
#define SMTPC_T_CONNECT	(30 * 1000)		/* not in the RFC: Postfix's default */
#define SMTPC_T_GREETING (5 * 60 * 1000)	/* 4.5.3.2.1 */
#define SMTPC_T_MAIL	(5 * 60 * 1000)		/* 4.5.3.2.2, also EHLO, AUTH */
#define SMTPC_T_RCPT	(5 * 60 * 1000)		/* 4.5.3.2.3 */
#define SMTPC_T_DATA	(2 * 60 * 1000)		/* 4.5.3.2.4 */
#define SMTPC_T_BLOCK	(3 * 60 * 1000)		/* 4.5.3.2.5: each write of text */
#define SMTPC_T_DOT	(10 * 60 * 1000)	/* 4.5.3.2.6 */
#define SMTPC_T_QUIT	(10 * 1000)		/* we only wait to be polite */

/* Bounds on what a server may send in one reply. */
#define SMTPC_MAX_LINE	2048	/* RFC 5321 4.5.3.1.5 says 512; be lenient */
#define SMTPC_MAX_LINES	200

/* Service extensions from the EHLO reply (RFC 5321 4.1.1.1). */
enum {
	SMTPC_EXT_ESMTP = 1 << 0,
	SMTPC_EXT_PIPELINING = 1 << 1,	/* RFC 2920 */
	SMTPC_EXT_STARTTLS = 1 << 2,	/* RFC 3207 */
	SMTPC_EXT_SIZE = 1 << 3,	/* RFC 1870 */
	SMTPC_EXT_8BITMIME = 1 << 4,	/* RFC 6152 */
	SMTPC_EXT_AUTH_PLAIN = 1 << 5,	/* RFC 4954, RFC 4616 */
	SMTPC_EXT_AUTH_LOGIN = 1 << 6,	/* draft-murchison-sasl-login */
	SMTPC_EXT_ENHANCED = 1 << 7,	/* RFC 2034 */
	SMTPC_EXT_DSN = 1 << 8,		/* RFC 3461 */
	SMTPC_EXT_SMTPUTF8 = 1 << 9,	/* RFC 6531 */
};

/* One reply.  code 0: none came (err says why). */
enum smtpc_rerr { SMTPC_R_OK, SMTPC_R_EOF, SMTPC_R_TIMEOUT, SMTPC_R_IO, SMTPC_R_BAD };
struct smtpc_reply {
	int code;
	enum smtpc_rerr err;
	char enh[16];		/* "x.y.z" when the first line had one, else "" */
	struct buf text;	/* the lines' text after the code, joined by '\n' */
	size_t nlines;
};

/* A reply being parsed line by line: smtpc_reply_line says whether more
 * lines follow. */
int smtpc_reply_line(struct smtpc_reply *r, const char *line, size_t len);
void smtpc_reply_reset(struct smtpc_reply *r);
void smtpc_reply_free(struct smtpc_reply *r);
/* smtpc_reply_dsn - the reply as a status: 2xx ok, 4xx tempfail, 5xx
 * permfail; its enhanced code or x.0.0; text names host and command */
void smtpc_reply_dsn(const struct smtpc_reply *r, const char *host, const char *cmd,
		     struct dsn *d);
/* smtpc_ehlo_parse - the extensions a 250 reply to EHLO lists; *size_max
 * set from SIZE's argument (0: no limit given) */
unsigned smtpc_ehlo_parse(const struct smtpc_reply *r, unsigned long *size_max);

/* The message text on the wire (RFC 5321 4.5.2): line ends made CR LF, a
 * CR or LF alone is a line end too, leading dots doubled, a final CR LF
 * added if missing. */
struct smtpc_enc {
	bool bol;		/* at the start of a line */
	bool cr;		/* a CR seen, its line end not yet written */
	bool eightbit;		/* a byte over 127 seen */
	unsigned long long size;	/* bytes as RFC 1870 counts them */
};
void smtpc_enc_init(struct smtpc_enc *e);
/* smtpc_enc_feed - encode n bytes onto out (NULL: only count) */
void smtpc_enc_feed(struct smtpc_enc *e, const unsigned char *p, size_t n, struct buf *out);
/* smtpc_enc_end - the end of the text and the final "." line onto out */
void smtpc_enc_end(struct smtpc_enc *e, struct buf *out);
/* smtpc_data_scan - size and 8-bit-ness of the message in fd; -1 on a read error */
int smtpc_data_scan(int fd, struct smtpc_enc *e);

/* A session with one server. */
struct conn;
struct smtpc {
	const struct smtpc_opts *o;
	const char *host;
	struct conn *c;
	bool dead;		/* connection unusable: no QUIT */
	bool tls;		/* TLS is on */
	unsigned ext;		/* SMTPC_EXT_* */
	unsigned long size_max;
	struct buf in;		/* bytes read from the server, not yet used */
	struct buf out;		/* commands not yet written */
	struct smtpc_reply r;	/* the last reply */
	char *const *rcpts;
	size_t nrcpts;
	struct dsn *per;
	bool *decided;		/* per[i] is final */
	bool *accepted;		/* RCPT said 2xx, waiting for the data's reply */
	struct dsn *session;
};

int smtpc_timeout(const struct smtpc *s, int dflt);
/* smtpc_read_reply - the next reply into s->r, waiting at most timeout_ms
 * for all of it; 0, or -1 with s->r.code 0 (s->dead set) */
int smtpc_read_reply(struct smtpc *s, int timeout_ms);
/* smtpc_cmd - queue one command line (CR LF added); secret: trace it as
 * "<hidden>" after the verb */
void smtpc_cmd(struct smtpc *s, bool secret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* smtpc_flush - write the queued commands; 0 or -1 (s->dead set) */
int smtpc_flush(struct smtpc *s);
/* smtpc_fail - the session fails: set s->session; returns -1 */
int smtpc_fail(struct smtpc *s, enum dsn_status st, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* smtpc_fail_reply - the session fails on s->r in reply to cmd; temp: a 5xx
 * counts as a temporary failure (the next MX may do better) */
int smtpc_fail_reply(struct smtpc *s, const char *cmd, bool temp);
/* smtpc_transaction - MAIL, RCPT, DATA and the text from data_fd */
int smtpc_transaction(struct smtpc *s, const char *sender, int data_fd);

#endif
