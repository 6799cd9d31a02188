/* pop3d.h - the POP3 server engine: a pure state machine as lib/smtpd.h
 * is.  Bytes from the peer go in with pop3d_input(); replies come out in a
 * buffer; what the engine cannot do (check a password, list, read and
 * delete messages) it asks of the embedding program through the hooks.
 *
 * RFC 1939 (USER, PASS, STAT, LIST, RETR, DELE, NOOP, RSET, QUIT, TOP,
 * UIDL; APOP is not offered), RFC 2449 (CAPA, RESP-CODES, PIPELINING,
 * LOGIN-DELAY not used), RFC 3206 ([AUTH], [SYS/TEMP], [SYS/PERM]),
 * RFC 2595 (STLS), RFC 5034 (AUTH PLAIN with an initial response). */
#ifndef POCZTA_POP3D_H
#define POCZTA_POP3D_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"

struct pop3d_msg {
	const char *uidl;	/* 1 to 70 printable octets 0x21..0x7e (RFC 1939 7) */
	uint64_t size;		/* octets as sent by RETR: CRLF line ends */
};

struct pop3d_hooks {
	void *ctx;
	/* auth: USER/PASS or AUTH PLAIN.  0: right; -1: wrong (the engine
	 * answers -ERR [AUTH] and counts); -2: cannot check now (-ERR
	 * [SYS/TEMP]).  pass is wiped as soon as the hook returns. */
	int (*auth)(void *ctx, const char *user, const char *pass);
	/* open: after a successful auth, lock and list the maildrop (RFC 1939
	 * 4, TRANSACTION state).  *msgs stays owned by the hook and valid until
	 * close.  0: ok; -1: locked by another session (-ERR [IN-USE]); -2:
	 * other failure (-ERR [SYS/TEMP]).  On failure the session ends. */
	int (*open)(void *ctx, const struct pop3d_msg **msgs, size_t *n);
	/* read: append message i (0-based) to out with CRLF line ends: all of
	 * it when lines < 0, else the header, the blank line and at most lines
	 * lines of the body (TOP).  The engine dot-stuffs and ends with ".".
	 * 0: ok; -1: it cannot be read (-ERR [SYS/TEMP]). */
	int (*read)(void *ctx, size_t i, long lines, struct buf *out);
	/* update: QUIT in the TRANSACTION state (RFC 1939 6, UPDATE): remove
	 * these messages (0-based, ascending).  0: ok; -1: not all removed
	 * (-ERR [SYS/TEMP]). */
	int (*update)(void *ctx, const size_t *del, size_t ndel);
	/* close: the session is over, in any state (after update or without
	 * it: a broken connection deletes nothing); unlock.  May be NULL. */
	void (*close)(void *ctx);
};

struct pop3d_limits {
	size_t max_line;	/* a command line with CRLF; 0: 255 (RFC 2449 4) */
	int max_errors;		/* bad commands before the session ends; 0: 10 */
	int max_auth_failures;	/* 0: 3 */
};

struct pop3d;
struct pop3d *pop3d_new(const char *hostname, const struct pop3d_limits *limits,
			const struct pop3d_hooks *hooks);
void pop3d_free(struct pop3d *p);
/* pop3d_greeting - append "+OK ... ready" to out */
void pop3d_greeting(struct pop3d *p, struct buf *out);
/* pop3d_input - feed n bytes (any split, pipelined commands included);
 * replies are appended to out.  false once the session is over (QUIT, too
 * many errors): write out, then close. */
bool pop3d_input(struct pop3d *p, const char *data, size_t n, struct buf *out);
/* STLS (RFC 2595 4).  pop3d_offer_stls makes CAPA announce STLS; USER,
 * PASS and AUTH are refused (-ERR [AUTH] ... TLS first) until TLS is on,
 * unless pop3d_allow_auth_in_clear.  After "+OK Begin TLS" the caller
 * writes out, does the handshake, calls pop3d_tls_started; bytes sent after
 * the STLS line before that are thrown away, never run. */
void pop3d_offer_stls(struct pop3d *p);
void pop3d_allow_auth_in_clear(struct pop3d *p, bool allow);
bool pop3d_stls_pending(const struct pop3d *p);
/* pop3d_tls_started - TLS is on (call before the greeting for implicit TLS, RFC 8314) */
void pop3d_tls_started(struct pop3d *p);
/* pop3d_timeout - idle too long: append "-ERR" autologout text; no UPDATE */
void pop3d_timeout(struct pop3d *p, struct buf *out);
/* pop3d_eof - the peer went away: no UPDATE (nothing deleted) */
void pop3d_eof(struct pop3d *p);
/* pop3d_user - the authenticated user, or NULL */
const char *pop3d_user(const struct pop3d *p);

/* Added with the engine.
 *
 * Hooks: auth, open, read and update are required (pop3d_new panics
 * without them); close may be NULL.  close is called exactly once per
 * session, when it ends for whatever reason (QUIT, too many errors, a
 * failed open, pop3d_timeout, pop3d_eof, or at last pop3d_free), in any
 * state, whether or not open was called or succeeded: it must undo only
 * what open did.  A uidl that breaks its rule makes open fail as -2 would,
 * with -ERR [SYS/PERM] (a bug in the hook, logged).  update is not called
 * when QUIT finds nothing deleted.  RETR's "+OK n octets" counts what read
 * gave, before dot-stuffing; text not ending in CR LF gets one.
 *
 * Limits: a field left at 0 takes the default; limits may be NULL;
 * max_line under 16 is taken as 16.  A response line in an AUTH exchange
 * may be 1024 octets without its CR LF whatever max_line is (RFC 5034 4:
 * PLAIN's longest message in base64).  max_errors counts the engine's own
 * refusals of bad commands (unknown, out of state, bad arguments, bad
 * bytes, lines too long, authentication before TLS) and failed
 * authentications; "no such message" and the hooks' failures are not
 * counted.  The command reaching max_errors or max_auth_failures gets its
 * own -ERR, then one more "-ERR ... closing" line, and the session ends.
 *
 * Commands (RFC 2449 3): a keyword of 3 or 4 letters, any case, then
 * arguments separated by spaces; PASS takes the rest of the line as it
 * is (a password may hold spaces).  Bytes other than printable ASCII are
 * refused, but for well-formed UTF-8 in the arguments of USER and PASS.
 * A message number is 1 to 10 digits without sign or leading zero
 * (else -ERR, counted); one past the maildrop, or deleted, is -ERR, not
 * counted.  TOP's line count is 0 or 1 to 18 digits the same way.
 * After QUIT or the end of a session pop3d_input ignores its input and
 * returns false.  Replies are protocol text, not translated. */

#endif
