/* pop3.c - the POP3 source (RFC 1939) through libetpan's mailpop3 client:
 * UIDL state (RFC 1939 7), a message deleted on the server only after its
 * local copy is durable and journaled, and the deletion committed by QUIT. */
#include <stdlib.h>
#include <string.h>
#include <libetpan/libetpan.h>
#include "conn.h"
#include "crashpoint.h"
#include "i18n.h"
#include "msg.h"
#include "mra.h"
#include "strlist.h"
#include "xalloc.h"

#define POP3_WINDOW 32	/* RETRs in flight with PIPELINING */

static void pop3_logger(mailpop3 *s, int type, const char *p, size_t n, void *ctx)
{
	(void)s;
	mra_link_trace(ctx, type, p, n);
}

static int pop3_error(mailpop3 *pop, const char *what, struct buf *err)
{
	const char *resp = pop ? pop->pop3_response : NULL;

	buf_printf(err, "%s: %s", what, resp && *resp ? resp : _("failed"));
	return -1;
}

/* pop3_has_capa - whether CAPA (RFC 2449) lists name */
static bool pop3_has_capa(mailpop3 *pop, const char *name)
{
	clist *caps = NULL;
	clistiter *it;
	bool found = false;

	if (mailpop3_capa(pop, &caps) != MAILPOP3_NO_ERROR)
		return false;
	for (it = clist_begin(caps); it; it = clist_next(it)) {
		struct mailpop3_capa *c = clist_content(it);
		if (strcasecmp(c->cap_name, name) == 0)
			found = true;
	}
	mailpop3_capa_resp_free(caps);
	return found;
}

/* pop3_open - connect, STLS (RFC 2595 4) as required, USER/PASS */
static mailpop3 *pop3_open(const struct mra_account *a, struct mra_link *l, struct buf *err)
{
	mailpop3 *pop;
	char *pw;
	int r;

	if (mra_link_open(l, a, err) < 0)
		return NULL;
	pop = mailpop3_new(0, NULL);
	mailpop3_set_timeout(pop, a->timeout_ms / 1000);
	mailpop3_set_logger(pop, pop3_logger, l);
	r = mailpop3_connect(pop, l->s);
	l->handed = true;	/* the session closes the stream */
	if (r != MAILPOP3_NO_ERROR) {
		pop3_error(pop, _("no POP3 greeting"), err);
		goto fail;
	}
	if (a->tls == MRA_TLS_STARTTLS) {
		if (!pop3_has_capa(pop, "STLS")) {
			buf_printf(err, _("the server does not offer STLS; no credentials were sent"));
			goto fail;
		}
		if (mailpop3_stls(pop) != MAILPOP3_NO_ERROR) {
			/* libetpan (since CVE-2020-15953) fails on bytes after the reply */
			if (conn_mailstream_buffered(pop->pop3_stream)) {
				mra_link_starttls(l, a, err);
				goto fail;
			}
			pop3_error(pop, _("STLS refused; no credentials were sent"), err);
			goto fail;
		}
		if (mra_link_starttls(l, a, err) < 0)
			goto fail;
	}
	if ((pw = mra_password(a, err)) == NULL)
		goto fail;
	r = mailpop3_user(pop, a->user);
	if (r == MAILPOP3_NO_ERROR)
		r = mailpop3_pass(pop, pw);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	if (r != MAILPOP3_NO_ERROR) {
		pop3_error(pop, "USER/PASS", err);
		goto fail;
	}
	return pop;
fail:
	mailpop3_free(pop);
	return NULL;
}

static int pop3_strcmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* pop3_uidl_ok - RFC 1939 7: 1 to 70 characters from 0x21 to 0x7E */
static bool pop3_uidl_ok(const char *u)
{
	size_t n = u ? strlen(u) : 0, i;

	for (i = 0; i < n; i++)
		if (u[i] < 0x21 || u[i] > 0x7e)
			return false;
	return n > 0 && n <= 70;
}

/* pop3_known - the journaled UIDLs still on the server, sorted; the
 * journal is rewritten to them so that it does not grow for ever */
