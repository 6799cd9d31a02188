/* smtpsrv.c - one SMTP session of poczta-mta or poczta-msa (smtpsrv.h):
 * the engine's hooks, STARTTLS and implicit TLS, AUTH, the queue.  The
 * header fix-ups of a submission are in smtpsrv_submit.c. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "buf.h"
#include "conn.h"
#include "msg.h"
#include "net.h"
#include "queue.h"
#include "rfc5322.h"
#include "smtpsrv.h"
#include "xalloc.h"

#define SMTPSRV_MAX_HEADER (256 * 1024)
#define SMTPSRV_USER_SHOWN 128		/* of a user name in the log */

struct session {
	const struct smtpsrv *m;
	struct conn *c;
	struct smtpd *e;
	char *peer;		/* "[ip]:port" as net_peer gives it */
	char *ip;
	char *helo;
	const char *auth;	/* authenticated user (the engine's), or NULL */
	char *sender;
	bool body_8bit;
	bool ret_full;		/* RFC 3461 RET=FULL */
	char *envid;
	struct rcpt_target *rcpts;
	size_t nrcpts;
	struct queue_new *qn;
	struct dsn data_error;	/* a queue write that failed mid-message */
	bool failed;
	struct buf hdr;		/* submission: the header section so far */
	bool hdr_done;		/* submission: it is written out */
};

/* session_ip - the address part of "a.b.c.d:port" or "[v6]:port" */
static char *session_ip(const char *peer)
{
	const char *colon = strrchr(peer, ':');

	if (peer[0] == '[') {
		const char *close = strchr(peer, ']');
		return close ? xstrndup(peer + 1, (size_t)(close - peer - 1)) : xstrdup(peer);
	}
	return colon ? xstrndup(peer, (size_t)(colon - peer)) : xstrdup(peer);
}

/* session_param - the value of KEY=value among ESMTP parameters (the engine
 * has checked their syntax), newly allocated, or NULL */
static char *session_param(const char *params, const char *key)
{
	size_t klen = strlen(key);
	const char *p = params;

	while (p && *p) {
		p += strspn(p, " ");
		if (strncasecmp(p, key, klen) == 0 && p[klen] == '=')
			return xstrndup(p + klen + 1, strcspn(p + klen + 1, " "));
		p += strcspn(p, " ");
	}
	return NULL;
}

/* session_notify - RFC 3461 NOTIFY= as QUEUE_NOTIFY_* bits */
static unsigned session_notify(const char *params)
{
	char *v = session_param(params, "NOTIFY");
	unsigned bits = 0;

	if (v) {
		bits |= strcasestr(v, "NEVER") ? QUEUE_NOTIFY_NEVER : 0;
		bits |= strcasestr(v, "SUCCESS") ? QUEUE_NOTIFY_SUCCESS : 0;
		bits |= strcasestr(v, "FAILURE") ? QUEUE_NOTIFY_FAILURE : 0;
		bits |= strcasestr(v, "DELAY") ? QUEUE_NOTIFY_DELAY : 0;
	}
	free(v);
	return bits;
}

static void session_helo(void *ctx, const char *name, struct dsn *out)
{
	struct session *s = ctx;
	free(s->helo);
	s->helo = xstrdup(name);
	dsn_ok(out, "%s", s->m->hostname);
}

static void session_mail(void *ctx, const char *sender, const char *params, struct dsn *out)
{
	struct session *s = ctx;

	free(s->sender);
	s->sender = xstrdup(sender);
	s->auth = smtpd_auth_user(s->e);
	/* RFC 6409 4.3, 6.1: the MSA may refuse a sender the user does not own */
	if (s->m->sender_ok && s->auth && *sender && !s->m->sender_ok(s->m->ctx, s->auth, sender)) {
		dsn_set(out, DSN_PERMFAIL, "5.7.1",
			"<%s>: Sender address rejected: not owned by user %s", sender, s->auth);
		out->reply = 553;
		msg_info("reject from=%s sender=<%s> user=%s reason=\"not the user's address\"",
			 s->peer, sender, s->auth);
		return;
	}
	s->body_8bit = params && strcasestr(params, "BODY=8BITMIME") != NULL;
	s->ret_full = params && strcasestr(params, "RET=FULL") != NULL;
	free(s->envid);
	s->envid = session_param(params, "ENVID");
	dsn_ok(out, "Ok");
}

