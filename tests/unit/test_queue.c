/* test_queue.c - the durable queue: commit, list, load, update, remove; the
 * envelope text and its refusals; garbage; the group committer.  The bounces
 * are in test_queue_bounce.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <libetpan/libetpan.h>
#include "fsutil.h"
#include "queue.h"
#include "strlist.h"
#include "xalloc.h"

#include "queue_fixtures.h"

static void test_commit_list_load_update_remove(void **state)
{
	struct buf err = BUF_INIT;
	struct queue *q = queue_open(scratch, &err);
	struct queue_env env, back;
	struct dsn d;
	char **ids, *data, *dir;

	assert_non_null(q);
	env_init(&env, "alice@example.org", 2);
	assert_int_equal(commit_msg(q, &env, "Subject: hi\n\nbody\n"), 0);
	assert_int_equal(env.size, 18);
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 1);
	assert_string_equal(ids[0], env.id);
	assert_int_equal(queue_load(q, ids[0], &back, &d), 0);
	assert_string_equal(back.sender, "alice@example.org");
	assert_int_equal(back.nrcpts, 2);
	assert_string_equal(back.rcpts[1].addr, "r1@example.net");
	data = read_data(q, ids[0]);
	assert_string_equal(data, "Subject: hi\n\nbody\n");
	free(data);
	back.rcpts[0].state = QUEUE_DEFERRED;
	back.rcpts[0].attempts = 2;
	back.rcpts[0].last = xstrdup("451 4.7.1 try later");
	assert_int_equal(queue_update(q, &back, &d), 0);
	queue_env_free(&back);
	assert_int_equal(queue_load(q, ids[0], &back, &d), 0);
	assert_int_equal(back.rcpts[0].state, QUEUE_DEFERRED);
	assert_string_equal(back.rcpts[0].last, "451 4.7.1 try later");
	queue_env_free(&back);
	assert_int_equal(queue_remove(q, ids[0]), 0);
	strlist_free(ids);
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 0);
	strlist_free(ids);
	dir = xasprintf("%s", scratch);
	assert_int_equal(count_files(dir), 0);
	free(dir);
	/* its files (and the envelope the update replaced) are kept, and the
	 * next message takes two of them instead of making new ones */
	dir = xasprintf("%s/spare", scratch);
	assert_int_equal(count_found(dir, "-maxdepth 1 -type f"), 3);
	queue_env_free(&env);
	env_init(&env, "bob@example.org", 1);
	assert_int_equal(commit_msg(q, &env, "Subject: again\n\nbody\n"), 0);
	assert_int_equal(count_found(dir, "-maxdepth 1 -type f"), 1);
	ids = queue_list(q);
	data = read_data(q, ids[0]);
	assert_string_equal(data, "Subject: again\n\nbody\n");	/* truncated first */
	free(data);
	strlist_free(ids);
	free(dir);
	queue_env_free(&env);
	queue_close(q);
	buf_free(&err);
}

static void test_abort_leaves_nothing(void **state)
{
	struct queue *q = queue_open(scratch, NULL);
	struct dsn d;
	struct queue_new *n = queue_new(q, &d);
	char **ids;

	assert_non_null(n);
	assert_int_equal(queue_new_write(n, "x\n", 2, &d), 0);
	queue_new_abort(n);
	assert_int_equal(count_files(scratch), 0);
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 0);
	strlist_free(ids);
	queue_close(q);
}

static void test_bad_ids_refused(void **state)
{
	struct queue *q = queue_open(scratch, NULL);
	struct queue_env env;
	struct dsn d;

	assert_int_equal(queue_load(q, "../etc/passwd", &env, &d), -1);
	assert_int_equal(queue_data_fd(q, "a/b", &d), -1);
	assert_int_equal(queue_remove(q, ""), -1);
	assert_int_equal(queue_load(q, "0000000000000nosuch", &env, &d), -1);
	queue_close(q);
}

/* age - set the mtime of path to an hour ago */
static void age(const char *path)
{
	struct timeval tv[2];

	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= 3600;
	tv[1] = tv[0];
	assert_int_equal(utimes(path, tv), 0);
}

/* touch - create path with text */
static void touch(const char *path, const char *text)
{
	assert_int_equal(atomic_write_file(path, text, strlen(text), 0600), 0);
}

