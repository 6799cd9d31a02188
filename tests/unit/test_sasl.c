/* test_sasl.c - base64 (RFC 4648 test vectors, padding, garbage) and the
 * PLAIN (RFC 4616) and LOGIN message rules of lib/sasl.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"
#include "sasl.h"

/* decode - in as a C string; returns the decoded bytes in a static
 * buffer and their count in *n, or NULL if refused */
static const char *decode(const char *in, size_t *n)
{
	static unsigned char out[1024];

	assert_true(sasl_b64_decoded_max(strlen(in)) <= sizeof(out));
	return sasl_b64_decode(in, strlen(in), out, n) ? (const char *)out : NULL;
}

/* RFC 4648 10: the test vectors, both ways */
static void test_b64_vectors(void **state)
{
	static const char *const v[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	struct buf b = BUF_INIT;
	const char *d;
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		buf_reset(&b);
		sasl_b64_encode(v[i][0], strlen(v[i][0]), &b);
		assert_string_equal(buf_cstr(&b), v[i][1]);
		d = decode(v[i][1], &n);
		assert_non_null(d);
		assert_int_equal(n, strlen(v[i][0]));
		assert_memory_equal(d, v[i][0], n);
	}
	buf_free(&b);
}

/* every byte value, and both 62 and 63 ("+" and "/") */
static void test_b64_all_bytes(void **state)
{
	unsigned char all[256];
	struct buf b = BUF_INIT;
	const char *d;
	size_t i, n;

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	sasl_b64_encode(all, sizeof(all), &b);
	assert_non_null(strchr(buf_cstr(&b), '+'));
	assert_non_null(strchr(buf_cstr(&b), '/'));
	d = decode(buf_cstr(&b), &n);
	assert_non_null(d);
	assert_int_equal(n, 256);
	assert_memory_equal(d, all, 256);
	buf_free(&b);
}

/* what a strict decoder refuses */
static void test_b64_garbage(void **state)
{
	static const char *const bad[] = {
		"Zg", "Zg=", "Zg===", "Z===", "====", "=Zg=", "Zm9v=", "Zm=v",
		"Zg==Zg==",		/* padding inside */
		"Zh==", "Zm9=",		/* pad bits not zero (RFC 4648 3.5) */
		"Zm9v\n", " Zm9v", "Zm 9v", "Zm9v\r\n", "Zm-v", "Zm_v", "Zm9*", "Zm9\x80",
	};
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(decode(bad[i], &n));
}

/* a NUL inside the input is garbage, not an end; a NUL decoded is data */
static void test_b64_nul(void **state)
{
	unsigned char out[8];
	const char *d;
	size_t n;

	assert_false(sasl_b64_decode("Zm\0v", 4, out, &n));
	d = decode("AGEA", &n);
	assert_non_null(d);
	assert_int_equal(n, 3);
	assert_memory_equal(d, "\0a\0", 3);
}

/* long input: 12288 characters, what RFC 4954 4 lets a response be */
static void test_b64_long(void **state)
{
	size_t len = 12288, n;
	char *in = malloc(len);
	unsigned char *out = malloc(sasl_b64_decoded_max(len));

	memset(in, 'A', len);
	assert_int_equal(sasl_b64_decoded_max(len), 9216);
	assert_true(sasl_b64_decode(in, len, out, &n));
	assert_int_equal(n, 9216);
	in[len - 1] = '=';					/* "AAA=" */
	assert_true(sasl_b64_decode(in, len, out, &n));
	assert_int_equal(n, 9215);
	in[len - 2] = '=';					/* "AA==" */
	assert_true(sasl_b64_decode(in, len, out, &n));
	assert_int_equal(n, 9214);
	in[len - 3] = 'B';					/* "AB==": pad bits set */
	assert_false(sasl_b64_decode(in, len, out, &n));
	assert_false(sasl_b64_decode(in, len - 1, out, &n));
	free(in);
	free(out);
}

