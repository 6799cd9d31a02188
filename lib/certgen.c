/* certgen.c - a self-signed certificate through OpenSSL 3's EVP and X509
 * APIs (certgen.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "buf.h"
#include "certgen.h"
#include "fsutil.h"
#include "i18n.h"
#include "xalloc.h"

/* certgen_ssl_error - append what and OpenSSL's last error to err */
static void certgen_ssl_error(struct buf *err, const char *what)
{
	char text[256];
	unsigned long e = ERR_get_error();

	ERR_error_string_n(e, text, sizeof(text));
	buf_printf(err, "%s: %s", what, e ? text : _("unknown OpenSSL error"));
	ERR_clear_error();
}

/* certgen_is_ip - whether s is an IPv4 or IPv6 address */
static int certgen_is_ip(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* certgen_add_ext - add one v3 extension given as OpenSSL config text */
static int certgen_add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

/* certgen_extensions - a server certificate's extensions: names, use, keys */
static int certgen_extensions(X509 *x, const char *cn)
{
	char *san;
	int ok;

	if (strcmp(cn, "localhost") == 0)
		san = xstrdup("DNS:localhost,IP:127.0.0.1");
	else
		san = xasprintf("%s:%s,DNS:localhost,IP:127.0.0.1", certgen_is_ip(cn) ? "IP" : "DNS", cn);
	ok = certgen_add_ext(x, NID_subject_alt_name, san) &&
	     certgen_add_ext(x, NID_basic_constraints, "critical,CA:FALSE") &&
	     certgen_add_ext(x, NID_key_usage, "critical,digitalSignature,keyEncipherment") &&
	     certgen_add_ext(x, NID_ext_key_usage, "serverAuth") &&
	     certgen_add_ext(x, NID_subject_key_identifier, "hash");
	free(san);
	return ok;
}

/* certgen_serial - a random positive 128-bit serial number (RFC 5280 4.1.2.2) */
static int certgen_serial(X509 *x)
{
	unsigned char bytes[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return 0;
	bytes[0] &= 0x7f;
	bn = BN_bin2bn(bytes, sizeof(bytes), NULL);
	ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

/* certgen_make - a certificate for key, signed by key; NULL on failure.
 * The caller frees it with X509_free. */
static X509 *certgen_make(EVP_PKEY *key, const char *cn, int days)
{
	X509 *x = X509_new();
	X509_NAME *name;

	if (x == NULL || !X509_set_version(x, 2) || !certgen_serial(x))
		goto fail;
	if (!X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400L))
		goto fail;
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
					(const unsigned char *)"poczta", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) || !X509_set_pubkey(x, key))
		goto fail;
	if (!certgen_extensions(x, cn) || X509_sign(x, key, EVP_sha256()) <= 0)
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}

/* certgen_write - PEM text from a memory BIO to path, durably with mode */
static int certgen_write(BIO *bio, const char *path, mode_t mode, struct buf *err)
{
	char *data;
	long len = BIO_get_mem_data(bio, &data);

	if (atomic_write_file(path, data, (size_t)len, mode) < 0) {
		buf_printf(err, _("cannot write %s: %s"), path, strerror(errno));
		return -1;
	}
	return 0;
}

/* certgen_save - write key and certificate as PEM */
static int certgen_save(EVP_PKEY *key, X509 *x, const char *cert_path,
			const char *key_path, struct buf *err)
{
	BIO *kb = BIO_new(BIO_s_mem()), *cb = BIO_new(BIO_s_mem());
	int rc = -1;

	if (kb == NULL || cb == NULL ||
	    !PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(cb, x))
		certgen_ssl_error(err, _("cannot encode the key or certificate"));
	else if (certgen_write(kb, key_path, 0600, err) == 0 &&
		 certgen_write(cb, cert_path, 0644, err) == 0)
		rc = 0;
	BIO_free(kb);
	BIO_free(cb);
	return rc;
}

int certgen_selfsigned(const char *cert_path, const char *key_path,
		       const char *common_name, int days, struct buf *err)
{
	EVP_PKEY *key;
	X509 *x;
	int rc;

	if (common_name == NULL || *common_name == '\0' || days <= 0) {
		buf_puts(err, _("a certificate needs a name and a positive number of days"));
		return -1;
	}
	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (key == NULL) {
		certgen_ssl_error(err, _("cannot make an EC P-256 key"));
		return -1;
	}
	x = certgen_make(key, common_name, days);
	if (x == NULL) {
		certgen_ssl_error(err, _("cannot make the certificate"));
		EVP_PKEY_free(key);
		return -1;
	}
	rc = certgen_save(key, x, cert_path, key_path, err);
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}
