/* test_conf.c - the poczta.conf reader: values, sections, every kind of error,
 * hostile input, paths, and the schema's own consistency. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"
#include "conf.h"
#include "settings.h"
#include "xalloc.h"

static const struct conf_option t_global[] = {
	{ "name", CONF_STRING, NULL, "a name", NULL },
	{ "dir", CONF_PATH, "state", "a dir", NULL },
	{ "count", CONF_INT, "7", "a count", NULL },
	{ "flag", CONF_BOOL, "no", "a flag", NULL },
	{ "size", CONF_SIZE, "1k", "a size", NULL },
	{ "wait", CONF_DURATION, "1m", "a wait", NULL },
	{ "listen", CONF_ENDPOINT, NULL, "an endpoint", NULL },
	{ "tags", CONF_LIST, "a,b", "a list", NULL },
	{ "mode", CONF_ENUM, "fast", "a mode", "fast|slow" },
	{ NULL, 0, NULL, NULL, NULL }
};
static const struct conf_option t_account[] = {
	{ "url", CONF_STRING, NULL, "where", NULL },
	{ NULL, 0, NULL, NULL, NULL }
};
static const struct conf_section_def t_schema[] = {
	{ "global", false, t_global, "g" },
	{ "account", true, t_account, "a" },
	{ NULL, false, NULL, NULL }
};

/* parse - text against t_schema as "/etc/t.conf"; errors into *errs */
static struct conf *parse(const char *text, struct buf *errs)
{
	return conf_parse("/etc/t.conf", text, strlen(text), t_schema, errs);
}

static void test_values_and_defaults(void **state)
{
	struct buf errs = BUF_INIT;
	struct conf *c = parse("# comment\n\n[global]\n  name = hello world  \n"
			       "count=42\r\nflag = Yes\nsize = 10m\nwait = 2h\n"
			       "listen = 127.0.0.1:2525\ntags = x , y,z\nmode = slow\n"
			       "[account work]\nurl = \"imaps://a b\\\"c\\\\\"\n"
			       "[account home]\nurl = pop3s://h\n", &errs);
	char **tags;
	size_t n;

	assert_string_equal(buf_cstr(&errs), "");
	assert_int_equal(conf_error_count(c), 0);
	assert_string_equal(conf_get(c, "global", NULL, "name"), "hello world");
	assert_int_equal(conf_get_int(c, "global", NULL, "count"), 42);
	assert_true(conf_get_bool(c, "global", NULL, "flag"));
	assert_int_equal(conf_get_size(c, "global", NULL, "size"), 10 << 20);
	assert_int_equal(conf_get_duration(c, "global", NULL, "wait"), 7200);
	assert_string_equal(conf_get(c, "global", NULL, "mode"), "slow");
	tags = conf_get_list(c, "global", NULL, "tags", &n);
	assert_int_equal(n, 3);
	assert_string_equal(tags[0], "x");
	assert_string_equal(tags[2], "z");
	assert_null(tags[3]);
	conf_list_free(tags);
	assert_string_equal(conf_get(c, "account", "work", "url"), "imaps://a b\"c\\");
	assert_int_equal(conf_count(c, "account"), 2);
	assert_string_equal(conf_name(c, "account", 1), "home");
	assert_null(conf_name(c, "account", 2));
	assert_int_equal(conf_line(c, "global", NULL, "count"), 5);
	assert_true(conf_is_set(c, "global", NULL, "name"));
	conf_free(c);
	buf_free(&errs);
}

static void test_defaults_when_unset(void **state)
{
	struct buf errs = BUF_INIT;
	struct conf *c = parse("", &errs);
	char *p;

	assert_int_equal(conf_error_count(c), 0);
	assert_null(conf_get(c, "global", NULL, "name"));
	assert_false(conf_is_set(c, "global", NULL, "name"));
	assert_int_equal(conf_get_int(c, "global", NULL, "count"), 7);
	assert_false(conf_get_bool(c, "global", NULL, "flag"));
	assert_int_equal(conf_get_size(c, "global", NULL, "size"), 1024);
	assert_int_equal(conf_get_duration(c, "global", NULL, "wait"), 60);
	assert_null(conf_get(c, "account", "nope", "url"));
	p = conf_get_path(c, "global", NULL, "dir");
	assert_string_equal(p, "/etc/state");
	free(p);
	assert_string_equal(conf_dir(c), "/etc");
	assert_string_equal(conf_path(c), "/etc/t.conf");
	conf_free(c);
	buf_free(&errs);
}

