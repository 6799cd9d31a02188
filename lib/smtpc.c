/* smtpc.c - the SMTP client that relays queued mail: one session with one
 * server (RFC 5321 3), from the connection to QUIT.  The transaction itself
 * is in smtpc_mail.c, replies in smtpc_reply.c and smtpc_io.c.
 *
 * Why not libetpan's mailsmtp: in libetpan 1.9.4 EHLO and HELO always send
 * gethostname() (no way to give our configured name, RFC 5321 4.1.1.1),
 * MAIL cannot carry BODY=8BITMIME, nothing pipelines (RFC 2920), a reply
 * line is read without a length limit, one timeout covers every stage
 * (RFC 5321 4.5.3.2 wants five), and the message must sit whole in memory.
 * Mixing its buffered reader with ours on one connection would lose bytes,
 * so the client reads and writes lib/conn directly; TLS is lib/conn's too.
 *
 * The policy this file enforces: with STARTTLS required, no AUTH or MAIL
 * goes out unless the handshake succeeded and verified; a password never
 * goes out in clear unless TLS is off altogether (tests on loopback);
 * bytes that arrive with the STARTTLS reply end the session (they were
 * injected in clear, CVE-2020-15953).  Everything that fails before MAIL
 * is a temporary failure: another MX, or a later try, may do better. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "conn.h"
#include "smtpc_int.h"
#include "xalloc.h"

/* smtpc_try_addr - a socket connected to ai within timeout_ms; -1 with errno */
static int smtpc_try_addr(const struct addrinfo *ai, int timeout_ms)
{
	struct pollfd pfd;
	int fd, err = 0, flags;
	socklen_t len = sizeof(err);

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)
		goto fail;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, timeout_ms) != 1) {
		errno = ETIMEDOUT;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
		errno = err ? err : errno;
		goto fail;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
		goto fail;
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* smtpc_connect_fd - a socket connected to host (a name, an address, or an
 * address in brackets) and port, trying each address in turn; -1 with the
 * session failed */
static int smtpc_connect_fd(struct smtpc *s, const char *port)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256];
	size_t n = strlen(s->host);
	int fd = -1, rc, err = 0;

	if (n >= 2 && s->host[0] == '[' && s->host[n - 1] == ']' && n - 2 < sizeof(host))
		snprintf(host, sizeof(host), "%.*s", (int)(n - 2), s->host + 1);
	else
		snprintf(host, sizeof(host), "%s", s->host);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		return smtpc_fail(s, DSN_TEMPFAIL, "4.4.4", "cannot find host %s: %s", s->host,
				  gai_strerror(rc));
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = smtpc_try_addr(ai, smtpc_timeout(s, SMTPC_T_CONNECT));
		err = errno;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return smtpc_fail(s, DSN_TEMPFAIL, "4.4.1", "connect to %s port %s: %s", s->host, port,
				  strerror(err));
	return fd;
}

/* smtpc_handshake - TLS on the connection with ctx, the server's name
 * checked against host (RFC 3207 4.1, RFC 6125) */
static int smtpc_handshake(struct smtpc *s, struct tls_client *ctx)
{
	struct buf err = BUF_INIT;
	int rc = 0;

	if (conn_starttls_client(s->c, ctx, s->host, &err) < 0) {
		s->dead = true;
		rc = smtpc_fail(s, DSN_TEMPFAIL, "4.7.5", "TLS with %s failed: %s", s->host,
				buf_cstr(&err));
	} else
		s->tls = true;
	buf_free(&err);
	return rc;
}

/* smtpc_open - connect, TLS at once for implicit TLS (RFC 8314 3.3), and
 * the greeting (RFC 5321 4.3.1) */
