/* deliver.c - one queued message, in a worker process: each recipient still
 * to do goes to the MDA (local) or on by SMTP (remote); the outcome of each
 * is written back to the envelope, failures are returned to the sender, and
 * the message leaves the queue once every recipient is done. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "crashpoint.h"
#include "msg.h"
#include "mta.h"
#include "queue.h"
#include "rfc5322.h"
#include "xalloc.h"

#define MTA_MAX_HOPS 50		/* Received headers before a loop is declared */

/* deliver_hops - Received fields in the message's header section */
static int deliver_hops(int fd)
{
	char buf[65536];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	size_t end, i;
	int hops = 0;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	end = rfc5322_header_end(buf, (size_t)n);
	for (i = 0; i < end; i++)
		if ((i == 0 || buf[i - 1] == '\n') && strncasecmp(buf + i, "Received:", 9) == 0)
			hops++;
	return hops;
}

/* deliver_pipe - one recipient through "poczta-mda --delivery-id ID -f
 * SENDER -d RCPT" (an argv, never a shell); its exit status mapped to a
 * delivery status.  The id lets the MDA see a repeat after a crash. */
static void deliver_pipe(struct mta *m, const char *id, const char *sender, const char *rcpt,
			 int fd, struct dsn *d)
{
	int err[2], status = 0;
	char text[400] = "";
	ssize_t n;
	pid_t pid;

	if (pipe2(err, O_CLOEXEC) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		dsn_from_errno(d, errno, "deliver to the MDA");
		return;
	}
	pid = fork();
	if (pid == 0) {
		dup2(fd, 0);
		dup2(err[1], 2);
		dup2(err[1], 1);
		execl(m->mda, "poczta-mda", "-c", m->config_path, "--delivery-id", id, "-f", sender,
		      "-d", rcpt, (char *)NULL);
		_exit(EX_OSERR);
	}
	close(err[1]);
	n = read(err[0], text, sizeof(text) - 1);
	text[n > 0 ? n : 0] = '\0';
	text[strcspn(text, "\n")] = '\0';
	close(err[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		dsn_ok(d, "delivered via poczta-mda");
	else if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) != EX_TEMPFAIL &&
		 WEXITSTATUS(status) != EX_OSERR && WEXITSTATUS(status) != EX_SOFTWARE)
		dsn_set(d, DSN_PERMFAIL, WEXITSTATUS(status) == EX_NOUSER ? "5.1.1" : "5.0.0",
			"poczta-mda: %s", *text ? text : "refused");
	else
		dsn_set(d, DSN_TEMPFAIL, "4.3.0", "poczta-mda: %s", *text ? text : "temporary failure");
}

/* deliver_local - the local recipients, over LMTP or one pipe each;
 * false when the delivery could not be named (a foreign LMTP server), so a
 * repeat would store it twice */
static bool deliver_local(struct mta *m, const struct queue_env *env, char **rcpts, size_t n,
			  int fd, struct dsn *out)
{
	size_t i;
	bool fresh = m->fresh;

	/* a recipient tried before was answered, and nothing of it stored;
	 * but only a message never tried at all is called fresh */
	for (i = 0; i < env->nrcpts; i++)
		fresh = fresh && env->rcpts[i].attempts == 0;
	if (m->local_lmtp)
		return lmtpc_deliver(&m->lmtp, m->local_lmtp, m->hostname, env->id, fresh, env->sender,
				     rcpts, n, fd, out) == 1;
	for (i = 0; i < n; i++)
		deliver_pipe(m, env->id, env->sender, rcpts[i], fd, &out[i]);
	return true;
}

/* deliver_backoff - the wait before try number attempts+1: retry_min,
 * doubling, at most retry_max */
static long long deliver_backoff(const struct mta *m, int attempts)
{
	long long wait = m->retry_min;

	while (--attempts > 0 && wait < m->retry_max)
		wait *= 2;
	return wait < m->retry_max ? wait : m->retry_max;
}

/* deliver_apply - record one recipient's outcome in the envelope */
static void deliver_apply(struct mta *m, struct queue_env *env, struct queue_rcpt *r,
			  const struct dsn *d, const char *relay)
{
	time_t now = time(NULL);

	free(r->last);
	r->last = xstrdup(d->text);
	snprintf(r->dsn, sizeof(r->dsn), "%s", d->code);
	r->attempts++;
	if (d->status == DSN_OK)
		r->state = QUEUE_DELIVERED;
	else if (d->status == DSN_PERMFAIL)
		r->state = QUEUE_FAILED;
	else if (now - env->created >= m->lifetime) {
		r->state = QUEUE_FAILED;	/* RFC 3463 4.4.7: delivery time expired */
		snprintf(r->dsn, sizeof(r->dsn), "4.4.7");
		free(r->last);
		r->last = xasprintf("message expired after %lld seconds in the queue: %s",
				    (long long)(now - env->created), d->text);
	} else {
		r->state = QUEUE_DEFERRED;
		r->next_try = now + deliver_backoff(m, r->attempts);
	}
	msg_info("id=%s to=<%s> relay=%s dsn=%s status=%s (%s)", env->id, r->addr, relay, r->dsn,
		 r->state == QUEUE_DELIVERED ? "sent" : r->state == QUEUE_DEFERRED ? "deferred" : "bounced",
		 r->last);
}

/* deliver_due - whether recipient r is to be tried now */
static bool deliver_due(const struct queue_rcpt *r, time_t now)
{
	return r->state == QUEUE_PENDING || (r->state == QUEUE_DEFERRED && r->next_try <= now);
}

