/* maildrop_pickup.c - the MTA's side of the maildrop (maildrop.h): each
 * finished file into the queue, believing only its owner. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "fsutil.h"
#include "maildrop.h"
#include "msg.h"
#include "rfc5322.h"
#include "xalloc.h"

#define PICKUP_CHUNK 65536

/* One file being picked up. */
struct pickup {
	const struct maildrop_pickup *p;
	const char *name;
	int fd;
	struct stat st;
	unsigned long long len;	/* the message's octets, after the head */
	struct queue_env given;	/* the envelope as the file has it */
	struct queue_env env;	/* what is queued */
};

/* pickup_read - n octets at off; 0, or -1 (short or failed) */
static int pickup_read(int fd, char *b, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t r = pread(fd, b, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

/* pickup_check - the file is a finished maildrop file of a sane size, and
 * its envelope parses; NULL, or why not */
static const char *pickup_check(struct pickup *k)
{
	char head[MAILDROP_HEAD + 1], *env, *end;
	unsigned long long envlen;
	struct buf err = BUF_INIT;
	static char why[160];

	if (!S_ISREG(k->st.st_mode) || k->st.st_nlink != 1)
		return "not a regular file with one name";
	if (k->st.st_size < MAILDROP_HEAD ||
	    pickup_read(k->fd, head, MAILDROP_HEAD, 0) < 0)
		return "truncated";
	head[MAILDROP_HEAD] = '\0';
	if (strncmp(head, "poczta-maildrop 1 ", 18) != 0 || head[MAILDROP_HEAD - 1] != '\n')
		return "not a maildrop file";
	errno = 0;
	k->len = strtoull(head + 18, &end, 10);
	if (errno || end == head + 18 || *end != ' ' ||
	    k->len > (unsigned long long)k->st.st_size - MAILDROP_HEAD)
		return "bad message length";
	if (k->p->max_size && k->len > k->p->max_size)
		return "message larger than max_message_size";
	envlen = (unsigned long long)k->st.st_size - MAILDROP_HEAD - k->len;
	if (envlen > 1024 * 1024)
		return "envelope too large";
	env = xmalloc((size_t)envlen + 1);
	if (pickup_read(k->fd, env, (size_t)envlen, (off_t)(MAILDROP_HEAD + k->len)) < 0) {
		free(env);
		return "truncated";
	}
	if (queue_env_parse(env, (size_t)envlen, &k->given, &err) < 0) {
		snprintf(why, sizeof(why), "envelope: %s", buf_cstr(&err));
		free(env);
		buf_free(&err);
		return why;
	}
	free(env);
	buf_free(&err);
	if (k->given.nrcpts == 0 || (k->p->max_rcpts && k->given.nrcpts > k->p->max_rcpts))
		return "no recipient, or too many";
	return NULL;
}

/* pickup_rcpt - one recipient as given, resolved by the MTA's policy as
 * the owner's (a local user may send anywhere, as with sendmail); one that
 * is refused is queued failed, so that its sender gets a bounce */
static void pickup_rcpt(struct pickup *k, const struct queue_rcpt *r, const char *user)
{
	struct rcpt_target *t = NULL;
	size_t n = 0, i;
	struct dsn d;
	struct queue_rcpt *q;
	/* a bare name is a user of the first local domain, as sendmail has it */
	char *addr = strchr(r->addr, '@') ? xstrdup(r->addr)
		     : xasprintf("%s@%s", r->addr, k->p->policy->domains[0]);
	int rc = rcptpolicy_check(k->p->policy, addr, user, NULL, &t, &n, &d);

	free(addr);
	if (rc < 0) {
		k->env.rcpts = xreallocarray(k->env.rcpts, k->env.nrcpts + 1, sizeof(*q));
		q = &k->env.rcpts[k->env.nrcpts++];
		memset(q, 0, sizeof(*q));
		q->addr = xstrdup(r->addr);
		q->orcpt = r->orcpt ? xstrdup(r->orcpt) : NULL;
		q->notify = r->notify;
		q->state = QUEUE_FAILED;
		q->last = xstrdup(d.text);
		snprintf(q->dsn, sizeof(q->dsn), "%s", d.code);
		return;
	}
	k->env.rcpts = xreallocarray(k->env.rcpts, k->env.nrcpts + n, sizeof(*q));
	for (i = 0; i < n; i++) {
		q = &k->env.rcpts[k->env.nrcpts++];
		memset(q, 0, sizeof(*q));
		q->addr = xstrdup(t[i].addr);
		q->orcpt = r->orcpt ? xstrdup(r->orcpt) : NULL;
		q->notify = r->notify;
		q->state = QUEUE_PENDING;
	}
	rcpt_targets_free(t, n);
}

/* pickup_envelope - what is queued: the sender and the RFC 3461
 * parameters as given, the recipients resolved, the rest the MTA's own */
static void pickup_envelope(struct pickup *k)
{
	char user[32];
	size_t i;

	snprintf(user, sizeof(user), "%lu", (unsigned long)k->st.st_uid);
	memset(&k->env, 0, sizeof(k->env));
	k->env.version = 1;
	k->env.sender = xstrdup(k->given.sender ? k->given.sender : "");
	k->env.created = time(NULL);
	k->env.client = xstrdup("local");
	k->env.helo = xstrdup("");
	k->env.protocol = xstrdup("local");
	k->env.envid = k->given.envid ? xstrdup(k->given.envid) : NULL;
	k->env.ret_full = k->given.ret_full;
	k->env.body_8bit = k->given.body_8bit;
	for (i = 0; i < k->given.nrcpts; i++)
		pickup_rcpt(k, &k->given.rcpts[i], user);
}

/* pickup_queue - the Received field and the message into the queue; 0, or
 * -1 with d set (the file stays for the next try) */
static int pickup_queue(struct pickup *k, struct dsn *d)
{
	struct queue_new *qn = queue_new(k->p->queue, d);
	char date[64], *received, *b;
	unsigned long long off = 0;
	int rc = 0;

	if (qn == NULL)
		return -1;
	rfc5322_date(time(NULL), date, sizeof(date));
	/* RFC 5321 4.4, as poczta-sendmail writes it when it queues itself:
	 * the user is the file's owner, whatever the file says */
	received = xasprintf("Received: by %s (poczta-sendmail, from userid %lu);\n\t%s\n",
			     k->p->hostname, (unsigned long)k->st.st_uid, date);
	rc = queue_new_write(qn, received, strlen(received), d);
	free(received);
	b = xmalloc(PICKUP_CHUNK);
	while (rc == 0 && off < k->len) {
		size_t n = k->len - off > PICKUP_CHUNK ? PICKUP_CHUNK : (size_t)(k->len - off);

		if (pickup_read(k->fd, b, n, (off_t)(MAILDROP_HEAD + off)) < 0) {
			dsn_set(d, DSN_TEMPFAIL, "4.3.0", "cannot read %s: %s", k->name,
				strerror(errno));
			rc = -1;
		} else {
			rc = queue_new_write(qn, b, n, d);
			off += n;
		}
	}
	free(b);
	if (rc < 0) {
		queue_new_abort(qn);
		return -1;
	}
	return queue_new_commit(qn, &k->env, d);
}

/* pickup_one - one file; 1 queued, 0 removed as not ours, -1 left for
 * later (the queue failed) */
static int pickup_one(const struct maildrop_pickup *p, int dfd, const char *name)
{
	struct pickup k = { p, name, -1, { 0 }, 0, { 0 }, { 0 } };
	const char *why = NULL;
	struct dsn d;
	int rc = 0;

	k.fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (k.fd < 0) {
		if (errno == ENOENT)
			return 0;	/* taken meanwhile */
		why = errno == ELOOP ? "a symbolic link" : strerror(errno);
	} else if (fstat(k.fd, &k.st) < 0)
		why = strerror(errno);
	else
		why = pickup_check(&k);
	if (why == NULL) {
		pickup_envelope(&k);
		if (pickup_queue(&k, &d) < 0) {
			msg_warnx("pickup file=%s uid=%lu status=deferred (%s)", name,
				  (unsigned long)k.st.st_uid, d.text);
			rc = -1;
		} else {
			msg_info("pickup file=%s id=%s uid=%lu from=<%s> nrcpt=%zu", name, k.env.id,
				 (unsigned long)k.st.st_uid, k.env.sender, k.env.nrcpts);
			rc = 1;
		}
	} else {
		msg_warnx("pickup file=%s uid=%lu status=removed (%s)", name,
			  (unsigned long)k.st.st_uid, why);
	}
	if (rc >= 0 && unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		msg_warn("pickup: cannot remove %s/%s", p->dir, name);
	if (k.fd >= 0)
		close(k.fd);
	queue_env_free(&k.given);
	queue_env_free(&k.env);
	return rc;
}

int maildrop_pickup(const struct maildrop_pickup *p, int max)
{
	DIR *dir = opendir(p->dir);
	struct dirent *de;
	int n = 0, done = 0, r;

	if (dir == NULL)
		return errno == ENOENT ? 0 : -1;
	while (n < max && (de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')	/* being written, or . and .. */
			continue;
		r = pickup_one(p, dirfd(dir), de->d_name);
		if (r < 0)
			break;	/* the queue refuses now: the rest waits too */
		done++;
		n += r;
	}
	closedir(dir);
	/* the removals made durable: a crash before this picks a file up
	 * again, after its message was queued (see maildrop.h) */
	if (done && fsync_dir(p->dir) < 0)
		msg_warn("pickup: cannot sync %s", p->dir);
	return n;
}
