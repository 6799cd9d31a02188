/* imapd.h - the IMAP4rev1 server engine (RFC 3501): a state machine as
 * lib/smtpd.h is.  Bytes from the client go in with imapd_input(); the
 * responses come out in a buffer.  Checking a password is asked of the
 * embedding program through a hook; the mailboxes are a Maildir++ reached
 * through lib/mstore.h, at the root the hook names.  No sockets.
 *
 * The parser is strict and bounded: a command line (without its literals)
 * is at most max_line octets (64 KiB), a literal {n} or {n+} (RFC 7888) is
 * checked against max_literal before any of it is read, parentheses nest at
 * most max_depth deep, NUL is refused, and bytes that follow a STARTTLS in
 * the same packet are thrown away (RFC 3501 6.2.1).  Whatever the client
 * sends, the engine holds at most max_line + max_literal octets of it.
 *
 * Extensions: IDLE (RFC 2177), UIDPLUS (4315), MOVE (6851), LITERAL+
 * (7888), ENABLE (5161), NAMESPACE (2342), ID (2971), UNSELECT (3691),
 * CHILDREN (3348), SPECIAL-USE (6154, by folder name), SASL-IR (4959),
 * CONDSTORE (7162: MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE, SEARCH MODSEQ),
 * QRESYNC (7162 3.2: VANISHED, SELECT (QRESYNC ...)), ESEARCH (4731: SEARCH
 * RETURN (MIN MAX COUNT ALL)). */
#ifndef POCZTA_IMAPD_H
#define POCZTA_IMAPD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"

struct imapd_limits {
	size_t max_line;		/* 0: 65536 */
	uint64_t max_literal;		/* 0: 64 MiB; APPEND's largest message */
	int max_depth;			/* 0: 8 */
	int max_errors;			/* BAD replies before BYE; 0: 20 */
	int max_auth_failures;		/* 0: 3 */
};

struct imapd_hooks {
	void *ctx;
	/* auth: LOGIN or AUTHENTICATE PLAIN.  0: right, and *root gets the
	 * user's Maildir (newly allocated); -1: wrong; -2: cannot check now.
	 * pass is wiped when the hook returns.  The hook logs and slows down
	 * failures (the engine cannot sleep). */
	int (*auth)(void *ctx, const char *user, const char *pass, char **root);
	/* flush: write out and empty it, called when a long answer (FETCH of
	 * many messages) has grown past 256 KiB, so that a session holds at
	 * most that much beside the largest message.  May be NULL: then out
	 * grows until imapd_input returns. */
	void (*flush)(void *ctx, struct buf *out);
	/* index_behind: whether deliveries still wait to be added to the
	 * notmuch index (its notes spool is not empty); then SEARCH reads the
	 * messages instead of asking the index.  May be NULL: never behind. */
	bool (*index_behind)(void *ctx);
};

struct imapd;
struct imapd *imapd_new(const char *hostname, const struct imapd_limits *limits,
			const struct imapd_hooks *hooks);
void imapd_free(struct imapd *e);
/* imapd_greeting - append "* OK [CAPABILITY ...] ready" */
void imapd_greeting(struct imapd *e, struct buf *out);
/* imapd_input - feed n bytes (any split); responses appended to out.
 * false once the session is over (LOGOUT, BYE): write out, then close. */
bool imapd_input(struct imapd *e, const char *data, size_t n, struct buf *out);
/* imapd_tick - about once a second: a session in IDLE rescans its mailbox
 * and reports EXISTS, EXPUNGE and FETCH FLAGS (RFC 2177) */
void imapd_tick(struct imapd *e, struct buf *out);
bool imapd_idling(const struct imapd *e);
/* STARTTLS (RFC 3501 6.2.1): offered with imapd_offer_starttls; LOGIN and
 * AUTHENTICATE are refused (LOGINDISABLED) until TLS is on, unless
 * imapd_allow_auth_in_clear.  After "OK Begin TLS" the caller writes out,
 * does the handshake and calls imapd_tls_started (also before the greeting
 * for implicit TLS, RFC 8314). */
void imapd_offer_starttls(struct imapd *e);
void imapd_allow_auth_in_clear(struct imapd *e, bool allow);
bool imapd_starttls_pending(const struct imapd *e);
void imapd_tls_started(struct imapd *e);
/* imapd_timeout - idle too long: append "* BYE" (RFC 3501 5.4) */
void imapd_timeout(struct imapd *e, struct buf *out);
/* imapd_user - the authenticated user, or NULL */
const char *imapd_user(const struct imapd *e);

#endif
