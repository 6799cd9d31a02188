/* outbox_bounce.c - bounces linked to what they are about (outbox_bounce.h).
 * The MIME tree is walked by lib/mimeview (libetpan); the fields of the
 * report (RFC 3464 2.2, 2.3) are "Name: value" lines read here. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "fsutil.h"
#include "maildir.h"
#include "mbox.h"
#include "mimeview.h"
#include "outbox_bounce.h"
#include "xalloc.h"

#define BOUNCE_QUERY "mimetype:message/delivery-status and tag:inbox and not tag:deleted"
#define BOUNCE_MAX 50		/* bounces looked at */
#define BOUNCE_SENT_DAYS 30	/* how far back Sent copies are matched */
#define BOUNCE_HEAD_MAX 16384	/* what is read of a Sent copy for its Message-ID */

/* bounce_field - the value of the first "name:" line of text, trimmed;
 * newly allocated, or NULL (folded continuation lines are joined) */
static char *bounce_field(const char *text, size_t len, const char *name)
{
	size_t n = strlen(name), i = 0, j;
	struct buf v = BUF_INIT;

	while (i < len) {
		j = i;
		while (j < len && text[j] != '\n')
			j++;
		if (j - i > n && strncasecmp(text + i, name, n) == 0 && text[i + n] == ':') {
			buf_append(&v, text + i + n + 1, j - i - n - 1);
			while (j + 1 < len && (text[j + 1] == ' ' || text[j + 1] == '\t')) {
				i = j + 1;
				for (j = i; j < len && text[j] != '\n'; j++)
					;
				buf_append(&v, text + i, j - i);
			}
			break;
		}
		if (j == i || (j == i + 1 && text[i] == '\r'))
			break;	/* the end of this header block */
		i = j + 1;
	}
	if (v.len == 0)
		return NULL;
	{
		char *s = buf_detach(&v), *p = s, *e;

		for (e = s; *e; e++)
			if (*e == '\r' || *e == '\t')
				*e = ' ';
		while (*p == ' ')
			p++;
		e = p + strlen(p);
		while (e > p && e[-1] == ' ')
			*--e = '\0';
		memmove(s, p, strlen(p) + 1);
		return s;
	}
}

/* bounce_blocks - the recipients and diagnostics of every per-recipient
 * block of a delivery-status part (RFC 3464 2.1: blocks apart by blank
 * lines; the first is per message) */
static void bounce_blocks(const char *t, size_t len, struct outbox_bounce *b)
{
	struct buf rc = BUF_INIT, dg = BUF_INIT;
	const char *p = t, *end = t + len, *next;
	char *r, *d;

	while (p < end) {
		next = strstr(p, "\n\n");
		next = next && next < end ? next + 2 : end;
		r = bounce_field(p, (size_t)(next - p), "Final-Recipient");
		d = bounce_field(p, (size_t)(next - p), "Diagnostic-Code");
		if (d == NULL)
			d = bounce_field(p, (size_t)(next - p), "Status");
		if (r) {	/* "rfc822;addr" (RFC 3464 2.3.2) */
			const char *a = strchr(r, ';');

			a = a ? a + 1 : r;
			a += strspn(a, " ");
			buf_printf(&rc, "%s%s", rc.len ? ", " : "", a);
			if (d)
				buf_printf(&dg, "%s%s", dg.len ? "; " : "", d);
		}
		free(r);
		free(d);
		p = next;
	}
	b->rcpts = buf_detach(&rc);
	b->diagnostic = buf_detach(&dg);
}

