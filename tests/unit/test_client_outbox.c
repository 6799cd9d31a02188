/* test_client_outbox.c - the client's outbox spool (client/outbox.h): put
 * and take, the states a crash can leave (a half-written file, an entry
 * "submitting" by a process that is gone), and a tick that hands a due
 * message to the local queue (no MSA configured) with a copy in Sent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "../../client/outbox.h"
#include "fsutil.h"
#include "maildir.h"
#include "queue.h"
#include "strlist.h"
#include "xalloc.h"

static const char msg[] = "From: u@example.org\nTo: a@example.org\nSubject: hi\n\nhello\n";

struct fix {
	char *root;
	struct outbox_config cfg;
	struct outbox *o;
};

static int setup(void **state)
{
	char tmpl[] = "/tmp/poczta-outbox-XXXXXX";
	struct fix *f = xcalloc(1, sizeof(*f));
	struct buf err = BUF_INIT;
	struct dsn d;

	f->root = xstrdup(mkdtemp(tmpl));
	f->cfg.spool = xasprintf("%s/outbox", f->root);
	f->cfg.maildir = xasprintf("%s/Maildir", f->root);
	f->cfg.sent = xstrdup("Sent");
	f->cfg.send_delay = 60;
	f->cfg.queue_dir = xasprintf("%s/queue", f->root);
	f->cfg.run_dir = xasprintf("%s/run", f->root);
	f->cfg.hostname = xstrdup("client.example.org");
	assert_int_equal(maildir_create(f->cfg.maildir, &d), 0);
	f->o = outbox_open(&f->cfg, &err);
	assert_non_null(f->o);
	buf_free(&err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->root);

	outbox_close(f->o);
	outbox_config_free(&f->cfg);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f->root);
	free(f);
	return 0;
}

/* put - one message to a@ and b@; its id */
static char *put(struct fix *f)
{
	char *rcpts[] = { (char *)"a@example.org", (char *)"b@example.org", NULL };
	struct buf err = BUF_INIT;
	char *id = NULL;

	assert_int_equal(outbox_put(f->o, msg, strlen(msg), "u@example.org", rcpts, 2, &id, &err), 0);
	buf_free(&err);
	return id;
}

static void test_put_list_take(void **state)
{
	struct fix *f = *state;
	char *id = put(f);
	struct buf m = BUF_INIT, err = BUF_INIT;
	struct outbox_entry *v;
	size_t n;
	time_t due;

	v = outbox_list(f->o, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, id);
	assert_string_equal(v[0].sender, "u@example.org");
	assert_int_equal(v[0].nrcpts, 2);
	assert_string_equal(v[0].rcpts[1], "b@example.org");
	assert_int_equal(v[0].state, OUTBOX_WAITING);
	assert_true(v[0].due >= v[0].created + 60);
	outbox_list_free(v, n);
	/* not due: a tick starts nothing and says when */
	assert_int_equal(outbox_tick(f->o, time(NULL), &due, NULL), 1);
	assert_true(due > time(NULL));
	assert_int_equal(outbox_take(f->o, id, &m, &err), 0);
	assert_int_equal(m.len, strlen(msg));
	assert_memory_equal(m.data, msg, m.len);
	v = outbox_list(f->o, &n);
	assert_int_equal(n, 0);
	outbox_list_free(v, n);
	/* taken twice: the second says why */
	assert_int_equal(outbox_take(f->o, id, &m, &err), -1);
	assert_non_null(strstr(buf_cstr(&err), id));
	free(id);
	buf_free(&m);
	buf_free(&err);
}

static void test_put_refuses(void **state)
{
	struct fix *f = *state;
	char *bad[] = { (char *)"a@example.org\nrcpt: evil@x", NULL };
	char *good[] = { (char *)"a@example.org", NULL };
	struct buf err = BUF_INIT;
	struct outbox_entry *v;
	size_t n;

	assert_int_equal(outbox_put(f->o, msg, strlen(msg), "u@example.org", bad, 1, NULL, &err), -1);
	assert_int_equal(outbox_put(f->o, msg, strlen(msg), "<u@x>", good, 1, NULL, &err), -1);
	assert_int_equal(outbox_put(f->o, msg, strlen(msg), "u@x", good, 0, NULL, &err), -1);
	v = outbox_list(f->o, &n);
	assert_int_equal(n, 0);
	outbox_list_free(v, n);
	buf_free(&err);
}