/* Each bad line gives exactly the error expected, with file, line and key. */
static const struct {
	const char *text;
	const char *error;
} bad_cases[] = {
	{ "[nosuch]\nx = 1\n", "/etc/t.conf:1: [nosuch]: unknown section\n" },
	{ "[global]\nnope = 1\n", "/etc/t.conf:2: nope: unknown key in [global]\n" },
	{ "[global]\ncount = -1\n", "/etc/t.conf:2: count: bad value \"-1\": expected a whole number\n" },
	{ "[global]\ncount = 99999999999999999999\n", "/etc/t.conf:2: count: bad value \"99999999999999999999\": expected a whole number\n" },
	{ "[global]\nflag = maybe\n", "/etc/t.conf:2: flag: bad value \"maybe\": expected yes or no\n" },
	{ "[global]\nsize = 10q\n", "/etc/t.conf:2: size: bad value \"10q\": expected a size such as 512k, 10m or 1g\n" },
	{ "[global]\nsize = 99999999999g\n", "/etc/t.conf:2: size: bad value \"99999999999g\": expected a size such as 512k, 10m or 1g\n" },
	{ "[global]\nwait = 5w\n", "/etc/t.conf:2: wait: bad value \"5w\": expected a duration such as 30s, 5m, 2h or 1d\n" },
	{ "[global]\nlisten = localhost\n", "/etc/t.conf:2: listen: bad value \"localhost\": expected host:port, [address]:port or unix:/path\n" },
	{ "[global]\nlisten = 1.2.3.4:70000\n", "/etc/t.conf:2: listen: bad value \"1.2.3.4:70000\": expected host:port, [address]:port or unix:/path\n" },
	{ "[global]\nlisten = [zz]:25\n", "/etc/t.conf:2: listen: bad value \"[zz]:25\": expected host:port, [address]:port or unix:/path\n" },
	{ "[global]\ntags = a,,b\n", "/etc/t.conf:2: tags: bad value \"a,,b\": expected a comma-separated list of words\n" },
	{ "[global]\nmode = medium\n", "/etc/t.conf:2: mode: bad value \"medium\": expected one of fast|slow\n" },
	{ "[global]\ndir =\n", "/etc/t.conf:2: dir: bad value \"\": expected a path\n" },
	{ "[global]\ncount = 1\ncount = 2\n", "/etc/t.conf:3: count: duplicate key (first set at line 2)\n" },
	{ "[account]\n", "/etc/t.conf:1: [account]: this section needs a name, as in [account NAME]\n" },
	{ "[global x]\n", "/etc/t.conf:1: [global x]: this section takes no name, write [global]\n" },
	{ "[account a b]\n", "/etc/t.conf:1: [account a b]: a section header is [type] or [type NAME]\n" },
	{ "[account a/b]\n", "/etc/t.conf:1: [account a/b]: bad section name: use letters, digits and ._@+- (at most 64)\n" },
	{ "[global\n", "/etc/t.conf:1: [global: a section header must end with ']'\n" },
	{ "[]\n", "/etc/t.conf:1: []: a section header is [type] or [type NAME]\n" },
	{ "[global]\n[global]\n", "/etc/t.conf:2: [global]: duplicate section (first at line 1)\n" },
	{ "[global]\njust some words\n", "/etc/t.conf:2: just: line without '=' (expected key = value)\n" },
	{ "[global]\n= 3\n", "/etc/t.conf:2: =: missing key before '='\n" },
	{ "name = x\n", "/etc/t.conf:1: name: key outside any section (put it under [global] or another)\n" },
	{ "[global]\nname = \"abc\n", "/etc/t.conf:2: name: missing closing quote\n" },
	{ "[global]\nname = \"abc\" x\n", "/etc/t.conf:2: name: text after the closing quote\n" },
	{ "[global]\nname = a\tb\n[x\n", "/etc/t.conf:3: [x: a section header must end with ']'\n" },
	{ "[global]\nno\033pe = 1\n", "/etc/t.conf:2: no?pe: unknown key in [global]\n" },
	{ "[global]\nname = a\033[2Jb\n", "/etc/t.conf:2: name: control character in the value\n" },
};

static void test_each_error(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct buf errs = BUF_INIT;
		struct conf *c = parse(bad_cases[i].text, &errs);
		assert_non_null(c);
		if (strcmp(buf_cstr(&errs), bad_cases[i].error) != 0)
			fail_msg("case %zu: got [%s] want [%s]", i, buf_cstr(&errs), bad_cases[i].error);
		assert_int_equal(conf_error_count(c), 1);
		conf_free(c);
		buf_free(&errs);
	}
}

