/* test_sieve_limits.c - Sieve under hostile scripts and messages: nesting,
 * redirect and variable limits, exponential patterns, NUL bytes, large
 * messages, and what --test prints. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "sieve_fixtures.h"
#include "buf.h"
#include "sieve.h"
#include "xalloc.h"

/* ---- limits, hostile input, describe ---- */

/* run_script - compile script (failing the test if it does not) and run
 * it on data; returns sieve_execute's value */
static int run_script(const char *script, const char *data, size_t len, struct sieve_result *r)
{
	struct sieve_error err;
	struct sieve_script *s = sieve_compile(script, strlen(script), &err);
	struct sieve_message m = { data, len, ENV_FROM, ENV_TO };
	int rc;

	if (!s)
		fail_msg("does not compile: %d:%d: %s", err.line, err.column, err.message);
	rc = sieve_execute(s, &m, r);
	sieve_free(s);
	return rc;
}

static void test_nesting_limit(void **state)
{
	struct buf b = BUF_INIT;
	struct sieve_error err;
	struct sieve_script *s;
	int i;

	for (i = 0; i < 99; i++)
		buf_puts(&b, "if true {\n");
	buf_puts(&b, "discard;\n");
	for (i = 0; i < 99; i++)
		buf_puts(&b, "}\n");
	s = sieve_compile(b.data, b.len, &err);
	assert_non_null(s);
	sieve_free(s);
	buf_reset(&b);
	for (i = 0; i < 101; i++)
		buf_puts(&b, "if true {\n");
	s = sieve_compile(b.data, b.len, &err);
	assert_null(s);
	assert_non_null(strstr(err.message, "nesting"));
	assert_int_equal(err.line, 101);
	buf_reset(&b);
	buf_puts(&b, "if ");
	for (i = 0; i < 200; i++)
		buf_puts(&b, "not ");
	buf_puts(&b, "true { }");
	s = sieve_compile(b.data, b.len, &err);
	assert_null(s);
	assert_non_null(strstr(err.message, "nesting"));
	buf_free(&b);
}

static void test_redirect_limit(void **state)
{
	struct buf b = BUF_INIT;
	struct sieve_result r;
	int i;

	for (i = 0; i < 50; i++)
		buf_printf(&b, "redirect \"u%d@example.org\";\n", i);
	assert_int_equal(run_script(b.data, msg_coyote, strlen(msg_coyote), &r), 0);
	assert_int_equal(r.n, 50);
	assert_string_equal(r.actions[49].target, "u49@example.org");
	assert_int_equal(r.actions[49].line, 50);
	sieve_result_free(&r);
	buf_puts(&b, "redirect \"one-too-many@example.org\";\n");
	assert_int_equal(run_script(b.data, msg_coyote, strlen(msg_coyote), &r), -1);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.actions[0].type, SIEVE_KEEP);
	assert_true(r.implicit_keep);
	assert_non_null(strstr(r.error, "redirect"));
	sieve_result_free(&r);
	buf_free(&b);
}

