/* conn_tls.c - starting TLS on a connection (conn.h): the handshake as
 * server or client with a timeout, the refusal of clear-text bytes that
 * came before it, and what the session uses once it is up. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include "conn.h"
#include "conn_int.h"
#include "i18n.h"
#include "xalloc.h"

/* The BIO's method table is built once and then only read, like a const
 * vtable; OpenSSL has no static initialiser for one. */
static BIO_METHOD *conn_bio_method;
static pthread_once_t conn_bio_once = PTHREAD_ONCE_INIT;

/* conn_bio_write - send with MSG_NOSIGNAL (no SIGPIPE), EINTR retried */
static int conn_bio_write(BIO *b, const char *p, size_t n, size_t *done)
{
	struct conn *c = BIO_get_data(b);
	ssize_t r;

	BIO_clear_retry_flags(b);
	do
		r = send(c->fd, p, n, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r >= 0) {
		*done = (size_t)r;
		return 1;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		BIO_set_retry_write(b);
	return 0;
}

/* conn_bio_read - recv, EINTR retried; EOF is remembered for BIO_eof */
static int conn_bio_read(BIO *b, char *p, size_t n, size_t *done)
{
	struct conn *c = BIO_get_data(b);
	ssize_t r;

	BIO_clear_retry_flags(b);
	do
		r = recv(c->fd, p, n, 0);
	while (r < 0 && errno == EINTR);
	if (r > 0) {
		*done = (size_t)r;
		return 1;
	}
	if (r == 0)
		c->eof = true;
	else if (errno == EAGAIN || errno == EWOULDBLOCK)
		BIO_set_retry_read(b);
	return 0;
}

/* conn_bio_ctrl - the few controls libssl asks of a socket BIO */
static long conn_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct conn *c = BIO_get_data(b);

	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_EOF:
		return c->eof;
	case BIO_C_GET_FD:
		if (ptr != NULL)
			*(int *)ptr = c->fd;
		return c->fd;
	default:
		return 0;
	}
}

static int conn_bio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static void conn_bio_init_method(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "poczta conn");

	if (m == NULL || !BIO_meth_set_write_ex(m, conn_bio_write) ||
	    !BIO_meth_set_read_ex(m, conn_bio_read) || !BIO_meth_set_ctrl(m, conn_bio_ctrl) ||
	    !BIO_meth_set_create(m, conn_bio_create)) {
		BIO_meth_free(m);
		return;
	}
	conn_bio_method = m;
}

/* conn_bio_new - a BIO on c's socket, owned by the SSL it is set on */
BIO *conn_bio_new(struct conn *c)
{
	BIO *b;

	pthread_once(&conn_bio_once, conn_bio_init_method);
	if (conn_bio_method == NULL || (b = BIO_new(conn_bio_method)) == NULL)
		return NULL;
	BIO_set_data(b, c);
	return b;
}

/* conn_ssl_io_result - SSL_get_error in conn terms; -1 marks the session
 * dead (no close_notify after a fatal error) */
ssize_t conn_ssl_io_result(struct conn *c, int ret, const char *what)
{
	int e = SSL_get_error(c->ssl, ret);

	switch (e) {
	case SSL_ERROR_WANT_READ:
		return CONN_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return CONN_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	}
	c->ssl_fatal = true;
	buf_reset(&c->err);
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
		buf_printf(&c->err, "%s: %s", what, errno ? strerror(errno) : _("connection closed"));
		if (errno == 0)
			errno = EPIPE;
		return -1;
	}
	tls_ssl_error(&c->err, what);
	errno = EPROTO;
	return -1;
}

/* conn_tls_begin - a new SSL for c on ctx, unless TLS is already on or
 * clear-text bytes are waiting: those came before the handshake, and
 * taking them as if sent under TLS is the STARTTLS command injection of
 * CVE-2011-0411 (server side) and CVE-2020-15953 (client side) */