static void test_garbage_cleaned(void **state)
{
	struct queue *q = queue_open(scratch, NULL);
	struct queue_env env;
	char *p[5];
	char **ids;
	size_t i;

	env_init(&env, "a@x", 1);
	assert_int_equal(commit_msg(q, &env, "keep\n"), 0);
	queue_close(q);
	p[0] = xasprintf("%s/incoming/6000000000000aaaaaa", scratch);	/* data, old */
	p[1] = xasprintf("%s/incoming/6000000000000bbbbbb", scratch);	/* data, new */
	p[2] = xasprintf("%s/msg/6000000000000cccccc", scratch);	/* orphan data */
	p[3] = xasprintf("%s/msg/6000000000000dddddd.env", scratch);	/* env, no data */
	p[4] = xasprintf("%s/msg/%s", scratch, env.id);			/* a real one */
	for (i = 0; i < 4; i++)
		touch(p[i], "junk\n");
	age(p[0]);
	age(p[2]);
	age(p[3]);
	age(p[4]);
	q = queue_open(scratch, NULL);
	assert_int_equal(access(p[0], F_OK), -1);
	assert_int_equal(access(p[1], F_OK), 0);
	assert_int_equal(access(p[2], F_OK), -1);
	assert_int_equal(access(p[3], F_OK), -1);
	assert_int_equal(access(p[4], F_OK), 0);
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 1);
	assert_string_equal(ids[0], env.id);
	strlist_free(ids);
	for (i = 0; i < 5; i++)
		free(p[i]);
	queue_env_free(&env);
	queue_close(q);
}

static void test_env_without_data_not_listed(void **state)
{
	struct queue *q = queue_open(scratch, NULL);
	char *p = xasprintf("%s/msg/6000000000000eeeeee.env", scratch);
	char **ids;

	touch(p, "version: 1\n");
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 0);
	strlist_free(ids);
	free(p);
	queue_close(q);
}

/* env_equal - field-by-field comparison of two envelopes */
static void env_equal(const struct queue_env *a, const struct queue_env *b)
{
	size_t i;

#define STR_EQ(x, y) do { if ((x) == NULL || (y) == NULL) assert_ptr_equal((x), (y)); \
		else assert_string_equal((x), (y)); } while (0)
	assert_int_equal(a->version, b->version);
	assert_string_equal(a->id, b->id);
	STR_EQ(a->sender, b->sender);
	assert_int_equal(a->created, b->created);
	STR_EQ(a->client, b->client);
	STR_EQ(a->helo, b->helo);
	STR_EQ(a->protocol, b->protocol);
	STR_EQ(a->auth, b->auth);
	STR_EQ(a->envid, b->envid);
	assert_int_equal(a->ret_full, b->ret_full);
	assert_int_equal(a->body_8bit, b->body_8bit);
	assert_int_equal(a->held, b->held);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->nrcpts, b->nrcpts);
	for (i = 0; i < a->nrcpts; i++) {
		const struct queue_rcpt *r = &a->rcpts[i], *s = &b->rcpts[i];
		STR_EQ(r->addr, s->addr);
		STR_EQ(r->orcpt, s->orcpt);
		STR_EQ(r->last, s->last);
		assert_int_equal(r->notify, s->notify);
		assert_int_equal(r->state, s->state);
		assert_int_equal(r->attempts, s->attempts);
		assert_int_equal(r->next_try, s->next_try);
		assert_string_equal(r->dsn, s->dsn);
	}
#undef STR_EQ
}

/* Strings a peer could send, and some it could not, to round-trip. */
static const char *const hostile[] = {
	"", "plain", "with space", "quote\"inside", "back\\slash", "\\\"", "\"",
	"new\nline: injected\nrcpt: \"evil@x\" state=pending", "cr\rlf\r\n", "tab\there",
	"\x01\x02\x1f\x7f", "utf-8 \xc5\xbc\xc3\xb3\xc5\x82w", "\xff\xfe bytes", "x=y z=\"w\"",
	"end: 0", "\\x00", "trailing space ", " leading",
};
#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