static int smtpc_open(struct smtpc *s, const char *port)
{
	int fd;

	if ((s->o->tls == SMTPC_TLS_STARTTLS || s->o->tls == SMTPC_TLS_IMPLICIT) &&
	    s->o->tls_verify == NULL)
		return smtpc_fail(s, DSN_TEMPFAIL, "4.7.5", "TLS to %s wanted, but no TLS context",
				  s->host);
	if ((fd = smtpc_connect_fd(s, port)) < 0)
		return -1;
	s->c = conn_new(fd);
	/* a write of text that makes no progress (RFC 5321 4.5.3.2.5), and the
	 * TLS handshake */
	conn_set_timeout(s->c, smtpc_timeout(s, SMTPC_T_BLOCK));
	if (s->o->tls == SMTPC_TLS_IMPLICIT && smtpc_handshake(s, s->o->tls_verify) < 0)
		return -1;
	if (smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_GREETING)) < 0 || s->r.code != 220)
		return smtpc_fail_reply(s, "the greeting", true);
	return 0;
}

/* smtpc_ehlo - EHLO, or HELO when EHLO is refused (RFC 5321 3.2); after
 * STARTTLS only EHLO will do (RFC 3207 4.2) */
static int smtpc_ehlo(struct smtpc *s)
{
	const char *helo = s->o->helo && *s->o->helo ? s->o->helo : "localhost";

	smtpc_cmd(s, false, "EHLO %s", helo);
	if (smtpc_flush(s) < 0 || smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_MAIL)) < 0)
		return smtpc_fail_reply(s, "EHLO", true);
	if (s->r.code == 250) {
		s->ext = smtpc_ehlo_parse(&s->r, &s->size_max);
		return 0;
	}
	if (s->r.code < 500 || s->tls)
		return smtpc_fail_reply(s, "EHLO", true);
	smtpc_cmd(s, false, "HELO %s", helo);
	if (smtpc_flush(s) < 0 || smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_MAIL)) < 0 ||
	    s->r.code != 250)
		return smtpc_fail_reply(s, "HELO", true);
	s->ext = 0;
	s->size_max = 0;
	return 0;
}

/* smtpc_starttls - STARTTLS as opts->tls says (RFC 3207), then EHLO again */
static int smtpc_starttls(struct smtpc *s)
{
	enum smtpc_tls mode = s->o->tls;
	struct tls_client *ctx = mode == SMTPC_TLS_MAY ? s->o->tls_any : s->o->tls_verify;

	if (mode == SMTPC_TLS_NONE || mode == SMTPC_TLS_IMPLICIT ||
	    (mode == SMTPC_TLS_MAY && (ctx == NULL || !(s->ext & SMTPC_EXT_STARTTLS))))
		return 0;
	if (!(s->ext & SMTPC_EXT_STARTTLS))
		return smtpc_fail(s, DSN_TEMPFAIL, "4.7.4",
				  "host %s does not offer STARTTLS, which is required", s->host);
	smtpc_cmd(s, false, "STARTTLS");
	if (smtpc_flush(s) < 0 || smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_MAIL)) < 0)
		return smtpc_fail_reply(s, "STARTTLS", true);
	if (s->r.code != 220) {
		if (mode == SMTPC_TLS_MAY && s->r.code != 421)
			return 0;	/* RFC 3207 4: opportunistic, go on in clear */
		return smtpc_fail_reply(s, "STARTTLS", true);
	}
	if (s->in.len > 0 || conn_buffered(s->c)) {
		s->dead = true;
		return smtpc_fail(s, DSN_TEMPFAIL, "4.7.0", "host %s sent data after its STARTTLS "
				  "reply: possible command injection, session dropped", s->host);
	}
	if (smtpc_handshake(s, ctx) < 0)
		return -1;
	return smtpc_ehlo(s);	/* RFC 3207 4.2: forget what was said in clear */
}