static void session_rcpt(void *ctx, const char *rcpt, const char *params, struct dsn *out)
{
	struct session *s = ctx;

	if (s->nrcpts >= s->m->limits.max_recipients) {	/* RFC 5321 4.5.3.1.10 */
		dsn_set(out, DSN_TEMPFAIL, "4.5.3", "Too many recipients");
		return;
	}
	size_t first = s->nrcpts, i;

	if (rcptpolicy_check(s->m->policy, rcpt, s->auth, s->ip, &s->rcpts, &s->nrcpts, out) == 0) {
		char *orcpt = session_param(params, "ORCPT");
		/* an alias's members carry the address the client gave (RFC 3461 4.2) */
		if (orcpt == NULL && (s->nrcpts - first > 1 || (s->nrcpts > first &&
		    strcasecmp(s->rcpts[first].addr, rcpt) != 0)))
			orcpt = xasprintf("rfc822;%s", rcpt);
		for (i = first; i < s->nrcpts; i++) {
			s->rcpts[i].orcpt = orcpt ? xstrdup(orcpt) : NULL;
			s->rcpts[i].notify = session_notify(params);
		}
		free(orcpt);
		dsn_ok(out, "Ok");
	} else
		msg_info("reject from=%s rcpt=<%s> dsn=%s reason=\"%s\"", s->peer, rcpt, out->code,
			 out->text);
}

/* session_protocol - "with" of the Received header (RFC 3848; RFC 6531
 * 3.7.3 for a transaction that asked for SMTPUTF8) */
static const char *session_protocol(const struct session *s)
{
	static const char *const names[2][2][2] = {	/* [utf8][auth][tls] */
		{ { "ESMTP", "ESMTPS" }, { "ESMTPA", "ESMTPSA" } },
		{ { "UTF8SMTP", "UTF8SMTPS" }, { "UTF8SMTPA", "UTF8SMTPSA" } },
	};
	bool tls = conn_tls_version(s->c) != NULL;

	if (!smtpd_esmtp(s->e))
		return tls ? "SMTPS" : "SMTP";
	return names[smtpd_smtputf8(s->e)][s->auth != NULL][tls];
}

/* session_received - the trace header this hop adds (RFC 5321 4.4) */
static void session_received(const struct session *s, struct buf *b)
{
	char date[64];

	rfc5322_date(time(NULL), date, sizeof(date));
	buf_printf(b, "Received: from %s ([%s])\n\tby %s (%s) with %s",
		   s->helo ? s->helo : "unknown", s->ip, s->m->hostname, s->m->agent,
		   session_protocol(s));
	if (conn_tls_version(s->c))
		buf_printf(b, "\n\t(%s cipher %s)", conn_tls_version(s->c), conn_tls_cipher(s->c));
	if (s->nrcpts == 1)
		buf_printf(b, "\n\tfor <%s>", s->rcpts[0].addr);
	buf_printf(b, "; %s\n", date);
}

static void session_data_start(void *ctx, struct dsn *out)
{
	struct session *s = ctx;
	struct buf hdr = BUF_INIT;

	s->failed = false;
	s->hdr_done = s->m->mode != SMTPD_SUBMISSION;
	buf_reset(&s->hdr);
	s->qn = queue_new(s->m->queue, out);
	if (s->qn == NULL)
		return;
	session_received(s, &hdr);
	if (queue_new_write(s->qn, hdr.data, hdr.len, out) < 0) {
		queue_new_abort(s->qn);
		s->qn = NULL;
	} else
		dsn_ok(out, "go ahead");
	buf_free(&hdr);
}

/* session_header_write - a submission's header section is in s->hdr up to
 * end: write it with its fix-ups, then whatever of the body came with it */
static void session_header_write(struct session *s, size_t end)
{
	struct smtpsrv_fixup f = { s->m->hostname, s->auth, s->sender ? s->sender : "",
				   s->m->sender_ok, s->m->ctx };
	struct buf out = BUF_INIT;

	s->hdr_done = true;
	if (smtpsrv_fixup_header(&f, s->hdr.data, end, &out, &s->data_error) < 0) {
		msg_info("reject from=%s user=%s reason=\"%s\"", s->peer, s->auth ? s->auth : "",
			 s->data_error.text);
		s->failed = true;
	} else if (queue_new_write(s->qn, out.data, out.len, &s->data_error) < 0 ||
		   (s->hdr.len > end &&
		    queue_new_write(s->qn, s->hdr.data + end, s->hdr.len - end, &s->data_error) < 0))
		s->failed = true;
	buf_free(&out);
	buf_reset(&s->hdr);
}