static void test_env_round_trip(void **state)
{
	size_t i;

	for (i = 0; i < NHOSTILE; i++) {
		struct queue_env env, back;
		struct buf text = BUF_INIT, err = BUF_INIT;
		const char *h = hostile[i], *h2 = hostile[(i + 1) % NHOSTILE];

		env_init(&env, h, 3);
		env.version = 1;
		snprintf(env.id, sizeof(env.id), "69e1c2f40a1b2cqxkzma");
		free(env.client);
		env.client = xstrdup(h2);
		free(env.helo);
		env.helo = i % 2 ? xstrdup(h) : NULL;
		env.auth = i % 3 ? NULL : xstrdup(h2);
		env.envid = xstrdup(h);
		env.ret_full = i % 2;
		env.body_8bit = i % 3 == 1;
		env.held = i % 4 == 2;
		env.size = (off_t)i * 1000003;
		free(env.rcpts[0].addr);
		env.rcpts[0].addr = xstrdup(h);
		env.rcpts[0].orcpt = xstrdup(h2);
		env.rcpts[0].last = xstrdup(h);
		env.rcpts[0].notify = QUEUE_NOTIFY_FAILURE | QUEUE_NOTIFY_DELAY;
		env.rcpts[0].state = QUEUE_DEFERRED;
		env.rcpts[0].attempts = 3;
		env.rcpts[0].next_try = 1795316204;
		snprintf(env.rcpts[0].dsn, sizeof(env.rcpts[0].dsn), "4.4.1");
		env.rcpts[1].notify = QUEUE_NOTIFY_NEVER;
		env.rcpts[1].state = QUEUE_BOUNCED;
		snprintf(env.rcpts[1].dsn, sizeof(env.rcpts[1].dsn), "%.15s", h);
		if (env.rcpts[1].dsn[0] == '\0')
			env.rcpts[1].dsn[0] = '5';
		env.rcpts[2].last = xstrdup("");
		env.rcpts[2].next_try = -5;
		queue_env_format(&env, &text);
		if (queue_env_parse(text.data, text.len, &back, &err) != 0)
			fail_msg("case %zu: %s\n%s", i, buf_cstr(&err), text.data);
		env_equal(&env, &back);
		/* one line per key and per recipient, whatever the strings held */
		{
			size_t lines = 0, k;
			for (k = 0; k < text.len; k++)
				lines += text.data[k] == '\n';
			assert_int_equal(lines, 13 - (env.helo == NULL) - (env.auth == NULL) + 3 + 1);
		}
		queue_env_free(&env);
		queue_env_free(&back);
		buf_free(&text);
		buf_free(&err);
	}
}

static const char good_env[] =
	"version: 1\n"
	"id: 69e1c2f40a1b2cqxkzma\n"
	"sender: \"a@x\"\n"
	"created: 1776400000\n"
	"size: 10\n"
	"rcpt: \"b@y\" state=pending attempts=0 next=0 notify=default\n"
	"end: 1\n";