static char **pop3_known(const char *state, carray *list, struct buf *err)
{
	char **journal = mra_uidl_load(state), **keep = xcalloc(1, sizeof(char *));
	size_t n = strlist_len(journal), i;

	qsort(journal, n, sizeof(char *), pop3_strcmp);
	for (i = 0; i < carray_count(list); i++) {
		struct mailpop3_msg_info *mi = carray_get(list, i);
		if (mi && mi->msg_uidl &&
		    bsearch(&mi->msg_uidl, journal, n, sizeof(char *), pop3_strcmp))
			keep = strlist_add(keep, mi->msg_uidl);
	}
	strlist_free(journal);
	if (mra_uidl_rewrite(state, keep) < 0) {
		buf_printf(err, _("cannot write %s"), state);
		strlist_free(keep);
		return NULL;
	}
	qsort(keep, strlist_len(keep), sizeof(char *), pop3_strcmp);
	return keep;
}

/* pop3_in - whether uidl is in the sorted list */
static bool pop3_in(char **list, const char *uidl)
{
	return bsearch(&uidl, list, strlist_len(list), sizeof(char *), pop3_strcmp) != NULL;
}

/* The journals of a POP3 fetch. */
struct pop3_state {
	char *path;		/* the UIDLs delivered */
	char *refused_path;	/* the UIDLs poczta-mda refused for good */
	char **refused;		/* those still on the server, sorted */
	char *sent_path;	/* the UIDLs a fetch may have handed to the MDA,
				 * written before it hands any over */
	char **sent;		/* as the fetch before left them, sorted: the
				 * others are fresh to the MDA (XFRESH) */
};

/* pop3_answer - poczta-mda's answer d for a message sent: journal it
 * (delivered, or refused for good: reported once and kept on the server);
 * 0, or -1 with err (d a temporary failure: err says why) */
static int pop3_answer(struct mra *m, const struct mra_account *a,
		       struct mailpop3_msg_info *mi, int d, struct buf *why, size_t len,
		       struct pop3_state *ps, bool sync, struct mra_stats *st, struct buf *err)
{
	if (d == -1) {
		buf_append(err, why->data ? why->data : "", why->len);
		return -1;
	}
	if (d == -2) {
		msg_warnx(_("account=%s uidl=%s: %s; the message is kept on the server and not "
			    "fetched again"), a->name, mi->msg_uidl, buf_cstr(why));
		if (mra_uidl_append(ps->refused_path, mi->msg_uidl, true) < 0) {
			buf_printf(err, _("cannot write %s"), ps->refused_path);
			return -1;
		}
		st->refused++;
		return 0;
	}
	crash_point("mra-delivered");
	if (mra_uidl_append(ps->path, mi->msg_uidl, sync) < 0) {
		buf_printf(err, _("cannot write %s"), ps->path);
		return -1;
	}
	crash_point("mra-journaled");
	st->done++;
	st->bytes += len;
	mra_progress(m, a, st);
	return 0;
}

/* pop3_one - RETR, deliver, journal, DELE unless kept */
static int pop3_one(struct mra *m, const struct mra_account *a, mailpop3 *pop,
		    struct mailpop3_msg_info *mi, struct pop3_state *ps, struct mra_stats *st,
		    struct buf *err)
{
	struct buf why = BUF_INIT;
	char *data = NULL, *id;
	size_t len = 0;
	int rc, d;

	if (mailpop3_retr(pop, mi->msg_index, &data, &len) != MAILPOP3_NO_ERROR)
		return pop3_error(pop, "RETR", err);
	id = mra_id(a, "pop3", mi->msg_uidl);
	d = mra_deliver(m, a, "POP3", id, data, len, &why);
	free(id);
	mailpop3_retr_free(data);
	rc = pop3_answer(m, a, mi, d, &why, len, ps, true, st, err);
	buf_free(&why);
	if (rc == 0 && d == 0 && !a->keep) {
		if (mailpop3_dele(pop, mi->msg_index) != MAILPOP3_NO_ERROR)
			return pop3_error(pop, "DELE", err);
		st->deleted++;
	}
	return rc;
}

