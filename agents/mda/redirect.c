/* redirect.c - Sieve redirect (RFC 5228 4.2): the message goes to the
 * configured sendmail command, run with an argv and never through a shell,
 * since the address comes from mail data. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "buf.h"
#include "fsutil.h"
#include "mda.h"
#include "strlist.h"
#include "xalloc.h"

/* redirect_argv - the command, then -f SENDER -- ADDRESS */
static char **redirect_argv(const struct mda *m, const char *sender, const char *to)
{
	char **argv = xcalloc(1, sizeof(char *));
	char **a;

	for (a = m->redirect_argv; *a; a++)
		argv = strlist_add(argv, *a);
	argv = strlist_add(argv, "-f");
	argv = strlist_add(argv, sender);
	argv = strlist_add(argv, "--");
	argv = strlist_add(argv, to);
	return argv;
}

/* redirect_feed - write our Delivered-To (so a loop back here is seen) and
 * the message to fd */
static int redirect_feed(int fd, const struct mda_stage *s, const struct mda_rcpt *r)
{
	struct buf hdr = BUF_INIT;
	int rc;

	buf_printf(&hdr, "Delivered-To: %s%s", r->address, s->crlf ? "\r\n" : "\n");
	rc = write_all(fd, hdr.data, hdr.len);
	buf_free(&hdr);
	if (rc == 0)
		rc = write_all(fd, s->data, (size_t)s->size);
	return rc;
}

int mda_redirect(struct mda *m, struct mda_stage *s, const char *sender,
		 const struct mda_rcpt *r, const char *to, struct dsn *d)
{
	char **argv;
	int pfd[2], status, rc;
	pid_t pid;

	if (m->redirect_argv == NULL || m->redirect_argv[0] == NULL || strchr(to, '\n') || *to == '-') {
		dsn_set(d, DSN_PERMFAIL, "5.3.0", "redirect to %s is not possible", to);
		return -1;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		dsn_from_errno(d, errno, "pipe");
		return -1;
	}
	argv = redirect_argv(m, sender, to);
	pid = fork();
	if (pid == 0) {
		dup2(pfd[0], 0);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[0]);
	signal(SIGPIPE, SIG_IGN);
	rc = pid < 0 ? -1 : redirect_feed(pfd[1], s, r);
	close(pfd[1]);
	strlist_free(argv);
	if (pid < 0) {
		dsn_from_errno(d, errno, "fork");
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		dsn_set(d, DSN_TEMPFAIL, "4.3.0", "%s exited with status %d", m->redirect_argv[0],
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return -1;
	}
	dsn_ok(d, "redirected to %s", to);
	return 0;
}
