/* submit_msa.c - the MSA's side of a submission (submit_int.h): the
 * password, the TLS context, one smtpc_send (RFC 6409 submission). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fsutil.h"
#include "i18n.h"
#include "outbox.h"
#include "outbox_int.h"
#include "strlist.h"
#include "submit_int.h"
#include "tls.h"
#include "xalloc.h"

#define SUBMIT_PASSWORD_MAX 4096

/* submit_first_line - text up to its first line end, newly allocated */
static char *submit_first_line(const char *text, size_t len)
{
	size_t n = 0;

	while (n < len && text[n] != '\n' && text[n] != '\r')
		n++;
	return xstrndup(text, n);
}

/* submit_password_run - the command's first line of output */
static char *submit_password_run(const char *cmd, struct buf *err)
{
	char **argv = strlist_split(cmd, " \t");
	char out[SUBMIT_PASSWORD_MAX], *r = NULL;
	size_t len = 0;
	ssize_t n;
	int p[2], status;
	pid_t pid;

	if (argv[0] == NULL || pipe(p) < 0) {
		buf_printf(err, _("submit_password_command: cannot run \"%s\""), cmd);
		strlist_free(argv);
		return NULL;
	}
	if ((pid = fork()) == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while (pid > 0 && len < sizeof(out) &&
	       ((n = read(p[0], out + len, sizeof(out) - len)) > 0 || (n < 0 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	close(p[0]);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		r = submit_first_line(out, len);
	else
		buf_printf(err, _("submit_password_command \"%s\" failed"), argv[0]);
	explicit_bzero(out, sizeof(out));
	strlist_free(argv);
	return r;
}

/* submit_password_read - the file's first line, when only its owner may
 * read it */
static char *submit_password_read(const char *path, struct buf *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char *text, *r;
	size_t len;

	if (fd < 0) {
		buf_printf(err, _("submit_password_file %s: %s"), path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || (st.st_mode & 077) != 0 || st.st_uid != getuid()) {
		/* L10N: a password file others could read is refused */
		buf_printf(err, _("submit_password_file %s: must be yours and mode 0600"), path);
		close(fd);
		return NULL;
	}
	text = read_fd(fd, &len);
	close(fd);
	if (text == NULL) {
		buf_printf(err, _("submit_password_file %s: %s"), path, strerror(errno));
		return NULL;
	}
	r = submit_first_line(text, len);
	explicit_bzero(text, len);
	free(text);
	return r;
}

char *submit_password(const struct outbox_config *cfg, struct buf *err)
{
	if (cfg->submit_password_command)
		return submit_password_run(cfg->submit_password_command, err);
	if (cfg->submit_password_file)
		return submit_password_read(cfg->submit_password_file, err);
	buf_puts(err, _("submit_user is set, but neither submit_password_command nor "
			"submit_password_file"));
	return NULL;
}

/* submit_data_fd - the message in an unlinked temporary file, for
 * smtpc_send, which reads it from offset 0; -1 on failure */
static int submit_data_fd(const struct outbox_entry *e)
{
	FILE *f = tmpfile();
	int fd;

	if (f == NULL)
		return -1;
	fd = dup(fileno(f));
	fclose(f);
	if (fd >= 0 && write_all(fd, e->msg, e->len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* submit_local_fail - a problem here, before any connection: permanent
 * for the session (the user must fix the configuration; not queued) */
static int submit_local_fail(struct dsn *session, const char *why)
{
	dsn_set(session, DSN_PERMFAIL, "5.7.0", "%s", why);
	return -1;
}

/* submit_fail_all - session's status for every recipient */
static void submit_fail_all(const struct outbox_entry *e, struct dsn *per,
			    const struct dsn *session)
{
	size_t i;

	for (i = 0; i < e->nrcpts; i++)
		per[i] = *session;
}

int submit_msa(struct outbox *o, const struct outbox_entry *e, struct dsn *per,
	       struct dsn *session)
{
	const struct outbox_config *cfg = o->cfg;
	struct tls_client_opts to = { cfg->submit_ca, NULL, false };
	struct smtpc_opts so = { cfg->hostname, cfg->submit_tls, NULL, NULL, NULL, NULL,
				 cfg->timeout_ms, NULL };
	struct buf err = BUF_INIT;
	char *pass = NULL;
	int fd = -1, rc = -1;

	if (cfg->submit_tls != SMTPC_TLS_NONE && (so.tls_verify = tls_client_new(&to, &err)) == NULL)
		submit_local_fail(session, buf_cstr(&err));
	else if (cfg->submit_user && (pass = submit_password(cfg, &err)) == NULL)
		submit_local_fail(session, buf_cstr(&err));
	else if ((fd = submit_data_fd(e)) < 0)
		dsn_from_errno(session, errno, "%s", _("cannot write a temporary file"));
	else {
		so.auth_user = cfg->submit_user;
		so.auth_pass = pass;
		rc = smtpc_send(&so, cfg->submit_host, cfg->submit_port, e->sender, e->rcpts,
				e->nrcpts, fd, per, session);
	}
	if (fd < 0)	/* never connected */
		submit_fail_all(e, per, session);
	else
		close(fd);
	if (pass) {
		explicit_bzero(pass, strlen(pass));
		free(pass);
	}
	tls_client_free(so.tls_verify);
	buf_free(&err);
	return rc;
}