/* session_header_chunk - message text of a submission while its header
 * section is gathered (at most max_header bytes: RFC 6409 8 fix-ups need
 * all of it before anything is written) */
static void session_header_chunk(struct session *s, const char *p, size_t n)
{
	size_t max = s->m->max_header ? s->m->max_header : SMTPSRV_MAX_HEADER;
	size_t old = s->hdr.len, take = n < max - old ? n : max - old, end;

	buf_append(&s->hdr, p, take);
	end = smtpsrv_header_end(s->hdr.data, s->hdr.len, old);
	if (end == 0) {
		if (s->hdr.len >= max) {
			dsn_set(&s->data_error, DSN_PERMFAIL, "5.3.4",
				"Error: message header section too large");
			s->failed = true;
		}
		return;
	}
	session_header_write(s, end);
	if (!s->failed && take < n && queue_new_write(s->qn, p + take, n - take, &s->data_error) < 0)
		s->failed = true;
}

static void session_data_chunk(void *ctx, const char *p, size_t n)
{
	struct session *s = ctx;

	if (s->qn == NULL || s->failed)
		return;
	if (!s->hdr_done)
		session_header_chunk(s, p, n);
	else if (queue_new_write(s->qn, p, n, &s->data_error) < 0)
		s->failed = true;
}

/* session_envelope - the queue envelope of the transaction */
static void session_envelope(struct session *s, struct queue_env *env)
{
	size_t i;

	memset(env, 0, sizeof(*env));
	env->version = 1;
	env->sender = s->sender ? s->sender : "";
	env->created = time(NULL);
	env->client = s->peer;
	env->helo = s->helo ? s->helo : "";
	env->protocol = (char *)session_protocol(s);
	env->auth = (char *)s->auth;
	env->envid = s->envid;
	env->ret_full = s->ret_full;
	env->body_8bit = s->body_8bit;
	env->rcpts = xcalloc(s->nrcpts, sizeof(*env->rcpts));
	env->nrcpts = s->nrcpts;
	for (i = 0; i < s->nrcpts; i++) {
		env->rcpts[i].addr = s->rcpts[i].addr;
		env->rcpts[i].orcpt = s->rcpts[i].orcpt;
		env->rcpts[i].notify = s->rcpts[i].notify;
		env->rcpts[i].state = QUEUE_PENDING;
	}
}

static void session_data_end(void *ctx, const char *bad, struct dsn *out, size_t nrcpt)
{
	struct session *s = ctx;
	struct queue_env env;

	if (s->qn == NULL) {
		dsn_set(out, DSN_TEMPFAIL, "4.3.0", "Error: queue file write error");
		return;
	}
	if (!bad && !s->failed && !s->hdr_done)	/* header fields and no body */
		session_header_write(s, s->hdr.len);
	if (bad || s->failed) {
		queue_new_abort(s->qn);
		s->qn = NULL;
		if (bad)
			dsn_set(out, DSN_PERMFAIL, "5.6.0", "%s", bad);
		else
			*out = s->data_error;
		return;
	}
	session_envelope(s, &env);
	if (queue_new_commit(s->qn, &env, out) == 0) {
		dsn_ok(out, "Ok: queued as %s", env.id);
		msg_info("queued id=%s from=<%s> nrcpt=%zu client=%s", env.id, env.sender, s->nrcpts,
			 s->peer);
		if (s->m->queued)
			s->m->queued(s->m->ctx, env.id);
	}
	s->qn = NULL;
	free(env.rcpts);
}

static void session_reset(void *ctx)
{
	struct session *s = ctx;

	if (s->qn)
		queue_new_abort(s->qn);
	s->qn = NULL;
	rcpt_targets_free(s->rcpts, s->nrcpts);
	s->rcpts = NULL;
	s->nrcpts = 0;
	x_free(&s->sender);
	x_free(&s->envid);
}

