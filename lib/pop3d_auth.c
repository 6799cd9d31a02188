/* pop3d_auth.c - the AUTHORIZATION state: USER and PASS (RFC 1939 7),
 * AUTH PLAIN (RFC 5034, RFC 4616), the auth hook's verdict and the count
 * of failures, then the opening of the maildrop (RFC 1939 4).
 *
 * Credentials are wiped as soon as they are used: the decoded response
 * (explicit_bzero, before free) and the line buffer the password came in
 * (pop3d_line_clear; the buffer never grows while a line is in it).  The
 * trace shows "****" for them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "msg.h"
#include "pop3d_int.h"
#include "sasl.h"
#include "xalloc.h"

#define POP3D_UIDL_MAX	70	/* RFC 1939 7 */

void pop3d_auth_fail(struct pop3d *p, const char *code, const char *text)
{
	free(p->user_given);
	p->user_given = NULL;
	if (p->state == POP3D_S_SASL)
		pop3d_enter_state(p, POP3D_S_AUTHZ);
	pop3d_err(p, code, "%s", text);
	p->errors++;
	if (++p->auth_failures >= p->lim.max_auth_failures) {
		pop3d_err(p, NULL, "Too many authentication failures, closing connection");
		pop3d_end(p);
	} else if (p->errors >= p->lim.max_errors) {
		pop3d_err(p, NULL, "Too many errors, closing connection");
		pop3d_end(p);
	}
}

/* pop3d_uidl_ok - RFC 1939 7: 1 to 70 characters 0x21 to 0x7e */
static bool pop3d_uidl_ok(const char *u)
{
	size_t i;

	if (!u)
		return false;
	for (i = 0; u[i]; i++)
		if ((unsigned char)u[i] < 0x21 || (unsigned char)u[i] > 0x7e || i >= POP3D_UIDL_MAX)
			return false;
	return i > 0;
}

/* pop3d_auth_open - the user is known: lock and list the maildrop, enter
 * the TRANSACTION state (RFC 1939 4), or end the session */
static void pop3d_auth_open(struct pop3d *p)
{
	const struct pop3d_msg *msgs = NULL;
	unsigned long long octets = 0;
	size_t n = 0, i;
	int rc = p->hooks.open(p->hooks.ctx, &msgs, &n);

	if (rc == -1) {
		pop3d_err(p, "IN-USE", "Maildrop is locked by another session");	/* RFC 3206 4 */
		pop3d_end(p);
		return;
	}
	if (rc != 0) {
		pop3d_err(p, "SYS/TEMP", "Cannot open the maildrop");
		pop3d_end(p);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!msgs || !pop3d_uidl_ok(msgs[i].uidl)) {
			msg_warnx("pop3d: user=%s message=%zu: bad uidl from the maildrop",
				  p->user, i + 1);
			pop3d_err(p, "SYS/PERM", "Maildrop listing is invalid");
			pop3d_end(p);
			return;
		}
		octets += msgs[i].size;
	}
	p->msgs = msgs;
	p->nmsgs = n;
	p->deleted = xcalloc(n ? n : 1, sizeof(*p->deleted));
	pop3d_enter_state(p, POP3D_S_TRANS);
	pop3d_ok(p, "Logged in, maildrop has %zu messages (%llu octets)", n, octets);
}

/* pop3d_auth_check - ask the hook about user and pass, wipe pass, reply.
 * The client is not told whether the user or the password was wrong. */
static void pop3d_auth_check(struct pop3d *p, const char *user, char *pass)
{
	int rc;

	rc = p->hooks.auth(p->hooks.ctx, user, pass);
	explicit_bzero(pass, strlen(pass));
	if (rc == -1) {
		pop3d_auth_fail(p, "AUTH", "Authentication failed");	/* RFC 3206 5 */
		return;
	}
	if (rc != 0) {
		free(p->user_given);
		p->user_given = NULL;
		pop3d_err(p, "SYS/TEMP", "Authentication temporarily unavailable");
		return;
	}
	p->user = xstrdup(user);
	free(p->user_given);
	p->user_given = NULL;
	pop3d_auth_open(p);
}

/* USER name: RFC 1939 7.  Any name is answered +OK, so that the answer
 * does not tell which users exist. */
void pop3d_auth_user(struct pop3d *p, char **argv, int argc)
{
	if (strlen(argv[0]) > SASL_MAX_FIELD) {
		pop3d_error(p, NULL, "Name too long");
		return;
	}
	free(p->user_given);
	p->user_given = xstrdup(argv[0]);
	pop3d_ok(p, "Send PASS");
}

