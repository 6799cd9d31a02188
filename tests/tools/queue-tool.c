/* queue-tool - drive the queue from scripts (tests/integration/t-queue-crash.sh).
 *
 *   queue-tool DIR commit FILE RCPT...   queue FILE; prints the new id
 *   queue-tool DIR list                  the queued ids, one a line
 *   queue-tool DIR show ID               the envelope, as stored
 *   queue-tool DIR data ID               the data
 *   queue-tool DIR update ID             every recipient deferred, attempts+1
 *   queue-tool DIR remove ID
 *   queue-tool DIR bounce ID             fail every recipient and bounce
 *   queue-tool DIR check                 every queued message whole: envelope
 *                                        parses, data size as the envelope says
 *   queue-tool DIR committer             run the group committer until SIGTERM
 *   queue-tool DIR bench WRITERS N       N commits in each of WRITERS processes;
 *                                        prints commits per second
 * The sender is $QUEUE_TOOL_SENDER, else sender@example.org; with
 * $QUEUE_TOOL_VERBOSE set the committer logs each batch (size, milliseconds). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fsutil.h"
#include "msg.h"
#include "queue.h"
#include "strlist.h"
#include "xalloc.h"

/* tool_commit - queue len bytes of text to rcpts; 0 and the id in env */
static int tool_commit(struct queue *q, const char *text, size_t len, char **rcpts,
		       size_t n, struct queue_env *env, struct dsn *d)
{
	const char *sender = getenv("QUEUE_TOOL_SENDER");
	struct queue_new *nw = queue_new(q, d);
	size_t i;

	memset(env, 0, sizeof(*env));
	if (nw == NULL)
		return -1;
	if (queue_new_write(nw, text, len, d) < 0) {
		queue_new_abort(nw);
		return -1;
	}
	env->sender = xstrdup(sender ? sender : "sender@example.org");
	env->client = xstrdup("local");
	env->protocol = xstrdup("local");
	env->rcpts = xcalloc(n + 1, sizeof(*env->rcpts));
	env->nrcpts = n;
	for (i = 0; i < n; i++)
		env->rcpts[i].addr = xstrdup(rcpts[i]);
	return queue_new_commit(nw, env, d);
}

static int cmd_commit(struct queue *q, int argc, char **argv)
{
	struct queue_env env;
	struct dsn d;
	size_t len;
	char *text = argc > 0 ? read_file(argv[0], &len) : NULL;
	int rc;

	if (text == NULL || argc < 2) {
		fprintf(stderr, "queue-tool: commit FILE RCPT...\n");
		free(text);
		return 2;
	}
	rc = tool_commit(q, text, len, argv + 1, (size_t)(argc - 1), &env, &d);
	if (rc == 0)
		printf("%s\n", env.id);
	else
		fprintf(stderr, "queue-tool: %s %s\n", d.code, d.text);
	queue_env_free(&env);
	free(text);
	return rc == 0 ? 0 : 1;
}

static int cmd_list(struct queue *q)
{
	char **ids = queue_list(q);
	size_t i;

	for (i = 0; ids[i]; i++)
		printf("%s\n", ids[i]);
	strlist_free(ids);
	return 0;
}

/* cmd_show - the envelope (as queue_env_format writes it) or the data */
static int cmd_show(struct queue *q, const char *id, bool data)
{
	struct queue_env env;
	struct buf out = BUF_INIT;
	struct dsn d;
	int fd;
	char *text;

	if (data) {
		if ((fd = queue_data_fd(q, id, &d)) < 0 || (text = read_fd(fd, NULL)) == NULL) {
			fprintf(stderr, "queue-tool: %s\n", d.text);
			return 1;
		}
		fputs(text, stdout);
		free(text);
		close(fd);
		return 0;
	}
	if (queue_load(q, id, &env, &d) < 0) {
		fprintf(stderr, "queue-tool: %s\n", d.text);
		return 1;
	}
	queue_env_format(&env, &out);
	fputs(out.data, stdout);
	buf_free(&out);
	queue_env_free(&env);
	return 0;
}

/* cmd_change - update (every recipient deferred) or bounce (every one failed) */
static int cmd_change(struct queue *q, const char *id, bool bounce)
{
	struct queue_env env;
	struct dsn d;
	size_t i;
	int rc;

	if (queue_load(q, id, &env, &d) < 0) {
		fprintf(stderr, "queue-tool: %s\n", d.text);
		return 1;
	}
	for (i = 0; i < env.nrcpts; i++) {
		struct queue_rcpt *r = &env.rcpts[i];
		r->state = bounce ? QUEUE_FAILED : QUEUE_DEFERRED;
		r->attempts++;
		r->next_try = 1800000000;
		free(r->last);
		r->last = xstrdup(bounce ? "550 5.1.1 no such user" : "451 4.3.0 try again \"later\"");
		snprintf(r->dsn, sizeof(r->dsn), "%s", bounce ? "5.1.1" : "4.3.0");
	}
	/* as the manager does: record the failures, then report them */
	rc = queue_update(q, &env, &d);
	if (rc == 0 && bounce)
		rc = queue_bounce(q, &env, "mx.example", &d);
	if (rc < 0)
		fprintf(stderr, "queue-tool: %s\n", d.text);
	queue_env_free(&env);
	return rc < 0 ? 1 : 0;
}

