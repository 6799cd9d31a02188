/* smtp.c - one SMTP session of poczta-mta: the engine in lib/smtpd.c speaks
 * the protocol; this file decides on senders and recipients (policy.c),
 * streams the message into the queue behind a Received header (RFC 5321
 * 4.4), and answers 250 only once the queue says the message is durable. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "buf.h"
#include "conn.h"
#include "msg.h"
#include "mta.h"
#include "net.h"
#include "queue.h"
#include "rfc5322.h"
#include "smtpd.h"
#include "xalloc.h"

struct session {
	struct mta *m;
	struct conn *c;
	struct smtpd *e;
	char *peer;		/* "[ip]:port" as net_peer gives it */
	char *ip;
	char *helo;
	char *auth;		/* authenticated user: the MSA sets it */
	char *sender;
	bool body_8bit;
	bool ret_full;		/* RFC 3461 RET=FULL */
	char *envid;
	struct mta_target *rcpts;
	size_t nrcpts;
	struct queue_new *qn;
	struct dsn data_error;	/* a queue write that failed mid-message */
	bool failed;
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
	s->body_8bit = params && strcasestr(params, "BODY=8BITMIME") != NULL;
	s->ret_full = params && strcasestr(params, "RET=FULL") != NULL;
	free(s->envid);
	s->envid = session_param(params, "ENVID");
	dsn_ok(out, "Ok");
}

static void session_rcpt(void *ctx, const char *rcpt, const char *params, struct dsn *out)
{
	struct session *s = ctx;

	if (s->nrcpts >= s->m->max_rcpts) {	/* RFC 5321 4.5.3.1.10 */
		dsn_set(out, DSN_TEMPFAIL, "4.5.3", "Too many recipients");
		return;
	}
	size_t first = s->nrcpts, i;

	if (mta_policy_rcpt(s->m, rcpt, s->auth, s->ip, &s->rcpts, &s->nrcpts, out) == 0) {
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
	buf_printf(b, "Received: from %s ([%s])\n\tby %s (poczta-mta) with %s",
		   s->helo ? s->helo : "unknown", s->ip, s->m->hostname, session_protocol(s));
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

static void session_data_chunk(void *ctx, const char *p, size_t n)
{
	struct session *s = ctx;

	if (s->qn && !s->failed && queue_new_write(s->qn, p, n, &s->data_error) < 0)
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
	env->auth = s->auth;
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
		if (s->m->qmgr_pid > 0)
			kill(s->m->qmgr_pid, SIGUSR1);
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
	mta_targets_free(s->rcpts, s->nrcpts);
	s->rcpts = NULL;
	s->nrcpts = 0;
	x_free(&s->sender);
	x_free(&s->envid);
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

void mta_smtp_session(struct mta *m, int fd)
{
	struct session s = { .m = m };
	struct smtpd_hooks h = { .ctx = &s, .helo = session_helo, .mail = session_mail,
				 .rcpt = session_rcpt, .data_start = session_data_start,
				 .data_chunk = session_data_chunk, .data_end = session_data_end,
				 .reset = session_reset };
	struct smtpd_limits lim = { .max_line = 1000, .max_message = m->max_size,
				    .max_recipients = m->max_rcpts, .max_errors = m->max_errors };

	s.c = conn_new(fd);
	s.peer = net_peer(fd);
	s.ip = session_ip(s.peer);
	s.e = smtpd_new(SMTPD_SMTP, m->hostname, &lim, &h);
	if (m->tls)
		smtpd_offer_starttls(s.e, false);
	msg_info("connect from=%s", s.peer);
	session_loop(&s);
	smtpd_free(s.e);
	session_reset(&s);
	msg_info("disconnect from=%s", s.peer);
	free(s.helo);
	free(s.ip);
	free(s.peer);
	conn_free(s.c);
}
