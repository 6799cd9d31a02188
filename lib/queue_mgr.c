/* queue_mgr.c - the queue manager's side: list, load, read, update, remove,
 * and the clean-up of what crashes left behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "crashpoint.h"
#include "fsutil.h"
#include "i18n.h"
#include "msg.h"
#include "queue_int.h"
#include "strlist.h"
#include "xalloc.h"

/* queue_env_name - whether name is ID.env; the id is copied into id */
static bool queue_env_name(const char *name, char id[QUEUE_ID_MAX])
{
	size_t len = strlen(name), slen = strlen(QUEUE_ENV_SUFFIX);

	if (len <= slen || len - slen >= QUEUE_ID_MAX ||
	    strcmp(name + len - slen, QUEUE_ENV_SUFFIX) != 0)
		return false;
	memcpy(id, name, len - slen);
	id[len - slen] = '\0';
	return queue_id_valid(id);
}

/* queue_exists - whether DIR/ID+suffix exists */
static bool queue_exists(const char *dir, const char *id, const char *suffix)
{
	char *path = queue_path(dir, id, suffix);
	struct stat st;
	bool yes = lstat(path, &st) == 0;

	free(path);
	return yes;
}

/* queue_cmp - qsort order of ids: by time, as their names sort */
static int queue_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **queue_list(struct queue *q)
{
	char **ids = xcalloc(1, sizeof(char *));
	DIR *dir = opendir(q->msgdir);
	struct dirent *e;
	char id[QUEUE_ID_MAX];

	if (dir == NULL)
		return ids;
	while ((e = readdir(dir)) != NULL)
		/* an envelope whose data is missing is a commit a crash cut short */
		if (queue_env_name(e->d_name, id) && queue_exists(q->msgdir, id, NULL))
			ids = strlist_add(ids, id);
	closedir(dir);
	qsort(ids, strlist_len(ids), sizeof(char *), queue_cmp);
	return ids;
}

/* queue_count - how many messages are queued under the queue directory
 * dir, read only (nothing created or cleaned, unlike queue_open): for a
 * viewer such as the client's agents screen; -1 when dir is unreadable */
long queue_count(const char *dir)
{
	char *msgdir = xasprintf("%s/msg", dir), id[QUEUE_ID_MAX];
	DIR *d = opendir(msgdir);
	struct dirent *e;
	long n = 0;

	if (d == NULL) {
		free(msgdir);
		return -1;
	}
	while ((e = readdir(d)) != NULL)
		if (queue_env_name(e->d_name, id) && queue_exists(msgdir, id, NULL))
			n++;
	closedir(d);
	free(msgdir);
	return n;
}

/* queue_bad_id - refuse an id that is not one (it would name another file) */
static int queue_bad_id(const char *id, struct dsn *d)
{
	/* L10N: a queue id given to the queue is malformed */
	dsn_set(d, DSN_PERMFAIL, "5.3.0", _("queue: bad queue id \"%.40s\""), id);
	return -1;
}

int queue_load(struct queue *q, const char *id, struct queue_env *env, struct dsn *d)
{
	struct buf err = BUF_INIT;
	char *path, *text;
	size_t len;
	int rc = -1, saved_errno = 0;

	memset(env, 0, sizeof(*env));
	if (!queue_id_valid(id))
		return queue_bad_id(id, d);
	path = queue_path(q->msgdir, id, QUEUE_ENV_SUFFIX);
	text = read_file(path, &len);
	if (text == NULL)
		dsn_from_errno(d, saved_errno = errno, _("queue: read envelope %s"), id);
	else if (queue_env_parse(text, len, env, &err) < 0)
		dsn_set(d, DSN_TEMPFAIL, "4.3.0", "%s: %s", path, buf_cstr(&err));
	else if (strcmp(env->id, id) != 0) {
		dsn_set(d, DSN_TEMPFAIL, "4.3.0", _("queue: envelope %s names id %s"), path, env->id);
		queue_env_free(env);
	} else
		rc = 0;
	free(text);
	free(path);
	buf_free(&err);
	errno = saved_errno;	/* ENOENT: removed meanwhile, which callers may ignore */
	return rc;
}

int queue_data_fd(struct queue *q, const char *id, struct dsn *d)
{
	char *path;
	int fd;

	if (!queue_id_valid(id))
		return queue_bad_id(id, d);
	path = queue_path(q->msgdir, id, NULL);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		dsn_from_errno(d, errno, _("queue: open message %s"), id);
	free(path);
	return fd;
}

