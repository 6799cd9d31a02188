/* test_client_agents.c - the agents screen's model on a sandbox-like tree:
 * pid files of running, dead and missing agents, a shared log with trace
 * lines of several roles, the MTA's queue, and a log larger than what is
 * read of it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "../../client/agents.h"
#include "../../client/outbox.h"
#include "maildir.h"
#include "dsn.h"
#include "fsutil.h"
#include "queue.h"
#include "settings.h"
#include "xalloc.h"

static char *scratch;

static int setup(void **state)
{
	char tmpl[] = "/tmp/poczta-agents-XXXXXX";

	scratch = xstrdup(mkdtemp(tmpl));
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", scratch);
	int r = system(cmd);

	free(cmd);
	x_free(&scratch);
	return r == 0 ? 0 : -1;
}

/* conf_at - scratch/poczta.conf with the sandbox's shape, loaded */
static struct conf *conf_at(const char *extra)
{
	char *path = xasprintf("%s/poczta.conf", scratch);
	char *text = xasprintf("[global]\ndata_dir = data\nlog_file = log/poczta.log\n%s"
			       "[mda]\nlmtp_listen = 127.0.0.1:10024\n"
			       "[mta]\nlisten = 127.0.0.1:10025\n"
			       "[msa]\nlisten = 127.0.0.1:10587\n", extra);
	struct conf *c;

	assert_int_equal(atomic_write_file(path, text, strlen(text), 0644), 0);
	c = settings_load(path, NULL);
	free(text);
	free(path);
	return c;
}

/* mkdir_p_in - scratch/sub made */
static int mkdir_p_in(const char *sub)
{
	char *path = xasprintf("%s/%s", scratch, sub);
	int r = mkdir_p(path, 0755);

	free(path);
	return r;
}

static void put(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", scratch, name);

	assert_int_equal(atomic_write_file(path, text, strlen(text), 0644), 0);
	free(path);
}

static void test_parse_line(void **state)
{
	struct agents_line l;
	const char *s;

	s = "2026-11-22T08:00:05Z poczta-mta[4711]: MTA C: EHLO client.example.org";
	assert_true(agents_parse_line(s, strlen(s), &l));
	assert_string_equal(l.role, "MTA");
	assert_true(l.proto);
	assert_int_equal(l.when, 1795334405);
	assert_int_equal(l.len, strlen("C: EHLO client.example.org"));
	assert_memory_equal(l.text, "C: EHLO client.example.org", l.len);

	s = "poczta-mda[12]: MDA info: delivered to=user";	/* standard error: no stamp */
	assert_true(agents_parse_line(s, strlen(s), &l));
	assert_string_equal(l.role, "MDA");
	assert_false(l.proto);
	assert_int_equal(l.when, (time_t)-1);
	assert_memory_equal(l.text, "info: delivered to=user", l.len);

	s = "MSA S: 250 2.0.0 queued";			/* a trace on a terminal */
	assert_true(agents_parse_line(s, strlen(s), &l));
	assert_string_equal(l.role, "MSA");
	assert_true(l.proto);

	s = "poczta-ctl: mta: started poczta-mta (pid 5)";	/* not an agent's line */
	assert_false(agents_parse_line(s, strlen(s), &l));
	s = "2026-11-22T08:00:05Z poczta-mta[1]: ";
	assert_false(agents_parse_line(s, strlen(s), &l));
	assert_false(agents_parse_line("", 0, &l));
}

/* fake_agent - a child whose command line names program, as /proc shows it */
static pid_t fake_agent(const char *program)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/bin/sleep", program, "60", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* dead_pid - a pid that has ended (and been reaped) */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

