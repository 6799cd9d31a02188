/* lmtp.c - one poczta-mda --lmtp for a whole fetch, spoken to over a
 * socketpair (RFC 2033): the same delivery code as a pipe, without a new
 * process and a configuration load per message.  MAIL carries XDELIVERY=ID
 * so that the MDA recognises a message it made durable before a crash.
 *
 * Transactions are pipelined (RFC 2033 4.2 makes PIPELINING mandatory for
 * LMTP servers, RFC 2920) with the message in one BDAT LAST chunk (RFC 3030,
 * which may be pipelined where DATA may not): mra_lmtp_send writes a whole
 * transaction without waiting, mra_lmtp_result reads the replies of the
 * oldest one sent.  A batch thus reaches the MDA in few reads, so that it
 * may make many messages durable with one sync of the Maildir.  Writes poll
 * for the replies too, so that neither side blocks the other however many
 * transactions are in flight. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>
#include "buf.h"
#include "fsutil.h"
#include "i18n.h"
#include "msg.h"
#include "mra.h"
#include "mra_msg.h"
#include "xalloc.h"

#define LMTP_REPLY_MAX (16u << 20)	/* bytes of replies buffered, at most */

struct mra_lmtp {
	pid_t pid;
	int fd;			/* non-blocking */
	bool broken;		/* the MDA went away or spoke nonsense */
	struct buf in;		/* replies read, not yet parsed */
	size_t pending;		/* transactions sent, their replies not read */
};

/* lmtp_read - what the MDA has sent, into l->in; wait for it when wait;
 * -1 when it is gone */
