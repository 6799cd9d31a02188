/* queue_commit.c - the commit: the order of syncs and renames that turns
 * files in incoming/ into a queued message, for one message or a batch.
 *
 * For each message: fsync incoming/ID (the data) and incoming/ID.env; then
 * rename the data into msg/, then the envelope; then, once for the whole
 * batch, fsync msg/.  Until that directory sync nothing is acknowledged, so
 * a crash before it may leave any subset of the renames on disk: an envelope
 * whose data did not make it is not listed (queue_list checks) and, like
 * data without an envelope, is removed as garbage.  After it, both names and
 * both contents are durable.  One directory sync per batch is what makes the
 * group commit worth having.  The file syncs start with writeback of every
 * file of the batch (sync_file_range): fsync of one file after another costs
 * a journal commit each on ext4 (delayed allocation puts each file's blocks
 * in a new transaction), while started together they share the first one.
 * (syncfs(2) did the same before, but also waited for unrelated dirty data
 * on the same file system: tens of milliseconds on a busy machine.) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "crashpoint.h"
#include "fsutil.h"
#include "i18n.h"
#include "queue_int.h"
#include "xalloc.h"

#define QUEUE_ASK_TIMEOUT_MS (120 * 1000)

/* queue_open_one - incoming/ID+suffix opened for syncing, or msg/ID+suffix
 * when a committer that died mid-batch moved it already; -1 with errno */
static int queue_open_one(struct queue *q, const char *id, const char *suffix)
{
	char *path = queue_path(q->incoming, id, suffix);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		free(path);
		path = queue_path(q->msgdir, id, suffix);
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	free(path);
	return fd;
}

/* queue_move - rename FROM/ID+suffix to TO/ID+suffix; 0 or -1 with errno */
static int queue_move(const char *from, const char *to, const char *id, const char *suffix)
{
	char *a = queue_path(from, id, suffix), *b = queue_path(to, id, suffix);
	int rc = rename(a, b);

	free(a);
	free(b);
	return rc;
}

/* queue_move_in - move incoming/ID+suffix into msg/, done already being fine */
static int queue_move_in(struct queue *q, const char *id, const char *suffix)
{
	char *path;
	int rc;

	if (queue_move(q->incoming, q->msgdir, id, suffix) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	path = queue_path(q->msgdir, id, suffix);
	rc = access(path, F_OK);
	free(path);
	return rc;
}

/* queue_batch_fail - note the failure of id (the first one goes into err) */
static void queue_batch_fail(struct buf *err, const char *id, const char *what, int e)
{
	if (err->len == 0)
		/* L10N: committing a message failed: queue id, step, reason */
		buf_printf(err, _("queue: commit %s: %s: %s"), id, what, strerror(e));
}

/* The envelopes' fsyncs, run by a second thread beside the data files'. */
struct queue_syncer {
	const int *fds;		/* data, envelope, data, envelope... (-1: missing) */
	int *errs;		/* 0 or the errno of each */
	size_t n;		/* fds */
	size_t first;		/* 0: the data files, 1: the envelopes */
};

static void *queue_syncer_run(void *arg)
{
	struct queue_syncer *s = arg;
	size_t i;

	for (i = s->first; i < s->n; i += 2)
		s->errs[i] = s->fds[i] < 0 ? ENOENT : fsync(s->fds[i]) < 0 ? errno : 0;
	return NULL;
}

/* queue_batch_sync - fsync every message's two files, wherever they are.
 * Writeback of all of them is started first (sync_file_range(2)), then the
 * data files and the envelopes are fsync'ed by two threads at once: their
 * cache flushes overlap (one commit's wait instead of two for a lone
 * message), and each fsync still reports a write error of its own file.
 * Unlike syncfs(2), this waits for no one else's dirty data. */
static void queue_batch_sync(struct queue *q, char *const *ids, size_t n, bool *ok,
			     struct buf *err)
{
	int *fds = xcalloc(2 * n + 1, sizeof(int)), *errs = xcalloc(2 * n + 1, sizeof(int));
	struct queue_syncer data = { fds, errs, 2 * n, 0 }, envs = { fds, errs, 2 * n, 1 };
	pthread_t t;
	bool threaded;
	size_t i, k;

	for (i = 0; i < n; i++) {
		ok[i] = queue_id_valid(ids[i]);
		fds[2 * i] = fds[2 * i + 1] = -1;
		if (!ok[i]) {
			queue_batch_fail(err, "?", _("bad queue id"), EINVAL);
			continue;
		}
		for (k = 0; k < 2; k++) {
			fds[2 * i + k] = queue_open_one(q, ids[i], k ? QUEUE_ENV_SUFFIX : NULL);
			if (fds[2 * i + k] < 0)
				errs[2 * i + k] = errno;
			else
				sync_file_range(fds[2 * i + k], 0, 0, SYNC_FILE_RANGE_WRITE);
		}
	}
	threaded = pthread_create(&t, NULL, queue_syncer_run, &envs) == 0;
	queue_syncer_run(&data);
	if (threaded)
		pthread_join(t, NULL);
	else
		queue_syncer_run(&envs);
	for (i = 0; i < n; i++) {
		for (k = 0; ok[i] && k < 2; k++)
			if (errs[2 * i + k]) {
				queue_batch_fail(err, ids[i], _("sync"), errs[2 * i + k]);
				ok[i] = false;
			}
		for (k = 0; k < 2; k++)
			if (fds[2 * i + k] >= 0)
				close(fds[2 * i + k]);
	}
	free(fds);
	free(errs);
	crash_point("queue-files-synced");
}

/* queue_batch_move - rename data then envelope of each synced message into msg/ */
static void queue_batch_move(struct queue *q, char *const *ids, size_t n, bool *ok,
			     struct buf *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		if (queue_move_in(q, ids[i], NULL) < 0) {
			queue_batch_fail(err, ids[i], _("rename data"), errno);
			ok[i] = false;
			continue;
		}
		crash_point("queue-data-moved");
		if (queue_move_in(q, ids[i], QUEUE_ENV_SUFFIX) < 0) {
			queue_batch_fail(err, ids[i], _("rename envelope"), errno);
			ok[i] = false;
			queue_move(q->msgdir, q->incoming, ids[i], NULL);
		}
		crash_point("queue-env-moved");
	}
}