static int conn_tls_begin(struct conn *c, SSL_CTX *ctx, struct buf *err)
{
	BIO *b;

	if (c->ssl != NULL || c->broken) {
		buf_puts(err, _("TLS is already on (or failed) on this connection"));
		return -1;
	}
	if (c->rstart < c->rend) {
		buf_printf(err, _("%zu bytes arrived in clear before the TLS handshake "
				  "(STARTTLS command injection, CVE-2011-0411); not starting TLS"),
			   c->rend - c->rstart);
		return -1;
	}
	ERR_clear_error();
	c->ssl = SSL_new(ctx);
	b = c->ssl ? conn_bio_new(c) : NULL;
	if (b == NULL) {
		tls_ssl_error(err, _("cannot start TLS"));
		SSL_free(c->ssl);
		c->ssl = NULL;
		return -1;
	}
	SSL_set_bio(c->ssl, b, b);
	return 0;
}

/* conn_tls_fail - after a failed handshake: no more I/O on c, in clear
 * or otherwise (a caller that ignored the error must not talk in clear) */
static int conn_tls_fail(struct conn *c)
{
	SSL_free(c->ssl);
	c->ssl = NULL;
	c->broken = true;
	ERR_clear_error();
	return -1;
}

/* conn_handshake - drive SSL_do_handshake to its end within c's timeout;
 * 0, or -1 with err saying why */
static int conn_handshake(struct conn *c, struct buf *err)
{
	long long deadline = conn_deadline(c->timeout_ms);
	ssize_t r;
	int w;

	for (;;) {
		ERR_clear_error();
		w = SSL_do_handshake(c->ssl);
		if (w == 1)
			return 0;
		r = conn_ssl_io_result(c, w, _("TLS handshake"));
		if (r == 0 || r == -1) {
			if (c->verify.why.len > 0)
				buf_printf(err, _("TLS handshake: %s"), c->verify.why.data);
			else if (r == 0)
				buf_puts(err, _("TLS handshake: the peer closed the connection"));
			else
				buf_puts(err, c->err.data);
			return -1;
		}
		w = conn_wait(c, r == CONN_WANT_READ ? POLLIN : POLLOUT, deadline);
		if (w <= 0) {
			buf_puts(err, w == 0 ? _("TLS handshake timed out") : c->err.data);
			return -1;
		}
	}
}

/* conn_starttls_server - the server handshake (STARTTLS or implicit TLS) */
int conn_starttls_server(struct conn *c, struct tls_server *t, struct buf *err)
{
	if (conn_tls_begin(c, tls_server_ctx(t), err) < 0)
		return -1;
	SSL_set_accept_state(c->ssl);
	if (conn_handshake(c, err) < 0)
		return conn_tls_fail(c);
	return 0;
}

/* conn_starttls_client - the client handshake, then the certificate policy */
int conn_starttls_client(struct conn *c, struct tls_client *t, const char *hostname,
			 struct buf *err)
{
	if (conn_tls_begin(c, tls_client_ctx(t), err) < 0)
		return -1;
	free(c->host);
	c->host = hostname ? xstrdup(hostname) : NULL;
	/* an MX name from the DNS may end in a dot: certificates and SNI
	 * (RFC 6066 3) name hosts without it */
	if (c->host != NULL && strlen(c->host) > 1 && c->host[strlen(c->host) - 1] == '.')
		c->host[strlen(c->host) - 1] = '\0';
	c->verify.client = t;
	c->verify.host = c->host;
	buf_reset(&c->verify.why);
	if (tls_client_prepare(c->ssl, &c->verify, err) < 0)
		return conn_tls_fail(c);
	SSL_set_connect_state(c->ssl);
	if (conn_handshake(c, err) < 0 || tls_client_check(c->ssl, &c->verify, err) < 0)
		return conn_tls_fail(c);
	return 0;
}

const char *conn_tls_version(const struct conn *c)
{
	return c->ssl ? SSL_get_version(c->ssl) : NULL;
}

const char *conn_tls_cipher(const struct conn *c)
{
	return c->ssl ? SSL_get_cipher_name(c->ssl) : NULL;
}

/* conn_peer_fingerprint - newly allocated, the caller frees it */
char *conn_peer_fingerprint(const struct conn *c)
{
	return c->ssl ? tls_fingerprint(SSL_get0_peer_certificate(c->ssl)) : NULL;
}
