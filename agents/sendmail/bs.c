/* bs.c - -bs: an SMTP session (RFC 5321) on standard input and output, as
 * Postfix's "sendmail -bs" runs smtpd for a local user.  The engine in
 * lib/smtpd.c speaks the protocol; here each recipient is resolved as the
 * MTA resolves it (no relay restriction: the local user may send anywhere)
 * and each message goes into the queue through message.c, with the same
 * local fix-ups as -bm, and is answered 250 only once it is durable. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "fsutil.h"
#include "msg.h"
#include "queue.h"
#include "sendmail.h"
#include "smtpd.h"
#include "xalloc.h"

struct bs {
	struct sm *sm;
	const struct sm_opts *o;
	struct smtpd *e;
	char *helo;
	struct sm_env env;
	struct header_ctx h;
	struct message *m;
	struct buf line;	/* a line the engine gave in parts */
};

/* bs_helo - HELO or EHLO: the name goes into the Received field */
static void bs_helo(void *ctx, const char *name, struct dsn *out)
{
	struct bs *b = ctx;

	free(b->helo);
	b->helo = xstrdup(name);
	dsn_ok(out, "%s", b->sm->hostname);
}

/* bs_mail - MAIL FROM: the envelope sender, a bare name qualified */
static void bs_mail(void *ctx, const char *sender, const char *params, struct dsn *out)
{
	struct bs *b = ctx;

	free(b->env.sender);
	b->env.sender = addr_qualify(b->sm, sender);
	dsn_ok(out, "Ok");
}

/* bs_rcpt - RCPT TO: resolved as the MTA does, any domain allowed */
static void bs_rcpt(void *ctx, const char *rcpt, const char *params, struct dsn *out)
{
	struct bs *b = ctx;

	if (b->env.nrcpts >= b->sm->max_rcpts) {	/* RFC 5321 4.5.3.1.10 */
		dsn_set(out, DSN_TEMPFAIL, "4.5.3", "Too many recipients");
		return;
	}
	if (addr_rcpt(b->sm, &b->env, rcpt, b->o->notify, out) == 0)
		dsn_ok(out, "Ok");
}

/* bs_data_start - DATA: a new message in the queue, its Received first */
static void bs_data_start(void *ctx, struct dsn *out)
{
	struct bs *b = ctx;
	const char *proto = smtpd_esmtp(b->e) ? "ESMTP" : "SMTP";
	char *received = message_received(b->sm, b->helo ? b->helo : "localhost", proto);

	b->h = (struct header_ctx){ b->sm, b->env.sender, enqueue_full_name(b->sm, b->o), false };
	b->m = message_new(b->sm, received, &b->h, out);
	if (b->m)
		dsn_ok(out, "go ahead");
	free(received);
}

/* bs_data_chunk - the engine's bytes (LF line ends) into whole lines */
static void bs_data_chunk(void *ctx, const char *p, size_t n)
{
	struct bs *b = ctx;
	const char *nl;

	if (b->m == NULL)
		return;
	while ((nl = memchr(p, '\n', n)) != NULL) {
		size_t len = (size_t)(nl - p) + 1;
		buf_append(&b->line, p, len);
		message_line(b->m, b->line.data, b->line.len);
		buf_reset(&b->line);
		p += len;
		n -= len;
	}
	buf_append(&b->line, p, n);
}

/* bs_data_end - the final dot: commit, and say 250 only once durable */
static void bs_data_end(void *ctx, const char *bad, struct dsn *out, size_t nrcpt)
{
	struct bs *b = ctx;
	struct queue_env qe;
	char id[SM_ID_MAX];

	if (b->m == NULL) {
		dsn_set(out, DSN_TEMPFAIL, "4.3.0", "Error: queue file write error");
		return;
	}
	if (b->line.len) {
		buf_putc(&b->line, '\n');
		message_line(b->m, b->line.data, b->line.len);
		buf_reset(&b->line);
	}
	if (bad) {
		message_abort(b->m);
		b->m = NULL;
		dsn_set(out, DSN_PERMFAIL, "5.6.0", "%s", bad);
		return;
	}
	enqueue_env(&qe, &b->env, b->o, b->helo, smtpd_esmtp(b->e) ? "ESMTP" : "SMTP");
	if (message_commit(b->m, &qe, id, out) == 0) {
		dsn_ok(out, "Ok: queued as %s", id);
		msg_info("%s id=%s from=<%s> nrcpt=%zu uid=%lu protocol=%s",
			 b->sm->maildrop ? "maildrop" : "queued", id, qe.sender,
			 qe.nrcpts, (unsigned long)b->sm->uid, qe.protocol);
		setup_kick(b->sm);
	}
	b->m = NULL;
	free(qe.rcpts);
}

/* bs_reset - RSET, a new MAIL or the end: forget the transaction */
static void bs_reset(void *ctx)
{
	struct bs *b = ctx;

	message_abort(b->m);
	b->m = NULL;
	buf_reset(&b->line);
	x_free(&b->env.sender);
	rcpt_targets_free(b->env.rcpts, b->env.nrcpts);
	b->env.rcpts = NULL;
	b->env.nrcpts = 0;
}

/* bs_crlf - a bare LF made CR LF: a person typing, or a here-document,
 * ends lines with LF, and the engine takes only CR LF (lib/smtpd.h).  This
 * is the local user's own session, not a hop that an upstream server could
 * make read two messages as one, so it is safe here (Postfix's smtpd takes
 * LF too). */
static void bs_crlf(struct buf *to, const char *p, size_t n, bool *cr)
{
	size_t i;

	buf_reset(to);
	for (i = 0; i < n; i++) {
		if (p[i] == '\n' && !*cr)
			buf_putc(to, '\r');
		buf_putc(to, p[i]);
		*cr = p[i] == '\r';
	}
}

/* bs_loop - read standard input, feed the engine, write its replies */
static void bs_loop(struct bs *b)
{
	struct buf out = BUF_INIT, crlf = BUF_INIT;
	char in[16384];
	bool open = true, cr = false;
	ssize_t n;

	smtpd_greeting(b->e, &out);
	while (open) {
		if (out.len && write_all(1, out.data, out.len) < 0)
			break;
		buf_reset(&out);
		if ((n = read(0, in, sizeof(in))) < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			smtpd_eof(b->e);
			break;
		}
		bs_crlf(&crlf, in, (size_t)n, &cr);
		open = smtpd_input(b->e, crlf.data, crlf.len, &out);
	}
	if (out.len)
		write_all(1, out.data, out.len);
	buf_free(&out);
	buf_free(&crlf);
}

int bs_run(struct sm *sm, const struct sm_opts *o)
{
	struct bs b = { .sm = sm, .o = o };
	struct smtpd_hooks h = { .ctx = &b, .helo = bs_helo, .mail = bs_mail, .rcpt = bs_rcpt,
				 .data_start = bs_data_start, .data_chunk = bs_data_chunk,
				 .data_end = bs_data_end, .reset = bs_reset };
	struct smtpd_limits lim = { .max_line = 1000, .max_message = sm->max_size,
				    .max_recipients = sm->max_rcpts, .max_errors = 10 };

	b.e = smtpd_new(SMTPD_SUBMISSION, sm->hostname, &lim, &h);
	bs_loop(&b);
	smtpd_free(b.e);
	bs_reset(&b);
	free(b.helo);
	buf_free(&b.line);
	return 0;
}
