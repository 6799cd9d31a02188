/* tls.c - OpenSSL 3 contexts for servers and clients (tls.h): the policy
 * every TLS connection in poczta gets.  Client certificate checks are in
 * tls_verify.c, the handshake and I/O in conn_tls.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "i18n.h"
#include "tls.h"
#include "tls_int.h"
#include "xalloc.h"

/* TLS 1.2 suites: forward secrecy only, AEAD first, CBC last for old MTAs
 * (RFC 7525 4.2; TLS 1.3 suites are OpenSSL's defaults, all fine). */
#define TLS_CIPHERS \
	"ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:ECDHE+AES:" \
	"!aNULL:!eNULL:!PSK:!SRP:!DSS:!aECDH:!kRSA"

struct tls_server {
	SSL_CTX *ctx;
	char *cert;
	char *key;
};

/* tls_ssl_error - what, then up to three of OpenSSL's queued errors */
void tls_ssl_error(struct buf *err, const char *what)
{
	unsigned long e;
	char text[256];
	int n = 0;

	buf_puts(err, what);
	while ((e = ERR_get_error()) != 0) {
		if (n++ < 3) {
			ERR_error_string_n(e, text, sizeof(text));
			buf_printf(err, ": %s", text);
		}
	}
	if (n == 0)
		buf_puts(err, _(": no further detail from OpenSSL"));
}

/* tls_ctx_new - a context with the policy servers and clients share
 * (the caller owns it), NULL with err: TLS 1.2 or later (RFC 8996 retires
 * 1.0 and 1.1), no compression (CRIME), no renegotiation; a peer that
 * closes without close_notify is at EOF (mail protocols end their data
 * themselves, so a cut cannot pass for a complete message). */
SSL_CTX *tls_ctx_new(const SSL_METHOD *method, struct buf *err)
{
	SSL_CTX *ctx = SSL_CTX_new(method);

	if (ctx == NULL) {
		tls_ssl_error(err, _("cannot make a TLS context"));
		return NULL;
	}
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(ctx, TLS_CIPHERS)) {
		tls_ssl_error(err, _("cannot set the TLS policy"));
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_AUTO_RETRY);
	return ctx;
}

/* tls_server_load - a server context with cert (a PEM chain, leaf first)
 * and key; NULL with err naming the file that failed */
static SSL_CTX *tls_server_load(const char *cert, const char *key, struct buf *err)
{
	SSL_CTX *ctx = tls_ctx_new(TLS_server_method(), err);
	const unsigned char sid[] = "poczta";

	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_dh_auto(ctx, 1);
	SSL_CTX_set_session_id_context(ctx, sid, sizeof(sid) - 1);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		tls_ssl_error(err, cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 &&
	    ERR_GET_REASON(ERR_peek_last_error()) != X509_R_KEY_VALUES_MISMATCH) {
		tls_ssl_error(err, key);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		buf_printf(err, _("%s does not match the certificate in %s"), key, cert);
		ERR_clear_error();
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* tls_server_new - a server context; the caller owns it (tls_server_free) */
struct tls_server *tls_server_new(const char *cert, const char *key, struct buf *err)
{
	SSL_CTX *ctx = tls_server_load(cert, key, err);
	struct tls_server *t;

	if (ctx == NULL)
		return NULL;
	t = xcalloc(1, sizeof(*t));
	t->ctx = ctx;
	t->cert = xstrdup(cert);
	t->key = xstrdup(key);
	return t;
}

/* tls_server_reload - build a whole new context, then swap it in: a
 * handshake already under way keeps the old one (SSL_new holds a
 * reference), the next one gets the new; on failure nothing changes */
int tls_server_reload(struct tls_server *t, struct buf *err)
{
	SSL_CTX *ctx = tls_server_load(t->cert, t->key, err);

	if (ctx == NULL)
		return -1;
	SSL_CTX_free(t->ctx);
	t->ctx = ctx;
	return 0;
}

void tls_server_free(struct tls_server *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t->cert);
	free(t->key);
	free(t);
}

SSL_CTX *tls_server_ctx(const struct tls_server *t)
{
	return t->ctx;
}

/* tls_parse_pin - a SHA-256 fingerprint as hex, with or without colons,
 * either case, into out; false if it is not one */
static bool tls_parse_pin(const char *s, unsigned char out[32])
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s; s++) {
		if (*s == ':' || *s == ' ')
			continue;
		if (!isxdigit((unsigned char)*s) || n == 32)
			return false;
		v = isdigit((unsigned char)*s) ? *s - '0' : tolower((unsigned char)*s) - 'a' + 10;
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	return n == 32 && hi < 0;
}

/* tls_client_trust - load the CAs a client trusts into ctx: ca_file (each
 * certificate in it a trust anchor), else the system's default paths; 0 or
 * -1 with err */
static int tls_client_trust(SSL_CTX *ctx, const char *ca_file, struct buf *err)
{
	if (ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			tls_ssl_error(err, ca_file);
			return -1;
		}
		/* what the user names is trusted as it is, even an intermediate
		 * CA or a server's own certificate that is not self-signed */
		X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx), X509_V_FLAG_PARTIAL_CHAIN);
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		tls_ssl_error(err, _("cannot load the system's trusted certificates"));
		return -1;
	}
	return 0;
}

/* tls_client_new - a client context; the caller owns it (tls_client_free) */
struct tls_client *tls_client_new(const struct tls_client_opts *o, struct buf *err)
{
	struct tls_client *t = xcalloc(1, sizeof(*t));

	if (o->pin_sha256 != NULL && *o->pin_sha256 != '\0') {
		if (!tls_parse_pin(o->pin_sha256, t->pin)) {
			buf_printf(err, _("%s: not a SHA-256 fingerprint (64 hex digits)"),
				   o->pin_sha256);
			free(t);
			return NULL;
		}
		t->has_pin = true;
	}
	t->no_verify = o->no_verify;
	t->ctx = tls_ctx_new(TLS_client_method(), err);
	if (t->ctx == NULL || (!t->no_verify && !t->has_pin &&
			       tls_client_trust(t->ctx, o->ca_file, err) < 0)) {
		tls_client_free(t);
		return NULL;
	}
	SSL_CTX_set_verify(t->ctx, t->no_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
			   t->no_verify ? NULL : tls_verify_callback);
	return t;
}

void tls_client_free(struct tls_client *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

SSL_CTX *tls_client_ctx(const struct tls_client *t)
{
	return t->ctx;
}