/* PASS string: RFC 1939 7, right after a USER */
void pop3d_auth_pass(struct pop3d *p, char **argv, int argc)
{
	char *user = p->user_given;

	if (!user) {
		pop3d_error(p, NULL, "No user name given: send USER first");
		return;
	}
	if (strlen(argv[0]) > SASL_MAX_FIELD) {
		pop3d_auth_fail(p, "AUTH", "Authentication failed");
		return;
	}
	pop3d_auth_check(p, user, argv[0]);
}

/* pop3d_auth_plain - an RFC 4616 message, NUL-terminated at msg[n] */
static void pop3d_auth_plain(struct pop3d *p, char *msg, size_t n)
{
	struct sasl_plain sp;

	if (!sasl_plain_parse(msg, n, &sp)) {
		pop3d_auth_fail(p, "AUTH", "Authentication failed");
		return;
	}
	/* RFC 4616 2: acting as another identity is not allowed here: the
	 * authzid must be empty or the authcid itself */
	if (sp.authzid[0] && strcmp(sp.authzid, sp.authcid) != 0) {
		pop3d_auth_fail(p, "AUTH", "Authentication failed");
		return;
	}
	pop3d_auth_check(p, sp.authcid, msg + (sp.passwd - msg));
}

/* pop3d_auth_respond - one base64 response, the initial one (RFC 5034 4:
 * "=" for an empty one) or a line */
static void pop3d_auth_respond(struct pop3d *p, const char *resp, size_t len, bool initial)
{
	size_t room, n;
	unsigned char *dec;

	if (!initial && len == 1 && resp[0] == '*') {
		pop3d_auth_fail(p, NULL, "Authentication cancelled");	/* RFC 5034 4 */
		return;
	}
	if (initial && len == 1 && resp[0] == '=')
		len = 0;
	room = sasl_b64_decoded_max(len) + 1;
	dec = xmalloc(room);
	if (!sasl_b64_decode(resp, len, dec, &n)) {
		pop3d_auth_fail(p, NULL, "Invalid base64 in response");
	} else {
		dec[n] = '\0';
		pop3d_auth_plain(p, (char *)dec, n);
	}
	explicit_bzero(dec, room);
	free(dec);
}

/* AUTH [mechanism [initial-response]]: RFC 5034 4.  Without a mechanism
 * the list of them, as RFC 1734 clients ask. */
void pop3d_auth_cmd(struct pop3d *p, char **argv, int argc)
{
	if (argc == 0) {
		pop3d_ok(p, "List of SASL mechanisms follows");
		pop3d_data_line(p, "PLAIN");
		pop3d_data_end(p);
		return;
	}
	if (strcasecmp(argv[0], "PLAIN") != 0) {
		pop3d_error(p, NULL, "Unrecognized authentication mechanism");
		return;
	}
	free(p->user_given);
	p->user_given = NULL;
	if (argc == 2) {
		pop3d_auth_respond(p, argv[1], strlen(argv[1]), true);
		return;
	}
	pop3d_enter_state(p, POP3D_S_SASL);
	/* RFC 5034 4: "+ " and PLAIN's empty challenge */
	msg_trace("S", "+ ", 2);
	if (p->out)
		buf_append(p->out, "+ \r\n", 4);
}

void pop3d_auth_line(struct pop3d *p, char *line, size_t len)
{
	pop3d_enter_state(p, POP3D_S_AUTHZ);
	pop3d_auth_respond(p, line, len, false);
}

void pop3d_auth_trace(const struct pop3d *p, const char *line, size_t len)
{
	char masked[64];
	size_t i;
	int n;

	if (!msg_tracing())
		return;
	if (p->state == POP3D_S_SASL) {
		msg_trace("C", "****", 4);
		return;
	}
	if (len >= 4 && strncasecmp(line, "PASS", 4) == 0 && (len == 4 || line[4] == ' ')) {
		msg_trace("C", len > 4 ? "PASS ****" : "PASS", len > 4 ? 9 : 4);
		return;
	}
	if (len < 5 || strncasecmp(line, "AUTH ", 5) != 0) {
		msg_trace("C", line, len);
		return;
	}
	/* "AUTH mech" as sent (cut short), then "****" for anything after it */
	for (i = 5; i < len && line[i] == ' '; i++)
		;
	while (i < len && line[i] != ' ')
		i++;
	if (i > 40)
		i = 40;
	n = snprintf(masked, sizeof(masked), "%.*s%s", (int)i, line, i < len ? " ****" : "");
	msg_trace("C", masked, (size_t)n);
}