int queue_lock(struct queue *q, const char *id, int timeout_ms, struct dsn *d)
{
	int fd = queue_data_fd(q, id, d), waited = 0;

	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK || waited >= timeout_ms) {
			int e = errno;

			dsn_from_errno(d, e, _("queue: lock message %s"), id);
			close(fd);
			errno = e;
			return -1;
		}
		usleep(10000);
		waited += 10;
	}
	return fd;
}

/* queue_update_write - write text to incoming/ID.env.upd.PID and fsync it;
 * the path, newly allocated, or NULL with d set */
static char *queue_update_write(struct queue *q, const char *id, const struct buf *text,
				struct dsn *d)
{
	char *suffix = xasprintf("%s.upd.%ld", QUEUE_ENV_SUFFIX, (long)getpid());
	char *tmp = queue_path(q->incoming, id, suffix);
	int fd, ok;

	free(suffix);
	unlink(tmp);	/* a crashed update of ours */
	fd = queue_spare_open(q, tmp);
	ok = fd >= 0 && write_all(fd, text->data, text->len) == 0;
	crash_point("queue-update-written");
	ok = ok && fsync(fd) == 0;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (!ok) {
		dsn_from_errno(d, errno, _("queue: write envelope %s"), id);
		unlink(tmp);
		x_free(&tmp);
	}
	crash_point("queue-update-synced");
	return tmp;
}

int queue_update(struct queue *q, const struct queue_env *env, struct dsn *d)
{
	struct buf text = BUF_INIT;
	char *tmp, *path;
	int rc = -1;

	if (!queue_id_valid(env->id))
		return queue_bad_id(env->id, d);
	if (!queue_exists(q->msgdir, env->id, NULL)) {
		dsn_from_errno(d, ENOENT, _("queue: update %s"), env->id);
		return -1;
	}
	queue_env_format(env, &text);
	tmp = queue_update_write(q, env->id, &text, d);
	buf_free(&text);
	if (tmp == NULL)
		return -1;
	path = queue_path(q->msgdir, env->id, QUEUE_ENV_SUFFIX);
	queue_spare_keep(q, path);	/* the envelope the rename replaces */
	if (rename(tmp, path) < 0) {
		dsn_from_errno(d, errno, _("queue: update %s"), env->id);
		unlink(tmp);
	} else {
		crash_point("queue-update-renamed");
		if (fsync_dir(q->msgdir) < 0)
			dsn_from_errno(d, errno, _("queue: update %s"), env->id);
		else
			rc = 0;
		crash_point("queue-update-dir-synced");
	}
	free(path);
	free(tmp);
	return rc;
}

/* queue_remove_sync - remove envelope then data, syncing in between or not */
static int queue_remove_sync(struct queue *q, const char *id, bool sync)
{
	char *env, *data;
	int rc = -1;

	if (!queue_id_valid(id)) {
		errno = EINVAL;
		return -1;
	}
	env = queue_path(q->msgdir, id, QUEUE_ENV_SUFFIX);
	data = queue_path(q->msgdir, id, NULL);
	/* the envelope first: without it the data is garbage, never a message;
	 * the directory is synced so that a crash cannot bring it back */
	queue_spare_keep(q, env);
	if (unlink(env) == 0 || errno == ENOENT) {
		crash_point("queue-remove-env");
		if (!sync || fsync_dir(q->msgdir) == 0) {
			crash_point("queue-remove-synced");
			queue_spare_keep(q, data);
			rc = unlink(data) < 0 && errno != ENOENT ? -1 : 0;
		}
	}
	free(env);
	free(data);
	return rc;
}

int queue_remove(struct queue *q, const char *id)
{
	return queue_remove_sync(q, id, true);
}

int queue_remove_nosync(struct queue *q, const char *id)
{
	return queue_remove_sync(q, id, false);
}

/* queue_clean_dir - remove old leftovers from dir: every entry in incoming/,
 * or, in msg/, a data file without envelope or an envelope without data */
static void queue_clean_dir(struct queue *q, const char *dir, bool all)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);
	char id[QUEUE_ID_MAX];

	if (dp == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		char *path = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		bool junk = all;
		if (e->d_name[0] == '.' || lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
		    now - st.st_mtime < q->garbage_age)
			junk = false;
		else if (!all && queue_env_name(e->d_name, id))
			junk = !queue_exists(dir, id, NULL);
		else if (!all)
			junk = !queue_id_valid(e->d_name) ||
			       !queue_exists(dir, e->d_name, QUEUE_ENV_SUFFIX);
		if (junk && unlink(path) == 0)
			msg_info("queue clean removed=%s", path);
		free(path);
	}
	closedir(dp);
}

void queue_clean(struct queue *q)
{
	queue_clean_dir(q, q->incoming, true);
	queue_clean_dir(q, q->msgdir, false);
}
