/* queue_spare.c - files of delivered messages kept for new ones.
 *
 * Every message used to cost the file system two new inodes when it came
 * and two freed ones when it left.  On ext4 without a journal (this
 * project's test machines) the inode allocator will not reuse an inode
 * freed in the last minutes and walks past each one (recently_deleted), so
 * at hundreds of messages a second most of the MTA's CPU went to that
 * walk.  A removed message's files are linked into QUEUE/spare/N instead
 * (QUEUE_SPARE_MAX slots; a full pool frees as before), and a new one
 * takes a spare file by renaming it into incoming/ (renameat2 with
 * RENAME_NOREPLACE: of two takers one wins) before truncating it: no inode
 * is made or freed while the pool lasts.  A spare file is never read as a
 * message; a crash between taking and truncating leaves an old message's
 * bytes in incoming/, which is garbage like anything there (queue_int.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <openssl/rand.h>
#include "queue_int.h"
#include "xalloc.h"

/* queue_spare_start - where a process starts looking among the slots: at
 * random, so that sessions at once mostly look at different ones */
static unsigned queue_spare_start(void)
{
	unsigned r = 0;

	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = (unsigned)getpid() ^ (unsigned)time(NULL);
	return r % QUEUE_SPARE_MAX;
}

int queue_spare_open(struct queue *q, const char *path)
{
	unsigned i, start = queue_spare_start();
	int fd;

	for (i = 0; i < QUEUE_SPARE_MAX; i++) {
		char *slot = xasprintf("%s/%u", q->spare, (start + i) % QUEUE_SPARE_MAX);
		int rc = renameat2(AT_FDCWD, slot, AT_FDCWD, path, RENAME_NOREPLACE);

		free(slot);
		if (rc < 0 && errno == ENOENT)
			continue;	/* an empty slot */
		if (rc < 0)
			break;		/* no spare dir, EEXIST (not ours to take over) */
		fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0)
			return fd;
		break;
	}
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
}

void queue_spare_keep(struct queue *q, const char *path)
{
	unsigned i, start = queue_spare_start();

	for (i = 0; i < QUEUE_SPARE_MAX; i++) {
		char *slot = xasprintf("%s/%u", q->spare, (start + i) % QUEUE_SPARE_MAX);
		int rc = link(path, slot);

		free(slot);
		if (rc == 0 || errno != EEXIST)
			return;
	}
}