/* deliver_kind - the recipients of one kind that are due: their indexes */
static size_t deliver_pick(struct mta *m, struct queue_env *env, bool local, const char *domain,
			   size_t *idx, char **addrs)
{
	time_t now = time(NULL);
	size_t i, n = 0;

	for (i = 0; i < env->nrcpts; i++) {
		const char *at = strrchr(env->rcpts[i].addr, '@');
		const char *dom = at ? at + 1 : NULL;
		if (!deliver_due(&env->rcpts[i], now) || rcptpolicy_is_local(&m->policy, dom) != local)
			continue;
		if (domain && (dom == NULL || strcasecmp(dom, domain) != 0))
			continue;
		idx[n] = i;
		addrs[n++] = env->rcpts[i].addr;
	}
	return n;
}

/* deliver_group - deliver one group (local, or one remote domain); a
 * delivery that could not be repeated safely (accepted remotely, or by a
 * foreign LMTP server) sets *remote_sent */
static void deliver_group(struct mta *m, struct queue_env *env, int fd, bool local,
			  const char *domain, size_t *idx, char **addrs, bool *remote_sent)
{
	size_t n = deliver_pick(m, env, local, domain, idx, addrs), i;
	struct dsn *out;

	if (n == 0)
		return;
	out = xcalloc(n, sizeof(*out));
	if (local)
		*remote_sent |= !deliver_local(m, env, addrs, n, fd, out);	/* unnamed: like remote */
	else
		mta_relay(m, env, domain, idx, addrs, n, fd, out);
	for (i = 0; i < n; i++) {
		deliver_apply(m, env, &env->rcpts[idx[i]], &out[i], local ? "local" : domain);
		*remote_sent |= !local && out[i].status == DSN_OK;
	}
	free(out);
}

/* deliver_all - every due recipient, local first, then each remote domain;
 * true when a remote server accepted one (not repeatable without a copy) */
static bool deliver_all(struct mta *m, struct queue_env *env, int fd)
{
	bool remote_sent = false;
	size_t *idx = xcalloc(env->nrcpts + 1, sizeof(*idx)), i;
	char **addrs = xcalloc(env->nrcpts + 1, sizeof(*addrs));
	time_t now = time(NULL);

	deliver_group(m, env, fd, true, NULL, idx, addrs, &remote_sent);
	for (i = 0; i < env->nrcpts; i++) {
		const char *at = strrchr(env->rcpts[i].addr, '@');
		if (at && deliver_due(&env->rcpts[i], now) && !rcptpolicy_is_local(&m->policy, at + 1))
			deliver_group(m, env, fd, false, at + 1, idx, addrs, &remote_sent);
	}
	free(idx);
	free(addrs);
	return remote_sent;
}

/* deliver_loop - a message that has passed too many hops fails for all */
static bool deliver_loop(struct mta *m, struct queue_env *env, int fd)
{
	struct dsn d;
	size_t i;

	if (deliver_hops(fd) <= MTA_MAX_HOPS)
		return false;
	dsn_set(&d, DSN_PERMFAIL, "5.4.6", "mail forwarding loop: more than %d Received headers",
		MTA_MAX_HOPS);
	for (i = 0; i < env->nrcpts; i++)
		if (deliver_due(&env->rcpts[i], time(NULL)))
			deliver_apply(m, env, &env->rcpts[i], &d, "none");
	return true;
}

/* deliver_finish - bounce what failed, then remove or update.  When this
 * run sent nothing to a remote server, losing the removal in a crash costs
 * only a redelivery the MDA recognises, so it need not wait for a sync. */
static void deliver_finish(struct mta *m, struct queue_env *env, bool remote_sent)
{
	struct dsn d;
	size_t i, done = 0;

	for (i = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].state == QUEUE_FAILED) {
			if (queue_bounce(m->queue, env, m->hostname, &d) < 0)
				msg_warnx("id=%s bounce not queued: %s", env->id, d.text);
			break;
		}
	for (i = 0; i < env->nrcpts; i++)
		done += env->rcpts[i].state == QUEUE_DELIVERED || env->rcpts[i].state == QUEUE_BOUNCED;
	crash_point("mta-before-update");
	if (done == env->nrcpts) {
		if (remote_sent)
			queue_remove(m->queue, env->id);
		else
			queue_remove_nosync(m->queue, env->id);
		msg_info("id=%s removed", env->id);
	} else if (queue_update(m->queue, env, &d) < 0)
		msg_warnx("id=%s envelope not updated: %s", env->id, d.text);
}

/* how long a worker waits for a queue command that holds a message's lock
 * (the commands hold it for one envelope rewrite) */
#define MTA_LOCK_WAIT_MS 10000

void mta_deliver_message(struct mta *m, const char *id)
{
	struct queue_env env;
	struct dsn d;
	int fd;

	/* locked from reading the envelope to writing the results: a queue
	 * command (hold, bounce) waits, then sees what this run did */
	if ((fd = queue_lock(m->queue, id, MTA_LOCK_WAIT_MS, &d)) < 0) {
		if (errno != ENOENT)	/* else removed meanwhile (delete, a worker) */
			msg_warnx("id=%s cannot be locked: %s", id, d.text);
		return;
	}
	if (queue_load(m->queue, id, &env, &d) < 0) {
		if (errno != ENOENT)
			msg_warnx("id=%s cannot be read: %s", id, d.text);
		close(fd);
		return;
	}
	if (!env.held) {
		bool remote_sent = false;
		if (!deliver_loop(m, &env, fd))
			remote_sent = deliver_all(m, &env, fd);
		deliver_finish(m, &env, remote_sent);
	}
	close(fd);
	queue_env_free(&env);
}
