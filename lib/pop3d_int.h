/* pop3d_int.h - the POP3 engine's private parts, shared by pop3d.c (the
 * session, line reader and replies), pop3d_cmd.c (the command table and
 * the maildrop commands) and pop3d_auth.c (USER, PASS, AUTH and the
 * opening of the maildrop).  Nothing outside lib/pop3d*.c includes it. */
#ifndef POCZTA_POP3D_INT_H
#define POCZTA_POP3D_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "pop3d.h"

#define POP3D_DEF_LINE	255	/* RFC 2449 4: a command line with CR LF */
#define POP3D_MIN_LINE	16
#define POP3D_DEF_ERRORS 10
#define POP3D_DEF_AUTH_FAILURES 3
#define POP3D_AUTH_LINE	1024	/* RFC 5034 4: a response line, CR LF not counted */
#define POP3D_REPLY_MAX	512	/* RFC 2449 4: a response line with CR LF */
#define POP3D_MAX_ARGS	2	/* no command takes more (TOP msg n) */

/* The session states (RFC 1939 3); pop3d_enter_state() changes them. */
enum pop3d_state {
	POP3D_S_AUTHZ,		/* AUTHORIZATION */
	POP3D_S_SASL,		/* AUTHORIZATION, AUTH sent "+ ": a response is due */
	POP3D_S_TRANS,		/* TRANSACTION: the maildrop is open */
	POP3D_S_UPDATE,		/* UPDATE: QUIT removes the deleted messages */
	POP3D_S_TLS,		/* STLS answered: waiting for the handshake */
	POP3D_S_CLOSED,		/* over: input is ignored */
};
#define POP3D_IN(st)	(1u << (st))

struct pop3d {
	char *hostname;
	struct pop3d_limits lim;
	struct pop3d_hooks hooks;
	enum pop3d_state state;
	struct buf *out;	/* the caller's reply buffer during one call */
	struct buf line;	/* a line being read; never reallocated */
	bool skip_line;		/* dropping the rest of an overlong line */
	int errors;		/* bad commands so far (max_errors) */
	int auth_failures;
	bool tls_offer, tls_active, auth_clear;
	bool close_done;	/* the close hook was called */
	char *user_given;	/* USER's name, waiting for PASS */
	char *user;		/* authenticated */
	/* the maildrop, TRANSACTION state */
	const struct pop3d_msg *msgs;
	size_t nmsgs;
	bool *deleted;
	struct buf text;	/* a message from the read hook, before stuffing */
};

/* pop3d.c */
void pop3d_enter_state(struct pop3d *p, enum pop3d_state st);
/* pop3d_ok - "+OK text" */
void pop3d_ok(struct pop3d *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* pop3d_err - "-ERR [code] text" (RFC 2449 8: code NULL for none) */
void pop3d_err(struct pop3d *p, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* pop3d_error - pop3d_err for a bad command: counted, the session ends
 * at max_errors */
void pop3d_error(struct pop3d *p, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* pop3d_count_error - count one more error; at max_errors say so and end */
void pop3d_count_error(struct pop3d *p);
/* pop3d_data_line - one line of a multi-line response (RFC 1939 3),
 * dot-stuffed; pop3d_data_end ends the response with "." */
void pop3d_data_line(struct pop3d *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pop3d_data_end(struct pop3d *p);
/* pop3d_data_text - text (CRLF line ends) as the lines of a multi-line
 * response: dot-stuffed, a CR LF added if it lacks one at its end */
void pop3d_data_text(struct pop3d *p, const char *text, size_t n);
/* pop3d_end - the session is over (the close hook is called once) */
void pop3d_end(struct pop3d *p);
/* pop3d_line_clear - empty the line buffer, wiping it (a credential) */
void pop3d_line_clear(struct pop3d *p);
/* pop3d_auth_allowed - may credentials be sent now (TLS or allowed in clear) */
bool pop3d_auth_allowed(const struct pop3d *p);

/* pop3d_cmd.c */
/* pop3d_cmd_run - one command line (len bytes, CR LF removed, line[len]
 * writable) */
void pop3d_cmd_run(struct pop3d *p, char *line, size_t len);

/* pop3d_auth.c */
void pop3d_auth_user(struct pop3d *p, char **argv, int argc);
void pop3d_auth_pass(struct pop3d *p, char **argv, int argc);
void pop3d_auth_cmd(struct pop3d *p, char **argv, int argc);
/* pop3d_auth_line - a response line in POP3D_S_SASL (RFC 5034 4) */
void pop3d_auth_line(struct pop3d *p, char *line, size_t len);
/* pop3d_auth_fail - a failed authentication: reply, count, end at the limits */
void pop3d_auth_fail(struct pop3d *p, const char *code, const char *text);
/* pop3d_auth_trace - trace a client line with any credential masked */
void pop3d_auth_trace(const struct pop3d *p, const char *line, size_t len);

#endif
