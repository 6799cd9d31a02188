/* stage.c - the incoming message, staged once in an unlinked scratch file so
 * that each recipient's copy, Sieve and redirect read it without holding it in
 * memory (a 100 MB message costs no more memory than a small one).  Up to
 * STAGE_MEM_MAX bytes the scratch file is a memfd: most mail is small, and a
 * file on disk costs an inode allocated and freed per message (on ext4 that
 * search grows with every inode freed in the last half minute). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fsutil.h"
#include "mda.h"
#include "xalloc.h"

#define STAGE_MEM_MAX (1024 * 1024)

/* stage_file - an unlinked scratch file in dir; -1 with errno */
static int stage_file(const char *dir)
{
	/* O_TMPFILE: nothing to clean up after a crash */
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		char *p = xasprintf("%s/.stage.%ld", dir, (long)getpid());
		fd = open(p, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0)
			unlink(p);
		free(p);
	}
	return fd;
}

/* stage_spill - the message outgrew memory: on into a file in spill_dir */
static int stage_spill(struct mda_stage *s)
{
	char chunk[65536];
	off_t off = 0;
	int fd = stage_file(s->spill_dir);

	while (fd >= 0 && off < s->size) {
		ssize_t n = pread(s->fd, chunk, sizeof(chunk), off);
		if (n <= 0 || write_all(fd, chunk, (size_t)n) < 0) {
			if (n == 0)
				errno = EIO;
			close(fd);
			return -1;
		}
		off += n;
	}
	if (fd < 0)
		return -1;
	close(s->fd);
	s->fd = fd;
	x_free(&s->spill_dir);
	return 0;
}

int stage_open(struct mda_stage *s, const char *dir, struct dsn *d)
{
	memset(s, 0, sizeof(*s));
	s->fd = memfd_create("poczta-stage", MFD_CLOEXEC);
	if (s->fd >= 0) {
		s->spill_dir = xstrdup(dir);
		return 0;
	}
	s->fd = stage_file(dir);
	if (s->fd < 0) {
		dsn_from_errno(d, errno, "stage the message in %s", dir);
		return -1;
	}
	return 0;
}

void stage_write(struct mda_stage *s, const char *p, size_t n, unsigned long long max)
{
	if (s->failed || s->too_big)
		return;
	if (s->size == 0 && n > 0) {
		const char *nl = memchr(p, '\n', n);
		s->crlf = nl && nl > p && nl[-1] == '\r';
	}
	if (max && (unsigned long long)s->size + n > max) {
		s->too_big = true;
		return;
	}
	if ((s->spill_dir && (unsigned long long)s->size + n > STAGE_MEM_MAX &&
	     stage_spill(s) < 0) || write_all(s->fd, p, n) < 0) {
		dsn_from_errno(&s->error, errno, "stage the message");
		s->failed = true;
		return;
	}
	s->size += (off_t)n;
}

int stage_finish(struct mda_stage *s, struct dsn *d)
{
	if (s->failed) {
		*d = s->error;
		return -1;
	}
	if (s->too_big) {
		dsn_set(d, DSN_PERMFAIL, "5.3.4", "message too big for this system");
		return -1;
	}
	if (s->size == 0) {
		dsn_set(d, DSN_PERMFAIL, "5.6.0", "empty message");
		return -1;
	}
	s->data = mmap(NULL, (size_t)s->size, PROT_READ, MAP_PRIVATE, s->fd, 0);
	if (s->data == MAP_FAILED) {
		s->data = NULL;
		dsn_from_errno(d, errno, "map the staged message");
		return -1;
	}
	return 0;
}

void stage_close(struct mda_stage *s)
{
	if (s->data)
		munmap((void *)s->data, (size_t)s->size);
	if (s->fd >= 0)
		close(s->fd);
	free(s->spill_dir);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

int stage_from_fd(struct mda_stage *s, int fd, const char *dir, unsigned long long max,
		  struct dsn *d)
{
	char chunk[65536];
	ssize_t n;
	bool first = true;

	if (stage_open(s, dir, d) < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		const char *p = chunk;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			dsn_from_errno(d, errno, "read the message");
			return -1;
		}
		/* an mbox "From " line is no header: a Maildir file starts at the header */
		if (first && n >= 5 && memcmp(chunk, "From ", 5) == 0) {
			const char *nl = memchr(chunk, '\n', (size_t)n);
			if (nl) {
				n -= nl + 1 - chunk;
				p = nl + 1;
			}
		}
		first = false;
		stage_write(s, p, (size_t)n, max);
		if (s->too_big)
			break;
	}
	return stage_finish(s, d);
}