/* Envelopes to refuse: the text (NULL: good_env with a change) and a word of the error. */
static const struct {
	const char *text;
	const char *err;
} refused[] = {
	{ "", "version" },
	{ "id: 69e1c2f40a1b2cqxkzma\n", "version" },
	{ "version: 2\nend: 0\n", "version" },
	{ "version: 1", "truncated" },
	{ "version: 1\nid: 69e1c2f40a1b2cqxkzma\nsender: \"a@x\"\ncreated: 1\nsize: 1\n", "end" },
	{ "version: 1\nid: 69e1c2f40a1b2cqxkzma\nsender: \"a@x\"\ncreated: 1\nsize: 1\nend: 1\n", "count" },
	{ "version: 1\nid: 69e1c2f40a1b2cqxkzma\nsender: \"a@x\"\ncreated: 1\nend: 0\n", "size" },
	{ "version: 1\nid: 69e1c2f40a1b2cqxkzma\nsender: \"a@x\"\ncreated: 1\nsize: 1\nend: 0\nid: x\n", "end" },
	{ "version: 1\nbogus: 1\n", "unknown key" },
	{ "version: 1\nid: ../../etc\n", "queue id" },
	{ "version: 1\ncreated: 12x\n", "number" },
	{ "version: 1\ncreated: -1\n", "range" },
	{ "version: 1\ncreated: 99999999999999999999\n", "number" },
	{ "version: 1\nsize: \n", "number" },
	{ "version: 1\nsender: a@x\n", "quoted" },
	{ "version: 1\nsender: \"a@x\n", "unterminated" },
	{ "version: 1\nsender: \"a\\q\"\n", "escape" },
	{ "version: 1\nsender: \"a\\x00\"\n", "escape" },
	{ "version: 1\nsender: \"a\tb\"\n", "control" },
	{ "version: 1\nsender: \"a\" \"b\"\n", "trailing" },
	{ "version: 1\nsender: \"a\"\nsender: \"b\"\n", "repeated" },
	{ "version: 1\nheld: maybe\n", "bad value" },
	{ "version: 1\nrcpt: \"a\" attempts=1\n", "state" },
	{ "version: 1\nrcpt: \"a\" state=lost\n", "state" },
	{ "version: 1\nrcpt: \"a\" state=pending state=failed\n", "repeated" },
	{ "version: 1\nrcpt: \"a\" state=pending color=red\n", "attribute" },
	{ "version: 1\nrcpt: \"a\" state=pending notify=never,,delay\n", "notify" },
	{ "version: 1\nrcpt: \"a\" state=pending notify=sometimes\n", "notify" },
	{ "version: 1\nrcpt: \"a\" state=pending dsn=\"5.1.1.1.1.1.1.1.1\"\n", "dsn" },
	{ "version: 1\nrcpt: \"a\" state=pending  attempts=1\n", "space" },
	{ "version: 1\nrcpt: \"a\" state=pending attempts=-1\n", "range" },
	{ "version: 1\nkey without colon\n", "key" },
};

static void test_env_refused(void **state)
{
	struct queue_env env;
	struct buf err = BUF_INIT;
	size_t i;

	assert_int_equal(queue_env_parse(good_env, strlen(good_env), &env, &err), 0);
	assert_int_equal(env.nrcpts, 1);
	queue_env_free(&env);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		buf_reset(&err);
		if (queue_env_parse(refused[i].text, strlen(refused[i].text), &env, &err) == 0)
			fail_msg("case %zu parsed: %s", i, refused[i].text);
		if (strstr(buf_cstr(&err), refused[i].err) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, buf_cstr(&err), refused[i].err);
		assert_non_null(strstr(buf_cstr(&err), "line "));
	}
	/* NUL bytes, and a file cut anywhere */
	assert_int_equal(queue_env_parse("version: 1\0\n", 12, &env, &err), -1);
	assert_non_null(strstr(buf_cstr(&err), "NUL"));
	for (i = 0; i < strlen(good_env); i++)
		assert_int_equal(queue_env_parse(good_env, i, &env, &err), -1);
	buf_free(&err);
}

static void test_env_oversized(void **state)
{
	struct queue_env env;
	struct buf err = BUF_INIT;
	size_t n = 5 * 1024 * 1024;
	char *big = xmalloc(n);

	memset(big, 'x', n);
	assert_int_equal(queue_env_parse(big, n, &env, &err), -1);
	assert_non_null(strstr(buf_cstr(&err), "large"));
	free(big);
	buf_free(&err);
}

/* committer_start - fork a committer on scratch; its pid once its socket is there */
static pid_t committer_start(void)
{
	char *sock = xasprintf("%s/committer.sock", scratch);
	pid_t pid = fork();
	int i;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct queue *q = queue_open(scratch, NULL);
		queue_committer_run(q);
		queue_close(q);
		free(sock);
		_exit(0);
	}
	for (i = 0; i < 500 && access(sock, F_OK) < 0; i++)
		usleep(10000);
	assert_int_equal(access(sock, F_OK), 0);
	free(sock);
	return pid;
}

/* committer_stop - SIGTERM it; it must exit 0 and take its socket away */
static void committer_stop(pid_t pid)
{
	char *sock = xasprintf("%s/committer.sock", scratch);
	int status;

	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(access(sock, F_OK), -1);
	free(sock);
}