static void test_long_elsif_chain(void **state)
{
	struct buf b = BUF_INIT;
	struct sieve_result r;
	int i;

	buf_puts(&b, "if false { }\n");
	for (i = 0; i < 20000; i++)
		buf_puts(&b, "elsif false { }\n");
	buf_puts(&b, "else { discard; }\n");
	assert_int_equal(run_script(b.data, msg_coyote, strlen(msg_coyote), &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.actions[0].type, SIEVE_DISCARD);
	assert_int_equal(r.actions[0].line, 20002);
	sieve_result_free(&r);
	buf_free(&b);
}

/* :matches must stay polynomial: a pattern that makes a naive recursive
 * matcher explode runs in well under a second here */
static void test_matches_not_exponential(void **state)
{
	struct buf script = BUF_INIT, msg = BUF_INIT;
	struct sieve_result r;
	clock_t t0 = clock();
	int i;

	buf_puts(&msg, "Subject: ");
	for (i = 0; i < 3000; i++)
		buf_putc(&msg, 'a');
	buf_puts(&msg, "\n\nx\n");
	buf_puts(&script, "if header :matches \"Subject\" \"");
	for (i = 0; i < 30; i++)
		buf_puts(&script, "*a");
	buf_puts(&script, "*b\" { discard; }");
	assert_int_equal(run_script(script.data, msg.data, msg.len, &r), 0);
	assert_int_equal(r.actions[0].type, SIEVE_KEEP);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	sieve_result_free(&r);
	buf_free(&script);
	buf_free(&msg);
}

/* NUL bytes, 8-bit data, bare headers, a message that is not one */
static void test_hostile_messages(void **state)
{
	static const char nul_msg[] = "Subject: a\0b\nX-8bit: \xff\xfe\n\nbo\0dy";
	static const char *const odd[] = { "", "\n", "no colon at all", ":\n\n", " folded\n\n", "A:\r" };
	const char *script = "require [\"body\", \"variables\", \"fileinto\"];\n"
		"if header :matches \"Subject\" \"a*\" { set \"s\" \"${1}\"; }\n"
		"if body :raw :contains \"dy\" { discard; }\n"
		"if header :contains \"X-8bit\" \"\xff\" { keep; }\n"
		"if address :all :contains \"Subject\" \"a\" { keep; }\n";
	struct sieve_result r;
	size_t i;

	assert_int_equal(run_script(script, nul_msg, sizeof nul_msg - 1, &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.actions[0].type, SIEVE_KEEP);
	assert_int_equal(r.actions[0].line, 4);
	sieve_result_free(&r);
	for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		assert_int_equal(run_script(script, odd[i], strlen(odd[i]), &r), 0);
		assert_int_equal(r.actions[0].type, SIEVE_KEEP);
		sieve_result_free(&r);
	}
	assert_int_equal(run_script(script, NULL, 0, &r), 0);
	sieve_result_free(&r);
}

/* a NUL byte from the message must not reach a folder name */
static void test_nul_into_folder(void **state)
{
	static const char msg[] = "Subject: a\0b\n\nx\n";
	struct sieve_result r;

	assert_int_equal(run_script("require [\"variables\", \"fileinto\"];\n"
				    "if header :matches \"Subject\" \"*\" { fileinto \"${1}\"; }",
				    msg, sizeof msg - 1, &r), -1);
	assert_int_equal(r.n, 1);
	assert_true(r.implicit_keep);
	sieve_result_free(&r);
}

static void test_nul_in_script(void **state)
{
	static const char script[] = "keep;\n  \0";
	struct sieve_error err;

	assert_null(sieve_compile(script, sizeof script - 1, &err));
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 3);
}

static void test_variable_growth_capped(void **state)
{
	struct buf b = BUF_INIT;
	struct sieve_result r;
	int i;

	buf_puts(&b, "require \"variables\";\nset \"a\" \"0123456789\";\n");
	for (i = 0; i < 40; i++)
		buf_puts(&b, "set \"a\" \"${a}${a}\";\n");
	buf_puts(&b, "set :length \"n\" \"${a}\";\nif string :is \"${n}\" \"4096\" { discard; }\n");
	assert_int_equal(run_script(b.data, msg_coyote, strlen(msg_coyote), &r), 0);
	assert_int_equal(r.actions[0].type, SIEVE_DISCARD);
	sieve_result_free(&r);
	buf_free(&b);
}