/* set_state - rewrite id's entry as a crash or a child would leave it */
static void set_state(struct fix *f, const char *id, enum outbox_state st, long pid)
{
	struct outbox_entry e;
	struct buf err = BUF_INIT;

	assert_int_equal(outbox_load(f->o, id, &e, &err), 0);
	e.state = st;
	e.pid = pid;
	assert_int_equal(outbox_save(f->o, &e, &err), 0);
	outbox_entry_free(&e);
	buf_free(&err);
}

static void test_crash_states(void **state)
{
	struct fix *f = *state;
	char *id = put(f), *junk, *half;
	struct buf m = BUF_INIT, err = BUF_INIT;
	struct outbox_entry *v;
	size_t n;
	pid_t dead = fork();

	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	/* what a crash inside atomic_write_file leaves, and a torn file */
	junk = xasprintf("%s/%s.tmp.123", f->cfg.spool, id);
	half = xasprintf("%s/0000-00000-1-0", f->cfg.spool);
	assert_int_equal(atomic_write_file(junk, "version: 1\n", 11, 0600), 0);
	assert_int_equal(atomic_write_file(half, "version: 1\nsender: u@x\n", 23, 0600), 0);
	v = outbox_list(f->o, &n);
	assert_int_equal(n, 1);	/* neither is taken for an entry */
	outbox_list_free(v, n);
	/* being submitted by a live process (this one): not taken back */
	set_state(f, id, OUTBOX_SUBMITTING, (long)getpid());
	assert_int_equal(outbox_take(f->o, id, &m, &err), -1);
	/* its process is gone: a leftover, which may be taken back */
	set_state(f, id, OUTBOX_SUBMITTING, (long)dead);
	assert_int_equal(outbox_take(f->o, id, &m, &err), 0);
	assert_int_equal(m.len, strlen(msg));
	free(junk);
	free(half);
	free(id);
	buf_free(&m);
	buf_free(&err);
}

/* count - the files in dir */
static int count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* run - tick until the outbox is idle (the child reaped); its last note */
static void run(struct fix *f, struct buf *note)
{
	time_t due;
	int i;

	for (i = 0; i < 3000 && outbox_tick(f->o, time(NULL), &due, note) > 0; i++)
		usleep(10000);
	assert_true(i < 3000);
}

static void test_leftover_to_queue(void **state)
{
	struct fix *f = *state;
	char *id = put(f), *sent = xasprintf("%s/.Sent/cur", f->cfg.maildir);
	struct buf note = BUF_INIT, err = BUF_INIT;
	struct outbox_entry *v;
	struct queue *q;
	struct queue_env env;
	struct dsn d;
	char **ids;
	size_t n;
	pid_t dead = fork();

	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	/* left "submitting" by a client that crashed: picked up again; with
	 * no MSA configured it goes into the local queue */
	set_state(f, id, OUTBOX_SUBMITTING, (long)dead);
	run(f, &note);
	v = outbox_list(f->o, &n);
	assert_int_equal(n, 0);
	outbox_list_free(v, n);
	q = queue_open(f->cfg.queue_dir, &err);
	assert_non_null(q);
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 1);
	assert_int_equal(queue_load(q, ids[0], &env, &d), 0);
	assert_string_equal(env.sender, "u@example.org");
	assert_int_equal(env.nrcpts, 2);
	assert_string_equal(env.rcpts[0].addr, "a@example.org");
	queue_env_free(&env);
	strlist_free(ids);
	queue_close(q);
	assert_int_equal(count(sent), 1);
	free(sent);
	free(id);
	buf_free(&note);
	buf_free(&err);
}

static void test_failed_is_kept(void **state)
{
	struct fix *f = *state;
	char *id = put(f);
	struct buf err = BUF_INIT;
	struct outbox_entry *v;
	size_t n;
	time_t due;

	set_state(f, id, OUTBOX_FAILED, 0);
	/* a failed entry is not sent again on its own, nor counted as busy */
	assert_int_equal(outbox_tick(f->o, time(NULL) + 3600, &due, NULL), 0);
	v = outbox_list(f->o, &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].state, OUTBOX_FAILED);
	outbox_list_free(v, n);
	/* retry makes it due now */
	assert_int_equal(outbox_retry(f->o, id, &err), 0);
	v = outbox_list(f->o, &n);
	assert_int_equal(v[0].state, OUTBOX_WAITING);
	assert_true(v[0].due <= time(NULL));
	outbox_list_free(v, n);
	free(id);
	buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_list_take, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leftover_to_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_is_kept, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
