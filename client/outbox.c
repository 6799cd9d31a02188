/* outbox.c - the client's spool (outbox.h): one file per message, a
 * versioned "key: value" envelope (as lib/queue's, readable by a person),
 * an empty line, then the message.  Every change writes the whole file
 * anew: tmp, fsync, rename, fsync the directory (atomic_write_file), so a
 * crash leaves the old state or the new one, never half of either.
 * Changes of state are made under the spool's lock (SPOOL/.lock, flock),
 * which is held only for the change itself, never over the network. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "fsutil.h"
#include "i18n.h"
#include "outbox.h"
#include "outbox_int.h"
#include "outbox_queue.h"
#include "strlist.h"
#include "xalloc.h"

#define OUTBOX_VERSION 1
#define OUTBOX_MAX_RCPTS 1000

static const char *const outbox_state_names[] = { "waiting", "submitting", "failed" };

/* outbox_lock_open - SPOOL/.lock opened; -1 with err */
static int outbox_lock_open(const struct outbox_config *cfg, struct buf *err)
{
	char *lock = xasprintf("%s/.lock", cfg->spool);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		buf_printf(err, _("cannot open %s: %s"), lock, strerror(errno));
	free(lock);
	return fd;
}

struct outbox *outbox_open(const struct outbox_config *cfg, struct buf *err)
{
	struct outbox *o;

	if (mkdir_p(cfg->spool, 0700) < 0) {
		buf_printf(err, _("cannot create the outbox %s: %s"), cfg->spool, strerror(errno));
		return NULL;
	}
	o = xcalloc(1, sizeof(*o));
	o->cfg = cfg;
	if ((o->lockfd = outbox_lock_open(cfg, err)) < 0) {
		free(o);
		return NULL;
	}
	return o;
}

int outbox_lock_reopen(struct outbox *o)
{
	struct buf err = BUF_INIT;
	int fd = outbox_lock_open(o->cfg, &err);

	buf_free(&err);
	if (fd < 0)
		return -1;
	close(o->lockfd);
	o->lockfd = fd;
	return 0;
}

void outbox_close(struct outbox *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nkids; i++)
		free(o->kids[i].id);
	free(o->kids);
	close(o->lockfd);
	free(o);
}

int outbox_lock(struct outbox *o, struct buf *err)
{
	while (flock(o->lockfd, LOCK_EX) < 0)
		if (errno != EINTR) {
			buf_printf(err, _("cannot lock the outbox: %s"), strerror(errno));
			return -1;
		}
	return 0;
}

void outbox_unlock(struct outbox *o)
{
	flock(o->lockfd, LOCK_UN);
}

/* outbox_id_ok - an id as outbox_new_id makes them: never a path */
bool outbox_id_ok(const char *id)
{
	size_t n = strspn(id, "0123456789abcdef-");

	return n > 0 && n < 64 && id[n] == '\0';
}

/* outbox_new_id - a unique id: time in microseconds, pid, a counter */
static void outbox_new_id(char *id, size_t size)
{
	static unsigned counter;
	struct timeval tv;

	gettimeofday(&tv, NULL);
	snprintf(id, size, "%llx-%05lx-%x-%x", (unsigned long long)tv.tv_sec,
		 (unsigned long)tv.tv_usec, (unsigned)getpid(), counter++);
}

/* outbox_path - SPOOL/ID, newly allocated */
static char *outbox_path(const struct outbox *o, const char *id)
{
	return xasprintf("%s/%s", o->cfg->spool, id);
}

/* outbox_one_line - s with control bytes as spaces (a reply is one line) */
static void outbox_one_line(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_putc(b, (unsigned char)*s < ' ' || *s == 127 ? ' ' : *s);
}

/* outbox_format - the file's text for e */
static void outbox_format(const struct outbox_entry *e, struct buf *b)
{
	size_t i;

	buf_printf(b, "version: %d\nsender: %s\n", OUTBOX_VERSION, e->sender);
	for (i = 0; i < e->nrcpts; i++)
		buf_printf(b, "rcpt: %s\n", e->rcpts[i]);
	buf_printf(b, "created: %lld\ndue: %lld\nstate: %s\npid: %ld\n", (long long)e->created,
		   (long long)e->due, outbox_state_names[e->state], e->pid);
	if (e->reply) {
		buf_puts(b, "reply: ");
		outbox_one_line(b, e->reply);
		buf_putc(b, '\n');
	}
	buf_putc(b, '\n');
	buf_append(b, e->msg, e->len);
}

