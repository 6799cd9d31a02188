/* test_users.c - the users file: parsing, errors, look-ups, changes, saving,
 * and the PBKDF2 password hashes (checked against Python's hashlib). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "buf.h"
#include "fsutil.h"
#include "users.h"
#include "xalloc.h"

/* hashlib.pbkdf2_hmac("sha256", b"secret", b"0123456789abcdef", 1000) */
#define KNOWN "$pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$tiKWHy4FAGCWE8gn6GtKhaxD2OeeAUUWXFT/p1aaNl8="
/* the same truncated to 20 bytes, base64 without padding */
#define KNOWN20 "$pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg$tiKWHy4FAGCWE8gn6GtKhaxD2Oc"

static char dir[] = "/tmp/poczta-test-users.XXXXXX";

/* load_text - write text to a file in dir and load it */
static struct users *load_text(const char *text, struct buf *errs)
{
	char *path = xasprintf("%s/users", dir);
	struct users *u;

	assert_int_equal(atomic_write_file(path, text, strlen(text), 0600), 0);
	u = users_load(path, errs);
	free(path);
	return u;
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf %s", dir);
	int rc = system(cmd);
	free(cmd);
	return rc;
}

static void test_known_vectors(void **state)
{
	struct user u = { "ann", KNOWN, NULL, 0 };

	assert_true(users_verify(&u, "secret"));
	assert_false(users_verify(&u, "Secret"));
	assert_false(users_verify(&u, ""));
	u.hash = KNOWN20;
	assert_true(users_verify(&u, "secret"));
	assert_false(users_verify(NULL, "secret"));
}

static void test_hash_round_trip(void **state)
{
	char *h1 = users_hash_password_iter("pässword", 1000);
	char *h2 = users_hash_password_iter("pässword", 1000);
	struct user u = { "ann", h1, NULL, 0 };

	assert_non_null(strstr(h1, "$pbkdf2-sha256$1000$"));
	assert_string_not_equal(h1, h2);	/* salted */
	assert_true(users_verify(&u, "pässword"));
	assert_false(users_verify(&u, "password"));
	u.hash = h2;
	assert_true(users_verify(&u, "pässword"));
	free(h1);
	free(h2);
	h1 = users_hash_password("x");
	assert_non_null(strstr(h1, "$pbkdf2-sha256$100000$"));
	free(h1);
}

static void test_malformed_hashes_never_verify(void **state)
{
	static const char *const bad[] = {
		"*", "", "$pbkdf2-sha256$", "$pbkdf2-sha256$0$MDEyMzQ1Njc4OWFiY2RlZg$tiKWHy4FAGCWE8gn6GtKhaxD2Oc",
		"$pbkdf2-sha256$99999999999$MDEyMzQ1Njc4OWFiY2RlZg$tiKWHy4FAGCWE8gn6GtKhaxD2Oc",
		"$pbkdf2-sha256$1000$!!!!$tiKWHy4FAGCWE8gn6GtKhaxD2Oc",
		"$pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg$",
		"$pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg",
		"$pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg$a",
		"$pbkdf2-sha1$1000$MDEyMzQ1Njc4OWFiY2RlZg$tiKWHy4FAGCWE8gn6GtKhaxD2Oc",
		"$pbkdf2-sha256$+1000$MDEyMzQ1Njc4OWFiY2RlZg$tiKWHy4FAGCWE8gn6GtKhaxD2Oc",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct user u = { "ann", (char *)bad[i], NULL, 0 };
		if (users_verify(&u, "secret"))
			fail_msg("hash %zu verified", i);
	}
}

static void test_load_and_find(void **state)
{
	struct buf errs = BUF_INIT;
	struct users *u = load_text("# users\n\nann:" KNOWN ":ann@example.org,Ann.Smith@Example.org\n"
				    "bob:*\r\ncarl:" KNOWN ":\n", &errs);
	const struct user *a;

	assert_string_equal(buf_cstr(&errs), "");
	assert_int_equal(users_count(u), 3);
	a = users_find(u, "ann");
	assert_non_null(a);
	assert_int_equal(a->naddresses, 2);
	assert_ptr_equal(users_find_address(u, "ann.smith@EXAMPLE.ORG"), a);
	assert_null(users_find_address(u, "bob@example.org"));
	assert_string_equal(users_at(u, 1)->name, "bob");
	assert_string_equal(users_at(u, 1)->hash, "*");
	assert_int_equal(users_at(u, 2)->naddresses, 0);
	assert_null(users_at(u, 3));
	assert_null(users_find(u, "Ann"));
	assert_false(users_verify(users_find(u, "bob"), "*"));
	users_free(u);
	buf_free(&errs);
}

