/* smtpc.h - the SMTP client that relays queued mail: to a smarthost (host,
 * port, STARTTLS or implicit TLS, AUTH PLAIN/LOGIN) or to a domain's MX.
 *
 * libetpan's SMTP client over lib/conn's OpenSSL layer (conn_mailstream).
 * PIPELINING is used when offered.  The stored message (LF line ends) is sent
 * with CRLF line ends and dot-stuffing; a stray CR or LF becomes CRLF (the
 * outbound half of SMTP smuggling).  Bytes that arrive after the STARTTLS
 * reply and before the handshake drop the connection (CVE-2020-15953). */
#ifndef POCZTA_SMTPC_H
#define POCZTA_SMTPC_H
#include <stdbool.h>
#include <stddef.h>
#include "dsn.h"
#include "tls.h"

enum smtpc_tls {
	SMTPC_TLS_NONE,		/* clear text (loopback tests) */
	SMTPC_TLS_MAY,		/* STARTTLS when offered, any certificate (MX) */
	SMTPC_TLS_STARTTLS,	/* STARTTLS required, certificate verified */
	SMTPC_TLS_IMPLICIT,	/* TLS from the start (port 465), verified */
};

/* What the transaction passes on from the queued envelope: RFC 3461 DSN
 * parameters, sent only to a server that offers DSN (RFC 3461 4: one that
 * does not simply never sees them). */
struct smtpc_params {
	const char *envid;	/* ENVID as it came, in xtext, or NULL */
	int ret;		/* 0: no RET; 1: RET=FULL; 2: RET=HDRS */
	const unsigned *notify;	/* per recipient: 1 NEVER, 2 SUCCESS, 4 FAILURE,
				 * 8 DELAY (lib/queue.h's bits); 0: none sent */
	char *const *orcpt;	/* per recipient "rfc822;addr" or NULL */
};

struct smtpc_opts {
	const char *helo;		/* our name for EHLO */
	enum smtpc_tls tls;
	struct tls_client *tls_verify;	/* for STARTTLS and IMPLICIT */
	struct tls_client *tls_any;	/* for MAY */
	const char *auth_user;		/* NULL: no AUTH */
	const char *auth_pass;
	int timeout_ms;
	const struct smtpc_params *params;	/* NULL: nothing to pass on */
};

/* smtpc_send - one transaction to host:port: MAIL FROM sender, RCPT TO each
 * of rcpts, the data read from data_fd (from offset 0).  Each recipient's
 * outcome goes to per_rcpt[i]; a failure of the whole session (connect, TLS,
 * AUTH, MAIL, DATA) goes to every recipient not yet decided and to
 * session.  Returns 0 when the session ran to the end, -1 otherwise
 * (session says why, and whether to try the next MX).
 *
 * In detail: with 0, every per_rcpt[i] is final (the RCPT reply, or the
 * reply to the end of the data) and session is DSN_OK, also when no
 * recipient was accepted.  With -1, session is DSN_TEMPFAIL when the next
 * MX is worth trying (connect, greeting, EHLO, TLS, AUTH, timeouts, 421, a
 * lost connection, 4xx to MAIL/DATA) and DSN_PERMFAIL when not (5xx to
 * MAIL, DATA or the end of data; a message over the server's SIZE); the
 * recipients not decided before the failure carry session's status.  A
 * recipient address with control bytes or < > is permfail 5.1.3 and never
 * sent.  The EHLO name is o->helo ("localhost" if NULL); timeout_ms 0 means
 * the RFC 5321 4.5.3.2 timeouts. */
/* Addresses with bytes over 0x7f need SMTPUTF8 (RFC 6531 3.4): MAIL carries
 * it when the server offers it; when it does not, every recipient is
 * refused 5.6.7 before MAIL (RFC 6531 3.2: no downgrading) and the session
 * returns -1 with a permanent status. */
int smtpc_send(const struct smtpc_opts *o, const char *host, const char *port,
	       const char *sender, char *const *rcpts, size_t nrcpts, int data_fd,
	       struct dsn *per_rcpt, struct dsn *session);

#endif
