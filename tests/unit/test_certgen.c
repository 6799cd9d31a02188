/* test_certgen.c - the self-signed certificate: it parses, matches its key,
 * verifies against itself, names the host, and the key is private. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "buf.h"
#include "certgen.h"
#include "xalloc.h"

/* read_pem - the certificate and key written by certgen */
static void read_pem(const char *cert, const char *key, X509 **x, EVP_PKEY **k)
{
	FILE *f = fopen(cert, "r");

	assert_non_null(f);
	*x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	f = fopen(key, "r");
	assert_non_null(f);
	*k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(*x);
	assert_non_null(*k);
}

static void test_selfsigned(void **state)
{
	char dir[] = "/tmp/poczta-test-cert.XXXXXX";
	char *cert, *key, *cmd;
	struct buf err = BUF_INIT;
	struct stat st;
	X509 *x;
	EVP_PKEY *k;

	assert_non_null(mkdtemp(dir));
	cert = xasprintf("%s/cert.pem", dir);
	key = xasprintf("%s/key.pem", dir);
	assert_int_equal(certgen_selfsigned(cert, key, "mail.example.org", 30, &err), 0);
	read_pem(cert, key, &x, &k);
	assert_int_equal(X509_check_private_key(x, k), 1);
	assert_int_equal(X509_verify(x, k), 1);
	assert_int_equal(X509_get_version(x), 2);
	assert_int_equal(X509_check_host(x, "mail.example.org", 0, 0, NULL), 1);
	assert_int_equal(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	assert_int_equal(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	assert_int_equal(X509_check_host(x, "other.example.org", 0, 0, NULL), 0);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	X509_free(x);
	EVP_PKEY_free(k);
	assert_int_equal(certgen_selfsigned(cert, key, "", 30, &err), -1);
	assert_true(err.len > 0);
	buf_reset(&err);
	assert_int_equal(certgen_selfsigned("/nonexistent/c", "/nonexistent/k", "h", 1, &err), -1);
	assert_non_null(strstr(buf_cstr(&err), "/nonexistent/k"));
	cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(cert);
	free(key);
	buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selfsigned),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
