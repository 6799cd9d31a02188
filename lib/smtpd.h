/* smtpd.h - the SMTP and LMTP server engine: a pure state machine.
 *
 * Bytes read from the peer go in with smtpd_input(); replies to write back
 * come out in a buffer, and everything the engine cannot do itself (decide on
 * a sender or recipient, store message data, deliver) is asked of the
 * embedding program through the hooks below.  No sockets, no files: the
 * engine is tested by feeding it bytes (tests/transcripts).
 *
 * Commands are a table {verb, handler, states allowed, flags} as in Postfix's
 * smtpd_cmd_table.  LMTP (RFC 2033) is this engine with LHLO instead of
 * HELO/EHLO and one reply per accepted recipient after the final dot.  The
 * SMTP modes (RFC 5321; the MTA and the MSA) share it.
 *
 * Message data reaches data_chunk un-dot-stuffed (RFC 5321 4.5.2) with CRLF
 * line ends turned into LF, the form a Maildir or the queue stores.  Only
 * CRLF.CRLF ends the data; a bare CR or LF anywhere in the data makes the
 * message refused (550 5.6.0) after its end, never split into two (SMTP
 * smuggling).  Lines longer than the limit are refused (RFC 5321 4.5.3.1).
 * BDAT (RFC 3030) and SMTPUTF8 (RFC 6531): see the end of this file. */
#ifndef POCZTA_SMTPD_H
#define POCZTA_SMTPD_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "dsn.h"

enum smtpd_mode {
	SMTPD_LMTP,		/* RFC 2033 */
	SMTPD_SMTP,		/* RFC 5321, port 25 */
	SMTPD_SUBMISSION,	/* RFC 6409 */
};

struct smtpd_limits {
	size_t max_line;	/* command and text line, with CRLF; 1000 per RFC 5321 4.5.3.1 */
	unsigned long long max_message;	/* SIZE; 0: no limit */
	size_t max_recipients;	/* per transaction; RFC 5321 4.5.3.1.8 says at least 100 */
	int max_errors;		/* bad commands before 421 and close */
	int max_auth_failures;	/* failed AUTH exchanges before 421 and close */
};

/* The actions the engine asks of its embedding program.  Each fills in out
 * (ok, tempfail or permfail with an enhanced code and text); the engine turns
 * it into the reply.  Any hook may be NULL: then the answer is ok. */
struct smtpd_hooks {
	void *ctx;
	/* helo: the peer introduced itself (HELO, EHLO or LHLO) */
	void (*helo)(void *ctx, const char *name, struct dsn *out);
	/* mail: MAIL FROM:<sender> ("" is the null sender) with its ESMTP
	 * parameters as given ("SIZE=123 BODY=8BITMIME"), possibly "" */
	void (*mail)(void *ctx, const char *sender, const char *params, struct dsn *out);
	/* rcpt: RCPT TO:<recipient> with its parameters */
	void (*rcpt)(void *ctx, const char *rcpt, const char *params, struct dsn *out);
	/* data_start: DATA was accepted for nrcpt recipients; open storage */
	void (*data_start)(void *ctx, struct dsn *out);
	/* data_chunk: message bytes, un-dot-stuffed, LF line ends */
	void (*data_chunk)(void *ctx, const char *p, size_t n);
	/* data_end: the final dot.  bad is NULL for a well-formed message, or
	 * the reason it is refused (the hook must then discard what it stored).
	 * out has one entry per accepted recipient, in RCPT order; in SMTP modes
	 * only out[0] is used. */
	void (*data_end)(void *ctx, const char *bad, struct dsn *out, size_t nrcpt);
	/* reset: RSET, a new MAIL, or the end of the session: forget the
	 * transaction (and anything stored for it that was not delivered) */
	void (*reset)(void *ctx);
	/* auth: check credentials given with AUTH (RFC 4954); mech is "PLAIN"
	 * or "LOGIN", authzid is "" or the same as user.  pass is wiped as
	 * soon as the hook returns: copy nothing of it.  The text set in out
	 * is never shown to the client (it could tell which part was wrong):
	 * the embedding program logs it.  NULL: AUTH is not offered. */
	void (*auth)(void *ctx, const char *mech, const char *authzid, const char *user,
		     const char *pass, struct dsn *out);
};