size_t queue_commit_batch(struct queue *q, char *const *ids, size_t n, bool *ok,
			  struct buf *err)
{
	size_t i, failed = 0;
	int e;

	queue_batch_sync(q, ids, n, ok, err);
	queue_batch_move(q, ids, n, ok, err);
	if (fsync_dir(q->msgdir) < 0) {
		/* not durable: take the envelopes back so that nothing is queued */
		e = errno;
		for (i = 0; i < n; i++) {
			if (!ok[i])
				continue;
			queue_batch_fail(err, ids[i], _("sync queue directory"), e);
			queue_move(q->msgdir, q->incoming, ids[i], QUEUE_ENV_SUFFIX);
			queue_move(q->msgdir, q->incoming, ids[i], NULL);
			ok[i] = false;
		}
	}
	crash_point("queue-dir-synced");
	for (i = 0; i < n; i++)
		failed += !ok[i];
	return failed;
}

/* queue_ask_connect - a connected socket to the committer, or -1 */
static int queue_ask_connect(struct queue *q)
{
	struct sockaddr_un sun;
	int fd;

	if (strlen(q->sock) >= sizeof(sun.sun_path))
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, q->sock, strlen(q->sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* queue_ask_reply - read the committer's one-line answer into line */
static int queue_ask_reply(int fd, char *line, size_t size)
{
	size_t len = 0;
	struct pollfd pfd = { fd, POLLIN, 0 };

	while (len + 1 < size) {
		ssize_t r;
		int pr = poll(&pfd, 1, QUEUE_ASK_TIMEOUT_MS);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		r = read(fd, line + len, size - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		len += (size_t)r;
		if (memchr(line, '\n', len)) {
			line[len] = '\0';
			return 0;
		}
	}
	return -1;
}

int queue_commit_ask(struct queue *q, const char *id)
{
	char req[QUEUE_ID_MAX + 16], want[QUEUE_ID_MAX + 16], line[512];
	int fd = queue_ask_connect(q), rc = -1;

	if (fd < 0)
		return -1;
	snprintf(req, sizeof(req), "commit %s\n", id);
	snprintf(want, sizeof(want), "ok %s\n", id);
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req) &&
	    queue_ask_reply(fd, line, sizeof(line)) == 0 && strcmp(line, want) == 0)
		rc = 0;
	close(fd);
	return rc;
}