static const struct {
	const char *line;
	const char *error;
} bad_lines[] = {
	{ "just-a-name", "expected name:password-hash:addresses" },
	{ "Ann:*", "bad user name" },
	{ ":*", "bad user name" },
	{ ".x:*", "bad user name" },
	{ "a/b:*", "bad user name" },
	{ "ann:secret", "bad password hash" },
	{ "ann:*:not-an-address", "bad address list" },
	{ "ann:*:a@b,,c@d", "bad address list" },
	{ "ann:*:a b@c", "bad address list" },
	{ "ann:*:x@y:extra", "bad address list" },
	{ "x12345678901234567890123456789012345678901234567890123456789012345:*", "bad user name" },
};

static void test_bad_lines(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		struct buf errs = BUF_INIT;
		char *text = xasprintf("ok:*\n%s\nzed:*\n", bad_lines[i].line);
		struct users *u = load_text(text, &errs);
		if (strstr(buf_cstr(&errs), bad_lines[i].error) == NULL ||
		    strstr(buf_cstr(&errs), "/users:2: ") == NULL)
			fail_msg("case %zu: %s", i, buf_cstr(&errs));
		assert_int_equal(users_count(u), 2);
		users_free(u);
		free(text);
		buf_free(&errs);
	}
}

static void test_duplicates_and_hostile(void **state)
{
	struct buf errs = BUF_INIT, text = BUF_INIT;
	struct users *u = load_text("ann:*:a@x\nann:*\nbob:*:A@X\n", &errs);
	int i;

	assert_int_equal(users_count(u), 1);
	assert_non_null(strstr(buf_cstr(&errs), ":2: duplicate user"));
	assert_non_null(strstr(buf_cstr(&errs), ":3: address A@X already belongs to ann"));
	users_free(u);
	buf_reset(&errs);
	buf_append(&text, "ann:*\0:x\n", 9);
	for (i = 0; i < 9000; i++)
		buf_putc(&text, 'a');
	buf_puts(&text, ":*\n");
	{
		char *path = xasprintf("%s/users", dir);
		assert_int_equal(atomic_write_file(path, text.data, text.len, 0600), 0);
		u = users_load(path, &errs);
		free(path);
	}
	assert_int_equal(users_count(u), 0);
	assert_non_null(strstr(buf_cstr(&errs), ":1: NUL byte"));
	assert_non_null(strstr(buf_cstr(&errs), ":2: NUL byte or line too long"));
	users_free(u);
	buf_free(&errs);
	buf_free(&text);
}

static void test_missing_file_is_empty(void **state)
{
	struct buf errs = BUF_INIT;
	struct users *u = users_load("/nonexistent-poczta/users", &errs);

	assert_non_null(u);
	assert_int_equal(users_count(u), 0);
	assert_int_equal(errs.len, 0);
	users_free(u);
	assert_null(users_load("/", &errs));	/* a directory cannot be read */
	assert_true(errs.len > 0);
	buf_free(&errs);
}

static void test_set_and_save(void **state)
{
	struct buf errs = BUF_INIT;
	struct users *u = load_text("# keep me\nann:*:ann@x\nbroken line\n", &errs);
	const char *addrs[] = { "bob@x", "b@y", NULL };
	const char *taken[] = { "ANN@x", NULL };
	char *path = xasprintf("%s/users", dir), *text;
	struct stat st;

	buf_reset(&errs);
	assert_true(users_set(u, "bob", KNOWN, addrs, &errs));
	assert_false(users_set(u, "carl", NULL, taken, &errs));
	assert_non_null(strstr(buf_cstr(&errs), "already belongs to ann"));
	assert_false(users_set(u, "Carl", NULL, NULL, &errs));
	assert_false(users_set(u, "carl", "bad:hash", NULL, &errs));
	assert_true(users_set(u, "ann", KNOWN, NULL, &errs));	/* keeps addresses */
	assert_int_equal(users_save(u, path), 0);
	users_free(u);
	text = read_file(path, NULL);
	assert_string_equal(text, "# keep me\nann:" KNOWN ":ann@x\nbroken line\nbob:" KNOWN ":bob@x,b@y\n");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	buf_reset(&errs);
	u = users_load(path, &errs);
	assert_true(users_verify(users_find(u, "bob"), "secret"));
	users_free(u);
	u = users_new();
	assert_true(users_set(u, "new", NULL, NULL, &errs));
	assert_int_equal(users_save(u, path), 0);
	text = read_file(path, NULL);
	assert_non_null(strstr(text, "# poczta users"));
	assert_non_null(strstr(text, "\nnew:*\n"));
	free(text);
	users_free(u);
	free(path);
	buf_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_hash_round_trip),
		cmocka_unit_test(test_malformed_hashes_never_verify),
		cmocka_unit_test(test_load_and_find),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_duplicates_and_hostile),
		cmocka_unit_test(test_missing_file_is_empty),
		cmocka_unit_test(test_set_and_save),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