/* raw_request - connect to the committer, send text, close without waiting */
static void raw_request(const char *text)
{
	char *cmd = xasprintf("printf '%s' | python3 -c 'import socket,sys;"
			      "s=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1]);"
			      "s.send(sys.stdin.buffer.read());s.close()' %s/committer.sock",
			      text, scratch);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void test_commit_waits_for_committer(void **state)
{
	pid_t committer = committer_start(), child;
	struct queue *q;
	char **ids;
	int status;

	/* a stopped committer holds the commit: it is not done before it answers */
	assert_int_equal(kill(committer, SIGSTOP), 0);
	child = fork();
	if (child == 0) {
		struct queue_env env;
		q = queue_open(scratch, NULL);
		int rc;
		env_init(&env, "a@x", 1);
		rc = commit_msg(q, &env, "through the committer\n");
		queue_env_free(&env);
		queue_close(q);
		_exit(rc == 0 ? 0 : 1);
	}
	usleep(300000);
	assert_int_equal(waitpid(child, &status, WNOHANG), 0);
	q = queue_open(scratch, NULL);
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 0);
	strlist_free(ids);
	assert_int_equal(kill(committer, SIGCONT), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 1);
	strlist_free(ids);
	/* clients that go away mid-request, or ask nonsense, do not stop it */
	raw_request("commit 6000");
	raw_request("commit 6000000000000zzzzzz\\n");
	raw_request("hello\\n");
	raw_request("");
	{
		struct queue_env env;
		env_init(&env, "b@x", 1);
		assert_int_equal(commit_msg(q, &env, "after the rude ones\n"), 0);
		queue_env_free(&env);
	}
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 2);
	strlist_free(ids);
	committer_stop(committer);
	queue_close(q);
}

static void test_commit_without_committer_after_it_died(void **state)
{
	pid_t committer = committer_start();
	struct queue *q = queue_open(scratch, NULL);
	struct queue_env env;
	char **ids;

	assert_int_equal(kill(committer, SIGKILL), 0);
	assert_int_equal(waitpid(committer, NULL, 0), committer);
	env_init(&env, "a@x", 1);	/* the socket is left, nobody listens: sync here */
	assert_int_equal(commit_msg(q, &env, "no committer\n"), 0);
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 1);
	strlist_free(ids);
	queue_env_free(&env);
	queue_close(q);
}

/* concurrent_commits - nchildren processes commit nmsgs each; all must be
 * listed once with the right data */
static void concurrent_commits(int nchildren, int nmsgs)
{
	struct queue *q;
	char **ids;
	int c, status;
	size_t i;

	for (c = 0; c < nchildren; c++)
		if (fork() == 0) {
			int m, bad = 0;
			q = queue_open(scratch, NULL);
			for (m = 0; m < nmsgs; m++) {
				struct queue_env env;
				char *text = xasprintf("c%d-m%d\n", c, m);
				env_init(&env, "", 1);
				free(env.sender);
				env.sender = xasprintf("c%d-m%d", c, m);
				bad += commit_msg(q, &env, text) != 0;
				queue_env_free(&env);
				free(text);
			}
			queue_close(q);
			_exit(bad ? 1 : 0);
		}
	for (c = 0; c < nchildren; c++) {
		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	q = queue_open(scratch, NULL);
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), (size_t)(nchildren * nmsgs));
	for (i = 0; ids[i]; i++) {
		struct queue_env env;
		struct dsn d;
		char *data, *want;
		if (i > 0)
			assert_true(strcmp(ids[i - 1], ids[i]) < 0);
		assert_int_equal(queue_load(q, ids[i], &env, &d), 0);
		data = read_data(q, ids[i]);
		want = xasprintf("%s\n", env.sender);
		assert_string_equal(data, want);
		free(want);
		free(data);
		queue_env_free(&env);
	}
	strlist_free(ids);
	queue_close(q);
}

static void test_concurrent_commits_through_committer(void **state)
{
	pid_t committer = committer_start();

	concurrent_commits(10, 50);
	committer_stop(committer);
}

static void test_concurrent_commits_alone(void **state)
{
	concurrent_commits(4, 25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_list_load_update_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_ids_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_cleaned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_without_data_not_listed, setup, teardown),
		cmocka_unit_test(test_env_round_trip),
		cmocka_unit_test_setup_teardown(test_commit_waits_for_committer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_without_committer_after_it_died, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_commits_through_committer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_commits_alone, setup, teardown),
		cmocka_unit_test(test_env_refused),
		cmocka_unit_test(test_env_oversized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
