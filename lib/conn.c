/* conn.c - a connection (conn.h): the socket, its read buffer, reads with
 * a timeout and writes that write everything, in clear or under TLS.
 *
 * The socket is non-blocking: every read and write is tried first and
 * waited for with poll(2) only when it cannot go on, so bytes OpenSSL has
 * already decrypted (SSL_pending) are returned without waiting for the
 * socket.  Clear-text sends use MSG_NOSIGNAL and the TLS layer's BIO does
 * the same (conn_tls.c): a peer that goes away gives -1 with EPIPE, never
 * SIGPIPE, so callers need not ignore the signal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include "conn.h"
#include "conn_int.h"
#include "i18n.h"
#include "xalloc.h"

#define CONN_DEFAULT_TIMEOUT_MS (5 * 60 * 1000)

/* conn_new - a connection on fd, which it owns from now on; the caller
 * frees it with conn_free */
struct conn *conn_new(int fd)
{
	struct conn *c = xcalloc(1, sizeof(*c));
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	c->fd = fd;
	c->timeout_ms = CONN_DEFAULT_TIMEOUT_MS;
	c->rbuf = xmalloc(CONN_RBUF_SIZE);
	buf_init(&c->err);
	buf_init(&c->verify.why);
	return c;
}

int conn_fd(const struct conn *c)
{
	return c->fd;
}

void conn_set_timeout(struct conn *c, int timeout_ms)
{
	c->timeout_ms = timeout_ms;
}

const char *conn_error(const struct conn *c)
{
	return buf_cstr(&c->err);
}

/* conn_deadline - now + ms on the monotonic clock, -1 for never (conn_int.h) */
long long conn_deadline(int ms)
{
	struct timespec ts;

	if (ms < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + ms;
}

/* conn_wait - poll for what until deadline, EINTR retried (conn_int.h) */
int conn_wait(struct conn *c, short what, long long deadline)
{
	struct pollfd p = { .fd = c->fd, .events = what };
	int left, r;

	for (;;) {
		left = deadline < 0 ? -1 : (int)(deadline > conn_deadline(0) ?
						 deadline - conn_deadline(0) : 0);
		r = poll(&p, 1, left);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR) {
			buf_reset(&c->err);
			buf_printf(&c->err, "poll: %s", strerror(errno));
			return -1;
		}
	}
}

/* conn_clear_read - one recv: bytes, 0 at EOF, -1, or CONN_WANT_READ */
static ssize_t conn_clear_read(struct conn *c, void *p, size_t n)
{
	ssize_t r;

	do
		r = recv(c->fd, p, n, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return CONN_WANT_READ;
	if (r < 0) {
		buf_reset(&c->err);
		buf_printf(&c->err, "recv: %s", strerror(errno));
	}
	return r;
}

/* conn_io_read - one read from the socket or through TLS */
static ssize_t conn_io_read(struct conn *c, void *p, size_t n)
{
	size_t got = 0;
	int r;

	if (c->ssl == NULL)
		return conn_clear_read(c, p, n);
	ERR_clear_error();
	r = SSL_read_ex(c->ssl, p, n, &got);
	if (r == 1)
		return (ssize_t)got;
	return conn_ssl_io_result(c, r, "TLS read");
}

/* conn_take - hand out buffered bytes */
static ssize_t conn_take(struct conn *c, void *p, size_t n)
{
	size_t have = c->rend - c->rstart;

	if (n > have)
		n = have;
	memcpy(p, c->rbuf + c->rstart, n);
	c->rstart += n;
	if (c->rstart == c->rend)
		c->rstart = c->rend = 0;
	return (ssize_t)n;
}

/* conn_read - buffered bytes first; then read into the buffer (or straight
 * into p when p is larger), waiting up to timeout_ms for the socket */
ssize_t conn_read(struct conn *c, void *p, size_t n, int timeout_ms)
{
	long long deadline = conn_deadline(timeout_ms);
	bool direct = n >= CONN_RBUF_SIZE;
	ssize_t r;
	int w;

	if (c->broken) {
		errno = EPIPE;
		return -1;
	}
	if (n == 0 || c->rstart < c->rend)
		return conn_take(c, p, n);
	for (;;) {
		r = conn_io_read(c, direct ? p : c->rbuf, direct ? n : CONN_RBUF_SIZE);
		if (r > 0 && !direct) {
			c->rend = (size_t)r;
			return conn_take(c, p, n);
		}
		if (r >= -1)
			return r;
		w = conn_wait(c, r == CONN_WANT_READ ? POLLIN : POLLOUT, deadline);
		if (w <= 0)
			return w == 0 ? -2 : -1;
	}
}

/* conn_io_write - one write to the socket or through TLS */
static ssize_t conn_io_write(struct conn *c, const void *p, size_t n)
{
	size_t done = 0;
	ssize_t r;

	if (c->ssl != NULL) {
		ERR_clear_error();
		r = SSL_write_ex(c->ssl, p, n, &done);
		return r == 1 ? (ssize_t)done : conn_ssl_io_result(c, (int)r, "TLS write");
	}
	do
		r = send(c->fd, p, n, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return CONN_WANT_WRITE;
	if (r < 0) {
		buf_reset(&c->err);
		buf_printf(&c->err, "send: %s", strerror(errno));
	}
	return r == 0 ? -1 : r;
}

/* conn_write - all of p; the timeout counts from the last progress, so a
 * slow but moving peer is not cut off */
int conn_write(struct conn *c, const void *p, size_t n)
{
	const char *s = p;
	long long deadline = conn_deadline(c->timeout_ms);
	ssize_t r;
	int w;

	if (c->broken) {
		errno = EPIPE;
		return -1;
	}
	while (n > 0) {
		r = conn_io_write(c, s, n);
		if (r > 0) {
			s += r;
			n -= (size_t)r;
			deadline = conn_deadline(c->timeout_ms);
			continue;
		}
		if (r >= -1)
			return -1;
		w = conn_wait(c, r == CONN_WANT_READ ? POLLIN : POLLOUT, deadline);
		if (w == 0) {
			buf_reset(&c->err);
			buf_puts(&c->err, _("write timed out"));
			errno = ETIMEDOUT;
		}
		if (w <= 0)
			return -1;
	}
	return 0;
}

/* conn_buffered - our buffer, or OpenSSL's decrypted or undecrypted bytes */
bool conn_buffered(const struct conn *c)
{
	return c->rstart < c->rend ||
	       (c->ssl != NULL && (SSL_pending(c->ssl) > 0 || SSL_has_pending(c->ssl)));
}

/* conn_free - close_notify when TLS is up and healthy (one non-blocking
 * try: we never wait for the peer's), then close the socket */
void conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		if (!c->ssl_fatal && SSL_is_init_finished(c->ssl)) {
			ERR_clear_error();
			(void)SSL_shutdown(c->ssl);
		}
		SSL_free(c->ssl);
		ERR_clear_error();
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->rbuf);
	free(c->host);
	buf_free(&c->verify.why);
	buf_free(&c->err);
	free(c);
}
