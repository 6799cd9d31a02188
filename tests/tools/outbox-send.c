/* outbox-send - the client's outbox without its screen, for
 * tests/integration/t-client-outbox.sh:
 *   outbox-send -c CONF put SENDER RCPT... < message   (prints the id)
 *   outbox-send -c CONF run [SECONDS]  (ticks until nothing waits, or
 *                                       SECONDS pass; prints each note)
 *   outbox-send -c CONF list           (id state due reply, one a line)
 *   outbox-send -c CONF take ID        (the message on standard output) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "../../client/config.h"
#include "../../client/outbox.h"
#include "fsutil.h"
#include "msg.h"
#include "settings.h"

static const char *const states[] = { "waiting", "submitting", "failed" };

static int put(struct outbox *o, int argc, char **argv)
{
	struct buf err = BUF_INIT;
	size_t len;
	char *msg = read_fd(0, &len), *id = NULL;
	int rc;

	if (msg == NULL || argc < 2)
		return 2;
	rc = outbox_put(o, msg, len, argv[0], argv + 1, (size_t)(argc - 1), &id, &err);
	if (rc == 0)
		printf("%s\n", id);
	else
		fprintf(stderr, "outbox-send: %s\n", buf_cstr(&err));
	free(id);
	free(msg);
	buf_free(&err);
	return rc == 0 ? 0 : 1;
}

static int run(struct outbox *o, int seconds)
{
	struct buf note = BUF_INIT;
	time_t end = time(NULL) + seconds, due;
	size_t busy;

	do {
		buf_reset(&note);
		busy = outbox_tick(o, time(NULL), &due, &note);
		if (note.len)
			printf("%s\n", buf_cstr(&note));
		fflush(stdout);
		usleep(100000);
	} while (busy > 0 && time(NULL) < end);
	buf_free(&note);
	return busy > 0 ? 1 : 0;
}

static int list(struct outbox *o)
{
	size_t n, i;
	struct outbox_entry *v = outbox_list(o, &n);

	for (i = 0; i < n; i++)
		printf("%s %s %lld %s\n", v[i].id, states[v[i].state], (long long)v[i].due,
		       v[i].reply ? v[i].reply : "-");
	outbox_list_free(v, n);
	return 0;
}

static int take(struct outbox *o, const char *id)
{
	struct buf m = BUF_INIT, err = BUF_INIT;
	int rc = outbox_take(o, id, &m, &err);

	if (rc == 0)
		fwrite(m.data, 1, m.len, stdout);
	else
		fprintf(stderr, "outbox-send: %s\n", buf_cstr(&err));
	buf_free(&m);
	buf_free(&err);
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct client_config cfg;
	struct buf err = BUF_INIT;
	struct outbox *o;
	struct conf *c;
	int rc = 2;

	msg_init("outbox-send", "MUA");
	if (argc < 4 || strcmp(argv[1], "-c") != 0) {
		fprintf(stderr, "usage: outbox-send -c CONF put|run|list|take ...\n");
		return 2;
	}
	c = settings_load(argv[2], NULL);
	if (!cfg_load(&cfg, c, &err) || (o = outbox_open(&cfg.outbox, &err)) == NULL) {
		fprintf(stderr, "outbox-send: %s\n", buf_cstr(&err));
		return 2;
	}
	if (strcmp(argv[3], "put") == 0)
		rc = put(o, argc - 4, argv + 4);
	else if (strcmp(argv[3], "run") == 0)
		rc = run(o, argc > 4 ? atoi(argv[4]) : 60);
	else if (strcmp(argv[3], "list") == 0)
		rc = list(o);
	else if (strcmp(argv[3], "take") == 0 && argc > 4)
		rc = take(o, argv[4]);
	outbox_close(o);
	cfg_free(&cfg);
	conf_free(c);
	buf_free(&err);
	return rc;
}
