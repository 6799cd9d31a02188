/* pop3.c - one POP3 session of poczta-maa: the engine in lib/pop3d.c
 * speaks the protocol; this file lists INBOX from the same UID list as
 * IMAP (so UIDLs and UIDs agree), reads messages with CRLF line ends, and
 * deletes at QUIT only (RFC 1939 6).  The maildrop is locked for the
 * session (RFC 1939 4) with an flock on ROOT/poczta-pop3.lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "buf.h"
#include "conn.h"
#include "fsutil.h"
#include "maa.h"
#include "msg.h"
#include "mstore.h"
#include "net.h"
#include "pop3d.h"
#include "xalloc.h"

#define POP3_TIMEOUT_MS (10 * 60 * 1000)	/* RFC 1939 3: at least 10 minutes */

struct pop3_session {
	struct maa *m;
	char *peer;
	char *root;
	int lock;
	struct mstore_box *box;
	struct pop3d_msg *msgs;
	char (*uidls)[24];
};

static int pop3_auth(void *ctx, const char *user, const char *pass)
{
	struct pop3_session *s = ctx;

	free(s->root);
	s->root = NULL;
	return maa_auth(s->m, s->peer, user, pass, &s->root);
}

static int pop3_open(void *ctx, const struct pop3d_msg **msgs, size_t *n)
{
	struct pop3_session *s = ctx;
	char *lock = xasprintf("%s/poczta-pop3.lock", s->root);
	struct buf err = BUF_INIT;
	size_t i;

	s->lock = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	free(lock);
	if (s->lock < 0 || flock(s->lock, LOCK_EX | LOCK_NB) < 0)
		return s->lock >= 0 && errno == EWOULDBLOCK ? -1 : -2;
	/* read-only: new mail stays in new/ for IMAP's \Recent */
	if ((s->box = mstore_open(s->root, "INBOX", true, &err)) == NULL) {
		msg_warnx("pop3 %s: %s", s->root, buf_cstr(&err));
		buf_free(&err);
		return -2;
	}
	s->msgs = xcalloc(s->box->n + 1, sizeof(*s->msgs));
	s->uidls = xcalloc(s->box->n + 1, sizeof(*s->uidls));
	for (i = 0; i < s->box->n; i++) {
		/* the UID and UIDVALIDITY IMAP shows, as Dovecot's %08Xu%08Xv */
		snprintf(s->uidls[i], sizeof(s->uidls[i]), "%08X%08X", s->box->msgs[i].uid,
			 s->box->uidvalidity);
		s->msgs[i].uidl = s->uidls[i];
		s->msgs[i].size = s->box->msgs[i].size;
	}
	*msgs = s->msgs;
	*n = s->box->n;
	return 0;
}

static int pop3_read(void *ctx, size_t i, long lines, struct buf *out)
{
	struct pop3_session *s = ctx;
	struct buf err = BUF_INIT;
	size_t len, k, start = 0;
	char *data = mstore_read(s->box, i, &len, &err);
	bool body = false;
	long left = lines;

	if (data == NULL) {
		msg_warnx("pop3 read: %s", buf_cstr(&err));
		buf_free(&err);
		return -1;
	}
	for (k = 0; k < len; k++) {
		if (data[k] != '\n')
			continue;
		if (body && lines >= 0 && left-- <= 0)	/* TOP: the header and n lines */
			break;
		buf_append(out, data + start, k - start - (k > start && data[k - 1] == '\r'));
		buf_puts(out, "\r\n");
		if (!body && k == start + (data[start] == '\r'))
			body = true;	/* the blank line ending the header */
		start = k + 1;
	}
	if (k == len && start < len && !(body && lines >= 0 && left <= 0))
		buf_append(out, data + start, len - start);
	free(data);
	return 0;
}

static int pop3_update(void *ctx, const size_t *del, size_t ndel)
{
	struct pop3_session *s = ctx;
	struct buf err = BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < ndel; i++) {
		char *p = xasprintf("%s/%s", s->box->path, s->box->msgs[del[i]].file);
		if (unlink(p) < 0 && errno != ENOENT) {
			msg_warn("pop3 delete %s", p);
			rc = -1;
		} else
			mstore_notify(p);
		free(p);
	}
	for (i = 0; i < 2; i++) {	/* nothing is said done before it is on disk */
		char *dir = xasprintf("%s/%s", s->box->path, i ? "new" : "cur");
		if (fsync_dir(dir) < 0)
			rc = -1;
		free(dir);
	}
	if (mstore_rescan(s->box, NULL, &err) < 0)
		msg_warnx("pop3 rescan: %s", buf_cstr(&err));
	msg_info("peer=%s pop3 deleted=%zu", s->peer, ndel);
	buf_free(&err);
	return rc;
}

static void pop3_close(void *ctx)
{
	struct pop3_session *s = ctx;

	mstore_close(s->box);
	s->box = NULL;
	if (s->lock >= 0)
		close(s->lock);
	s->lock = -1;
	x_free(&s->msgs);
	x_free(&s->uidls);
}

static void pop3_loop(struct pop3_session *s, struct conn *c, struct pop3d *p)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	char data[4096];

	pop3d_greeting(p, &out);
	for (;;) {
		if (out.len && conn_write(c, out.data, out.len) < 0)
			break;
		buf_reset(&out);
		ssize_t n = conn_read(c, data, sizeof(data), POP3_TIMEOUT_MS);
		if (n == -2) {
			pop3d_timeout(p, &out);
			conn_write(c, out.data, out.len);
			break;
		}
		if (n <= 0) {
			pop3d_eof(p);	/* a broken connection deletes nothing */
			break;
		}
		if (!pop3d_input(p, data, (size_t)n, &out)) {
			conn_write(c, out.data, out.len);
			break;
		}
		if (pop3d_stls_pending(p)) {
			if (conn_write(c, out.data, out.len) < 0)
				break;
			buf_reset(&out);
			if (conn_starttls_server(c, s->m->tls, &err) < 0) {
				msg_info("peer=%s stls failed: %s", s->peer, buf_cstr(&err));
				break;
			}
			pop3d_tls_started(p);
		}
	}
	buf_free(&out);
	buf_free(&err);
}

void maa_pop3_session(int fd, void *ctx)
{
	struct maa_listener *l = ctx;
	struct pop3_session s = { l->m, net_peer(fd), NULL, -1, NULL, NULL, NULL };
	struct pop3d_hooks hooks = { .ctx = &s, .auth = pop3_auth, .open = pop3_open,
				     .read = pop3_read, .update = pop3_update, .close = pop3_close };
	struct conn *c = conn_new(fd);
	struct buf err = BUF_INIT;
	struct pop3d *p;

	conn_set_timeout(c, 60000);
	if (l->implicit_tls && conn_starttls_server(c, l->m->tls, &err) < 0) {
		msg_info("peer=%s tls failed: %s", s.peer, buf_cstr(&err));
		goto out;
	}
	p = pop3d_new(l->m->hostname, NULL, &hooks);
	if (l->implicit_tls)
		pop3d_tls_started(p);
	else if (l->m->tls)
		pop3d_offer_stls(p);
	pop3d_allow_auth_in_clear(p, l->m->clear_auth);
	msg_info("peer=%s pop3 connect%s", s.peer, l->implicit_tls ? " tls" : "");
	pop3_loop(&s, c, p);
	msg_info("peer=%s pop3 disconnect user=%s", s.peer, pop3d_user(p) ? pop3d_user(p) : "-");
	pop3d_free(p);
out:
	conn_free(c);
	buf_free(&err);
	free(s.root);
	free(s.peer);
}
