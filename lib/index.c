/* index.c - notes of delivered mail for the indexer, and starting it.
 * Nothing here links notmuch: a delivery agent started once per message
 * must not pay for loading Xapian (index_db.c and poczta-index do that). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "fsutil.h"
#include "index.h"
#include "maildir.h"
#include "xalloc.h"


int index_enqueue(const char *spool, const char *root, const char *path, char *const *tags)
{
	struct buf b = BUF_INIT;
	char *name = maildir_unique();
	char *tmp = xasprintf("%s/.tmp.%s", spool, name);
	char *dst = xasprintf("%s/%s", spool, name);
	int fd, rc = -1, saved;

	buf_printf(&b, "%s\n%s\n", root, path);
	for (; tags && *tags; tags++)
		buf_printf(&b, "%s%s", *tags, tags[1] ? " " : "");
	buf_putc(&b, '\n');
	/* Written then renamed so the indexer never reads half a note; not
	 * fsync'ed: a lost note is found again by index_rescan. */
	if (mkdir_p(spool, 0700) == 0 &&
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) >= 0) {
		rc = write_all(fd, b.data, b.len);
		saved = errno;
		close(fd);
		if (rc == 0)
			rc = rename(tmp, dst);
		else
			errno = saved;
		if (rc < 0)
			unlink(tmp);
	}
	buf_free(&b);
	free(name);
	free(tmp);
	free(dst);
	return rc;
}

int index_lock(const char *spool, const char *name, int op)
{
	char *p = xasprintf("%s/%s", spool, name);
	int fd;

	mkdir_p(spool, 0700);
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(p);
	if (fd < 0)
		return -1;
	if (flock(fd, op) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int index_daemon_lock(const char *spool)
{
	return index_lock(spool, ".daemon", LOCK_EX | LOCK_NB);
}

bool index_pending(const char *spool)
{
	DIR *d = opendir(spool);
	struct dirent *e;
	bool pending = false;

	while (d && !pending && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			pending = true;
	if (d)
		closedir(d);
	return pending;
}

void index_kick(const char *spool, int delay_ms, const char *indexer)
{
	int fd = index_lock(spool, ".daemon", LOCK_SH | LOCK_NB);

	if (fd < 0)
		return;			/* the daemon drains every interval */
	close(fd);
	index_spawn(spool, delay_ms, indexer);
}

void index_spawn(const char *spool, int delay_ms, const char *indexer)
{
	char ms[16];
	int fd;
	pid_t pid;

	fd = index_lock(spool, ".kick", LOCK_SH | LOCK_NB);
	if (fd < 0)
		return;			/* an indexer waits and has not listed yet */
	close(fd);
	pid = fork();
	if (pid != 0) {
		if (pid > 0)
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
		return;
	}
	/* Detach twice so the caller neither waits nor reaps, and hold none of
	 * its descriptors: an MTA waits for EOF on the pipe it gave us. */
	if (setsid() < 0 || fork() != 0)
		_exit(0);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	close_range(3, ~0U, 0);
	snprintf(ms, sizeof(ms), "%d", delay_ms);
	execv(indexer, (char *const[]){ "poczta-index", "--wait", ms, "--drain", (char *)spool, NULL });
	_exit(127);
}

/* The index learns of a renamed file only when it is indexed again: an
 * IMAP client's \Seen moves new/BASE to cur/BASE:2,S behind notmuch's back
 * (the Maildir spec lets any reader do so).  The base name, up to ":2,",
 * stays the message's own, so it is found again in its folder's cur/ or
 * new/. */
char *index_file_now(const char *file)
{
	const char *slash = strrchr(file, '/'), *base, *colon;
	static const char *const subs[] = { "cur", "new" };
	size_t blen, flen, i;
	struct dirent *de;
	char *found = NULL, *dir;
	DIR *d;

	if (access(file, F_OK) == 0)
		return xstrdup(file);
	if (slash == NULL || slash - file < 4 || slash[-4] != '/')
		return NULL;
	base = slash + 1;
	colon = strstr(base, ":2,");
	blen = colon ? (size_t)(colon - base) : strlen(base);
	flen = (size_t)(slash - 4 - file);	/* the folder, without /cur or /new */
	for (i = 0; found == NULL && i < 2; i++) {
		dir = xasprintf("%.*s/%s", (int)flen, file, subs[i]);
		if ((d = opendir(dir)) != NULL) {
			while ((de = readdir(d)) != NULL)
				if (strncmp(de->d_name, base, blen) == 0 &&
				    (de->d_name[blen] == '\0' || de->d_name[blen] == ':')) {
					found = xasprintf("%s/%s", dir, de->d_name);
					break;
				}
			closedir(d);
		}
		free(dir);
	}
	return found;
}