static void queue_two(void)
{
	char *dir = xasprintf("%s/data/queue", scratch);
	struct queue *q = queue_open(dir, NULL);
	struct queue_env env;
	int i;

	assert_non_null(q);
	for (i = 0; i < 2; i++) {
		struct dsn d;
		struct queue_new *n = queue_new(q, &d);

		assert_non_null(n);
		memset(&env, 0, sizeof(env));
		env.sender = xstrdup("a@example.org");
		env.created = time(NULL);
		env.client = xstrdup("local");
		env.protocol = xstrdup("local");
		env.rcpts = xcalloc(1, sizeof(*env.rcpts));
		env.rcpts[0].addr = xstrdup("user@poczta.test");
		env.nrcpts = 1;
		assert_int_equal(queue_new_write(n, "Subject: x\n\nbody\n", 18, &d), 0);
		assert_int_equal(queue_new_commit(n, &env, &d), 0);
		queue_env_free(&env);
	}
	queue_close(q);
	free(dir);
}

static void test_load_sandbox(void **state)
{
	struct agents a;
	struct agents_box *b;
	char pid[32];
	pid_t mta = fake_agent("poczta-mta");
	struct conf *c;

	assert_int_equal(mkdir_p_in("data/run"), 0);
	assert_int_equal(mkdir_p_in("log"), 0);
	snprintf(pid, sizeof(pid), "%ld\n", (long)mta);
	put("data/run/mta.pid", pid);
	snprintf(pid, sizeof(pid), "%ld\n", (long)dead_pid());
	put("data/run/msa.pid", pid);
	put("log/poczta.log",
	    "2026-11-22T08:00:00Z poczta-mda[20]: MDA info: listening on 127.0.0.1:10024\n"
	    "2026-11-22T08:00:01Z poczta-mta[21]: MTA S: 220 poczta.test ESMTP\n"
	    "2026-11-22T08:00:01Z poczta-mta[21]: MTA C: EHLO a\n"
	    "2026-11-22T08:00:01Z poczta-mta[21]: MTA S: 250 poczta.test\n"
	    "2026-11-22T08:00:02Z poczta-mta[21]: MTA C: MAIL FROM:<a@example.org>\n"
	    "2026-11-22T08:00:02Z poczta-mta[21]: MTA S: 250 2.1.0 OK\n"
	    "2026-11-22T08:00:03Z poczta-mda[22]: MDA C: LHLO poczta.test\n"
	    "2026-11-22T08:00:04Z poczta-mta[21]: MTA info: queued id=x\n"
	    "2026-11-22T08:00:05Z poczta-mda[22]: MDA info: delivered to=user\n"
	    "2026-11-22T08:00:06Z poczta-mta[21]: MTA C: QU");	/* being written */
	queue_two();
	c = conf_at("");
	agents_load(&a, c, NULL);

	assert_string_equal(a.box[0].role, "MUA");
	assert_int_equal(a.box[0].state, AGENTS_RUNNING);
	assert_int_equal(a.box[0].pid, (long)getpid());
	assert_string_equal(a.box[5].role, "MRA");

	b = agents_box(&a, "MTA");
	assert_int_equal(b->state, AGENTS_RUNNING);
	assert_int_equal(b->pid, (long)mta);
	assert_string_equal(b->address, "127.0.0.1:10025");
	assert_int_equal(b->queue, 2);
	assert_string_equal(b->last_text, "info: queued id=x");
	assert_int_equal(b->last_time, 1795334404);
	assert_int_equal(b->nproto, AGENTS_PROTO);	/* the last four, oldest first */
	assert_string_equal(b->proto[0], "C: EHLO a");
	assert_string_equal(b->proto[3], "S: 250 2.1.0 OK");

	b = agents_box(&a, "MSA");
	assert_int_equal(b->state, AGENTS_STOPPED);	/* its pid file names a dead pid */
	assert_int_equal(b->queue, -1);
	assert_null(b->last_text);

	b = agents_box(&a, "MDA");
	assert_int_equal(b->state, AGENTS_STOPPED);	/* no pid file */
	assert_string_equal(b->last_text, "info: delivered to=user");
	assert_int_equal(b->nproto, 1);
	assert_string_equal(b->proto[0], "C: LHLO poczta.test");

	b = agents_box(&a, "MAA");
	assert_int_equal(b->state, AGENTS_UNCONFIGURED);
	assert_null(b->address);
	agents_free(&a);

	kill(mta, SIGTERM);	/* the same tree once the MTA has ended */
	waitpid(mta, NULL, 0);
	agents_load(&a, c, NULL);
	assert_int_equal(agents_box(&a, "MTA")->state, AGENTS_STOPPED);
	agents_free(&a);
	conf_free(c);
}