/* outbox_field - one "key: value" line into e; false when it is not one */
static bool outbox_field(struct outbox_entry *e, const char *k, const char *v, int *version)
{
	size_t i;

	if (strcmp(k, "version") == 0)
		*version = atoi(v);
	else if (strcmp(k, "sender") == 0 && e->sender == NULL)
		e->sender = xstrdup(v);
	else if (strcmp(k, "rcpt") == 0 && e->nrcpts < OUTBOX_MAX_RCPTS) {
		e->rcpts = strlist_add(e->rcpts, v);
		e->nrcpts++;
	} else if (strcmp(k, "created") == 0)
		e->created = (time_t)atoll(v);
	else if (strcmp(k, "due") == 0)
		e->due = (time_t)atoll(v);
	else if (strcmp(k, "pid") == 0)
		e->pid = atol(v);
	else if (strcmp(k, "reply") == 0 && e->reply == NULL)
		e->reply = xstrdup(v);
	else if (strcmp(k, "state") == 0) {
		for (i = 0; i < 3 && strcmp(v, outbox_state_names[i]) != 0; i++)
			;
		if (i == 3)
			return false;
		e->state = (enum outbox_state)i;
	} else
		return false;
	return true;
}

/* outbox_parse - the text of a spool file into e (its message too when
 * with_msg); 0 or -1 with err */
static int outbox_parse(const char *text, size_t len, bool with_msg, struct outbox_entry *e,
			struct buf *err)
{
	const char *p = text, *end = text + len, *nl, *colon;
	int version = 0;
	char *line;
	bool ok;

	while (p < end && *p != '\n') {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		line = xstrndup(p, (size_t)(nl - p));
		colon = strstr(line, ": ");
		ok = colon != NULL;
		if (ok) {
			line[colon - line] = '\0';
			ok = outbox_field(e, line, colon + 2, &version);
		}
		free(line);
		if (!ok) {
			buf_printf(err, _("%s: a line it does not know"), e->id);
			return -1;
		}
		p = nl + 1;
	}
	if (p >= end || version != OUTBOX_VERSION || e->sender == NULL || e->nrcpts == 0) {
		buf_printf(err, _("%s: not a complete outbox entry"), e->id);
		return -1;
	}
	if (with_msg) {
		e->len = (size_t)(end - p - 1);
		e->msg = xmemdup(p + 1, e->len + 1);
		e->msg[e->len] = '\0';
	}
	return 0;
}

void outbox_entry_free(struct outbox_entry *e)
{
	free(e->sender);
	strlist_free(e->rcpts);
	free(e->reply);
	free(e->msg);
	memset(e, 0, sizeof(*e));
}

/* outbox_read_head - a spool file up to the end of its envelope (the
 * first empty line), not the message: the tick reads every entry each
 * second; NUL-terminated, newly allocated, NULL with errno */
static char *outbox_read_head(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct buf b = BUF_INIT;
	char chunk[4096];
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		buf_append(&b, chunk, (size_t)n);
		if (b.len && (b.data[0] == '\n' || memmem(b.data, b.len, "\n\n", 2)))
			break;
	}
	close(fd);
	*len = b.len;
	if (b.data == NULL)
		buf_puts(&b, "");
	return buf_detach(&b);
}

/* outbox_read - entry id, its message too when with_msg; 0 or -1 with err */
static int outbox_read(struct outbox *o, const char *id, bool with_msg, struct outbox_entry *e,
		       struct buf *err)
{
	char *path, *text;
	size_t len;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!outbox_id_ok(id)) {
		buf_printf(err, _("%s: not an outbox id"), id);
		return -1;
	}
	snprintf(e->id, sizeof(e->id), "%s", id);
	path = outbox_path(o, id);
	text = with_msg ? read_file(path, &len) : outbox_read_head(path, &len);
	if (text == NULL) {
		buf_printf(err, errno == ENOENT ? _("%s: no longer in the outbox") : "%s: %s", id,
			   strerror(errno));
		free(path);
		return -1;
	}
	rc = outbox_parse(text, len, with_msg, e, err);
	if (rc < 0)
		outbox_entry_free(e);
	free(text);
	free(path);
	return rc;
}

int outbox_load(struct outbox *o, const char *id, struct outbox_entry *e, struct buf *err)
{
	return outbox_read(o, id, true, e, err);
}

int outbox_save(struct outbox *o, const struct outbox_entry *e, struct buf *err)
{
	struct buf text = BUF_INIT;
	char *path = outbox_path(o, e->id);
	int rc;

	outbox_format(e, &text);
	rc = atomic_write_file(path, text.data, text.len, 0600);
	if (rc < 0)
		buf_printf(err, _("cannot write %s: %s"), path, strerror(errno));
	buf_free(&text);
	free(path);
	return rc;
}

int outbox_remove(struct outbox *o, const char *id, struct buf *err)
{
	char *path = outbox_path(o, id);
	int rc = unlink(path);

	if (rc < 0 && errno == ENOENT)
		rc = 0;
	if (rc == 0)
		rc = fsync_dir(o->cfg->spool);
	if (rc < 0)
		buf_printf(err, _("cannot remove %s: %s"), path, strerror(errno));
	free(path);
	return rc;
}