int outbox_bounce_parse(const char *data, size_t len, char **msgid, struct outbox_bounce *b)
{
	struct mimeview_opts o = { NULL, 0, false, NULL, true };
	struct mimeview *mv = mimeview_parse(data, len, &o);
	struct buf part = BUF_INIT;
	size_t i;
	bool report = false;

	*msgid = NULL;
	for (i = 0; mv && i < mv->nparts; i++) {
		const char *t = mv->parts[i].type;

		buf_reset(&part);
		if (strcmp(t, "message/delivery-status") == 0 && !report &&
		    mimeview_part_data(data, len, mv->parts[i].id, &part)) {
			bounce_blocks(part.data ? part.data : "", part.len, b);
			report = true;
		} else if ((strcmp(t, "text/rfc822-headers") == 0 ||
			    strcmp(t, "message/rfc822") == 0) && *msgid == NULL &&
			   mimeview_part_data(data, len, mv->parts[i].id, &part)) {
			*msgid = bounce_field(part.data ? part.data : "", part.len, "Message-ID");
			b->subject = bounce_field(part.data ? part.data : "", part.len, "Subject");
		}
	}
	if (b->subject == NULL && mv && mv->subject)
		b->subject = xstrdup(mv->subject);
	mimeview_free(mv);
	buf_free(&part);
	if (report && *msgid)
		return 0;
	free(*msgid);
	*msgid = NULL;
	return -1;
}

/* bounce_sent_dir - ROOT/.Sent/cur for the folder name, newly allocated */
static char *bounce_sent_dir(const char *root, const char *sent)
{
	struct dsn d;
	char *dir = maildir_folder_path(root, sent, false, &d);
	char *cur = dir ? xasprintf("%s/cur", dir) : NULL;

	free(dir);
	return cur;
}

/* bounce_find_sent - the Sent copy (one made by the outbox, of the last
 * BOUNCE_SENT_DAYS) whose Message-ID is msgid; newly allocated, or NULL */
static char *bounce_find_sent(const char *dir, const char *msgid)
{
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	time_t since = time(NULL) - BOUNCE_SENT_DAYS * 86400;
	char head[BOUNCE_HEAD_MAX], *path, *id, *found = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	while (d && found == NULL && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "outbox-", 7) != 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		n = fd >= 0 && fstat(fd, &st) == 0 && st.st_mtime >= since ?
		    read(fd, head, sizeof(head)) : -1;
		if (fd >= 0)
			close(fd);
		id = n > 0 ? bounce_field(head, (size_t)n, "Message-ID") : NULL;
		if (id && strcmp(id, msgid) == 0)
			found = path;
		else
			free(path);
		free(id);
	}
	if (d)
		closedir(d);
	return found;
}

struct outbox_bounce *outbox_bounces(struct mbox_db *db, const char *sent, size_t *n)
{
	struct buf err = BUF_INIT;
	struct mbox_list *l = mbox_list_new(db, BOUNCE_QUERY, MBOX_MESSAGES, false, &err);
	struct outbox_bounce *v = NULL, b;
	char *dir = NULL, *data, *msgid;
	size_t i, len, have = l ? mbox_list_need(l, BOUNCE_MAX) : 0;

	*n = 0;
	for (i = 0; i < have && i < BOUNCE_MAX; i++) {
		if (l->e[i].file == NULL || (data = read_file(l->e[i].file, &len)) == NULL)
			continue;
		memset(&b, 0, sizeof(b));
		if (outbox_bounce_parse(data, len, &msgid, &b) == 0) {
			if (dir == NULL)
				dir = bounce_sent_dir(mbox_db_root(db), sent);
			b.sent = bounce_find_sent(dir, msgid);
		}
		free(data);
		free(msgid);
		if (b.sent == NULL) {	/* not about a message sent from here */
			free(b.subject);
			free(b.rcpts);
			free(b.diagnostic);
			continue;
		}
		b.file = xstrdup(l->e[i].file);
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = b;
	}
	if (l)
		mbox_list_free(l);
	free(dir);
	buf_free(&err);
	return v;
}

void outbox_bounces_free(struct outbox_bounce *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].file);
		free(v[i].sent);
		free(v[i].subject);
		free(v[i].rcpts);
		free(v[i].diagnostic);
	}
	free(v);
}
