/* imap.c - one IMAP session of poczta-maa: the engine in lib/imapd.c
 * speaks the protocol; this file moves bytes between it and the
 * connection, does the TLS handshakes, and ticks IDLE twice a second so
 * that a delivery shows within a second (RFC 2177). */
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "conn.h"
#include "imapd.h"
#include "index.h"
#include "maa.h"
#include "msg.h"
#include "net.h"
#include "xalloc.h"

#define IMAP_TICK_MS 500

struct imap_session {
	struct maa *m;
	char *peer;
	struct conn *c;
	bool broken;		/* a write failed */
};

static int imap_auth(void *ctx, const char *user, const char *pass, char **root)
{
	struct imap_session *s = ctx;
	return maa_auth(s->m, s->peer, user, pass, root);
}

/* imap_flush - the engine's flush hook: a long FETCH goes out as it grows */
static void imap_flush(void *ctx, struct buf *out)
{
	struct imap_session *s = ctx;

	if (!s->broken && conn_write(s->c, out->data, out->len) < 0)
		s->broken = true;
	buf_reset(out);
}

/* imap_write - send out and empty it; false when the peer is gone */
static bool imap_write(struct conn *c, struct buf *out)
{
	int rc = out->len ? conn_write(c, out->data, out->len) : 0;

	buf_reset(out);
	return rc == 0;
}

static void imap_loop(struct imap_session *s, struct conn *c, struct imapd *e)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	char data[16384];
	int idle_ms = 0;

	imapd_greeting(e, &out);
	while (imap_write(c, &out)) {
		ssize_t n = conn_read(c, data, sizeof(data), IMAP_TICK_MS);
		if (n == -2) {
			idle_ms += IMAP_TICK_MS;
			if (imapd_idling(e))
				imapd_tick(e, &out);
			else if (idle_ms >= s->m->timeout_ms) {
				imapd_timeout(e, &out);
				imap_write(c, &out);
				break;
			}
			continue;
		}
		if (n <= 0)
			break;
		idle_ms = 0;
		bool more = imapd_input(e, data, (size_t)n, &out);
		if (!imap_write(c, &out) || !more || s->broken)
			break;
		if (imapd_starttls_pending(e)) {
			if (conn_starttls_server(c, s->m->tls, &err) < 0) {
				msg_info("peer=%s starttls failed: %s", s->peer, buf_cstr(&err));
				break;
			}
			imapd_tls_started(e);
		}
	}
	buf_free(&out);
	buf_free(&err);
}

/* imap_index_behind - notes poczta-index has not taken yet (imapd.h) */
static bool imap_index_behind(void *ctx)
{
	const struct imap_session *s = ctx;

	return index_pending(s->m->index_spool);
}

void maa_imap_session(int fd, void *ctx)
{
	struct maa_listener *l = ctx;
	struct conn *c = conn_new(fd);
	struct imap_session s = { l->m, net_peer(fd), c, false };
	struct imapd_limits lim = { .max_literal = l->m->max_literal };
	struct imapd_hooks hooks = { .ctx = &s, .auth = imap_auth, .flush = imap_flush,
				     .index_behind = imap_index_behind };
	struct buf err = BUF_INIT;
	struct imapd *e;

	conn_set_timeout(c, 60000);
	if (l->implicit_tls && conn_starttls_server(c, l->m->tls, &err) < 0) {
		msg_info("peer=%s tls failed: %s", s.peer, buf_cstr(&err));
		goto out;
	}
	e = imapd_new(l->m->hostname, &lim, &hooks);
	if (l->implicit_tls)
		imapd_tls_started(e);
	else if (l->m->tls)
		imapd_offer_starttls(e);
	imapd_allow_auth_in_clear(e, l->m->clear_auth);
	msg_info("peer=%s connect%s", s.peer, l->implicit_tls ? " tls" : "");
	imap_loop(&s, c, e);
	msg_info("peer=%s disconnect user=%s", s.peer, imapd_user(e) ? imapd_user(e) : "-");
	imapd_free(e);
out:
	conn_free(c);
	buf_free(&err);
	free(s.peer);
}
