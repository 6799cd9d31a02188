/* queue_committer.c - the group committer: one process that makes the commits
 * of every receiving session durable together, with one directory sync per
 * batch instead of one per message (Postfix's and OpenSMTPD's queues sync
 * per message; this is the database "group commit").
 *
 * Protocol, on the unix stream socket QUEUE/committer.sock, one request per
 * connection:
 *   session:    "commit ID\n"       after writing incoming/ID and incoming/ID.env
 *                                   without syncing them
 *   committer:  "ok ID\n"           both files synced, renamed into msg/, and
 *                                   msg/ synced: the message is queued
 *           or  "error ID TEXT\n"   nothing was queued; the session then
 *                                   commits by itself (queue_commit_batch)
 * Then the committer closes the connection.  A session that gets no answer
 * (no committer, a closed connection, a timeout) commits by itself as well,
 * which also copes with a committer that died after the renames.
 *
 * Batching needs no timer: while the committer syncs one batch, new requests
 * wait in the socket's backlog and buffers, and the next round takes all of
 * them.  A client that goes away before its answer is dropped (its files in
 * incoming/ become garbage, or it was already committed); answers are sent
 * with MSG_NOSIGNAL so a closed peer cannot kill the committer. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <time.h>
#include "i18n.h"
#include "msg.h"
#include "queue_int.h"
#include "xalloc.h"

#define COMMITTER_MAX_CLIENTS 1024
#define COMMITTER_LINE 64
#define COMMITTER_DRAIN_ROUNDS 8	/* polls for more requests before a batch */

struct committer_client {
	int fd;
	size_t len;
	bool ready;		/* a whole request has been read */
	char line[COMMITTER_LINE];
};

struct committer {
	struct queue *q;
	int listen_fd;
	struct committer_client *clients;
	size_t nclients;
	struct pollfd *pfds;
};

/* The only state a signal handler may touch: set on SIGTERM. */
static volatile sig_atomic_t committer_stop;

static void committer_on_term(int sig)
{
	(void)sig;
	committer_stop = 1;
}

/* committer_listen - bind QUEUE/committer.sock; -1 if another committer
 * answers there or binding fails */
static int committer_listen(struct queue *q)
{
	struct sockaddr_un sun;
	int fd;

	if (strlen(q->sock) >= sizeof(sun.sun_path)) {
		msg_warnx(_("queue committer: socket path too long: %s"), q->sock);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, q->sock, strlen(q->sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		msg_warnx(_("queue committer: another one is running on %s"), q->sock);
		close(fd);
		return -1;
	}
	unlink(q->sock);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 256) < 0) {
		msg_warn(_("queue committer: listen on %s"), q->sock);
		close(fd);
		return -1;
	}
	return fd;
}

/* committer_drop - close client i and forget it */
static void committer_drop(struct committer *c, size_t i)
{
	close(c->clients[i].fd);
	c->clients[i] = c->clients[--c->nclients];
}

/* committer_accept - take every waiting connection, up to the cap */
static void committer_accept(struct committer *c)
{
	while (c->nclients < COMMITTER_MAX_CLIENTS) {
		int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct committer_client *cl;
		if (fd < 0)
			return;
		cl = &c->clients[c->nclients++];
		memset(cl, 0, sizeof(*cl));
		cl->fd = fd;
	}
}

/* committer_read - read what client i sent; drop it on EOF, error or a bad
 * request; mark it ready at the end of a line */
static void committer_read(struct committer *c, size_t i)
{
	struct committer_client *cl = &c->clients[i];
	ssize_t r = read(cl->fd, cl->line + cl->len, sizeof(cl->line) - 1 - cl->len);

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		committer_drop(c, i);
		return;
	}
	cl->len += (size_t)r;
	cl->line[cl->len] = '\0';
	if (strchr(cl->line, '\n') == NULL) {
		if (cl->len + 1 >= sizeof(cl->line))
			committer_drop(c, i);
		return;
	}
	*strchr(cl->line, '\n') = '\0';
	if (strncmp(cl->line, "commit ", 7) != 0 || !queue_id_valid(cl->line + 7)) {
		send(cl->fd, "error - bad request\n", 20, MSG_NOSIGNAL);
		committer_drop(c, i);
		return;
	}
	cl->ready = true;
}

