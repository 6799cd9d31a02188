/* lmtpc.c - hands local mail to poczta-mda over LMTP (RFC 2033): one
 * transaction for all local recipients of a message, and one reply per
 * recipient after the data, so each recipient's outcome is its own.  The
 * connection is kept for the worker's next message (Postfix's lmtp(8)
 * connection cache): a transaction that was not completed is ended with
 * RSET first, pipelined with the next MAIL (RFC 2033 requires PIPELINING
 * of the server); one that finds the kept connection closed before its
 * first reply connects again, since then nothing was delivered. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "conn.h"
#include "msg.h"
#include "mta.h"
#include "net.h"
#include "xalloc.h"

#define LMTPC_TIMEOUT_MS (10 * 60 * 1000)	/* RFC 5321 4.5.3.2.6: after the final dot */

struct lmtpc {
	char *endpoint;
	struct conn *c;
	struct buf in;		/* read, not yet taken as lines */
	bool xdelivery;		/* the server named XDELIVERY in its LHLO reply */
	bool dirty;		/* a transaction was left open: RSET first */
	bool used;		/* a transaction has been done on it */
};

/* lmtpc_line - the next reply line (CRLF removed) into line; 0 or -1 */
static int lmtpc_line(struct lmtpc *l, struct buf *line)
{
	char chunk[4096];
	char *nl;

	while ((nl = memchr(l->in.data ? l->in.data : "", '\n', l->in.len)) == NULL) {
		ssize_t n = conn_read(l->c, chunk, sizeof(chunk), LMTPC_TIMEOUT_MS);
		if (n <= 0 || l->in.len > 8192)
			return -1;
		buf_append(&l->in, chunk, (size_t)n);
	}
	buf_reset(line);
	buf_append(line, l->in.data, (size_t)(nl - l->in.data));
	if (line->len && line->data[line->len - 1] == '\r')
		line->data[--line->len] = '\0';
	buf_consume(&l->in, (size_t)(nl - l->in.data) + 1);
	msg_trace("S", line->data, line->len);
	return 0;
}

/* lmtpc_reply - a whole (multi-line) reply as a status: its code and the
 * text of its last line (and whether any line announced XDELIVERY) */
static int lmtpc_reply(struct lmtpc *l, struct dsn *d)
{
	struct buf line = BUF_INIT;
	int code = 0;

	do {
		if (lmtpc_line(l, &line) < 0 || line.len < 3) {
			dsn_set(d, DSN_TEMPFAIL, "4.4.2", "lost connection with the MDA");
			buf_free(&line);
			return -1;
		}
		code = atoi(line.data);
		if (line.len >= 13 && strcasecmp(line.data + 4, "XDELIVERY") == 0)
			l->xdelivery = true;
	} while (line.len > 3 && line.data[3] == '-');
	if (code >= 200 && code < 300)
		dsn_ok(d, "%s", line.data);
	else {
		const char *text = line.len > 4 ? line.data + 4 : "";
		char ecode[16] = "";
		sscanf(text, "%15[0-9.]", ecode);
		dsn_set(d, code >= 500 ? DSN_PERMFAIL : DSN_TEMPFAIL,
			*ecode ? ecode : code >= 500 ? "5.0.0" : "4.0.0", "%s", line.data);
	}
	buf_free(&line);
	return code;
}

