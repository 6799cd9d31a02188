/* trace.c - poczta-ctl trace FILE|MESSAGE-ID: a message's journey, read
 * from its own trace fields (lib/hops.c) and from the agents' log: one row
 * per hop with the agent's role, program, host, protocol, TLS, time and the
 * delay since the hop before.  A Message-ID is looked up in the queue (mail
 * not yet delivered) and in each user's notmuch index. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "ctl.h"
#include "fsutil.h"
#include "hops.h"
#include "i18n.h"
#include "index.h"
#include "queue.h"
#include "rfc5322.h"
#include "settings.h"
#include "strlist.h"
#include "users.h"
#include "xalloc.h"

#define TRACE_USAGE "[-c FILE] trace FILE|MESSAGE-ID"
#define TRACE_COLS 9

/* cell - a table cell: s, or "-" */
static const char *cell(const char *s)
{
	return s && *s ? s : "-";
}

/* when - a hop's time as the local "YYYY-MM-DD HH:MM:SS" */
static void when(time_t t, char *out, size_t size)
{
	struct tm tm;

	if (t == (time_t)-1 || localtime_r(&t, &tm) == NULL)
		snprintf(out, size, "-");
	else
		strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* print_table - rows of TRACE_COLS cells, columns as wide as their widest */
static void print_table(char ***rows, size_t nrows)
{
	int w[TRACE_COLS] = { 0 };
	size_t r, c;

	for (r = 0; r < nrows; r++)
		for (c = 0; c < TRACE_COLS; c++)
			if (ctl_width(rows[r][c]) > w[c])
				w[c] = ctl_width(rows[r][c]);
	for (r = 0; r < nrows; r++) {
		struct buf line = BUF_INIT;

		for (c = 0; c < TRACE_COLS; c++) {
			buf_puts(&line, rows[r][c]);
			if (c + 1 < TRACE_COLS)
				buf_printf(&line, "%*s", w[c] - ctl_width(rows[r][c]) + 2, "");
		}
		while (line.len > 0 && line.data[line.len - 1] == ' ')
			line.len--;
		printf("%.*s\n", (int)line.len, line.data);
		buf_free(&line);
	}
}

/* log_lines - the lines of the agents' log that name one of the queue ids
 * the hops carry ("id=QID"): what each agent did with the message */
static void log_lines(struct ctl *ctl, const struct hops *h)
{
	char *log = conf_get_path(ctl->conf, "global", NULL, "log_file");
	char **keys = NULL, *line = NULL;
	size_t i, cap = 0;
	ssize_t n;
	int shown = 0;
	FILE *f;

	for (i = 0; i < h->n; i++) {
		size_t len;
		char *key;

		if (h->hop[i].id == NULL)
			continue;
		/* poczta-mda's delivery id is QID.R<random>: the queue id first */
		len = strcspn(h->hop[i].id, ".");
		key = xasprintf("id=%.*s", (int)len, h->hop[i].id);
		if (len >= 8 && !strlist_has_nocase(keys, key))
			keys = strlist_add(keys, key);
		free(key);
	}
	/* read a line at a time: a log kept for months is not read whole */
	if (log == NULL || keys == NULL || (f = fopen(log, "re")) == NULL)
		goto out;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		for (i = 0; keys[i]; i++)
			if (strstr(line, keys[i])) {
				if (shown++ == 0)
					printf(_("\nWhat the agents logged (%s):\n"), log);
				printf("  %s\n", line);
				break;
			}
	}
	fclose(f);
out:
	free(line);
	free(log);
	strlist_free(keys);
}

/* trace_show - the journey of the message in data */
static int trace_show(struct ctl *ctl, const char *name, const char *data, size_t len)
{
	struct hops h;
	char ***rows;
	char t[32], d[32];
	size_t i, c;
	time_t prev;

	if (hops_parse(data, len, &h) < 0) {
		fprintf(stderr, _("poczta-ctl: %s: no header section\n"), name);
		return EX_DATAERR;
	}
	printf(_("Message %s\n"), name);
	printf("  Message-ID: <%s>\n", cell(h.message_id));
	printf("  Subject:    %s\n", cell(h.subject));
	if (h.return_path || h.delivered_to)
		printf(_("  Delivered to %s, return path <%s>\n"), cell(h.delivered_to),
		       h.return_path ? h.return_path : "");
	putchar('\n');

	rows = xcalloc(h.n + 2, sizeof(*rows));
	rows[0] = xcalloc(TRACE_COLS, sizeof(char *));
	rows[0][0] = xstrdup("#");
	rows[0][1] = xstrdup(_("role"));
	rows[0][2] = xstrdup(_("agent"));
	rows[0][3] = xstrdup(_("host"));
	rows[0][4] = xstrdup(_("from"));
	rows[0][5] = xstrdup(_("protocol"));
	rows[0][6] = xstrdup("TLS");
	rows[0][7] = xstrdup(_("time"));
	rows[0][8] = xstrdup(_("delay"));
	/* Row 1 is the author's Date: when the MUA says it was sent (RFC 5322 3.6.1). */
	rows[1] = xcalloc(TRACE_COLS, sizeof(char *));
	when(h.date, t, sizeof(t));
	rows[1][0] = xstrdup("0");
	rows[1][1] = xstrdup("MUA");
	rows[1][2] = xstrdup(_("(Date: field)"));
	for (c = 3; c < 7; c++)
		rows[1][c] = xstrdup("-");
	rows[1][7] = xstrdup(t);
	rows[1][8] = xstrdup("");
	prev = h.date;
	for (i = 0; i < h.n; i++) {
		const struct hop *p = &h.hop[i];
		char **r = rows[i + 2] = xcalloc(TRACE_COLS, sizeof(char *));

		when(p->when, t, sizeof(t));
		hops_delay(prev, p->when, d, sizeof(d));
		if (p->when != (time_t)-1)
			prev = p->when;
		r[0] = xasprintf("%zu", i + 1);
		r[1] = xstrdup(p->role);
		r[2] = xstrdup(cell(p->program));
		r[3] = xstrdup(cell(p->by));
		r[4] = xstrdup(cell(p->from));
		r[5] = xstrdup(cell(p->protocol));
		r[6] = xstrdup(cell(p->tls));
		r[7] = xstrdup(t);
		r[8] = xstrdup(d);
	}
	print_table(rows, h.n + 2);
	for (i = 0; i < h.n + 2; i++) {
		for (c = 0; c < TRACE_COLS; c++)
			free(rows[i][c]);
		free(rows[i]);
	}
	free(rows);
	if (h.n == 0)
		printf(_("No Received fields: the message has not passed through a mail agent.\n"));
	log_lines(ctl, &h);
	hops_free(&h);
	return 0;
}

