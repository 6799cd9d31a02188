/* fsutil.c - durable file operations. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "buf.h"
#include "fsutil.h"
#include "xalloc.h"

/* fsutil_fsync_open - open with flags and fsync; 0 or -1 with errno */
static int fsutil_fsync_open(const char *path, int flags)
{
	int fd, rc, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int fsync_path(const char *path)
{
	return fsutil_fsync_open(path, O_NOFOLLOW);
}

int fsync_dir(const char *path)
{
	return fsutil_fsync_open(path, O_DIRECTORY);
}

int fsync_parent(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc;

	if (slash == NULL)
		rc = fsync_dir(".");
	else if (slash == dir)
		rc = fsync_dir("/");
	else {
		*slash = '\0';
		rc = fsync_dir(dir);
	}
	free(dir);
	return rc;
}

int write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int atomic_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd, saved;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		goto fail;
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	free(tmp);
	return fsync_parent(path);
fail:
	free(tmp);
	return -1;
}

int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	char *s;
	struct stat st;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST) {
		free(p);
		return -1;
	}
	free(p);
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;
	char *s;

	if (fd < 0)
		return NULL;
	s = read_fd(fd, len);
	saved = errno;
	close(fd);
	errno = saved;
	return s;
}

char *read_fd(int fd, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	int saved;
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			buf_free(&b);
			errno = saved;
			return NULL;
		}
		buf_append(&b, chunk, (size_t)n);
	}
	if (len)
		*len = b.len;
	return buf_detach(&b);
}