/* outbox_addr_ok - an address that fits on an envelope line and in SMTP:
 * no control bytes, no angle brackets, not empty (the null sender is not
 * the user's to send from) */
static bool outbox_addr_ok(const char *a)
{
	if (*a == '\0' || strlen(a) > 998)
		return false;
	for (; *a; a++)
		if ((unsigned char)*a < ' ' || *a == 127 || *a == '<' || *a == '>')
			return false;
	return true;
}

int outbox_put(struct outbox *o, const char *msg, size_t len, const char *sender,
	       char *const *rcpts, size_t nrcpts, char **id, struct buf *err)
{
	struct outbox_entry e;
	size_t i;
	int rc;

	if (!outbox_addr_ok(sender)) {
		buf_printf(err, _("%s: not a sender address"), sender);
		return -1;
	}
	if (nrcpts == 0 || nrcpts > OUTBOX_MAX_RCPTS) {
		buf_printf(err, _("%zu recipients: expected 1 to %d"), nrcpts, OUTBOX_MAX_RCPTS);
		return -1;
	}
	for (i = 0; i < nrcpts; i++)
		if (!outbox_addr_ok(rcpts[i])) {
			buf_printf(err, _("%s: not a recipient address"), rcpts[i]);
			return -1;
		}
	memset(&e, 0, sizeof(e));
	outbox_new_id(e.id, sizeof(e.id));
	e.sender = (char *)sender;
	e.rcpts = (char **)rcpts;
	e.nrcpts = nrcpts;
	e.created = time(NULL);
	e.due = e.created + o->cfg->send_delay;
	e.state = OUTBOX_WAITING;
	e.msg = (char *)msg;
	e.len = len;
	rc = outbox_save(o, &e, err);	/* a new name: no lock needed */
	if (rc == 0 && id)
		*id = xstrdup(e.id);
	return rc;
}

/* outbox_alive - whether pid still runs (the submitting child of this or
 * another client; a crash leaves a pid that is gone) */
bool outbox_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* outbox_busy - whether e is being submitted right now */
static bool outbox_busy(const struct outbox_entry *e)
{
	return e->state == OUTBOX_SUBMITTING && outbox_alive(e->pid);
}

int outbox_take(struct outbox *o, const char *id, struct buf *msg, struct buf *err)
{
	struct outbox_entry e;
	int rc;

	if (strncmp(id, OUTBOX_QUEUE_PREFIX, strlen(OUTBOX_QUEUE_PREFIX)) == 0)
		return outbox_queue_take(o, id, msg, err);
	if (outbox_lock(o, err) < 0)
		return -1;
	rc = outbox_read(o, id, true, &e, err);
	if (rc == 0 && outbox_busy(&e)) {
		buf_printf(err, _("%s: being sent now; it can no longer be taken back"), id);
		rc = -1;
	}
	if (rc == 0)
		rc = outbox_remove(o, id, err);
	outbox_unlock(o);
	if (rc == 0)
		buf_append(msg, e.msg, e.len);
	outbox_entry_free(&e);
	return rc;
}

int outbox_cancel(struct outbox *o, const char *id, struct buf *err)
{
	struct buf msg = BUF_INIT;
	int rc = outbox_take(o, id, &msg, err);

	buf_free(&msg);
	return rc;
}

int outbox_retry(struct outbox *o, const char *id, struct buf *err)
{
	struct outbox_entry e;
	int rc;

	if (outbox_lock(o, err) < 0)
		return -1;
	rc = outbox_read(o, id, true, &e, err);
	if (rc == 0 && e.state == OUTBOX_SUBMITTING) {
		buf_printf(err, _("%s: being sent now"), id);
		rc = -1;
	} else if (rc == 0) {
		e.state = OUTBOX_WAITING;
		e.due = time(NULL);
		rc = outbox_save(o, &e, err);
	}
	outbox_unlock(o);
	outbox_entry_free(&e);
	return rc;
}

static int outbox_entry_cmp(const void *a, const void *b)
{
	const struct outbox_entry *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

struct outbox_entry *outbox_list(struct outbox *o, size_t *n)
{
	DIR *d = opendir(o->cfg->spool);
	struct outbox_entry *v = NULL;
	struct dirent *de;
	struct buf err = BUF_INIT;

	*n = 0;
	while (d && (de = readdir(d)) != NULL) {
		if (!outbox_id_ok(de->d_name))
			continue;	/* ".lock", atomic_write_file's NAME.tmp.PID */
		v = xreallocarray(v, *n + 1, sizeof(*v));
		buf_reset(&err);
		if (outbox_read(o, de->d_name, false, &v[*n], &err) == 0)
			(*n)++;
	}
	if (d)
		closedir(d);
	buf_free(&err);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), outbox_entry_cmp);
	return v;
}

void outbox_list_free(struct outbox_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		outbox_entry_free(&e[i]);
	free(e);
}

const char *outbox_log_path(const struct outbox *o)
{
	return o->cfg->log;
}
