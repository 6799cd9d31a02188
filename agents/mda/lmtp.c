/* lmtp.c - LMTP (RFC 2033) for poczta-mta, Postfix or any LMTP client: the
 * engine in lib/smtpd.c speaks the protocol, this file answers its hooks
 * with the delivery agent's work.  One reply per recipient after the data
 * (RFC 2033 4.2), each said only once that copy is durable.
 *
 * Group commit: a client that pipelines several transactions (RFC 2033
 * requires PIPELINING, RFC 2920) has them all delivered from what is already
 * in the input (each copy fsync'ed in tmp/ and linked), then one fsync of
 * each folder linked into, and only then the replies, all together.  If that
 * sync fails the batch's copies are removed and the connection is closed
 * without an answer: the client tries again, nothing is lost and, with
 * XDELIVERY, nothing is stored twice. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "buf.h"
#include "conf.h"
#include "fsutil.h"
#include "index.h"
#include "maildir.h"
#include "mda.h"
#include "msg.h"
#include "net.h"
#include "server.h"
#include "smtpd.h"
#include "xalloc.h"

#define LMTP_IDLE_MS (5 * 60 * 1000)	/* RFC 5321 4.5.3.2.7: 5 minutes */
#define LMTP_BATCH_MAX 64		/* copies made durable by one folder sync, at most */

struct lmtp_session {
	struct mda *m;
	char *helo;
	char *sender;
	char *delivery;		/* XDELIVERY=, poczta-mta's name for it */
	struct mda_rcpt *rcpts;
	size_t n;
	struct mda_stage stage;
	bool staging;
};

static void lmtp_helo(void *ctx, const char *name, struct dsn *out)
{
	struct lmtp_session *s = ctx;
	free(s->helo);
	s->helo = xstrdup(name);
	s->m->lhlo = s->helo;
	dsn_ok(out, "hello");
}

