/* smtpd_auth.c - AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN
 * mechanisms: the command, the 334 challenges and the client's base64
 * responses, the auth hook's verdict and the count of failures.
 *
 * Credentials are wiped as soon as they are used: the decoded response
 * (explicit_bzero, before free), LOGIN's kept username, and the line
 * buffer the response was read into (smtpd_line_clear, which never grows
 * while a line is in it: smtpd_new reserves room for the longest).  The
 * trace shows "****" for them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "msg.h"
#include "sasl.h"
#include "smtpd_int.h"
#include "xalloc.h"

bool smtpd_auth_offered(const struct smtpd *s)
{
	return s->hooks.auth && s->mode != SMTPD_LMTP && (s->tls_active || s->auth_clear);
}

/* smtpd_auth_end - the exchange is over, whatever its outcome */
static void smtpd_auth_end(struct smtpd *s)
{
	explicit_bzero(s->auth_login, sizeof(s->auth_login));
	s->auth_step = SMTPD_A_NONE;
	if (s->state == SMTPD_S_AUTH)
		smtpd_enter_state(s, SMTPD_S_READY);
}

/* smtpd_auth_fail - an AUTH that failed: reply, count it both as a failed
 * authentication and as an error, close after too many */
static void smtpd_auth_fail(struct smtpd *s, int code, const char *enh, const char *text)
{
	smtpd_auth_end(s);
	smtpd_reply(s, code, enh, "%s", text);
	s->errors++;
	if (++s->auth_failures >= s->lim.max_auth_failures)
		smtpd_close(s, 421, "4.7.0", "Error: too many failed authentication attempts");
	else if (s->errors >= s->lim.max_errors)
		smtpd_close(s, 421, "4.7.0", "Error: too many errors");
}

/* smtpd_auth_check - ask the hook about the credentials and reply; the
 * hook's text is not shown, so that the client cannot tell a wrong user
 * from a wrong password (RFC 4954 6 gives the texts) */
static void smtpd_auth_check(struct smtpd *s, const char *mech, const char *authzid,
			     const char *user, char *pass)
{
	struct dsn d;

	dsn_set(&d, DSN_OK, "2.7.0", "Authentication successful");
	s->hooks.auth(s->hooks.ctx, mech, authzid, user, pass, &d);
	explicit_bzero(pass, strlen(pass));
	smtpd_hook_done(&d);
	if (d.status == DSN_PERMFAIL) {
		smtpd_auth_fail(s, 535, "5.7.8", "Authentication credentials invalid");
		return;
	}
	if (d.status == DSN_OK)
		s->auth_user = xstrdup(user);
	smtpd_auth_end(s);
	if (d.status == DSN_OK)
		smtpd_reply(s, 235, "2.7.0", "Authentication successful");
	else
		smtpd_reply(s, 454, "4.7.0", "Temporary authentication failure");
}

/* smtpd_auth_plain - an RFC 4616 message, NUL-terminated at msg[n] */
static void smtpd_auth_plain(struct smtpd *s, char *msg, size_t n)
{
	struct sasl_plain p;

	if (!sasl_plain_parse(msg, n, &p)) {
		smtpd_auth_fail(s, 535, "5.7.8", "Authentication credentials invalid");
		return;
	}
	/* RFC 4616 2: an authzid asks to act as another identity than the one
	 * authenticated.  Nobody may do that here, so it must be empty or the
	 * authcid itself; anything else is refused as bad credentials. */
	if (p.authzid[0] && strcmp(p.authzid, p.authcid) != 0) {
		smtpd_auth_fail(s, 535, "5.7.8", "Authentication credentials invalid");
		return;
	}
	smtpd_auth_check(s, "PLAIN", p.authzid, p.authcid, msg + (p.passwd - msg));
}

/* smtpd_auth_login - one LOGIN response, NUL-terminated at msg[n]: the
 * username (then ask for the password) or the password */
static void smtpd_auth_login(struct smtpd *s, char *msg, size_t n)
{
	bool user = s->auth_step == SMTPD_A_LOGIN_USER;

	if (!sasl_login_value(msg, n, user)) {
		smtpd_auth_fail(s, 535, "5.7.8", "Authentication credentials invalid");
		return;
	}
	if (!user) {
		smtpd_auth_check(s, "LOGIN", "", s->auth_login, msg);
		return;
	}
	memcpy(s->auth_login, msg, n + 1);
	s->auth_step = SMTPD_A_LOGIN_PASS;
	smtpd_enter_state(s, SMTPD_S_AUTH);
	smtpd_reply_line(s, 334, false, "UGFzc3dvcmQ6");	/* "Password:" */
}