static void test_goes_on_after_errors(void **state)
{
	struct buf errs = BUF_INIT;
	struct conf *c = parse("[global]\ncount = x\nflag = yes\n[bad]\nwhatever = 1\n"
			       "[global]\nmode = slow\n[account a]\nurl = u\nfoo = 1\n", &errs);

	assert_int_equal(conf_error_count(c), 4);
	assert_true(conf_get_bool(c, "global", NULL, "flag"));
	assert_int_equal(conf_get_int(c, "global", NULL, "count"), 7);	/* bad value: default */
	assert_string_equal(conf_get(c, "account", "a", "url"), "u");
	assert_non_null(strstr(buf_cstr(&errs), "/etc/t.conf:10: foo: unknown key in [account]\n"));
	conf_free(c);
	buf_free(&errs);
}

static void test_hostile_input(void **state)
{
	struct buf text = BUF_INIT, errs = BUF_INIT;
	struct conf *c;
	int i;

	buf_append(&text, "[global]\nname = a\0b\n", 20);
	for (i = 0; i < 10000; i++)
		buf_putc(&text, 'x');
	buf_puts(&text, "\ncount = 3\n");
	c = conf_parse("t", text.data, text.len, t_schema, &errs);
	assert_int_equal(conf_error_count(c), 2);
	assert_non_null(strstr(buf_cstr(&errs), "t:2: -: NUL byte in the line\n"));
	assert_non_null(strstr(buf_cstr(&errs), "t:3: -: line longer than 4096 bytes\n"));
	assert_int_equal(conf_get_int(c, "global", NULL, "count"), 3);
	conf_free(c);
	buf_reset(&text);
	buf_reset(&errs);
	for (i = 0; i < 5000; i++)
		buf_printf(&text, "[account a%d]\nurl = %d\n", i, i);
	c = conf_parse("t", text.data, text.len, t_schema, &errs);
	assert_int_equal(conf_count(c, "account"), 1024);
	assert_int_equal(conf_error_count(c), 5000 - 1024);
	assert_true(strlen(buf_cstr(&errs)) < 20000);	/* the report is capped */
	conf_free(c);
	buf_free(&text);
	buf_free(&errs);
}

/* Random bytes and random mixes of valid lines must never crash the reader. */
static void test_random_garbage(void **state)
{
	static const char *const pieces[] = { "[", "]", "global", "account", " ", "=",
		"\"", "\\", "\n", "\r", "#", "count", "x", "\0", ",", ":", "1" };
	struct buf text = BUF_INIT, errs = BUF_INIT;
	unsigned seed = 12345;
	int round, i;

	for (round = 0; round < 300; round++) {
		buf_reset(&text);
		buf_reset(&errs);
		for (i = 0; i < 200; i++) {
			seed = seed * 1103515245 + 12345;
			if (round % 2)
				buf_putc(&text, (int)(seed >> 16));
			else
				buf_append(&text, pieces[(seed >> 16) % 17],
					   (seed >> 16) % 17 == 13 ? 1 : strlen(pieces[(seed >> 16) % 17]));
		}
		conf_free(conf_parse("g", text.data, text.len, t_schema, &errs));
	}
	buf_free(&text);
	buf_free(&errs);
}

static void test_paths(void **state)
{
	struct buf errs = BUF_INIT;
	struct conf *c = conf_parse("/srv/box/poczta.conf", "", 0, t_schema, &errs);
	char *p;

	setenv("HOME", "/home/me", 1);
	p = conf_resolve_path(c, "~/Maildir");
	assert_string_equal(p, "/home/me/Maildir");
	free(p);
	p = conf_resolve_path(c, "~");
	assert_string_equal(p, "/home/me");
	free(p);
	p = conf_resolve_path(c, "data/users");
	assert_string_equal(p, "/srv/box/data/users");
	free(p);
	p = conf_resolve_path(c, "/abs");
	assert_string_equal(p, "/abs");
	free(p);
	conf_free(c);
	c = conf_parse("rel/t.conf", "", 0, t_schema, &errs);
	assert_true(conf_dir(c)[0] == '/');
	assert_non_null(strstr(conf_dir(c), "/rel"));
	conf_free(c);
	buf_free(&errs);
}