/* pop3_window - RFC 2449 6.6 PIPELINING: RETR for up to POP3_WINDOW
 * messages sent at once, the replies read in order, each message sent on
 * to poczta-mda as it comes (pipelined too, see lmtp.c); then the MDA's
 * answers, journaled with one sync; DELE for those delivered afterwards */
static int pop3_window(struct mra *m, const struct mra_account *a, mailpop3 *pop,
		       struct mailpop3_msg_info **w, size_t n, struct pop3_state *ps,
		       struct mra_stats *st, struct buf *err)
{
	struct buf cmds = BUF_INIT;
	size_t lens[POP3_WINDOW], i, sent = 0;
	int rc = 0, d[POP3_WINDOW];

	for (i = 0; i < n; i++)
		buf_printf(&cmds, "RETR %u\r\n", w[i]->msg_index);
	if (mailstream_write(pop->pop3_stream, cmds.data, cmds.len) < 0 ||
	    mailstream_flush(pop->pop3_stream) < 0)
		rc = pop3_error(pop, "RETR", err);
	buf_free(&cmds);
	for (i = 0; i < n && rc == 0; i++) {
		char *line = mailstream_read_line_remove_eol(pop->pop3_stream,
							     pop->pop3_stream_buffer), *body, *id;
		if (line == NULL || strncmp(line, "+OK", 3) != 0) {
			buf_printf(err, "RETR: %s", line ? line : _("connection lost"));
			rc = -1;	/* the rest of the replies are not read: no QUIT */
			break;
		}
		/* dot-unstuffed up to the "." line (RFC 1939 3) */
		body = mailstream_read_multiline(pop->pop3_stream, 0, pop->pop3_stream_buffer,
						 pop->pop3_response_buffer, 0, NULL, NULL, NULL);
		if (body == NULL) {
			buf_printf(err, "RETR: %s", _("connection lost"));
			rc = -1;
			break;
		}
		lens[i] = pop->pop3_response_buffer->len;
		id = mra_id(a, "pop3", w[i]->msg_uidl);
		rc = mra_deliver_send(m, a, "POP3", id, !pop3_in(ps->sent, w[i]->msg_uidl), body,
				      lens[i], err);
		free(id);
		sent++;
	}
	/* every answer due is read, whatever happened */
	for (i = 0; i < sent; i++) {
		struct buf why = BUF_INIT;
		d[i] = mra_deliver_result(m, &why);
		if (rc == 0)
			rc = pop3_answer(m, a, w[i], d[i], &why, lens[i], ps, false, st, err);
		else
			d[i] = -1;
		buf_free(&why);
	}
	if (sent > 0 && mra_uidl_sync(ps->path) < 0 && rc == 0) {
		buf_printf(err, _("cannot write %s"), ps->path);
		rc = -1;
	}
	/* RFC 1939 6: deleted only once the journal is durable; and only
	 * those delivered (an error ends the session without QUIT anyway) */
	for (i = 0; i < sent && !a->keep && rc == 0; i++) {
		if (d[i] != 0)
			continue;
		if (mailpop3_dele(pop, w[i]->msg_index) != MAILPOP3_NO_ERROR)
			return pop3_error(pop, "DELE", err);
		st->deleted++;
	}
	return rc;
}

/* pop3_mark_sent - what the fetch before may have handed to the MDA (of
 * what is still on the server) into ps->sent, and the journal of it made
 * to hold what this fetch may hand over too, durably, before it does */
static int pop3_mark_sent(struct pop3_state *ps, carray *list, char **known, struct buf *err)
{
	char **all;
	unsigned i;
	int rc;

	if ((ps->sent = pop3_known(ps->sent_path, list, err)) == NULL)
		return -1;
	all = xcalloc(1, sizeof(char *));
	for (i = 0; i < carray_count(list); i++) {
		struct mailpop3_msg_info *mi = carray_get(list, i);
		if (mi && (pop3_in(ps->sent, mi->msg_uidl) ||
			   (!pop3_in(known, mi->msg_uidl) && !pop3_in(ps->refused, mi->msg_uidl))))
			all = strlist_add(all, mi->msg_uidl);
	}
	rc = mra_uidl_rewrite(ps->sent_path, all);
	strlist_free(all);
	if (rc < 0) {
		buf_printf(err, _("cannot write %s"), ps->sent_path);
		return -1;
	}
	return 0;
}