/* trace_queue - show each queued message with Message-ID mid (still
 * waiting for delivery); how many there were */
static int trace_queue(struct ctl *ctl, const char *mid, int *rc)
{
	char *data_dir = settings_data_dir(ctl->conf);
	char *dir = xasprintf("%s/queue", data_dir);
	struct buf err = BUF_INIT;
	struct queue *q = queue_open(dir, &err);
	char **ids = q ? queue_list(q) : NULL;
	size_t i;
	int n = 0;

	for (i = 0; ids && ids[i]; i++) {
		struct dsn d;
		int fd = queue_data_fd(q, ids[i], &d);
		char *text = NULL, *name;
		size_t len = 0;

		if (fd < 0)
			continue;
		if ((text = read_fd(fd, &len)) != NULL &&
		    rfc5322_has_field_value(text, rfc5322_header_end(text, len), "Message-ID", mid)) {
			name = xasprintf(_("in the queue, id %s"), ids[i]);
			if (n++ > 0)
				putchar('\n');
			*rc |= trace_show(ctl, name, text, len);
			free(name);
		}
		free(text);
		close(fd);
	}
	strlist_free(ids);
	if (q)
		queue_close(q);
	buf_free(&err);
	free(dir);
	free(data_dir);
	return n;
}

/* find_message - the files of each user's delivered copies of the
 * message with Message-ID mid */
static char **find_message(struct ctl *ctl, const char *mid)
{
	char **found = xcalloc(1, sizeof(*found));
	char *path = settings_users_file(ctl->conf);
	struct buf err = BUF_INIT;
	struct users *u = users_load(path, &err);
	size_t i, j;

	for (i = 0; u && i < users_count(u); i++) {
		char *root = settings_user_path(ctl->conf, "mda", "maildir", users_at(u, i)->name);
		char **paths = root ? index_find_message(root, mid, &err) : NULL;

		for (j = 0; paths && paths[j]; j++)
			found = strlist_add(found, paths[j]);
		if (root && paths == NULL)
			fprintf(stderr, "poczta-ctl: %s\n", buf_cstr(&err));
		strlist_free(paths);
		free(root);
	}
	users_free(u);
	buf_free(&err);
	free(path);
	return found;
}

int trace_cmd(struct ctl *ctl, int argc, char **argv)
{
	const char *arg;
	char *data = NULL, *mid, *bracketed;
	char **found;
	size_t len = 0, i;
	int rc = 0, queued;

	if (argc != 2 || (argv[1][0] == '-' && argv[1][1]))
		return ctl_usage_error(TRACE_USAGE, _("expected one file or Message-ID"));
	if (!ctl_load_conf(ctl, false))
		return EX_CONFIG;
	arg = argv[1];
	data = strcmp(arg, "-") == 0 ? read_fd(0, &len) : read_file(arg, &len);
	if (data) {
		rc = trace_show(ctl, strcmp(arg, "-") == 0 ? _("(standard input)") : arg, data, len);
		free(data);
		return rc;
	}
	if (errno != ENOENT || strchr(arg, '@') == NULL) {
		fprintf(stderr, "poczta-ctl: %s: %s\n", arg, strerror(errno));
		return EX_NOINPUT;
	}
	/* not a file: a Message-ID, with or without its angle brackets */
	mid = xstrndup(arg + (arg[0] == '<'), strlen(arg) - (arg[0] == '<') -
		       (arg[0] == '<' && arg[strlen(arg) - 1] == '>'));
	bracketed = xasprintf("<%s>", mid);
	queued = trace_queue(ctl, bracketed, &rc);
	free(bracketed);
	found = find_message(ctl, mid);
	if (queued == 0 && found[0] == NULL) {
		fprintf(stderr, _("poczta-ctl: no message with Message-ID <%s> in the queue or the "
				  "users' Maildirs (is it indexed? see poczta-ctl reindex)\n"), mid);
		rc = EX_NOINPUT;
	}
	for (i = 0; found[i]; i++) {
		if (i > 0 || queued > 0)
			putchar('\n');
		if ((data = read_file(found[i], &len)) == NULL) {
			fprintf(stderr, "poczta-ctl: %s: %s\n", found[i], strerror(errno));
			rc = EX_NOINPUT;
			continue;
		}
		rc |= trace_show(ctl, found[i], data, len);
		free(data);
	}
	strlist_free(found);
	free(mid);
	return rc;
}