static int lmtpc_send(struct lmtpc *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* lmtpc_send - one command line */
static int lmtpc_send(struct lmtpc *l, const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	msg_trace("C", cmd, strlen(cmd));
	rc = conn_write(l->c, cmd, strlen(cmd));
	free(cmd);
	return rc;
}

/* lmtpc_data - the message with CRLF line ends and dot-stuffing (RFC 5321
 * 4.5.2), then the final dot */
static int lmtpc_data(struct lmtpc *l, int fd)
{
	struct buf out = BUF_INIT;
	char chunk[65536];
	bool bol = true;
	off_t off = 0;
	ssize_t n, i;
	int rc = 0;

	while (rc == 0 && (n = pread(fd, chunk, sizeof(chunk), off)) > 0) {
		off += n;
		for (i = 0; i < n; i++) {
			if (bol && chunk[i] == '.')
				buf_putc(&out, '.');
			if (chunk[i] == '\n')
				buf_puts(&out, "\r\n");
			else if (chunk[i] != '\r')
				buf_putc(&out, chunk[i]);
			bol = chunk[i] == '\n';
		}
		rc = conn_write(l->c, out.data, out.len);
		buf_reset(&out);
	}
	buf_puts(&out, bol ? ".\r\n" : "\r\n.\r\n");
	if (rc == 0)
		rc = conn_write(l->c, out.data, out.len);
	buf_free(&out);
	return rc;
}

/* lmtpc_utf8 - whether the sender or a recipient has non-ASCII bytes: then
 * MAIL must carry SMTPUTF8 (RFC 6531 3.4) */
static bool lmtpc_utf8(const char *sender, char *const *rcpts, size_t n)
{
	const unsigned char *p;
	size_t i;

	for (p = (const unsigned char *)sender; *p; p++)
		if (*p >= 0x80)
			return true;
	for (i = 0; i < n; i++)
		for (p = (const unsigned char *)rcpts[i]; *p; p++)
			if (*p >= 0x80)
				return true;
	return false;
}

/* lmtpc_open - connect and greet (220, LHLO, 250); NULL with d set */
static struct lmtpc *lmtpc_open(const char *endpoint, const char *helo, struct dsn *d)
{
	struct lmtpc *l;
	struct endpoint ep;
	struct buf err = BUF_INIT;
	int fd;

	if (!net_parse_endpoint(endpoint, &ep) || (fd = net_connect(&ep, &err)) < 0) {
		dsn_set(d, DSN_TEMPFAIL, "4.4.1", "LMTP %s: %s", endpoint, buf_cstr(&err));
		buf_free(&err);
		return NULL;
	}
	buf_free(&err);
	l = xcalloc(1, sizeof(*l));
	l->endpoint = xstrdup(endpoint);
	l->c = conn_new(fd);
	if (lmtpc_reply(l, d) != 220 || lmtpc_send(l, "LHLO %s\r\n", helo) < 0 ||
	    lmtpc_reply(l, d) != 250) {
		if (d->status == DSN_OK)
			dsn_set(d, DSN_TEMPFAIL, "4.4.1", "LMTP %s: not greeted", endpoint);
		lmtpc_close(&l);
		return NULL;
	}
	return l;
}

void lmtpc_close(struct lmtpc **lp)
{
	struct lmtpc *l = *lp;

	if (l == NULL)
		return;
	if (l->c && !l->dirty)
		lmtpc_send(l, "QUIT\r\n");
	if (l->c)
		conn_free(l->c);
	buf_free(&l->in);
	free(l->endpoint);
	free(l);
	*lp = NULL;
}

/* lmtpc_session - MAIL, RCPTs, DATA (pipelined, after RSET when the last
 * transaction was left open), a reply each, then the data and a reply per
 * accepted recipient.  Returns 1 when the connection was found closed
 * before the first reply (nothing happened: try again on a new one), 0 when
 * the connection can be kept, -1 when it cannot. */
static int lmtpc_session(struct lmtpc *l, const char *id, bool fresh, const char *sender,
			 char *const *rcpts, size_t n, int fd, struct dsn *out)
{
	struct dsn d;
	bool *ok = xcalloc(n, sizeof(bool));
	size_t i, accepted = 0;
	int rc = -1, code;
	bool rset = l->dirty;

	dsn_ok(&d, "not yet");
	l->dirty = true;
	/* a kept connection the server closed meanwhile fails a send or the
	 * first reply: then nothing was delivered, and a new one is tried */
	if (l->used)
		rc = 1;
	/* name the delivery only to a server that knows the parameter (ours) */
	if ((rset && lmtpc_send(l, "RSET\r\n") < 0) ||
	    lmtpc_send(l, "MAIL FROM:<%s>%s%s%s%s\r\n", sender,
		       lmtpc_utf8(sender, rcpts, n) ? " SMTPUTF8" : "",
		       l->xdelivery ? " XDELIVERY=" : "", l->xdelivery ? id : "",
		       l->xdelivery && fresh ? " XFRESH" : "") < 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (lmtpc_send(l, "RCPT TO:<%s>\r\n", rcpts[i]) < 0)
			goto fail;
	if (lmtpc_send(l, "DATA\r\n") < 0)
		goto fail;
	code = lmtpc_reply(l, &d);
	if (code < 0 && l->in.len == 0)
		goto fail;	/* closed before the first reply: rc as set above */
	rc = -1;
	if (code != 250 || (rset && lmtpc_reply(l, &d) != 250))	/* RSET's, then MAIL's */
		goto fail;
	for (i = 0; i < n; i++) {
		if (lmtpc_reply(l, &out[i]) < 0)
			goto fail;
		ok[i] = out[i].status == DSN_OK;
		accepted += ok[i];
	}
	code = lmtpc_reply(l, &d);
	if (code != 354) {
		rc = code < 0 || accepted ? -1 : 0;	/* no data: RSET next time */
		if (accepted)
			goto fail;
		goto done;
	}
	if (accepted == 0 || lmtpc_data(l, fd) < 0)
		goto fail;	/* 354 with nobody accepted: the server is confused */
	for (i = 0; i < n; i++)		/* RFC 2033 4.2: one per accepted recipient */
		if (ok[i] && lmtpc_reply(l, &out[i]) < 0)
			goto fail;
	l->dirty = false;
	rc = 0;
	goto done;
fail:
	for (i = 0; i < n; i++)
		if (!ok[i] || out[i].status == DSN_OK)
			out[i] = d.status == DSN_OK ? (struct dsn){ DSN_TEMPFAIL, "4.4.2", "LMTP session failed", 0 } : d;
done:
	l->used = true;
	free(ok);
	return rc;
}

int lmtpc_deliver(struct lmtpc **lp, const char *endpoint, const char *helo, const char *id,
		  bool fresh, const char *sender, char *const *rcpts, size_t n, int data_fd,
		  struct dsn *per_rcpt)
{
	struct dsn d;
	size_t i;
	int rc, tries;
	bool named;

	if (*lp && strcmp((*lp)->endpoint, endpoint) != 0)
		lmtpc_close(lp);
	for (tries = 0; tries < 2; tries++) {
		for (i = 0; i < n; i++)
			dsn_set(&per_rcpt[i], DSN_TEMPFAIL, "4.4.1", "MDA not reached");
		if (*lp == NULL && (*lp = lmtpc_open(endpoint, helo, &d)) == NULL) {
			for (i = 0; i < n; i++)
				per_rcpt[i] = d;
			return -1;
		}
		/* a second try is made only when the first reached nobody */
		rc = lmtpc_session(*lp, id, fresh, sender, rcpts, n, data_fd, per_rcpt);
		if (rc == 0)
			return (*lp)->xdelivery ? 1 : 0;
		named = (*lp)->xdelivery;
		lmtpc_close(lp);
		if (rc < 0)
			return named ? 1 : 0;
	}
	return -1;
}
