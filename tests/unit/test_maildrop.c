/* test_maildrop.c - the maildrop: a file written by the user's side is
 * picked up into the queue with the MTA's own envelope fields, the
 * recipients resolved by the policy and the Received field from the file's
 * owner; files being written, symbolic links, extra links, forged heads and
 * envelopes, oversize messages are never queued. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "fsutil.h"
#include "maildrop.h"
#include "queue.h"
#include "rcptpolicy.h"
#include "strlist.h"
#include "users.h"
#include "xalloc.h"

#include "queue_fixtures.h"

static char *drop;		/* SCRATCH/maildrop */
static struct queue *q;
static struct users *users;
static char *domains[] = { (char *)"poczta.test", NULL };
static struct rcpt_policy policy;
static struct maildrop_pickup pk;

static int md_setup(void **state)
{
	struct buf err = BUF_INIT;
	static const char u[] = "alice:*:\nbob:*:\n";
	char *qdir;

	setup(state);
	drop = xasprintf("%s/maildrop", scratch);
	qdir = xasprintf("%s/queue", scratch);
	assert_int_equal(maildrop_prepare(drop), 0);
	q = queue_open(qdir, &err);
	assert_non_null(q);
	users = users_parse("users", u, strlen(u), &err);
	assert_non_null(users);
	policy = (struct rcpt_policy){ domains, users, NULL, NULL };
	pk = (struct maildrop_pickup){ drop, q, &policy, "mx.poczta.test", 1000, 10 };
	free(qdir);
	buf_free(&err);
	return 0;
}

static int md_teardown(void **state)
{
	queue_close(q);
	users_free(users);
	x_free(&drop);
	return teardown(state);
}

/* put - a message through the user's side; its file name into id */
static void put(const char *sender, const char *rcpt, const char *text, char *id)
{
	struct dsn d;
	struct queue_env env;
	struct queue_rcpt r = { (char *)rcpt, NULL, 0, QUEUE_PENDING, 0, 0, NULL, "" };
	struct maildrop_file *f = maildrop_new(drop, &d);

	assert_non_null(f);
	memset(&env, 0, sizeof(env));
	env.sender = (char *)sender;
	env.client = (char *)"local";
	env.protocol = (char *)"local";
	env.rcpts = &r;
	env.nrcpts = 1;
	assert_int_equal(maildrop_write(f, text, strlen(text), &d), 0);
	assert_int_equal(maildrop_commit(f, &env, id, 64, &d), 0);
}

/* only - the one queued message's envelope and data */
static char *only(struct queue_env *env)
{
	char **ids = queue_list(q);
	struct dsn d;
	char *data;

	assert_int_equal(strlist_len(ids), 1);
	assert_int_equal(queue_load(q, ids[0], env, &d), 0);
	data = read_data(q, ids[0]);
	assert_int_equal(queue_remove(q, ids[0]), 0);
	strlist_free(ids);
	return data;
}

static void test_prepare_mode(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(chmod(drop, 0700), 0);
	assert_int_equal(maildrop_prepare(drop), 0);
	assert_int_equal(stat(drop, &st), 0);
	assert_int_equal(st.st_mode & 07777, 01733);
}

static void test_round_trip(void **state)
{
	char id[64], *data, *path;
	struct queue_env env;
	struct stat st;

	(void)state;
	put("alice@poczta.test", "bob", "Subject: hi\n\nbody\n", id);
	path = xasprintf("%s/%s", drop, id);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);	/* whatever the umask */
	assert_int_equal(maildrop_pickup(&pk, 100), 1);
	assert_int_equal(access(path, F_OK), -1);	/* removed once queued */
	data = only(&env);
	assert_non_null(strstr(data, "Received: by mx.poczta.test (poczta-sendmail, from userid "));
	assert_non_null(strstr(data, ";\n\t"));
	assert_non_null(strstr(data, "\nSubject: hi\n\nbody\n"));
	assert_string_equal(env.sender, "alice@poczta.test");
	assert_string_equal(env.client, "local");
	assert_int_equal(env.nrcpts, 1);
	assert_string_equal(env.rcpts[0].addr, "bob@poczta.test");	/* resolved */
	assert_int_equal(env.rcpts[0].state, QUEUE_PENDING);
	queue_env_free(&env);
	free(data);
	free(path);
	assert_int_equal(maildrop_pickup(&pk, 100), 0);
}