/* smtpc_b64 - base64 of n bytes at p (RFC 4648 4), newly allocated */
static char *smtpc_b64(const void *p, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

/* smtpc_auth_step - send verb and a secret, read the reply; 0 when its
 * code is want */
static int smtpc_auth_step(struct smtpc *s, const char *verb, const char *secret, int want)
{
	smtpc_cmd(s, *secret != '\0', "%s%s", verb, secret);
	if (smtpc_flush(s) < 0 || smtpc_read_reply(s, smtpc_timeout(s, SMTPC_T_MAIL)) < 0 ||
	    s->r.code != want)
		return -1;
	return 0;
}

/* smtpc_auth - AUTH PLAIN (RFC 4954, RFC 4616), or LOGIN when only that is
 * offered.  A refusal is temporary: a wrong password is fixed by editing
 * the configuration, and the queued mail should wait for it, not bounce. */
static int smtpc_auth(struct smtpc *s)
{
	const char *user = s->o->auth_user, *pass = s->o->auth_pass ? s->o->auth_pass : "";
	struct buf plain = BUF_INIT;
	char *b = NULL;
	int rc;

	if (user == NULL)
		return 0;
	if (!s->tls && s->o->tls != SMTPC_TLS_NONE)
		return smtpc_fail(s, DSN_TEMPFAIL, "4.7.0",
				  "will not send a password to %s without TLS", s->host);
	if (s->ext & SMTPC_EXT_AUTH_PLAIN) {
		buf_putc(&plain, '\0');
		buf_puts(&plain, user);
		buf_putc(&plain, '\0');
		buf_puts(&plain, pass);
		b = smtpc_b64(plain.data, plain.len);
		rc = smtpc_auth_step(s, "AUTH PLAIN ", b, 235);
	} else if (s->ext & SMTPC_EXT_AUTH_LOGIN) {
		rc = smtpc_auth_step(s, "AUTH LOGIN", "", 334);
		b = smtpc_b64(user, strlen(user));
		rc = rc < 0 ? rc : smtpc_auth_step(s, "", b, 334);
		explicit_bzero(b, strlen(b));
		free(b);
		b = smtpc_b64(pass, strlen(pass));
		rc = rc < 0 ? rc : smtpc_auth_step(s, "", b, 235);
	} else
		rc = smtpc_fail(s, DSN_TEMPFAIL, "4.7.0", "host %s offers no AUTH PLAIN or LOGIN", s->host);
	if (rc < 0 && s->session->status == DSN_OK)
		smtpc_fail_reply(s, "AUTH", true);
	if (plain.data)
		explicit_bzero(plain.data, plain.len);
	buf_free(&plain);
	if (b)
		explicit_bzero(b, strlen(b));
	free(b);
	return rc;
}

/* smtpc_quit - QUIT (RFC 5321 4.1.1.10) unless the connection is gone; the
 * reply is waited for briefly and does not matter */
static void smtpc_quit(struct smtpc *s)
{
	if (s->c == NULL || s->dead)
		return;
	smtpc_cmd(s, false, "QUIT");
	if (smtpc_flush(s) == 0)
		smtpc_read_reply(s, s->o->timeout_ms > 0 && s->o->timeout_ms < SMTPC_T_QUIT ?
				 s->o->timeout_ms : SMTPC_T_QUIT);
}

int smtpc_send(const struct smtpc_opts *o, const char *host, const char *port,
	       const char *sender, char *const *rcpts, size_t nrcpts, int data_fd,
	       struct dsn *per_rcpt, struct dsn *session)
{
	struct smtpc s;
	size_t i;
	int rc;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.host = host;
	s.rcpts = rcpts;
	s.nrcpts = nrcpts;
	s.per = per_rcpt;
	s.session = session;
	s.decided = xcalloc(nrcpts + 1, sizeof(bool));
	s.accepted = xcalloc(nrcpts + 1, sizeof(bool));
	dsn_ok(session, "session with %s not finished", host);
	rc = smtpc_open(&s, port) == 0 && smtpc_ehlo(&s) == 0 && smtpc_starttls(&s) == 0 &&
	     smtpc_auth(&s) == 0 ? 0 : -1;
	if (rc == 0)
		rc = smtpc_transaction(&s, sender, data_fd);
	smtpc_quit(&s);
	for (i = 0; i < nrcpts; i++)	/* what the session's end means for the rest */
		if (!s.decided[i])
			per_rcpt[i] = *session;
	if (s.c)
		conn_free(s.c);
	buf_free(&s.in);
	buf_free(&s.out);
	smtpc_reply_free(&s.r);
	free(s.decided);
	free(s.accepted);
	return rc;
}
