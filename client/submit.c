/* submit.c - one spool entry submitted, in the child process outbox_run.c
 * forks (outbox.h): to the MSA with lib/smtpc (certificate and host name
 * always verified), else into the local queue as poczta-sendmail puts mail
 * there; then a copy into Sent, then the spool entry removed or marked.
 *
 * Never lost, never sent twice: the entry is marked "submitting" with this
 * process's pid durably before any connection; the spool file is the
 * commit point and is changed only after the MSA or the queue took the
 * message.  What no protocol can avoid remains: a crash or a connection
 * lost between the MSA's or the queue's acceptance and the spool's change
 * (RFC 5321 6.1, the duplicate after the final dot: RFC 1047) leaves the
 * entry "submitting" with a pid that is gone, and it is submitted again.
 * The Sent copy is named by the entry's id, so it is stored once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fsutil.h"
#include "i18n.h"
#include "maildir.h"
#include "msg.h"
#include "mtakick.h"
#include "outbox.h"
#include "outbox_int.h"
#include "queue.h"
#include "rfc5322.h"
#include "strlist.h"
#include "submit_int.h"
#include "xalloc.h"

#define SUBMIT_RETRY_S 60	/* neither the MSA nor the queue: try again then */

/* submit_mark - lock, load id and mark it submitting by this process;
 * 0, or -1 when it is no longer there or someone else submits it */
static int submit_mark(struct outbox *o, const char *id, struct outbox_entry *e)
{
	struct buf err = BUF_INIT;
	int rc = -1;

	if (outbox_lock(o, &err) < 0) {
		buf_free(&err);
		return -1;
	}
	if (outbox_load(o, id, e, &err) == 0) {
		if (e->state == OUTBOX_FAILED ||
		    (e->state == OUTBOX_SUBMITTING && outbox_alive(e->pid)) ||
		    (e->state == OUTBOX_WAITING && e->due > time(NULL)))
			outbox_entry_free(e);	/* not ours to send (now) */
		else {
			e->state = OUTBOX_SUBMITTING;
			e->pid = (long)getpid();
			rc = outbox_save(o, e, &err);
		}
	}
	outbox_unlock(o);
	buf_free(&err);
	return rc;
}

/* submit_sent_copy - the message into the Sent folder, seen (flag S),
 * under a name made from the id: a second try after a crash finds it */
static void submit_sent_copy(struct outbox *o, const struct outbox_entry *e)
{
	struct maildir_tmp t;
	struct dsn d;
	char *dir = maildir_folder_path(o->cfg->maildir, o->cfg->sent, true, &d);
	char *name = xasprintf("outbox-%s", e->id);

	if (dir && maildir_tmp_open_named(&t, dir, name, &d) == 0) {
		if (maildir_tmp_write(&t, e->msg, e->len, &d) == 0 && maildir_tmp_sync(&t, &d) == 0)
			maildir_tmp_link(&t, dir, "S", NULL, &d);
		maildir_tmp_close(&t);
	}
	free(name);
	free(dir);
}

/* submit_8bit - whether the message has bytes over 0x7f (for BODY=8BITMIME) */
static bool submit_8bit(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] > 0x7f)
			return true;
	return false;
}

/* submit_queue - e's message to rcpts into the local queue with a Received
 * field naming the client (RFC 5321 4.4), then the MTA told; 0 or -1 with d */
