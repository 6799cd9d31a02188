/* tls_int.h - what conn's TLS half needs from tls.c: the OpenSSL contexts
 * and the client's verification policy.  Only lib/conn*.c and lib/tls*.c
 * include it; everyone else sees tls.h, which names no OpenSSL type. */
#ifndef POCZTA_TLS_INT_H
#define POCZTA_TLS_INT_H
#include <stdbool.h>
#include <openssl/ssl.h>
#include "buf.h"
#include "tls.h"

/* A client's context and policy (tls.c makes it, tls_verify.c applies it). */
struct tls_client {
	SSL_CTX *ctx;
	bool no_verify;
	bool has_pin;
	unsigned char pin[32];	/* SHA-256 of the certificate's DER */
};

/* What a client's verify callback needs for one handshake; it lives in the
 * connection (struct conn) and is reached through SSL_get_app_data. */
struct tls_verify {
	const struct tls_client *client;
	const char *host;	/* the name the certificate must carry */
	struct buf why;		/* the first reason a certificate was refused */
};

/* tls_ctx_new - a context with the policy shared by servers and clients;
 * NULL with err; the caller owns it */
SSL_CTX *tls_ctx_new(const SSL_METHOD *method, struct buf *err);
/* tls_verify_callback - OpenSSL's verify callback for clients (tls_verify.c) */
int tls_verify_callback(int ok, X509_STORE_CTX *x);
/* tls_server_ctx - the context for the next handshake (owned by t) */
SSL_CTX *tls_server_ctx(const struct tls_server *t);
/* tls_client_ctx - the client's context (owned by t) */
SSL_CTX *tls_client_ctx(const struct tls_client *t);
/* tls_client_prepare - set host name checks, SNI and the verify callback
 * on ssl before the handshake; v must outlive ssl's handshake.  0 or -1 */
int tls_client_prepare(SSL *ssl, struct tls_verify *v, struct buf *err);
/* tls_client_check - after the handshake: whether the peer's certificate
 * is acceptable under the client's policy; 0, or -1 with the reason in err */
int tls_client_check(SSL *ssl, struct tls_verify *v, struct buf *err);
/* tls_fingerprint - "AB:CD:..." SHA-256 of x's DER, newly allocated */
char *tls_fingerprint(X509 *x);
/* tls_ssl_error - append what and OpenSSL's queued errors to err, and
 * empty the queue */
void tls_ssl_error(struct buf *err, const char *what);

#endif
