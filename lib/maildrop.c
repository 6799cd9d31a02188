/* maildrop.c - local submission without write access to the queue: the
 * user's side writes a file, the MTA's side picks it up (maildrop.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/rand.h>
#include "fsutil.h"
#include "maildrop.h"
#include "xalloc.h"

#define MAILDROP_MAGIC "poczta-maildrop 1 "

struct maildrop_file {
	char *dir;
	char *name;		/* the final name */
	char *tmp;		/* DIR/.NAME while it is written */
	int fd;
	unsigned long long len;	/* message octets so far */
};

static void maildrop_fail(struct dsn *d, const char *what, const char *path)
{
	dsn_set(d, DSN_TEMPFAIL, "4.3.0", "%s %s: %s", what, path, strerror(errno));
}

struct maildrop_file *maildrop_new(const char *dir, struct dsn *d)
{
	struct maildrop_file *f;
	unsigned char r[12];
	char hex[2 * sizeof(r) + 1], head[MAILDROP_HEAD];
	size_t i;

	if (RAND_bytes(r, sizeof(r)) != 1) {
		dsn_set(d, DSN_TEMPFAIL, "4.3.0", "no random bytes for a maildrop file name");
		return NULL;
	}
	for (i = 0; i < sizeof(r); i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	f = xcalloc(1, sizeof(*f));
	f->dir = xstrdup(dir);
	f->name = xasprintf("%lld.%lu.%s", (long long)time(NULL), (unsigned long)getuid(), hex);
	f->tmp = xasprintf("%s/.%s", dir, f->name);
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	/* the MTA's user reads it whatever the user's umask: the directory
	 * cannot be listed and the name cannot be guessed */
	memset(head, ' ', sizeof(head));
	head[sizeof(head) - 1] = '\n';
	if (f->fd < 0 || fchmod(f->fd, 0644) < 0 ||
	    write_all(f->fd, head, sizeof(head)) < 0) {
		maildrop_fail(d, "cannot write", f->tmp);
		maildrop_abort(f);
		return NULL;
	}
	return f;
}

int maildrop_write(struct maildrop_file *f, const void *p, size_t len, struct dsn *d)
{
	if (write_all(f->fd, p, len) < 0) {
		maildrop_fail(d, "cannot write", f->tmp);
		return -1;
	}
	f->len += len;
	return 0;
}

/* maildrop_sync_dir - the rename made durable: fsync of the directory,
 * which needs read permission the maildrop (1733) does not give its
 * users; for them syncfs(2) of the file's file system, which takes the
 * directory with it */
static int maildrop_sync_dir(const struct maildrop_file *f)
{
	if (fsync_dir(f->dir) == 0)
		return 0;
	return errno == EACCES ? syncfs(f->fd) : -1;
}

int maildrop_commit(struct maildrop_file *f, const struct queue_env *env, char *id,
		    size_t idsize, struct dsn *d)
{
	struct buf e = BUF_INIT;
	char head[MAILDROP_HEAD], line[MAILDROP_HEAD];
	char *path = xasprintf("%s/%s", f->dir, f->name);
	struct queue_env named = *env;
	int rc = -1;

	/* the queue gives the id; the envelope format wants one meanwhile */
	snprintf(named.id, sizeof(named.id), "maildrop");
	queue_env_format(&named, &e);
	/* "poczta-maildrop 1 LEN", spaces, newline: MAILDROP_HEAD octets */
	memset(head, ' ', MAILDROP_HEAD);
	memcpy(head, line, (size_t)snprintf(line, sizeof(line), MAILDROP_MAGIC "%llu", f->len));
	head[MAILDROP_HEAD - 1] = '\n';
	if (write_all(f->fd, e.data, e.len) < 0 ||
	    pwrite(f->fd, head, MAILDROP_HEAD, 0) != MAILDROP_HEAD || fsync(f->fd) < 0)
		maildrop_fail(d, "cannot write", f->tmp);
	else if (rename(f->tmp, path) < 0)
		maildrop_fail(d, "cannot rename into", path);
	else if (maildrop_sync_dir(f) < 0) {
		maildrop_fail(d, "cannot sync", f->dir);
		unlink(path);	/* not said to be queued: not left to be sent */
	} else {
		snprintf(id, idsize, "%s", f->name);
		rc = 0;
	}
	buf_free(&e);
	free(path);
	maildrop_abort(f);	/* the temporary name is gone when it worked */
	return rc;
}

void maildrop_abort(struct maildrop_file *f)
{
	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	unlink(f->tmp);
	free(f->dir);
	free(f->name);
	free(f->tmp);
	free(f);
}

int maildrop_prepare(const char *dir)
{
	struct stat st;

	if (mkdir(dir, MAILDROP_MODE) < 0 && errno != EEXIST)
		return -1;
	if (lstat(dir, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
		errno = EPERM;	/* not ours to open to every user */
		return -1;
	}
	/* mkdir's mode went through the umask; chmod sets the sticky bit too */
	return (st.st_mode & 07777) == MAILDROP_MODE ? 0 : chmod(dir, MAILDROP_MODE);
}