/* committer_poll - wait (timeout_ms, -1 for ever) for connections and
 * requests and read them; SIGTERM is let in only while waiting */
static void committer_poll(struct committer *c, int timeout_ms, const sigset_t *waitmask)
{
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
	size_t i, n = c->nclients;

	c->pfds[0].fd = c->listen_fd;
	c->pfds[0].events = POLLIN;
	for (i = 0; i < n; i++) {
		c->pfds[i + 1].fd = c->clients[i].ready ? -1 : c->clients[i].fd;
		c->pfds[i + 1].events = POLLIN;
		c->pfds[i + 1].revents = 0;
	}
	if (ppoll(c->pfds, n + 1, timeout_ms < 0 ? NULL : &ts, waitmask) <= 0)
		return;
	/* from the end, since dropping moves the last client into the hole */
	for (i = n; i-- > 0;)
		if (c->pfds[i + 1].revents)
			committer_read(c, i);
	if (c->pfds[0].revents & POLLIN)
		committer_accept(c);
}

/* committer_answer - tell each ready client how its commit went, and drop it */
static void committer_answer(struct committer *c, char **ids, const bool *ok,
			     const struct buf *err)
{
	size_t i, k = 0;
	char line[COMMITTER_LINE + 600];

	for (i = c->nclients; i-- > 0;) {
		if (!c->clients[i].ready)
			continue;
		if (ok[k])
			snprintf(line, sizeof(line), "ok %s\n", ids[k]);
		else
			snprintf(line, sizeof(line), "error %s %.500s\n", ids[k], buf_cstr(err));
		send(c->clients[i].fd, line, strlen(line), MSG_NOSIGNAL);
		committer_drop(c, i);
		k++;
	}
}

/* committer_batch - commit every ready request together and answer them */
static void committer_batch(struct committer *c)
{
	char **ids = xcalloc(c->nclients + 1, sizeof(char *));
	bool *ok = xcalloc(c->nclients + 1, sizeof(bool));
	struct buf err = BUF_INIT;
	size_t i, n = 0;

	for (i = c->nclients; i-- > 0;)
		if (c->clients[i].ready)
			ids[n++] = xstrdup(c->clients[i].line + 7);
	if (n > 0) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (queue_commit_batch(c->q, ids, n, ok, &err) > 0)
			msg_warnx("queue committer: %s", buf_cstr(&err));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (msg_verbose())
			msg_debug("queue committer batch=%zu ms=%.1f", n,
				  (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				  (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
		committer_answer(c, ids, ok, &err);
	}
	buf_free(&err);
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(ok);
}

/* committer_nready - how many clients wait for their commit */
static size_t committer_nready(const struct committer *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nclients; i++)
		n += c->clients[i].ready;
	return n;
}

void queue_committer_run(struct queue *q)
{
	struct committer c = { q, -1, NULL, 0, NULL };
	struct sigaction sa;
	sigset_t term, waitmask;
	int round;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = committer_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	committer_stop = 0;
	c.listen_fd = committer_listen(q);
	if (c.listen_fd < 0)
		return;
	c.clients = xcalloc(COMMITTER_MAX_CLIENTS, sizeof(*c.clients));
	c.pfds = xcalloc(COMMITTER_MAX_CLIENTS + 1, sizeof(*c.pfds));
	while (!committer_stop) {
		committer_poll(&c, -1, &waitmask);
		/* take in whatever else is already there before syncing; no
		 * timer: requests that arrive during a sync make the next batch
		 * (a 1 ms window was tried and gained nothing measurable here) */
		for (round = 0; round < COMMITTER_DRAIN_ROUNDS && !committer_stop; round++) {
			size_t ready = committer_nready(&c), clients = c.nclients;
			if (ready == 0)
				break;
			committer_poll(&c, 0, &waitmask);
			if (committer_nready(&c) == ready && c.nclients == clients)
				break;
		}
		if (!committer_stop)
			committer_batch(&c);
	}
	while (c.nclients > 0)
		committer_drop(&c, c.nclients - 1);
	close(c.listen_fd);
	unlink(q->sock);
	free(c.clients);
	free(c.pfds);
}
