/* conn_int.h - the connection's insides, shared by conn.c (clear text and
 * the read buffer), conn_tls.c (the handshake) and conn_stream.c (libetpan). */
#ifndef POCZTA_CONN_INT_H
#define POCZTA_CONN_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <openssl/ssl.h>
#include "buf.h"
#include "conn.h"
#include "tls_int.h"

#define CONN_RBUF_SIZE 16384
/* conn_io_* results besides bytes, 0 (EOF) and -1 (error) */
#define CONN_WANT_READ (-3)
#define CONN_WANT_WRITE (-4)

struct conn {
	int fd;			/* non-blocking from conn_new on */
	SSL *ssl;		/* NULL in clear */
	bool broken;		/* a handshake failed: no more I/O either way */
	bool ssl_fatal;		/* OpenSSL failed: no close_notify at the end */
	bool eof;		/* the socket said EOF (for the BIO) */
	int timeout_ms;		/* for handshakes and writes; <0: none */
	char *rbuf;		/* bytes read but not yet returned */
	size_t rstart, rend;
	char *host;		/* the server's name, for a client */
	struct tls_verify verify;
	struct buf err;		/* why the last call failed */
};

/* conn_deadline - now plus ms in milliseconds of the monotonic clock;
 * -1 (never) when ms < 0 */
long long conn_deadline(int ms);
/* conn_wait - poll c's socket for what (POLLIN/POLLOUT) until deadline;
 * 1 ready, 0 timed out, -1 error (in c->err) */
int conn_wait(struct conn *c, short what, long long deadline);
/* conn_ssl_io_result - map SSL_get_error's code after a failed call to
 * 0 (EOF), CONN_WANT_READ, CONN_WANT_WRITE or -1 (with c->err set) */
ssize_t conn_ssl_io_result(struct conn *c, int ret, const char *what);
/* conn_bio_new - a BIO on c's socket that sends with MSG_NOSIGNAL, so a
 * peer that went away never raises SIGPIPE; owned by the SSL it is set on */
BIO *conn_bio_new(struct conn *c);

#endif