/* cmd_check - every listed message loads and its data has the size its
 * envelope says; prints "ID SIZE NRCPTS" for each */
static int cmd_check(struct queue *q)
{
	char **ids = queue_list(q);
	size_t i, len;
	int bad = 0;

	for (i = 0; ids[i]; i++) {
		struct queue_env env;
		struct dsn d;
		int fd = -1;
		char *text = NULL;
		if (queue_load(q, ids[i], &env, &d) < 0 || (fd = queue_data_fd(q, ids[i], &d)) < 0 ||
		    (text = read_fd(fd, &len)) == NULL || (off_t)len != env.size) {
			printf("BAD %s\n", ids[i]);
			bad = 1;
		} else
			printf("%s %zu %zu\n", ids[i], len, env.nrcpts);
		if (fd >= 0)
			close(fd);
		free(text);
		queue_env_free(&env);
	}
	strlist_free(ids);
	return bad;
}

/* bench_writer - commit n messages of about 2 kB; the number that failed */
static int bench_writer(const char *dir, long n)
{
	struct queue *q = queue_open(dir, NULL);
	char text[2048], *rcpt = (char *)"bench@example.net";
	long i;
	int bad = 0;

	memset(text, 'x', sizeof(text));
	for (i = 0; i < (long)sizeof(text); i += 64)
		text[i] = '\n';
	for (i = 0; q && i < n; i++) {
		struct queue_env env;
		struct dsn d;
		bad += tool_commit(q, text, sizeof(text), &rcpt, 1, &env, &d) != 0;
		queue_env_free(&env);
	}
	queue_close(q);
	return bad;
}

static int cmd_bench(const char *dir, int argc, char **argv)
{
	long writers = argc > 0 ? atol(argv[0]) : 1, n = argc > 1 ? atol(argv[1]) : 200, w;
	struct timeval t0, t1;
	int status, bad = 0;
	double secs;

	gettimeofday(&t0, NULL);
	for (w = 0; w < writers; w++)
		if (fork() == 0)
			_exit(bench_writer(dir, n) ? 1 : 0);
	for (w = 0; w < writers; w++)
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad = 1;
	gettimeofday(&t1, NULL);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_usec - t0.tv_usec) / 1e6;
	printf("%ld writers x %ld commits: %.0f commits/s\n", writers, n,
	       (double)(writers * n) / secs);
	return bad;
}

/* tool_run - one command on the open queue q */
static int tool_run(struct queue *q, const char *dir, const char *cmd, int argc, char **argv)
{
	if (strcmp(cmd, "commit") == 0)
		return cmd_commit(q, argc, argv);
	if (strcmp(cmd, "list") == 0)
		return cmd_list(q);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(q);
	if (strcmp(cmd, "committer") == 0) {
		queue_committer_run(q);
		return 0;
	}
	if (strcmp(cmd, "bench") == 0)
		return cmd_bench(dir, argc, argv);
	if (argc < 1)
		return 2;
	if (strcmp(cmd, "show") == 0 || strcmp(cmd, "data") == 0)
		return cmd_show(q, argv[0], cmd[0] == 'd');
	if (strcmp(cmd, "update") == 0 || strcmp(cmd, "bounce") == 0)
		return cmd_change(q, argv[0], cmd[0] == 'b');
	if (strcmp(cmd, "remove") == 0)
		return queue_remove(q, argv[0]) < 0 ? 1 : 0;
	return 2;
}

int main(int argc, char **argv)
{
	struct buf err = BUF_INIT;
	struct queue *q;
	int rc;

	msg_init("queue-tool", "MTA");
	if (getenv("QUEUE_TOOL_VERBOSE"))
		msg_set_verbose(1);
	if (argc < 3) {
		fprintf(stderr, "usage: queue-tool DIR COMMAND [ARGS]\n");
		return 2;
	}
	if ((q = queue_open(argv[1], &err)) == NULL) {
		fprintf(stderr, "queue-tool: %s\n", buf_cstr(&err));
		buf_free(&err);
		return 1;
	}
	rc = tool_run(q, argv[1], argv[2], argc - 3, argv + 3);
	if (rc == 2)
		fprintf(stderr, "queue-tool: bad command or arguments\n");
	queue_close(q);
	buf_free(&err);
	return rc;
}
