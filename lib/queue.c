/* queue.c - the queue directory, queue ids, and receiving a message into it.
 * The files' layout is described in queue_int.h; the commit itself (the sync
 * order) is in queue_commit.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <openssl/rand.h>
#include "crashpoint.h"
#include "fsutil.h"
#include "i18n.h"
#include "queue_int.h"
#include "xalloc.h"

struct queue *queue_open(const char *dir, struct buf *err)
{
	struct queue *q = xcalloc(1, sizeof(*q));

	q->dir = xstrdup(dir);
	q->incoming = xasprintf("%s/incoming", dir);
	q->msgdir = xasprintf("%s/msg", dir);
	q->sock = xasprintf("%s/committer.sock", dir);
	q->spare = xasprintf("%s/spare", dir);
	q->garbage_age = QUEUE_GARBAGE_AGE;
	if (mkdir_p(q->incoming, 0700) < 0 || mkdir_p(q->msgdir, 0700) < 0 ||
	    mkdir_p(q->spare, 0700) < 0) {
		if (err)
			/* L10N: the queue directory could not be created: path, reason */
			buf_printf(err, _("queue %s: %s"), dir, strerror(errno));
		queue_close(q);
		return NULL;
	}
	queue_clean(q);
	return q;
}

void queue_close(struct queue *q)
{
	if (q == NULL)
		return;
	free(q->dir);
	free(q->incoming);
	free(q->msgdir);
	free(q->spare);
	free(q->sock);
	free(q);
}

void queue_id_make(char id[QUEUE_ID_MAX])
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
	unsigned char r[6];
	struct timeval tv;
	size_t i, n;

	gettimeofday(&tv, NULL);
	if (RAND_bytes(r, sizeof(r)) != 1) {
		/* no randomness: the pid and a counter still keep ids apart */
		static unsigned counter;
		unsigned long x = (unsigned long)getpid() * 131u + counter++;
		for (i = 0; i < sizeof(r); i++, x /= 26)
			r[i] = (unsigned char)(x % 26);
	}
	n = (size_t)snprintf(id, QUEUE_ID_MAX, "%08llx%05lx", (unsigned long long)tv.tv_sec,
			     (unsigned long)tv.tv_usec);
	for (i = 0; i < sizeof(r); i++)
		id[n + i] = letters[r[i] % 26];
	id[n + i] = '\0';
}

bool queue_id_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z')))
			return false;
	return i > 0 && i < QUEUE_ID_MAX;
}

char *queue_path(const char *dir, const char *id, const char *suffix)
{
	return xasprintf("%s/%s%s", dir, id, suffix ? suffix : "");
}

struct queue_new *queue_new(struct queue *q, struct dsn *d)
{
	struct queue_new *n = xcalloc(1, sizeof(*n));
	int tries;

	n->q = q;
	for (tries = 0; tries < 10; tries++) {
		queue_id_make(n->id);
		n->path = queue_path(q->incoming, n->id, NULL);
		n->fd = queue_spare_open(q, n->path);
		if (n->fd >= 0)
			return n;
		x_free(&n->path);
		if (errno != EEXIST)
			break;
	}
	/* L10N: the queue could not create a file for a new message */
	dsn_from_errno(d, errno, _("queue: create message file"));
	free(n);
	return NULL;
}

int queue_new_write(struct queue_new *n, const void *p, size_t len, struct dsn *d)
{
	if (n->failed) {
		dsn_set(d, DSN_TEMPFAIL, "4.3.0", "%s", _("queue: an earlier write failed"));
		return -1;
	}
	if (write_all(n->fd, p, len) < 0) {
		n->failed = true;
		dsn_from_errno(d, errno, _("queue: write message %s"), n->id);
		return -1;
	}
	n->size += (off_t)len;
	return 0;
}

/* queue_new_env_write - write env's text to incoming/ID.env (not synced) */
static int queue_new_env_write(struct queue_new *n, const struct queue_env *env,
			       struct dsn *d)
{
	struct buf text = BUF_INIT;
	char *path = queue_path(n->q->incoming, n->id, QUEUE_ENV_SUFFIX);
	int fd, rc = -1;

	queue_env_format(env, &text);
	fd = queue_spare_open(n->q, path);
	if (fd >= 0 && write_all(fd, text.data, text.len) == 0)
		rc = 0;
	if (rc < 0 || close(fd) < 0) {
		dsn_from_errno(d, errno, _("queue: write envelope %s"), n->id);
		rc = -1;
		unlink(path);
	}
	free(path);
	buf_free(&text);
	return rc;
}

/* queue_new_finish - write the envelope of n and hand both files to the
 * committer, or commit them here */
static int queue_new_finish(struct queue_new *n, struct queue_env *env, struct dsn *d)
{
	struct buf err = BUF_INIT;
	char *ids[1] = { n->id };
	bool ok = false;

	if (queue_new_env_write(n, env, d) < 0)
		return -1;
	crash_point("queue-env-written");
	if (queue_commit_ask(n->q, n->id) == 0)
		return 0;
	if (queue_commit_batch(n->q, ids, 1, &ok, &err) == 0) {
		buf_free(&err);
		return 0;
	}
	dsn_set(d, DSN_TEMPFAIL, "4.3.0", "%s", buf_cstr(&err));
	buf_free(&err);
	return -1;
}

int queue_new_commit(struct queue_new *n, struct queue_env *env, struct dsn *d)
{
	int rc = -1;

	if (n->failed)
		dsn_set(d, DSN_TEMPFAIL, "4.3.0", "%s", _("queue: an earlier write failed"));
	else if (close(n->fd) < 0)
		dsn_from_errno(d, errno, _("queue: write message %s"), n->id);
	else {
		n->fd = -1;
		memcpy(env->id, n->id, sizeof(env->id));
		env->version = QUEUE_ENV_VERSION;
		env->size = n->size;
		if (env->created == 0)
			env->created = time(NULL);
		rc = queue_new_finish(n, env, d);
	}
	if (rc < 0) {
		char *envpath = queue_path(n->q->incoming, n->id, QUEUE_ENV_SUFFIX);
		unlink(envpath);
		free(envpath);
	}
	queue_new_abort(n);
	return rc;
}

void queue_new_abort(struct queue_new *n)
{
	if (n == NULL)
		return;
	if (n->fd >= 0)
		close(n->fd);
	unlink(n->path);	/* after a commit it is gone already */
	free(n->path);
	free(n);
}