static int submit_queue(struct outbox *o, const struct outbox_entry *e, char *const *rcpts,
			size_t n, struct dsn *d)
{
	struct buf err = BUF_INIT;
	struct queue *q = queue_open(o->cfg->queue_dir, &err);
	struct queue_new *qn;
	struct queue_env env;
	char date[64], *received;
	size_t i;
	int rc = -1;

	if (q == NULL) {
		dsn_set(d, DSN_TEMPFAIL, "4.3.0", "%s", buf_cstr(&err));
		buf_free(&err);
		return -1;
	}
	rfc5322_date(time(NULL), date, sizeof(date));
	received = xasprintf("Received: by %s (poczta, from userid %lu);\n\t%s\n",
			     o->cfg->hostname, (unsigned long)getuid(), date);
	memset(&env, 0, sizeof(env));
	env.version = 1;
	env.sender = e->sender;
	env.created = time(NULL);
	env.client = (char *)"local";
	env.helo = (char *)"";
	env.protocol = (char *)"local";
	env.body_8bit = submit_8bit(e->msg, e->len);
	env.rcpts = xcalloc(n + 1, sizeof(*env.rcpts));
	env.nrcpts = n;
	for (i = 0; i < n; i++) {
		env.rcpts[i].addr = rcpts[i];
		env.rcpts[i].state = QUEUE_PENDING;
	}
	if ((qn = queue_new(q, d)) != NULL) {
		if (queue_new_write(qn, received, strlen(received), d) < 0 ||
		    queue_new_write(qn, e->msg, e->len, d) < 0)
			queue_new_abort(qn);
		else
			rc = queue_new_commit(qn, &env, d);
	}
	if (rc == 0)
		mtakick(o->cfg->run_dir);	/* a stopped MTA finds it when it starts */
	free(env.rcpts);
	free(received);
	queue_close(q);
	buf_free(&err);
	return rc;
}

/* submit_finish - write the entry's new state: gone when every recipient
 * was taken, else kept with those left (failed, or waiting for a retry) */
static void submit_finish(struct outbox *o, struct outbox_entry *e, char **left, size_t nleft,
			  enum outbox_state state, const char *reply)
{
	struct buf err = BUF_INIT;

	outbox_lock(o, &err);
	if (nleft == 0)
		outbox_remove(o, e->id, &err);
	else {
		strlist_free(e->rcpts);
		e->rcpts = left;
		e->nrcpts = nleft;
		left = NULL;
		e->state = state;
		e->pid = 0;
		e->due = time(NULL) + SUBMIT_RETRY_S;
		free(e->reply);
		e->reply = xstrdup(reply);
		outbox_save(o, e, &err);
	}
	outbox_unlock(o);
	strlist_free(left);
	buf_free(&err);
}

/* submit_security - a failure the local queue must not route around: TLS
 * (certificate not trusted, no STARTTLS) or AUTH (a wrong password), which
 * smtpc reports as temporary, 4.7.x or, from a server that gives no
 * enhanced code, with the command named; the user has to look at it */
static bool submit_security(const struct dsn *d)
{
	return d->status == DSN_TEMPFAIL &&
	       (strncmp(d->code, "4.7.", 4) == 0 || strstr(d->text, "(in reply to AUTH)") ||
		strstr(d->text, "(in reply to STARTTLS)"));
}

/* submit_sort - each recipient by its outcome: accepted (sent), temp (to
 * the local queue), perm (left, failed); the replies of the failed ones
 * into why */
static void submit_sort(const struct outbox_entry *e, const struct dsn *per, int rc,
			const struct dsn *session, struct submit_split *s)
{
	size_t i;

	for (i = 0; i < e->nrcpts; i++) {
		const struct dsn *d = rc < 0 && per[i].status == DSN_OK ? session : &per[i];

		if (d->status == DSN_OK)
			s->nsent++;
		else if (d->status == DSN_TEMPFAIL && !submit_security(d)) {
			s->temp = strlist_add(s->temp, e->rcpts[i]);
			s->ntemp++;
		} else {
			s->perm = strlist_add(s->perm, e->rcpts[i]);
			s->nperm++;
			if (s->why.len)
				buf_puts(&s->why, "; ");
			buf_printf(&s->why, "%s: %s", e->rcpts[i], d->text);
		}
	}
	if (s->nperm && rc < 0 && s->why.len == 0)
		buf_puts(&s->why, session->text);
}

/* submit_outcome - what follows from the split: queue the temporary ones,
 * copy to Sent when anything went out, write the entry; the result */