struct smtpd;

/* smtpd_new - an engine for one session; hostname is announced in the
 * greeting.  The caller frees it with smtpd_free. */
struct smtpd *smtpd_new(enum smtpd_mode mode, const char *hostname,
			const struct smtpd_limits *limits, const struct smtpd_hooks *hooks);
void smtpd_free(struct smtpd *s);
/* smtpd_greeting - append the 220 greeting to out */
void smtpd_greeting(struct smtpd *s, struct buf *out);
/* smtpd_input - feed n bytes from the peer; replies are appended to out.
 * Returns false once the session is over (QUIT, 421): write out, then close. */
bool smtpd_input(struct smtpd *s, const char *p, size_t n, struct buf *out);
/* smtpd_timeout - the peer was idle too long: append 421 to out */
void smtpd_timeout(struct smtpd *s, struct buf *out);
/* smtpd_eof - the peer closed the connection (a transaction in progress is reset) */
void smtpd_eof(struct smtpd *s);

/* Added with the engine.
 *
 * Limits: a field left at 0 takes the default (max_line 1000, max_recipients
 * 100, max_errors 10); max_message 0 means no limit; limits may be NULL.
 * max_line under 16 is taken as 16.  max_errors counts the engine's own
 * 500, 501, 502, 503, 530 and 555 replies, not the hooks' refusals.
 *
 * The reset hook runs on every RSET, and otherwise once for each MAIL the
 * mail hook saw: at the next MAIL, HELO/EHLO/LHLO or STARTTLS, or at
 * smtpd_eof / smtpd_free, whichever comes first; not right after data_end.
 *
 * After QUIT, a 421 or smtpd_eof, smtpd_input ignores its input and returns
 * false.  Replies are not translated: they are protocol text.
 *
 * STARTTLS (RFC 3207).  smtpd_offer_starttls makes EHLO announce it; with
 * required, commands other than EHLO, HELO, LHLO, STARTTLS, NOOP, RSET and
 * QUIT get 530 5.7.0 until TLS is on.  Once a STARTTLS was answered 220,
 * smtpd_starttls_pending is true: the caller writes out, does the handshake,
 * then calls smtpd_tls_started (or closes if the handshake failed).  Bytes
 * the peer sent after the STARTTLS line, in the same smtpd_input call or
 * before smtpd_tls_started, are discarded: they were sent in clear and must
 * not be run as if they came over TLS (RFC 3207 5, CVE-2011-0411).
 * For implicit TLS (RFC 8314) call smtpd_tls_started before the greeting. */
void smtpd_offer_starttls(struct smtpd *s, bool required);
bool smtpd_starttls_pending(const struct smtpd *s);
/* smtpd_tls_started - the session is now under TLS: the engine forgets what
 * the peer said before (the EHLO name), as RFC 3207 4.2 requires */
void smtpd_tls_started(struct smtpd *s);
/* smtpd_esmtp - whether the peer introduced itself with EHLO or LHLO (the
 * Received header's "with ESMTP" rather than "with SMTP", RFC 3848) */
bool smtpd_esmtp(const struct smtpd *s);