static int lmtp_read(struct mra_lmtp *l, bool wait)
{
	char chunk[4096];
	ssize_t n;

	for (;;) {
		struct pollfd p = { l->fd, POLLIN, 0 };
		if (l->in.len > LMTP_REPLY_MAX)
			return -1;	/* no reply is that long */
		n = read(l->fd, chunk, sizeof(chunk));
		if (n > 0) {
			buf_append(&l->in, chunk, (size_t)n);
			return 0;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			return -1;
		if (errno == EINTR)
			continue;
		if (!wait)
			return 0;
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return -1;
	}
}

/* lmtp_write - all of p[0..n), reading replies meanwhile (the MDA blocks
 * on a full socket as we would); -1 when the MDA is gone */
static int lmtp_write(struct mra_lmtp *l, const char *p, size_t n)
{
	while (n > 0 && !l->broken) {
		struct pollfd pf = { l->fd, POLLIN | POLLOUT, 0 };
		ssize_t w = send(l->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			p += w, n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			l->broken = true;
		else if (poll(&pf, 1, -1) < 0 && errno != EINTR)
			l->broken = true;
		else if ((pf.revents & (POLLIN | POLLHUP | POLLERR)) && lmtp_read(l, false) < 0)
			l->broken = true;
	}
	return l->broken ? -1 : 0;
}

/* lmtp_reply - the code of the next (possibly multi-line) reply; its last
 * line's text in text (with all, every line's, the first ones ending in
 * LF); -1 when the MDA is gone */
static int lmtp_reply_lines(struct mra_lmtp *l, struct buf *text, bool all)
{
	buf_reset(text);
	while (!l->broken) {
		char *nl = memchr(l->in.data ? l->in.data : "", '\n', l->in.len);
		size_t len;
		if (nl == NULL) {
			if (lmtp_read(l, true) < 0)
				l->broken = true;
			continue;
		}
		len = (size_t)(nl - l->in.data) + 1;
		if (len < 4 || l->in.data[0] < '2' || l->in.data[0] > '5' ||
		    (l->in.data[3] != '-' && l->in.data[3] != ' ' && l->in.data[3] != '\r')) {
			l->broken = true;
			break;
		}
		if (l->in.data[3] == '-') {
			if (all) {
				buf_append(text, l->in.data, len - 1 - (len > 1 && l->in.data[len - 2] == '\r'));
				buf_putc(text, '\n');
			}
			buf_consume(&l->in, len);
			continue;
		}
		buf_append(text, l->in.data, len);
		buf_consume(&l->in, len);
		while (text->len && (text->data[text->len - 1] == '\n' ||
				     text->data[text->len - 1] == '\r'))
			text->data[--text->len] = '\0';
		return atoi(all ? (strrchr(text->data, '\n') ? strrchr(text->data, '\n') + 1 :
				   text->data) : text->data);
	}
	return -1;
}

static int lmtp_reply(struct mra_lmtp *l, struct buf *text)
{
	return lmtp_reply_lines(l, text, false);
}

/* lmtp_command - send line (CRLF added), read the reply; its code */
static int lmtp_command(struct mra_lmtp *l, const char *line, struct buf *text)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_printf(&b, "%s\r\n", line);
	rc = lmtp_write(l, b.data, b.len);
	buf_free(&b);
	return rc < 0 ? -1 : lmtp_reply_lines(l, text, true);
}

struct mra_lmtp *mra_lmtp_open(struct mra *m, struct buf *err)
{
	struct mra_lmtp *l;
	struct buf text = BUF_INIT;
	int sv[2], code;
	char *lhlo;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		buf_printf(err, "socketpair: %s", strerror(errno));
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	l->pid = fork();
	if (l->pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(sv[1], 0);
		dup2(sv[1], 1);
		if (null >= 0 && !msg_verbose())	/* its log: log_file; errors come as replies */
			dup2(null, 2);
		execl(m->mda, "poczta-mda", "-c", m->config_path, "--lmtp", (char *)NULL);
		_exit(EX_OSERR);
	}
	close(sv[1]);
	l->fd = sv[0];
	if (l->pid < 0 || fcntl(l->fd, F_SETFL, fcntl(l->fd, F_GETFL) | O_NONBLOCK) < 0)
		l->broken = true;
	lhlo = xasprintf("LHLO %s", m->hostname);
	code = lmtp_reply(l, &text);
	if (code == 220)
		code = lmtp_command(l, lhlo, &text);
	free(lhlo);
	/* RFC 3030 2: BDAT only to a server that announced CHUNKING */
	if (code == 250 && strcasestr(text.data, "\n250-CHUNKING") == NULL &&
	    strcasestr(text.data, "\n250 CHUNKING") == NULL) {
		buf_reset(&text);
		buf_puts(&text, _("no CHUNKING in the LHLO reply"));
		code = -1;
	}
	if (code != 250) {
		buf_printf(err, _("cannot start %s: %s"), m->mda, text.len ? text.data : _("no LMTP greeting"));
		mra_lmtp_close(l);
		l = NULL;
	}
	buf_free(&text);
	return l;
}

void mra_lmtp_close(struct mra_lmtp *l)
{
	int status;

	if (l == NULL)
		return;
	if (!l->broken)
		lmtp_write(l, "QUIT\r\n", 6);
	close(l->fd);
	while (l->pid > 0 && waitpid(l->pid, &status, 0) < 0 && errno == EINTR)
		;
	buf_free(&l->in);
	free(l);
}

int mra_lmtp_send(struct mra_lmtp *l, const char *sender, const char *rcpt, const char *id,
		  bool fresh, const struct buf *head, const char *p, size_t n)
{
	struct buf chunk = BUF_INIT, cmds = BUF_INIT;
	int rc;

	mra_msg_crlf(&chunk, head->data, head->len);
	mra_msg_crlf(&chunk, p, n);
	/* RSET first: a refused transaction before this one is left open
	 * (RFC 5321 4.1.1.5), and MAIL would find it nested */
	buf_printf(&cmds, "RSET\r\nMAIL FROM:<%s> XDELIVERY=%s%s\r\nRCPT TO:<%s>\r\n"
		   "BDAT %zu LAST\r\n", sender, id, fresh ? " XFRESH" : "", rcpt, chunk.len);
	rc = lmtp_write(l, cmds.data, cmds.len);
	if (rc == 0)
		rc = lmtp_write(l, chunk.data, chunk.len);
	buf_free(&cmds);
	buf_free(&chunk);
	l->pending++;
	return rc;
}

int mra_lmtp_result(struct mra_lmtp *l, struct buf *err)
{
	struct buf text = BUF_INIT, first = BUF_INIT;
	int code = -1, c, i;

	if (l->pending == 0)
		return -1;
	l->pending--;
	/* RSET, MAIL, RCPT, BDAT: the first refusal says why (the later ones
	 * follow from it: 503, 554 no valid recipients) */
	for (i = 0; i < 4; i++) {
		c = lmtp_reply(l, &text);
		if (c < 0) {
			code = -1;
			break;
		}
		if (code == -1 || code == 250) {
			code = c;
			buf_reset(&first);
			buf_append(&first, text.data ? text.data : "", text.len);
		}
	}
	if (code != 250)
		buf_printf(err, "poczta-mda: %s", first.len && c >= 0 ? first.data :
			   _("the LMTP session broke"));
	buf_free(&text);
	buf_free(&first);
	return code == 250 ? 0 : code >= 500 ? -2 : -1;
}

size_t mra_lmtp_pending(const struct mra_lmtp *l)
{
	return l->pending;
}

bool mra_lmtp_broken(const struct mra_lmtp *l)
{
	return l->broken;
}