/* smtpd_auth_respond - one base64 response, the initial one (RFC 4954 4:
 * "=" for an empty one) or a line, for the step in progress */
static void smtpd_auth_respond(struct smtpd *s, const char *resp, size_t len, bool initial)
{
	size_t room, n;
	unsigned char *dec;

	if (!initial && len == 1 && resp[0] == '*') {
		smtpd_auth_fail(s, 501, "5.0.0", "Authentication cancelled");
		return;
	}
	if (initial && len == 1 && resp[0] == '=')
		len = 0;
	room = sasl_b64_decoded_max(len) + 1;
	dec = xmalloc(room);
	if (!sasl_b64_decode(resp, len, dec, &n)) {
		smtpd_auth_fail(s, 501, "5.5.2", "Error: invalid base64 in response");
	} else {
		dec[n] = '\0';
		if (s->auth_step == SMTPD_A_PLAIN)
			smtpd_auth_plain(s, (char *)dec, n);
		else
			smtpd_auth_login(s, (char *)dec, n);
	}
	explicit_bzero(dec, room);
	free(dec);
}

/* smtpd_auth_allowed - may an AUTH exchange start now?  If not, refuse it */
static bool smtpd_auth_allowed(struct smtpd *s)
{
	if (!s->hooks.auth)
		smtpd_error(s, 502, "5.5.1", "Error: command not implemented");
	else if (s->auth_user)	/* RFC 4954 4 */
		smtpd_error(s, 503, "5.5.1", "Error: already authenticated");
	else if (!s->esmtp)	/* RFC 4954 3: AUTH is an ESMTP extension */
		smtpd_error(s, 503, "5.5.1", "Error: send EHLO first");
	else if (!smtpd_auth_offered(s))	/* RFC 4954 4, 6; never a 334 in clear */
		smtpd_error(s, 538, "5.7.11",
			    "Encryption required for requested authentication mechanism");
	else
		return true;
	return false;
}

/* AUTH mechanism [initial-response]: RFC 4954 4 */
void smtpd_auth_cmd(struct smtpd *s, char *arg)
{
	char *ir = arg + strcspn(arg, " ");

	if (!smtpd_auth_allowed(s))
		return;
	if (*ir)
		*ir++ = '\0';
	if (strchr(ir, ' ')) {
		smtpd_error(s, 501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
		return;
	}
	if (strcasecmp(arg, "PLAIN") == 0)
		s->auth_step = SMTPD_A_PLAIN;
	else if (strcasecmp(arg, "LOGIN") == 0)
		s->auth_step = SMTPD_A_LOGIN_USER;
	else {
		smtpd_error(s, 504, "5.5.4", "Error: unrecognized authentication type");
		return;
	}
	if (*ir) {
		smtpd_auth_respond(s, ir, strlen(ir), true);
		return;
	}
	smtpd_enter_state(s, SMTPD_S_AUTH);
	/* PLAIN's challenge is empty; LOGIN's is "Username:" */
	smtpd_reply_line(s, 334, false, s->auth_step == SMTPD_A_PLAIN ? "" : "VXNlcm5hbWU6");
}

void smtpd_auth_line(struct smtpd *s, const char *line, size_t len)
{
	smtpd_auth_respond(s, line, len, false);
}

void smtpd_auth_too_long(struct smtpd *s)
{
	/* RFC 4954 6 */
	smtpd_auth_fail(s, 500, "5.5.6", "Authentication Exchange line is too long");
}

void smtpd_auth_trace(const struct smtpd *s, const char *line, size_t len)
{
	char masked[64];
	size_t i;
	int n;

	if (!msg_tracing())
		return;
	if (s->state == SMTPD_S_AUTH) {
		msg_trace("C", "****", 4);
		return;
	}
	if (len < 4 || strncasecmp(line, "AUTH", 4) != 0) {
		msg_trace("C", line, len);
		return;
	}
	/* "AUTH mech" as sent (cut short), then "****" for anything after it */
	for (i = 4; i < len && line[i] == ' '; i++)
		;
	while (i < len && line[i] != ' ')
		i++;
	if (i > 40)
		i = 40;
	n = snprintf(masked, sizeof(masked), "%.*s%s", (int)i, line, i < len ? " ****" : "");
	msg_trace("C", masked, (size_t)n);
}

void smtpd_auth_free(struct smtpd *s)
{
	explicit_bzero(s->auth_login, sizeof(s->auth_login));
	s->auth_step = SMTPD_A_NONE;
	free(s->auth_user);
	s->auth_user = NULL;
}

void smtpd_allow_auth_in_clear(struct smtpd *s, bool allow)
{
	s->auth_clear = allow;
}

const char *smtpd_auth_user(const struct smtpd *s)
{
	return s->auth_user;
}