/* session_auth - the engine's auth hook: the agent's check, logged */
static void session_auth(void *ctx, const char *mech, const char *authzid, const char *user,
			 const char *pass, struct dsn *out)
{
	struct session *s = ctx;

	char shown[SMTPSRV_USER_SHOWN];
	size_t i;

	(void)authzid;		/* the engine let through only "" or user */
	/* the name is the client's: no control bytes into the log (the
	 * engine refuses them in PLAIN and LOGIN already; this is the log's
	 * own guard) */
	for (i = 0; i + 1 < sizeof(shown) && user[i]; i++)
		shown[i] = (unsigned char)user[i] < 0x20 || user[i] == 0x7f ? '?' : user[i];
	shown[i] = '\0';
	s->m->auth(s->m->ctx, s->ip, user, pass, out);
	if (out->status == DSN_OK)
		msg_info("auth from=%s user=%s mech=%s", s->peer, shown, mech);
	else
		msg_warnx("auth failed from=%s user=%s mech=%s reason=\"%s\"", s->peer, shown, mech,
			  out->text);
}

/* session_implicit_tls - the handshake before the greeting (RFC 8314 3.3)
 * when the agent listens for implicit TLS; false if it failed */
static bool session_implicit_tls(struct session *s)
{
	struct buf err = BUF_INIT;
	bool ok = true;

	if (!s->m->implicit_tls)
		return true;
	if (s->m->timeout_ms > 0)
		conn_set_timeout(s->c, s->m->timeout_ms);
	if (s->m->tls == NULL || conn_starttls_server(s->c, s->m->tls, &err) < 0) {
		msg_warnx("tls from=%s error=\"%s\"", s->peer, s->m->tls ? buf_cstr(&err) : "no certificate");
		ok = false;
	} else
		smtpd_tls_started(s->e);
	buf_free(&err);
	return ok;
}

/* session_loop - read, feed the engine, write, until the session ends */
static void session_loop(struct session *s)
{
	struct buf out = BUF_INIT;
	char in[16384];
	bool open = true;

	smtpd_greeting(s->e, &out);
	while (open) {
		ssize_t n;
		if (out.len && conn_write(s->c, out.data, out.len) < 0)
			break;
		buf_reset(&out);
		if (smtpd_starttls_pending(s->e)) {
			struct buf err = BUF_INIT;
			if (conn_starttls_server(s->c, s->m->tls, &err) < 0) {
				msg_warnx("starttls from=%s error=\"%s\"", s->peer, buf_cstr(&err));
				buf_free(&err);
				break;
			}
			smtpd_tls_started(s->e);
			buf_free(&err);
			continue;
		}
		n = conn_read(s->c, in, sizeof(in), s->m->timeout_ms);
		if (n == -2) {
			smtpd_timeout(s->e, &out);
			open = false;
		} else if (n <= 0) {
			smtpd_eof(s->e);
			break;
		} else {
			open = smtpd_input(s->e, in, (size_t)n, &out);
		}
	}
	if (out.len)
		conn_write(s->c, out.data, out.len);
	buf_free(&out);
}

void smtpsrv_session(const struct smtpsrv *srv, int fd)
{
	struct session s = { .m = srv };
	struct smtpd_hooks h = { .ctx = &s, .helo = session_helo, .mail = session_mail,
				 .rcpt = session_rcpt, .data_start = session_data_start,
				 .data_chunk = session_data_chunk, .data_end = session_data_end,
				 .reset = session_reset, .auth = srv->auth ? session_auth : NULL };

	s.c = conn_new(fd);
	s.peer = net_peer(fd);
	s.ip = session_ip(s.peer);
	buf_init(&s.hdr);
	s.e = smtpd_new(srv->mode, srv->hostname, &srv->limits, &h);
	if (srv->tls && !srv->implicit_tls)
		smtpd_offer_starttls(s.e, srv->tls_required);
	smtpd_allow_auth_in_clear(s.e, srv->auth_in_clear &&
				  (rcptpolicy_cidr_match(s.ip, "127.0.0.0/8") ||
				   rcptpolicy_cidr_match(s.ip, "::1")));
	msg_info("connect from=%s", s.peer);
	if (session_implicit_tls(&s))
		session_loop(&s);
	smtpd_free(s.e);
	session_reset(&s);
	msg_info("disconnect from=%s", s.peer);
	buf_free(&s.hdr);
	free(s.helo);
	free(s.ip);
	free(s.peer);
	conn_free(s.c);
}
