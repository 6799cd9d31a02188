/* tls_verify.c - a client's check of the server's certificate: the chain
 * against the trusted CAs, the host name (RFC 6125 6.4, no partial
 * wildcards), or a pinned SHA-256 fingerprint instead of both. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "i18n.h"
#include "tls_int.h"
#include "xalloc.h"

/* tls_fingerprint - "AB:CD:..." SHA-256 of x's DER; the caller frees it */
char *tls_fingerprint(X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	struct buf b = BUF_INIT;

	if (x == NULL || !X509_digest(x, EVP_sha256(), md, &n))
		return NULL;
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%02X", i ? ":" : "", md[i]);
	return buf_detach(&b);
}

/* tls_pin_matches - whether x is the pinned certificate; why says not */
static bool tls_pin_matches(struct tls_verify *v, X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char *fp;

	if (X509_digest(x, EVP_sha256(), md, &n) && n == sizeof(v->client->pin) &&
	    memcmp(md, v->client->pin, n) == 0)
		return true;
	if (v->why.len == 0) {
		fp = tls_fingerprint(x);
		buf_printf(&v->why, _("certificate fingerprint %s is not the pinned one"),
			   fp ? fp : "?");
		free(fp);
	}
	return false;
}

/* tls_cert_names - the names x is for: its subjectAltName DNS and IP
 * entries, else its subject's CN; appended to out, comma separated */
static void tls_cert_names(X509 *x, struct buf *out)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	size_t start = out->len;
	char ip[INET6_ADDRSTRLEN], cn[256];
	int i;

	for (i = 0; i < sk_GENERAL_NAME_num(sans); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
		const unsigned char *d = ASN1_STRING_get0_data(g->d.ia5);
		int len = ASN1_STRING_length(g->d.ia5);
		const char *sep = out->len > start ? ", " : "";
		if (g->type == GEN_DNS)
			buf_printf(out, "%s%.*s", sep, len, (const char *)d);
		else if (g->type == GEN_IPADD && (len == 4 || len == 16) &&
			 inet_ntop(len == 4 ? AF_INET : AF_INET6, d, ip, sizeof(ip)))
			buf_printf(out, "%s%s", sep, ip);
	}
	GENERAL_NAMES_free(sans);
	if (out->len == start && X509_NAME_get_text_by_NID(X509_get_subject_name(x),
							   NID_commonName, cn, sizeof(cn)) > 0)
		buf_puts(out, cn);
	if (out->len == start)
		buf_puts(out, _("no name"));
}

/* tls_verify_why - put into v->why why x's chain or name was refused */
static void tls_verify_why(struct tls_verify *v, X509_STORE_CTX *x)
{
	int e = X509_STORE_CTX_get_error(x);
	X509 *cert = X509_STORE_CTX_get_current_cert(x);
	struct buf names = BUF_INIT;
	char subject[256] = "?";

	if ((e == X509_V_ERR_HOSTNAME_MISMATCH || e == X509_V_ERR_IP_ADDRESS_MISMATCH) &&
	    cert != NULL) {
		tls_cert_names(cert, &names);
		/* L10N: certificate is for mail.example.org, localhost, not smtp.example.com */
		buf_printf(&v->why, _("certificate is for %s, not %s"), names.data, v->host);
		buf_free(&names);
		return;
	}
	if (cert != NULL)
		X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof(subject));
	buf_printf(&v->why, _("certificate of %s refused: %s (depth %d, subject %s)"),
		   v->host ? v->host : "?", X509_verify_cert_error_string(e),
		   X509_STORE_CTX_get_error_depth(x), subject);
}

/* tls_verify_callback - called by OpenSSL for each certificate of the
 * chain.  With a pin only the leaf (depth 0) counts, and only by its
 * fingerprint; otherwise OpenSSL's verdict stands, and the first refusal
 * is kept in words for the caller. */
int tls_verify_callback(int ok, X509_STORE_CTX *x)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_verify *v = ssl ? SSL_get_app_data(ssl) : NULL;

	if (v == NULL)
		return ok;
	if (v->client->has_pin) {
		if (X509_STORE_CTX_get_error_depth(x) != 0)
			return 1;
		return tls_pin_matches(v, X509_STORE_CTX_get_current_cert(x));
	}
	if (!ok && v->why.len == 0)
		tls_verify_why(v, x);
	return ok;
}

/* tls_is_ip - whether s is a literal IPv4 or IPv6 address */
static bool tls_is_ip(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* tls_client_prepare - name checks (unless pinned or unverified) and SNI */
int tls_client_prepare(SSL *ssl, struct tls_verify *v, struct buf *err)
{
	const struct tls_client *t = v->client;
	bool ip = v->host != NULL && tls_is_ip(v->host);
	int ok = 1;

	SSL_set_app_data(ssl, v);
	if (!t->no_verify && !t->has_pin) {
		if (v->host == NULL || *v->host == '\0') {
			buf_puts(err, _("no host name to check the certificate against"));
			return -1;
		}
		SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), v->host)
			: SSL_set1_host(ssl, v->host);
	}
	/* RFC 6066 3: SNI carries host names, never literal addresses */
	if (ok && v->host != NULL && *v->host != '\0' && !ip)
		ok = SSL_set_tlsext_host_name(ssl, v->host);
	if (!ok) {
		tls_ssl_error(err, v->host);
		return -1;
	}
	return 0;
}

/* tls_client_check - after the handshake, the policy once more: the pin,
 * or OpenSSL's verdict, with the reason kept by the callback */
int tls_client_check(SSL *ssl, struct tls_verify *v, struct buf *err)
{
	X509 *x = SSL_get0_peer_certificate(ssl);
	long r;

	if (v->client->no_verify)
		return 0;
	if (x == NULL) {
		buf_puts(err, _("the server sent no certificate"));
		return -1;
	}
	if (v->client->has_pin) {
		if (tls_pin_matches(v, x))
			return 0;
		buf_puts(err, v->why.data);
		return -1;
	}
	r = SSL_get_verify_result(ssl);
	if (r == X509_V_OK)
		return 0;
	if (v->why.len)
		buf_puts(err, v->why.data);
	else
		buf_puts(err, X509_verify_cert_error_string(r));
	return -1;
}