static int submit_outcome(struct outbox *o, struct outbox_entry *e, struct submit_split *s)
{
	struct dsn qd;
	bool queued = false;

	if (s->ntemp && submit_queue(o, e, s->temp, s->ntemp, &qd) == 0)
		queued = true;
	if (s->nsent || queued)
		submit_sent_copy(o, e);
	if (s->ntemp && !queued) {	/* neither took them: all left waits */
		char **left = s->temp;
		size_t i;

		for (i = 0; i < s->nperm; i++)
			left = strlist_add(left, s->perm[i]);
		buf_printf(&s->why, "%s%s", s->why.len ? "; " : "", qd.text);
		submit_finish(o, e, left, s->ntemp + s->nperm, OUTBOX_WAITING, buf_cstr(&s->why));
		s->temp = NULL;
		return s->nsent ? OUTBOX_PARTIAL : OUTBOX_DEFERRED;
	}
	submit_finish(o, e, s->perm, s->nperm, OUTBOX_FAILED, buf_cstr(&s->why));
	s->perm = NULL;
	if (s->nperm)
		return s->nsent || queued ? OUTBOX_PARTIAL : OUTBOX_REFUSED;
	return s->nsent ? OUTBOX_SENT : OUTBOX_QUEUED;
}

/* submit_log - this child writes to the client's log, never to the
 * terminal (curses owns it): a line for each submission, and with [client]
 * trace the dialogue with the MSA, as the agents do (lib/msg.h) */
static void submit_log(const struct outbox_config *cfg)
{
	char *dir, *slash;

	msg_set_trace(cfg->trace);
	if (cfg->log == NULL)	/* a configuration not made by outbox_config_load */
		return;
	dir = xstrdup(cfg->log);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		(void)mkdir_p(dir, 0700);	/* the XDG state directory may be new */
	}
	free(dir);
	msg_set_logfile(cfg->log);
}

/* submit_said - the submission's line in the log */
static void submit_said(const struct outbox *o, const struct outbox_entry *e,
			const struct submit_split *s, int r)
{
	static const char *const result[] = {
		[OUTBOX_SENT] = "sent", [OUTBOX_QUEUED] = "queued", [OUTBOX_REFUSED] = "refused",
		[OUTBOX_PARTIAL] = "partly sent", [OUTBOX_DEFERRED] = "deferred",
	};
	const char *what = r >= 0 && r < (int)(sizeof(result) / sizeof(result[0])) && result[r]
			   ? result[r] : "?";

	msg_info("submission id=%s from=<%s> msa=%s%s%s sent=%zu queued=%zu refused=%zu "
		 "status=%s%s%s", e->id, e->sender,
		 o->cfg->submit_host ? o->cfg->submit_host : "none",
		 o->cfg->submit_host ? ":" : "", o->cfg->submit_host ? o->cfg->submit_port : "",
		 s->nsent, r == OUTBOX_DEFERRED ? 0 : s->ntemp, s->nperm, what,
		 s->why.len ? " why=" : "", s->why.len ? buf_cstr(&s->why) : "");
}

int submit_run(struct outbox *o, const char *id)
{
	struct outbox_entry e;
	struct submit_split s;
	struct dsn *per, session;
	int rc, r;

	submit_log(o->cfg);
	if (submit_mark(o, id, &e) < 0)
		return OUTBOX_GONE;
	memset(&s, 0, sizeof(s));
	per = xcalloc(e.nrcpts, sizeof(*per));
	if (o->cfg->submit_host == NULL) {	/* no MSA: the local queue, as sendmail */
		for (size_t i = 0; i < e.nrcpts; i++)
			dsn_set(&per[i], DSN_TEMPFAIL, "4.4.1", "no MSA configured");
		rc = 0;
		dsn_ok(&session, "no MSA");
	} else
		rc = submit_msa(o, &e, per, &session);
	submit_sort(&e, per, rc, &session, &s);
	r = submit_outcome(o, &e, &s);
	submit_said(o, &e, &s, r);
	strlist_free(s.temp);
	strlist_free(s.perm);
	buf_free(&s.why);
	free(per);
	outbox_entry_free(&e);
	return r;
}
