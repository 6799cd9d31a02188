/* test_buf.c - the growable buffer and the allocator helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"
#include "xalloc.h"
#include "dsn.h"
#include <sysexits.h>
#include <errno.h>

static void test_append_and_grow(void **state)
{
	struct buf b = BUF_INIT;
	int i;

	assert_string_equal(buf_cstr(&b), "");
	for (i = 0; i < 1000; i++)
		buf_puts(&b, "abc");
	assert_int_equal(b.len, 3000);
	assert_int_equal(b.data[b.len], '\0');
	assert_memory_equal(b.data + 2997, "abc", 3);
	buf_free(&b);
	assert_null(b.data);
}

static void test_printf_and_consume(void **state)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%d-%s", 42, "x");
	buf_append(&b, "\0y", 2);
	assert_int_equal(b.len, 6);
	buf_consume(&b, 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "x\0y", 3);
	buf_consume(&b, 10);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_free(&b);
}

static void test_detach(void **state)
{
	struct buf b = BUF_INIT;
	char *s;

	s = buf_detach(&b);
	assert_string_equal(s, "");
	free(s);
	buf_puts(&b, "hello");
	s = buf_detach(&b);
	assert_string_equal(s, "hello");
	assert_null(b.data);
	free(s);
}

static void test_x_free_nulls(void **state)
{
	char *p = xstrdup("x");
	x_free(&p);
	assert_null(p);
	p = xstrndup("abcdef", 3);
	assert_string_equal(p, "abc");
	x_free(&p);
}

static void test_dsn_mapping(void **state)
{
	struct dsn d;

	dsn_from_errno(&d, ENOSPC, "write %s", "tmp/x");
	assert_int_equal(d.status, DSN_TEMPFAIL);
	assert_string_equal(d.code, "4.3.1");
	assert_int_equal(dsn_sysexits(&d), EX_TEMPFAIL);
	assert_int_equal(dsn_smtp_code(&d), 452);
	assert_non_null(strstr(d.text, "write tmp/x: "));
	dsn_set(&d, DSN_PERMFAIL, "5.1.1", "no such user %s", "bob");
	assert_int_equal(dsn_sysexits(&d), EX_NOUSER);
	assert_int_equal(dsn_smtp_code(&d), 550);
	dsn_ok(&d, "delivered");
	assert_int_equal(dsn_sysexits(&d), EX_OK);
	assert_int_equal(dsn_smtp_code(&d), 250);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_grow),
		cmocka_unit_test(test_printf_and_consume),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_x_free_nulls),
		cmocka_unit_test(test_dsn_mapping),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
