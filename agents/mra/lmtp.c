/* lmtp.c - one poczta-mda --lmtp for a whole fetch, spoken to over a
 * socketpair (RFC 2033): the same delivery code as a pipe, without a new
 * process and a configuration load per message.  MAIL carries XDELIVERY=ID
 * so that the MDA recognises a message it made durable before a crash. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct mra_lmtp {
	pid_t pid;
	int fd;
	FILE *in;	/* replies */
};

/* lmtp_reply - the code of the next (possibly multi-line) reply; its last
 * line's text in text; -1 when the MDA is gone */
static int lmtp_reply(struct mra_lmtp *l, struct buf *text)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int code = -1;

	buf_reset(text);
	while ((n = getline(&line, &cap, l->in)) > 0) {
		if (n < 4 || line[0] < '2' || line[0] > '5') {
			code = -1;
			break;
		}
		code = atoi(line);
		if (line[3] != '-') {
			buf_append(text, line, (size_t)n);
			while (text->len && (text->data[text->len - 1] == '\n' ||
					     text->data[text->len - 1] == '\r'))
				text->data[--text->len] = '\0';
			break;
		}
	}
	free(line);
	if (n <= 0)
		code = -1;
	return code;
}

/* lmtp_command - send line (CRLF added), read the reply; its code */
static int lmtp_command(struct mra_lmtp *l, const char *line, struct buf *text)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_printf(&b, "%s\r\n", line);
	rc = write_all(l->fd, b.data, b.len);
	buf_free(&b);
	return rc < 0 ? -1 : lmtp_reply(l, text);
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
	l->in = l->pid > 0 ? fdopen(dup(sv[0]), "r") : NULL;
	lhlo = xasprintf("LHLO %s", m->hostname);
	code = l->in ? lmtp_reply(l, &text) : -1;
	if (code == 220)
		code = lmtp_command(l, lhlo, &text);
	free(lhlo);
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
	if (l->fd >= 0)
		write_all(l->fd, "QUIT\r\n", 6);
	close(l->fd);
	if (l->in)
		fclose(l->in);
	while (l->pid > 0 && waitpid(l->pid, &status, 0) < 0 && errno == EINTR)
		;
	free(l);
}

int mra_lmtp_deliver(struct mra_lmtp *l, const char *sender, const char *rcpt, const char *id,
		     const struct buf *head, const char *p, size_t n, struct buf *err)
{
	struct buf text = BUF_INIT, b = BUF_INIT;
	int code;
	char *cmd = xasprintf("MAIL FROM:<%s> XDELIVERY=%s", sender, id);

	code = lmtp_command(l, cmd, &text);
	free(cmd);
	if (code == 250) {
		cmd = xasprintf("RCPT TO:<%s>", rcpt);
		code = lmtp_command(l, cmd, &text);
		free(cmd);
	}
	if (code == 250)
		code = lmtp_command(l, "DATA", &text);
	if (code == 354) {
		mra_msg_dotstuff(&b, head->data, head->len);
		b.len -= 3;	/* the header goes on into the message */
		mra_msg_dotstuff(&b, p, n);
		code = write_all(l->fd, b.data, b.len) < 0 ? -1 : lmtp_reply(l, &text);
	}
	buf_free(&b);
	if (code != 250) {
		buf_printf(err, "poczta-mda: %s", text.len ? text.data : _("the LMTP session broke"));
		if (code >= 200 && code < 500 && code != 250)
			lmtp_command(l, "RSET", &text);
	}
	buf_free(&text);
	return code == 250 ? 0 : code >= 500 ? -2 : -1;
}