/* Only the end of a big log is read: an old line is out of sight. */
static void test_log_tail_bounded(void **state)
{
	struct buf log = BUF_INIT;
	struct agents a;
	struct conf *c;
	char *path;

	assert_int_equal(mkdir_p_in("log"), 0);
	buf_puts(&log, "2026-11-22T07:00:00Z poczta-msa[3]: MSA info: an old line\n");
	while (log.len < 3 * AGENTS_TAIL)
		buf_puts(&log, "2026-11-22T08:00:00Z poczta-maa[4]: MAA S: * OK IMAP4rev1\n");
	buf_puts(&log, "2026-11-22T08:00:09Z poczta-mra[5]: MRA C: a1 IDLE\n");
	path = xasprintf("%s/log/poczta.log", scratch);
	assert_int_equal(atomic_write_file(path, log.data, log.len, 0644), 0);
	c = conf_at("[account work]\nhost = imap.example.org\nuser = me\nwatch = yes\n");
	agents_load(&a, c, NULL);
	assert_null(agents_box(&a, "MSA")->last_text);
	assert_string_equal(agents_box(&a, "MAA")->last_text, "S: * OK IMAP4rev1");
	assert_string_equal(agents_box(&a, "MRA")->last_text, "C: a1 IDLE");
	assert_string_equal(agents_box(&a, "MRA")->address, "IDLE:work");
	assert_int_equal(agents_box(&a, "MTA")->queue, 0);	/* no queue yet */
	agents_free(&a);
	conf_free(c);
	free(path);
	buf_free(&log);
}

/* The MUA's box counts the client's outbox, when there is one. */
static void test_mua_outbox(void **state)
{
	struct outbox_config oc;
	struct outbox *ob;
	struct agents a;
	struct buf err = BUF_INIT;
	struct dsn d;
	char *const rcpts[] = { "user@poczta.test", NULL };
	const char *msg = "From: u@poczta.test\nTo: user@poczta.test\nSubject: s\n\nx\n";
	struct conf *c = conf_at("");

	memset(&oc, 0, sizeof(oc));
	oc.spool = xasprintf("%s/outbox", scratch);
	oc.maildir = xasprintf("%s/Maildir", scratch);
	oc.sent = xstrdup("Sent");
	oc.send_delay = 60;
	oc.queue_dir = xasprintf("%s/data/queue", scratch);
	oc.run_dir = xasprintf("%s/data/run", scratch);
	oc.hostname = xstrdup("client.example.org");
	assert_int_equal(maildir_create(oc.maildir, &d), 0);
	ob = outbox_open(&oc, &err);
	assert_non_null(ob);
	agents_load(&a, c, ob);
	assert_int_equal(agents_box(&a, "MUA")->queue, 0);
	agents_free(&a);
	assert_int_equal(outbox_put(ob, msg, strlen(msg), "u@poczta.test", rcpts, 1, NULL, &err), 0);
	assert_int_equal(outbox_put(ob, msg, strlen(msg), "u@poczta.test", rcpts, 1, NULL, &err), 0);
	agents_load(&a, c, ob);
	assert_int_equal(agents_box(&a, "MUA")->queue, 2);
	assert_int_equal(agents_box(&a, "MTA")->queue, 0);	/* not the MTA's */
	agents_free(&a);
	agents_load(&a, c, NULL);	/* no outbox: nothing shown */
	assert_int_equal(agents_box(&a, "MUA")->queue, -1);
	agents_free(&a);
	outbox_close(ob);
	outbox_config_free(&oc);
	conf_free(c);
	buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test_setup_teardown(test_load_sandbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_tail_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mua_outbox, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