/* Added with CHUNKING and SMTPUTF8.
 *
 * CHUNKING (RFC 3030, without BINARYMIME).  EHLO and LHLO announce it.
 * "BDAT size [LAST]" is followed by exactly size octets, in any split
 * across smtpd_input calls and possibly followed by more pipelined
 * commands in the same call.  The chunks of one message go to data_start
 * (at the first), data_chunk and data_end (at LAST) as DATA's text does,
 * with CR LF turned into LF (also a CR LF split between two chunks), so
 * the stored form is the same.  A bare CR, a bare LF or a NUL makes the
 * message refused with 550 5.6.0, as in DATA: binary needs BINARYMIME,
 * which is not offered, and RFC 5321 2.3.8 forbids them in text.  max_line
 * does not apply to chunks; max_message does, on the sum of the sizes.
 * Replies: 250 2.0.0 "<n> octets received" to each chunk but the last;
 * after LAST, as after DATA's final dot (one per accepted recipient in
 * LMTP).  Once a message is refused (552 5.3.4 over max_message, data_start
 * failing, bad text), the chunk where that showed and every later chunk of
 * it are answered with the refusal, the LAST one too, and later chunks are
 * read and thrown away (RFC 3030 2).  A CR ending a chunk is judged with
 * the next chunk's first octet, so its refusal shows there.  A refused BDAT
 * (503 out of sequence or DATA after BDAT, 554 5.5.1 without recipients,
 * 502 after HELO, 530 before STARTTLS) still has its octets read and
 * thrown away, never run as commands, and is answered after them.  Only a
 * BDAT whose size cannot be read (not 1 to 18 digits, or junk after it)
 * is answered 501 at once: where its octets end is unknown, so what follows
 * is read as commands, as Postfix does.
 *
 * SMTPUTF8 (RFC 6531).  EHLO and LHLO announce it; MAIL takes the parameter
 * SMTPUTF8 (no value).  Addresses with bytes over 0x7f must be well-formed
 * UTF-8 without C0/C1 controls (else 501 5.1.7 or 5.1.3, whatever the
 * parameter) and are accepted only in a transaction whose MAIL carried
 * SMTPUTF8 (else 553 5.6.7, RFC 6531 3.7.4.1); the hooks get them as
 * UTF-8 strings.  smtpd_smtputf8 tells whether the current transaction
 * asked for it: set before the mail hook runs, it stays so until the next
 * MAIL, RSET, HELO/EHLO/LHLO or the end of the session, for the Received
 * header's UTF8SMTP/UTF8SMTPS/UTF8SMTPA (RFC 6531 3.7.3). */
bool smtpd_smtputf8(const struct smtpd *s);

/* Added with AUTH (RFC 4954) for the submission agent (RFC 6409).
 *
 * With an auth hook, EHLO announces "AUTH PLAIN LOGIN" once TLS is active
 * or smtpd_allow_auth_in_clear allowed it; never in LMTP, which is local.
 * Before that AUTH gets 538 5.7.11 (530 5.7.0 while STARTTLS is required),
 * without a hook 502.  "AUTH PLAIN [initial-response]" (RFC 4616) and
 * "AUTH LOGIN [initial-response]" take the responses of RFC 4954 4: "="
 * as initial response is an empty one, a "*" line cancels (501 5.0.0),
 * bad base64 is 501 5.5.2, a response line may be 12288 octets without
 * its CR LF whatever max_line is (longer: 500 5.5.6).  A malformed PLAIN
 * message, an authzid other than "" or the user, and a hook's permfail are
 * all 535 5.7.8; a tempfail 454 4.7.0; ok 235 2.7.0.  AUTH after HELO,
 * in a transaction or once authenticated is 503 5.5.1, an unknown
 * mechanism 504 5.5.4, and STARTTLS after AUTH 503 5.5.1.
 *
 * Every AUTH that was started and ended neither 235 nor 454 is a failure;
 * it counts towards max_errors (as do 504 and 538), and after
 * max_auth_failures of them (default 3) the session gets 421 4.7.0 and
 * is closed.  In SMTPD_SUBMISSION mode with an auth hook, MAIL before a
 * successful AUTH gets 530 5.7.0 (RFC 6409 4.1, RFC 4954 6).  MAIL takes
 * the AUTH= parameter (RFC 4954 5) where AUTH is offered, and ignores it.
 * The trace never shows a credential: "AUTH PLAIN ****" and "****" stand
 * for them.
 */
/* smtpd_allow_auth_in_clear - offer AUTH without TLS (loopback, tests) */
void smtpd_allow_auth_in_clear(struct smtpd *s, bool allow);
/* smtpd_auth_user - the user a successful AUTH named, owned by the engine
 * until smtpd_free; NULL before that */
const char *smtpd_auth_user(const struct smtpd *s);

#endif