/* lmtp_has_word - whether the parameters hold word, alone (no "=") */
static bool lmtp_has_word(const char *params, const char *word)
{
	size_t n = strlen(word);
	const char *p = params;

	while (p && *p) {
		p += strspn(p, " ");
		if (strncasecmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += strcspn(p, " ");
	}
	return false;
}

static void lmtp_mail(void *ctx, const char *sender, const char *params, struct dsn *out)
{
	struct lmtp_session *s = ctx;
	const char *x = params ? strcasestr(params, "XDELIVERY=") : NULL;

	free(s->sender);
	s->sender = xstrdup(sender);
	free(s->delivery);	/* the engine checked its syntax */
	s->delivery = x ? xstrndup(x + 10, strcspn(x + 10, " ")) : NULL;
	s->m->delivery_id = s->delivery;
	s->m->delivery_fresh = s->delivery && lmtp_has_word(params, "XFRESH");
	dsn_ok(out, "sender ok");
}

static void lmtp_rcpt(void *ctx, const char *rcpt, const char *params, struct dsn *out)
{
	struct lmtp_session *s = ctx;
	struct mda_rcpt r;

	mda_rcpt_resolve(s->m, rcpt, &r, out);
	if (out->status != DSN_OK)
		return;
	s->rcpts = xreallocarray(s->rcpts, s->n + 1, sizeof(*s->rcpts));
	s->rcpts[s->n++] = r;
}

/* lmtp_data_start - stage the message beside the first recipient's Maildir */
static void lmtp_data_start(void *ctx, struct dsn *out)
{
	struct lmtp_session *s = ctx;
	char *tmp;

	if (s->n == 0) {
		dsn_set(out, DSN_PERMFAIL, "5.5.1", "no valid recipients");
		return;
	}
	if (maildir_create(s->rcpts[0].maildir, out) < 0)
		return;
	tmp = xasprintf("%s/tmp", s->rcpts[0].maildir);
	if (stage_open(&s->stage, tmp, out) == 0) {
		s->staging = true;
		dsn_ok(out, "go ahead");
	}
	free(tmp);
}

static void lmtp_data_chunk(void *ctx, const char *p, size_t n)
{
	struct lmtp_session *s = ctx;
	if (s->staging)
		stage_write(&s->stage, p, n, s->m->max_size);
}

static void lmtp_data_end(void *ctx, const char *bad, struct dsn *out, size_t nrcpt)
{
	struct lmtp_session *s = ctx;
	struct dsn staged;
	size_t i;

	if (!s->staging)
		dsn_set(&staged, DSN_TEMPFAIL, "4.3.0", "the message was not staged");
	else if (bad)
		dsn_set(&staged, DSN_PERMFAIL, "5.6.0", "%s", bad);
	else
		stage_finish(&s->stage, &staged);
	for (i = 0; i < nrcpt && i < s->n; i++) {
		if (bad || s->stage.data == NULL)
			out[i] = staged;
		else
			mda_deliver(s->m, &s->stage, s->sender ? s->sender : "", &s->rcpts[i], &out[i]);
	}
	if (s->staging)
		stage_close(&s->stage);
	s->staging = false;
}

static void lmtp_reset(void *ctx)
{
	struct lmtp_session *s = ctx;
	size_t i;

	for (i = 0; i < s->n; i++)
		mda_rcpt_free(&s->rcpts[i]);
	x_free(&s->rcpts);
	s->n = 0;
	x_free(&s->sender);
	x_free(&s->delivery);
	s->m->delivery_id = NULL;
	s->m->delivery_fresh = false;
	if (s->staging)
		stage_close(&s->stage);
	s->staging = false;
}

/* lmtp_more_input - whether the client has sent more already (poll, no wait) */
static bool lmtp_more_input(int in)
{
	struct pollfd p = { in, POLLIN, 0 };
	return poll(&p, 1, 0) > 0;
}

/* lmtp_flush - sync what was delivered, then write the replies; false when
 * the session must end (the sync failed: no reply at all, or a write error) */
static bool lmtp_flush(struct mda *m, int out, struct buf *reply)
{
	bool ok = mda_sync_linked(m) == 0 && (reply->len == 0 ||
					      write_all(out, reply->data, reply->len) == 0);
	buf_reset(reply);
	return ok;
}

/* lmtp_unsynced - copies linked and waiting for the folder sync */
static size_t lmtp_unsynced(const struct mda *m)
{
	size_t n = 0;
	while (m->unsynced_files && m->unsynced_files[n])
		n++;
	return n;
}

/* lmtp_serve - one LMTP session on in/out until QUIT, EOF or timeout */
static void lmtp_serve(struct mda *m, int in, int out)
{
	struct lmtp_session s = { .m = m };
	struct smtpd_hooks h = { .ctx = &s, .helo = lmtp_helo, .mail = lmtp_mail, .rcpt = lmtp_rcpt,
				 .data_start = lmtp_data_start, .data_chunk = lmtp_data_chunk,
				 .data_end = lmtp_data_end, .reset = lmtp_reset };
	struct smtpd_limits lim = { .max_line = 1000, .max_message = m->max_size,
				    .max_recipients = 1000, .max_errors = 10 };
	struct smtpd *e = smtpd_new(SMTPD_LMTP, m->hostname, &lim, &h);
	struct buf reply = BUF_INIT;
	char chunk[65536];
	bool more = true;

	s.stage.fd = -1;
	m->group_commit = true;
	smtpd_greeting(e, &reply);
	while (more) {
		struct pollfd p = { in, POLLIN, 0 };
		ssize_t n;
		/* answer once nothing more is waiting (or the batch is full):
		 * the replies of a pipelined batch go after its one sync */
		if ((lmtp_unsynced(m) >= LMTP_BATCH_MAX || !lmtp_more_input(in)) &&
		    !lmtp_flush(m, out, &reply))
			break;
		if (poll(&p, 1, LMTP_IDLE_MS) == 0) {
			smtpd_timeout(e, &reply);
			more = false;
			continue;
		}
		n = read(in, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			smtpd_eof(e);
			break;
		}
		more = smtpd_input(e, chunk, (size_t)n, &reply);
	}
	lmtp_flush(m, out, &reply);
	m->group_commit = false;
	buf_free(&reply);
	smtpd_free(e);
	lmtp_reset(&s);
	free(s.helo);
}

int mda_lmtp_stdio(struct mda *m)
{
	m->via = "LMTP";
	m->peer = "local";
	lmtp_serve(m, 0, 1);
	return 0;
}

/* lmtp_service - a session on an accepted connection (in the child) */
static void lmtp_service(int fd, void *ctx)
{
	struct mda *m = ctx;
	char *peer = net_peer(fd);

	m->peer = peer;
	msg_info("connect from=%s", peer);
	lmtp_serve(m, fd, fd);
	msg_info("disconnect from=%s", peer);
	free(peer);
	/* _exit, not exit: exit()'s cleanup would write to, and so copy, the
	 * listener's pages this process shares */
	close(fd);
	fflush(NULL);
	_exit(0);
}

/* lmtp_tick - the listener's housekeeping: index what was delivered */
static void lmtp_tick(void *ctx)
{
	struct mda *m = ctx;
	if (m->index && index_pending(m->spool))
		index_spawn(m->spool, 0, m->indexer);
}

int mda_lmtp_listen(struct mda *m)
{
	const char *addr = conf_get(m->conf, "mda", NULL, "lmtp_listen");
	struct server_opts o = { (int)conf_get_int(m->conf, "mda", NULL, "max_connections"),
				 lmtp_service, lmtp_tick, m->index_ms, m };
	struct buf err = BUF_INIT;
	int fd = server_bind(addr, conf_get(m->conf, "global", NULL, "run_user"), &err), lock;

	if (fd < 0)
		msg_fatal("%s: mda: lmtp_listen: %s", conf_path(m->conf), buf_cstr(&err));
	mkdir_p(m->spool, 0700);
	lock = index_daemon_lock(m->spool);	/* pipe deliveries leave indexing to us */
	m->via = "LMTP";
	msg_info("listening on %s", addr);
	server_run(fd, &o);
	msg_info("stopped");
	if (lock >= 0)
		close(lock);
	close(fd);
	buf_free(&err);
	return 0;
}
