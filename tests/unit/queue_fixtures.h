/* queue_fixtures.h - a scratch queue directory and small helpers the queue
 * unit tests share. */
#ifndef POCZTA_QUEUE_FIXTURES_H
#define POCZTA_QUEUE_FIXTURES_H

static char *scratch;

static inline int setup(void **state)
{
	char tmpl[] = "/tmp/poczta-queue-XXXXXX";
	scratch = xstrdup(mkdtemp(tmpl));
	return 0;
}

static inline int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		return -1;
	free(cmd);
	x_free(&scratch);
	return 0;
}

/* env_init - a small envelope with nrcpts recipients rN@example.net */
static inline void env_init(struct queue_env *env, const char *sender, size_t nrcpts)
{
	size_t i;

	memset(env, 0, sizeof(*env));
	env->sender = xstrdup(sender);
	env->created = 1776400000;
	env->client = xstrdup("mail.example.org [192.0.2.1]");
	env->helo = xstrdup("mail.example.org");
	env->protocol = xstrdup("ESMTP");
	env->rcpts = xcalloc(nrcpts, sizeof(*env->rcpts));
	env->nrcpts = nrcpts;
	for (i = 0; i < nrcpts; i++)
		env->rcpts[i].addr = xasprintf("r%zu@example.net", i);
}

/* commit_msg - queue text with env; the id is left in env->id */
static inline int commit_msg(struct queue *q, struct queue_env *env, const char *text)
{
	struct dsn d;
	struct queue_new *n = queue_new(q, &d);

	if (n == NULL)
		return -1;
	if (queue_new_write(n, text, strlen(text), &d) < 0) {
		queue_new_abort(n);
		return -1;
	}
	return queue_new_commit(n, env, &d);
}

/* read_data - the data of queued id, newly allocated */
static char *read_data(struct queue *q, const char *id)
{
	struct dsn d;
	int fd = queue_data_fd(q, id, &d);
	char *s;

	assert_true(fd >= 0);
	s = read_fd(fd, NULL);
	close(fd);
	return s;
}

/* count_found - what find(1) finds in DIR with the tests in args */
static inline int count_found(const char *dir, const char *args)
{
	char *cmd = xasprintf("find '%s' %s | wc -l", dir, args);
	FILE *f = popen(cmd, "r");
	int n = -1;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &n), 1);
	pclose(f);
	free(cmd);
	return n;
}

/* count_files - regular files in DIR, but the spare ones kept for reuse
 * (QUEUE/spare: never a message) */
static inline int count_files(const char *dir)
{
	return count_found(dir, "-type f -not -path '*/spare/*'");
}

#endif