static void test_utf8(void **state)
{
	assert_true(sasl_utf8_valid("", 0));
	assert_true(sasl_utf8_valid("abc", 3));
	assert_true(sasl_utf8_valid("\xc5\xbc\xc3\xb3\xc5\x82w", 7));
	assert_true(sasl_utf8_valid("\xf4\x8f\xbf\xbf", 4));		/* U+10FFFF */
	assert_false(sasl_utf8_valid("\xc0\xaf", 2));			/* overlong "/" */
	assert_false(sasl_utf8_valid("\xe0\x80\xaf", 3));		/* overlong */
	assert_false(sasl_utf8_valid("\xed\xa0\x80", 3));		/* surrogate */
	assert_false(sasl_utf8_valid("\xf4\x90\x80\x80", 4));		/* past U+10FFFF */
	assert_false(sasl_utf8_valid("\xc5", 1));			/* cut short */
	assert_false(sasl_utf8_valid("\xff", 1));
	assert_false(sasl_utf8_valid("\x80", 1));
}

/* plain - parse n bytes of m (copied, NUL added); true if accepted */
static bool plain(const char *m, size_t n, struct sasl_plain *p, char *copy)
{
	memcpy(copy, m, n);
	copy[n] = '\0';
	return sasl_plain_parse(copy, n, p);
}

static void test_plain(void **state)
{
	static char copy[1024];
	char big[600];
	struct sasl_plain p;

	assert_true(plain("\0alice\0secret", 13, &p, copy));
	assert_string_equal(p.authzid, "");
	assert_string_equal(p.authcid, "alice");
	assert_string_equal(p.passwd, "secret");
	assert_true(plain("bob\0alice\0pass word", 19, &p, copy));
	assert_string_equal(p.authzid, "bob");
	assert_string_equal(p.passwd, "pass word");
	assert_false(plain("", 0, &p, copy));
	assert_false(plain("\0alice", 6, &p, copy));		/* one NUL */
	assert_false(plain("alice\0secret", 12, &p, copy));
	assert_false(plain("\0alice\0secret\0", 14, &p, copy));	/* three */
	assert_false(plain("\0\0secret", 8, &p, copy));		/* empty authcid */
	assert_false(plain("\0alice\0", 7, &p, copy));		/* empty passwd */
	assert_false(plain("\0al\xffice\0secret", 14, &p, copy));
	assert_false(plain("\xc0\xaf\0alice\0secret", 14, &p, copy));
	assert_false(plain("\0al\nice\0secret", 14, &p, copy));	/* control in identity */
	assert_true(plain("\0alice\0sec\tret", 14, &p, copy));	/* allowed in passwd */
	/* 255 octets each is the most */
	memset(big, 'x', sizeof(big));
	big[0] = '\0';
	big[6] = '\0';
	assert_true(plain(big, 7 + 255, &p, copy));
	assert_int_equal(strlen(p.passwd), 255);
	assert_false(plain(big, 7 + 256, &p, copy));
	memcpy(big, "\0", 1);
	big[256] = '\0';
	big[6] = 'x';
	assert_true(plain(big, 257 + 6, &p, copy));		/* authcid 255 */
	big[256] = 'x';
	big[257] = '\0';
	assert_false(plain(big, 258 + 6, &p, copy));		/* authcid 256 */
}

static void test_login(void **state)
{
	assert_true(sasl_login_value("alice", 5, true));
	assert_false(sasl_login_value("", 0, true));
	assert_false(sasl_login_value("", 0, false));
	assert_false(sasl_login_value("al\0ce", 5, true));
	assert_false(sasl_login_value("se\0ret", 6, false));
	assert_false(sasl_login_value("al\rce", 5, true));
	assert_true(sasl_login_value("se\rret", 6, false));
	assert_false(sasl_login_value("\xff", 1, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64_vectors),
		cmocka_unit_test(test_b64_all_bytes),
		cmocka_unit_test(test_b64_garbage),
		cmocka_unit_test(test_b64_nul),
		cmocka_unit_test(test_b64_long),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_login),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