static void test_value_parsers(void **state)
{
	unsigned long long sz;
	long long d;
	bool b;
	struct conf_endpoint ep;

	assert_true(conf_parse_size("0", &sz) && sz == 0);
	assert_true(conf_parse_size("3G", &sz) && sz == 3ULL << 30);
	assert_false(conf_parse_size("", &sz));
	assert_false(conf_parse_size("1kk", &sz));
	assert_false(conf_parse_size(" 1", &sz));
	assert_true(conf_parse_duration("1d", &d) && d == 86400);
	assert_true(conf_parse_duration("15", &d) && d == 15);
	assert_false(conf_parse_duration("m", &d));
	assert_true(conf_parse_bool("OFF", &b) && !b);
	assert_false(conf_parse_bool("2", &b));
	assert_true(conf_parse_endpoint("[::1]:24", &ep));
	assert_string_equal(ep.host, "::1");
	assert_int_equal(ep.port, 24);
	assert_true(conf_parse_endpoint("unix:/run/lmtp", &ep) && ep.is_unix);
	assert_string_equal(ep.path, "/run/lmtp");
	assert_true(conf_parse_endpoint("*:25", &ep));
	assert_false(conf_parse_endpoint("::1:25", &ep));
	assert_false(conf_parse_endpoint(":25", &ep));
	assert_false(conf_parse_endpoint("unix:", &ep));
	assert_false(conf_parse_endpoint("h:0", &ep));
}

/* The real schema: names unique, every entry documented, defaults valid. */
static void test_schema_consistent(void **state)
{
	const struct conf_section_def *s, *t;
	const struct conf_option *o, *q;

	for (s = poczta_conf_schema; s->name; s++) {
		assert_non_null(s->doc);
		for (t = s + 1; t->name; t++)
			assert_string_not_equal(s->name, t->name);
		for (o = s->options; o->name; o++) {
			assert_non_null(o->doc);
			assert_true(strlen(o->doc) > 0);
			if (o->def && !conf_check_value(o, o->def, NULL))
				fail_msg("%s.%s: default %s is not a %s", s->name, o->name, o->def,
					 conf_type_name(o->type));
			assert_true(o->type != CONF_ENUM || o->choices);
			for (q = o + 1; q->name; q++)
				assert_string_not_equal(o->name, q->name);
		}
	}
}

static void test_settings(void **state)
{
	struct buf errs = BUF_INIT;
	const char *text = "[global]\ndata_dir = data\n[mda]\nmaildir = mail/%u/100%%\n";
	struct conf *c = conf_parse("/box/poczta.conf", text, strlen(text), poczta_conf_schema, &errs);
	char *p;

	assert_string_equal(buf_cstr(&errs), "");
	p = settings_users_file(c);
	assert_string_equal(p, "/box/data/users");
	free(p);
	p = settings_run_dir(c);
	assert_string_equal(p, "/box/data/run");
	free(p);
	p = settings_user_path(c, "mda", "maildir", "ann");
	assert_string_equal(p, "/box/mail/ann/100%");
	free(p);
	assert_null(settings_user_path(c, "mda", "sieve", "ann"));
	p = settings_hostname(c);
	assert_true(strlen(p) > 0);
	free(p);
	conf_free(c);
	buf_free(&errs);
}

static void test_locate(void **state)
{
	char *p;

	p = conf_locate("/x/y.conf");
	assert_string_equal(p, "/x/y.conf");
	free(p);
	setenv("POCZTA_CONFIG", "/from/env", 1);
	p = conf_locate(NULL);
	assert_string_equal(p, "/from/env");
	free(p);
	unsetenv("POCZTA_CONFIG");
	setenv("XDG_CONFIG_HOME", "/nonexistent-poczta-test", 1);
	p = conf_locate(NULL);
	assert_non_null(strstr(p, "/poczta/poczta.conf"));
	assert_null(strstr(p, "nonexistent"));
	free(p);
}

static void test_load_missing_file(void **state)
{
	struct buf errs = BUF_INIT;

	assert_null(conf_load("/nonexistent/poczta.conf", t_schema, &errs));
	assert_non_null(strstr(buf_cstr(&errs), "/nonexistent/poczta.conf: cannot read: "));
	buf_reset(&errs);
	assert_null(conf_load("/", t_schema, &errs));
	assert_true(errs.len > 0);
	buf_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_and_defaults),
		cmocka_unit_test(test_defaults_when_unset),
		cmocka_unit_test(test_each_error),
		cmocka_unit_test(test_goes_on_after_errors),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_random_garbage),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_value_parsers),
		cmocka_unit_test(test_schema_consistent),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_load_missing_file),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
