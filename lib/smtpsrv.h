/* smtpsrv.h - one SMTP session of a server agent: poczta-mta on port 25
 * (RFC 5321) and poczta-msa on 587 and 465 (RFC 6409).  The engine in
 * lib/smtpd.c speaks the protocol; this module decides on senders and
 * recipients (lib/rcptpolicy.c), streams the message into the queue behind
 * a Received field (RFC 5321 4.4) and answers 250 only once the queue says
 * the message is durable.  What differs between the agents is in struct
 * smtpsrv: the mode, TLS, and for submission the auth hook and the header
 * fix-ups of RFC 6409 8. */
#ifndef POCZTA_SMTPSRV_H
#define POCZTA_SMTPSRV_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "dsn.h"
#include "rcptpolicy.h"
#include "smtpd.h"

struct queue;
struct tls_server;

/* What one agent's sessions share; filled in once by the agent, read-only
 * in the sessions. */
struct smtpsrv {
	const char *agent;		/* "poczta-mta": named in the Received field */
	const char *hostname;		/* in the greeting and the Received field */
	enum smtpd_mode mode;		/* SMTPD_SMTP or SMTPD_SUBMISSION */
	struct smtpd_limits limits;
	int timeout_ms;			/* a silent client gets 421 after it */
	struct queue *queue;
	const struct rcpt_policy *policy;
	struct tls_server *tls;		/* NULL: no TLS */
	bool implicit_tls;		/* handshake before the greeting (RFC 8314) */
	bool tls_required;		/* nothing but EHLO, STARTTLS... in clear */
	bool auth_in_clear;		/* offer AUTH without TLS to loopback clients */
	/* queued: a message is durable in the queue (kick the queue manager);
	 * may be NULL */
	void (*queued)(void *ctx, const char *id);
	/* auth: submission only.  Check user's password for a client at ip;
	 * out ok or permfail (the text is logged, never shown); may sleep to
	 * slow a guesser down.  pass is wiped after the call.  NULL: no AUTH. */
	void (*auth)(void *ctx, const char *ip, const char *user, const char *pass,
		     struct dsn *out);
	/* sender_ok: submission only.  May the authenticated user use addr as
	 * the envelope sender or in From:?  NULL: anyone may use any address. */
	bool (*sender_ok)(void *ctx, const char *user, const char *addr);
	size_t max_header;		/* submission: header section buffered for
					 * the fix-ups; 0: 256 KiB */
	void *ctx;
};

/* smtpsrv_session - serve one client on the connected socket fd (closed
 * before it returns) */
void smtpsrv_session(const struct smtpsrv *srv, int fd);

/* The header fix-ups of a submission (smtpsrv_submit.c), apart so that they
 * are tested without a socket. */
struct smtpsrv_fixup {
	const char *hostname;		/* the right side of a new Message-ID */
	const char *user;		/* the authenticated user */
	const char *sender;		/* the envelope sender, "" for null */
	bool (*sender_ok)(void *ctx, const char *user, const char *addr);
	void *ctx;
};
/* smtpsrv_fixup_header - the header section hdr (LF line ends, up to and
 * including its empty line if it has one) as it goes into the queue:
 * Date and Message-ID added when missing (RFC 6409 8.2, 8.3), From added
 * from the envelope sender when missing; every mailbox of From: and Sender:
 * checked with sender_ok.  0 with the header appended to out, or -1 with
 * d set (553 5.7.1 for a mailbox not the user's, 550 5.6.0 for a From:
 * that cannot be read). */
int smtpsrv_fixup_header(const struct smtpsrv_fixup *f, const char *hdr, size_t len,
			 struct buf *out, struct dsn *d);
/* smtpsrv_header_end - where the header section of the len bytes at p
 * ends (after its empty line), looking from from on; 0 while it goes on */
size_t smtpsrv_header_end(const char *p, size_t len, size_t from);

#endif