/* write_raw - a file in the maildrop written by hand */
static void write_raw(const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", drop, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	free(path);
}

static void test_forged_fields_reset(void **state)
{
	struct queue_rcpt r[2] = {
		{ (char *)"alice@poczta.test", NULL, 0, QUEUE_DELIVERED, 3, 0, NULL, "" },
		{ (char *)"nobody@poczta.test", NULL, 0, QUEUE_PENDING, 0, 0, NULL, "" },
	};
	struct queue_env forged = {
		.version = 1, .id = "forged", .sender = (char *)"mallory@poczta.test", .created = 1,
		.client = (char *)"trusted.example [10.0.0.1]", .helo = (char *)"trusted.example",
		.protocol = (char *)"ESMTPSA", .auth = (char *)"root", .held = true,
		.rcpts = r, .nrcpts = 2,
	};
	struct buf b = BUF_INIT;
	struct queue_env env;
	char *data, head[MAILDROP_HEAD];
	static const char msg[] = "Subject: x\n\ny\n";

	(void)state;
	memset(head, ' ', sizeof(head));
	memcpy(head, "poczta-maildrop 1 14", 20);
	head[MAILDROP_HEAD - 1] = '\n';
	buf_append(&b, head, sizeof(head));
	buf_puts(&b, msg);
	queue_env_format(&forged, &b);
	write_raw("1.0.forged", b.data, b.len);
	assert_int_equal(maildrop_pickup(&pk, 100), 1);
	data = only(&env);
	assert_string_equal(data + strlen(data) - strlen(msg), msg);
	assert_string_equal(env.sender, "mallory@poczta.test");	/* -f is the user's */
	assert_string_equal(env.client, "local");
	assert_string_equal(env.protocol, "local");
	assert_null(env.auth);
	assert_false(env.held);
	assert_true(env.created > 1);
	assert_int_equal(env.nrcpts, 2);
	assert_int_equal(env.rcpts[0].state, QUEUE_PENDING);
	assert_int_equal(env.rcpts[0].attempts, 0);
	assert_int_equal(env.rcpts[1].state, QUEUE_FAILED);	/* no such user: a bounce */
	assert_string_equal(env.rcpts[1].dsn, "5.1.1");
	queue_env_free(&env);
	free(data);
	assert_int_equal(count_files(drop), 0);
	buf_free(&b);
}

static void test_not_ours_removed(void **state)
{
	char id[64], *from, *to, big[1201];
	char **ids;

	(void)state;
	/* being written: left alone */
	write_raw(".123.0.partial", "poczta-maildrop 1 0", 19);
	/* garbage, a length past the end, a message over max_size */
	write_raw("1.0.garbage", "hello\n", 6);
	write_raw("1.0.length", "poczta-maildrop 1 99999                \nx", 41);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put("alice@poczta.test", "bob", big, id);
	/* a symbolic link, and a second name of one file */
	to = xasprintf("%s/1.0.link", drop);
	assert_int_equal(symlink("/etc/passwd", to), 0);
	free(to);
	to = xasprintf("%s/1.0.hard", drop);
	put("alice@poczta.test", "bob", "Subject: twice\n\n", id);
	from = xasprintf("%s/%s", drop, id);
	assert_int_equal(link(from, to), 0);
	/* the first of the two names is removed; the other, now the only
	 * name of its owner's file, is queued once */
	assert_int_equal(maildrop_pickup(&pk, 100), 1);
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 1);
	strlist_free(ids);
	assert_int_equal(access(to, F_OK), -1);
	assert_int_equal(access(from, F_OK), -1);
	free(to);
	to = xasprintf("%s/.123.0.partial", drop);
	assert_int_equal(access(to, F_OK), 0);
	assert_int_equal(count_files(drop), 1);
	unlink(to);
	free(to);
	free(from);
}

static void test_abort_leaves_nothing(void **state)
{
	struct dsn d;
	struct maildrop_file *f = maildrop_new(drop, &d);

	(void)state;
	assert_non_null(f);
	assert_int_equal(maildrop_write(f, "x", 1, &d), 0);
	maildrop_abort(f);
	assert_int_equal(count_files(drop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prepare_mode, md_setup, md_teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, md_setup, md_teardown),
		cmocka_unit_test_setup_teardown(test_forged_fields_reset, md_setup, md_teardown),
		cmocka_unit_test_setup_teardown(test_not_ours_removed, md_setup, md_teardown),
		cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, md_setup, md_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