static void test_variable_count_limit(void **state)
{
	struct buf b = BUF_INIT;
	struct sieve_result r;
	int i;

	buf_puts(&b, "require \"variables\";\n");
	for (i = 0; i < 255; i++)
		buf_printf(&b, "set \"v%d\" \"x\";\n", i);
	buf_puts(&b, "discard;\n");
	assert_int_equal(run_script(b.data, msg_coyote, strlen(msg_coyote), &r), 0);
	assert_int_equal(r.actions[0].type, SIEVE_DISCARD);
	sieve_result_free(&r);
	buf_puts(&b, "set \"one_more\" \"x\";\n");
	assert_int_equal(run_script(b.data, msg_coyote, strlen(msg_coyote), &r), -1);
	assert_true(r.implicit_keep);
	assert_non_null(strstr(r.error, "variables"));
	sieve_result_free(&r);
	buf_free(&b);
}

static void test_describe(void **state)
{
	const char *script =
		"require [\"fileinto\", \"imap4flags\", \"copy\"];\n"
		"redirect :copy \"Bob <bob@example.org>\";\n"
		"addflag [\"\\\\Seen\", \"\\\\Flagged\"];\n"
		"if true {\n"
		"  fileinto :copy \"Lists.debian\";\n"
		"}\n";
	struct sieve_result r;
	struct buf out = BUF_INIT;

	assert_int_equal(run_script(script, msg_coyote, strlen(msg_coyote), &r), 0);
	sieve_result_describe(&r, &out);
	assert_string_equal(buf_cstr(&out),
			    "redirect \"bob@example.org\" (line 2)\n"
			    "fileinto \"Lists.debian\" (line 5) flags: \\Seen \\Flagged\n"
			    "keep (implicit) flags: \\Seen \\Flagged\n");
	sieve_result_free(&r);
	buf_reset(&out);
	assert_int_equal(run_script("if true {\n discard;\n}", msg_coyote, strlen(msg_coyote), &r), 0);
	sieve_result_describe(&r, &out);
	assert_string_equal(buf_cstr(&out), "discard (line 2)\n");
	sieve_result_free(&r);
	buf_reset(&out);
	assert_int_equal(run_script("require [\"fileinto\", \"variables\"];\nset \"f\" \"a\\\"b\";\nfileinto \"${f}\";",
				    msg_coyote, strlen(msg_coyote), &r), 0);
	sieve_result_describe(&r, &out);
	assert_string_equal(buf_cstr(&out), "fileinto \"a\\\"b\" (line 3)\n");
	sieve_result_free(&r);
	buf_reset(&out);
	assert_int_equal(run_script("require \"variables\";\nset \"a\" \"x\";\nredirect \"${a}\";",
				    msg_coyote, strlen(msg_coyote), &r), -1);
	sieve_result_describe(&r, &out);
	assert_non_null(strstr(buf_cstr(&out), "error: redirect: invalid address \"x\"\n"));
	assert_non_null(strstr(buf_cstr(&out), "\nkeep (implicit)\n"));
	sieve_result_free(&r);
	buf_free(&out);
}

/* a large message: header tests must not depend on its size */
static void test_large_message(void **state)
{
	size_t len = 8 * 1024 * 1024;
	char *data = xmalloc(len);
	const char *head = "Subject: big\nFrom: a@b.example\n\n";
	struct sieve_result r;

	memset(data, 'x', len);
	memcpy(data, head, strlen(head));
	assert_int_equal(run_script("require \"body\";\nif header :is \"subject\" \"big\" { keep; }\n"
				    "if body :raw :contains \"y\" { discard; }\nif size :over 8M { discard; }",
				    data, len, &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.actions[0].line, 2);
	sieve_result_free(&r);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_redirect_limit),
		cmocka_unit_test(test_long_elsif_chain),
		cmocka_unit_test(test_matches_not_exponential),
		cmocka_unit_test(test_hostile_messages),
		cmocka_unit_test(test_nul_into_folder),
		cmocka_unit_test(test_nul_in_script),
		cmocka_unit_test(test_variable_growth_capped),
		cmocka_unit_test(test_variable_count_limit),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_large_message),
	};
	return cmocka_run_group_tests_name("sieve_limits", tests, NULL, NULL);
}