/* pop3_run - list, then fetch what the journals do not know */
static int pop3_run(struct mra *m, const struct mra_account *a, mailpop3 *pop,
		    struct pop3_state *ps, struct mra_stats *st, struct buf *err)
{
	struct mailpop3_msg_info *window[POP3_WINDOW];
	carray *list = NULL;
	char **known;
	unsigned i;
	size_t nw = 0;
	bool pipelining;
	int rc = 0;

	if (mailpop3_list(pop, &list) != MAILPOP3_NO_ERROR)
		return pop3_error(pop, "LIST", err);
	for (i = 0; i < carray_count(list); i++) {
		struct mailpop3_msg_info *mi = carray_get(list, i);
		if (mi && !pop3_uidl_ok(mi->msg_uidl)) {
			buf_printf(err, _("the server gives no usable UIDL for message %u"),
				   mi->msg_index);
			return -1;
		}
	}
	if ((known = pop3_known(ps->path, list, err)) == NULL)
		return -1;
	if ((ps->refused = pop3_known(ps->refused_path, list, err)) == NULL) {
		strlist_free(known);
		return -1;
	}
	for (i = 0; i < carray_count(list); i++) {
		struct mailpop3_msg_info *mi = carray_get(list, i);
		if (mi && !pop3_in(known, mi->msg_uidl) && !pop3_in(ps->refused, mi->msg_uidl))
			st->total++, st->total_bytes += mi->msg_size;
	}
	if (pop3_mark_sent(ps, list, known, err) < 0) {
		strlist_free(known);
		return -1;
	}
	pipelining = pop3_has_capa(pop, "PIPELINING");
	for (i = 0; i < carray_count(list) && rc == 0; i++) {
		struct mailpop3_msg_info *mi = carray_get(list, i);
		if (mi == NULL || pop3_in(ps->refused, mi->msg_uidl))
			continue;	/* refused for good: left there */
		if (!pop3_in(known, mi->msg_uidl)) {
			if (!pipelining) {
				rc = pop3_one(m, a, pop, mi, ps, st, err);
				continue;
			}
			window[nw++] = mi;
			if (nw == POP3_WINDOW) {
				rc = pop3_window(m, a, pop, window, nw, ps, st, err);
				nw = 0;
			}
		} else if (!a->keep) {	/* delivered before a crash came */
			if (mailpop3_dele(pop, mi->msg_index) != MAILPOP3_NO_ERROR)
				rc = pop3_error(pop, "DELE", err);
			else
				st->deleted++;
		}
	}
	if (rc == 0 && nw > 0)
		rc = pop3_window(m, a, pop, window, nw, ps, st, err);
	strlist_free(known);
	return rc;
}

int mra_pop3_fetch(struct mra *m, const struct mra_account *a, struct mra_stats *st,
		   struct buf *err)
{
	struct mra_link l;
	mailpop3 *pop = pop3_open(a, &l, err);
	struct pop3_state ps = { 0 };
	int rc = -1;

	if (pop == NULL) {
		mra_link_close(&l);
		return -1;
	}
	ps.path = mra_state_path(m, a, "pop3", NULL);
	ps.refused_path = mra_state_path(m, a, "refused", NULL);
	ps.sent_path = mra_state_path(m, a, "sent", NULL);
	m->link = &l;
	if (ps.path == NULL || ps.refused_path == NULL || ps.sent_path == NULL)
		buf_printf(err, _("cannot make %s"), m->state_dir);
	else
		rc = pop3_run(m, a, pop, &ps, st, err);
	m->link = NULL;
	free(ps.path);
	free(ps.refused_path);
	free(ps.sent_path);
	strlist_free(ps.refused);
	strlist_free(ps.sent);
	crash_point("mra-before-quit");
	/* RFC 1939 6: DELE takes effect at QUIT only; on an error the
	 * session ends without it and nothing is deleted */
	if (rc == 0 && mailpop3_quit(pop) != MAILPOP3_NO_ERROR)
		rc = pop3_error(pop, "QUIT", err);
	mailpop3_free(pop);
	mra_link_close(&l);
	return rc;
}
