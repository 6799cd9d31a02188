/* smtpc_io.c - the client's side of the wire: commands queued and written
 * in one go (so that PIPELINING, RFC 2920, is just "flush later"), replies
 * read line by line from the connection with a deadline for the whole
 * reply, so that a server trickling one byte a minute cannot hold a queue
 * runner for ever.  Both are shown in the trace mode. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "conn.h"
#include "msg.h"
#include "smtpc_int.h"

int smtpc_timeout(const struct smtpc *s, int dflt)
{
	return s->o->timeout_ms > 0 ? s->o->timeout_ms : dflt;
}

/* smtpc_now_ms - a monotonic clock */
static long long smtpc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* smtpc_fill - read more bytes into s->in before the deadline; 0 or an
 * error kind */
static enum smtpc_rerr smtpc_fill(struct smtpc *s, long long deadline)
{
	char b[4096];
	long long left = deadline - smtpc_now_ms();
	ssize_t n;

	if (left <= 0)
		return SMTPC_R_TIMEOUT;
	n = conn_read(s->c, b, sizeof(b), (int)left);
	if (n == -2)
		return SMTPC_R_TIMEOUT;
	if (n == 0)
		return SMTPC_R_EOF;
	if (n < 0)
		return SMTPC_R_IO;
	buf_append(&s->in, b, (size_t)n);
	return SMTPC_R_OK;
}

/* smtpc_line - the next line in s->in, its length (LF included) in *n;
 * NULL when it is not all there yet */
static const char *smtpc_line(struct smtpc *s, size_t *n)
{
	const char *nl = memchr(s->in.data ? s->in.data : "", '\n', s->in.len);

	if (nl == NULL)
		return NULL;
	*n = (size_t)(nl - s->in.data) + 1;
	return s->in.data;
}

int smtpc_read_reply(struct smtpc *s, int timeout_ms)
{
	long long deadline = smtpc_now_ms() + timeout_ms;
	enum smtpc_rerr e;
	const char *line;
	size_t n, len;
	int more = 1;

	smtpc_reply_reset(&s->r);
	while (more) {
		while ((line = smtpc_line(s, &n)) == NULL) {
			e = s->in.len > SMTPC_MAX_LINE ? SMTPC_R_BAD : smtpc_fill(s, deadline);
			if (e != SMTPC_R_OK) {
				s->r.err = e;
				s->r.code = 0;
				s->dead = true;
				return -1;
			}
		}
		msg_trace("S", line, n);
		len = n - 1 - (n >= 2 && line[n - 2] == '\r');
		more = len > SMTPC_MAX_LINE ? (s->r.err = SMTPC_R_BAD, 0)
					    : smtpc_reply_line(&s->r, line, len);
		buf_consume(&s->in, n);
	}
	if (s->r.err != SMTPC_R_OK) {
		s->r.code = 0;
		s->dead = true;
		return -1;
	}
	return 0;
}

/* smtpc_trace_cmd - show a command in the trace; a secret one shows its
 * words but the last ("AUTH PLAIN <hidden>"; a LOGIN answer: "<hidden>") */
static void smtpc_trace_cmd(const char *p, size_t len, bool secret)
{
	const char *sp = secret ? memrchr(p, ' ', len) : NULL;
	struct buf t = BUF_INIT;

	if (!secret) {
		msg_trace("C", p, len);
		return;
	}
	if (sp)
		buf_append(&t, p, (size_t)(sp - p) + 1);
	buf_puts(&t, "<hidden>");
	msg_trace("C", t.data, t.len);
	buf_free(&t);
}

void smtpc_cmd(struct smtpc *s, bool secret, const char *fmt, ...)
{
	size_t start = s->out.len;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&s->out, fmt, ap);
	va_end(ap);
	if (msg_tracing())
		smtpc_trace_cmd(s->out.data + start, s->out.len - start, secret);
	buf_append(&s->out, "\r\n", 2);
}

int smtpc_flush(struct smtpc *s)
{
	int rc = 0;

	if (s->out.len > 0 && conn_write(s->c, s->out.data, s->out.len) < 0) {
		s->dead = true;
		s->r.code = 0;
		s->r.err = SMTPC_R_IO;
		rc = -1;
	}
	buf_reset(&s->out);
	return rc;
}

int smtpc_fail(struct smtpc *s, enum dsn_status st, const char *code, const char *fmt, ...)
{
	va_list ap;
	char text[sizeof(s->session->text)];

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	dsn_set(s->session, st, code, "%s", text);
	return -1;
}

int smtpc_fail_reply(struct smtpc *s, const char *cmd, bool temp)
{
	smtpc_reply_dsn(&s->r, s->host, cmd, s->session);
	if (s->r.code == 421)
		s->dead = true;	/* RFC 5321 3.8: the server is closing */
	if (temp && s->session->status == DSN_PERMFAIL) {
		s->session->status = DSN_TEMPFAIL;
		s->session->code[0] = '4';
	}
	if (s->session->status == DSN_OK)	/* a 2xx/3xx where it makes no sense */
		dsn_set(s->session, DSN_TEMPFAIL, "4.5.0", "host %s: unexpected reply %d to %s",
			s->host, s->r.code, cmd);
	return -1;
}
