/* message.c - one message into the queue.  The Received field goes first;
 * the header section is held until it is complete (the first empty line, or
 * the first line that is no header field), then written as header.c makes
 * it; the body follows line by line.  Nothing is queued until
 * message_commit, which returns only once queue_new_commit made the message
 * durable.  A failure of the queue is temporary (EX_TEMPFAIL) whatever the
 * errno: the caller may try again, as with Postfix's postdrop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "buf.h"
#include "i18n.h"
#include "maildrop.h"
#include "queue.h"
#include "rfc5322.h"
#include "sendmail.h"
#include "strlist.h"
#include "xalloc.h"

struct message {
	struct sm *sm;
	struct queue_new *qn;
	struct maildrop_file *md;	/* instead, in maildrop mode */
	struct header_ctx h;
	struct buf head;	/* the header section until it is complete */
	bool in_body;
	char **rcpts;		/* from the header section, with -t */
	unsigned long long size;
	bool failed;
	struct dsn err;
};

char *message_received(const struct sm *sm, const char *helo, const char *proto)
{
	char date[64];

	rfc5322_date(time(NULL), date, sizeof(date));
	if (helo == NULL)	/* RFC 5321 4.4, as Postfix writes a local submission */
		return xasprintf("Received: by %s (poczta-sendmail, from userid %lu);\n\t%s\n",
				 sm->hostname, (unsigned long)sm->uid, date);
	return xasprintf("Received: from %s\n\tby %s (poczta-sendmail, from userid %lu) with %s;\n"
			 "\t%s\n", helo, sm->hostname, (unsigned long)sm->uid, proto, date);
}

/* message_queue_error - a queue failure, always temporary for the caller */
static void message_queue_error(struct message *m, const struct dsn *d)
{
	m->failed = true;
	dsn_set(&m->err, DSN_TEMPFAIL, "4.3.0", "%s", d->text);
}

/* message_write - bytes into the queue file */
static void message_write(struct message *m, const char *p, size_t n)
{
	struct dsn d;

	if (!m->failed && (m->md ? maildrop_write(m->md, p, n, &d)
			   : queue_new_write(m->qn, p, n, &d)) < 0)
		message_queue_error(m, &d);
}

struct message *message_new(struct sm *sm, const char *received, const struct header_ctx *h,
			    struct dsn *d)
{
	struct message *m;
	struct queue_new *qn = NULL;
	struct maildrop_file *md = NULL;

	if (sm->maildrop ? (md = maildrop_new(sm->maildrop, d)) == NULL
			 : (qn = queue_new(sm->queue, d)) == NULL) {
		d->status = DSN_TEMPFAIL;
		snprintf(d->code, sizeof(d->code), "4.3.0");
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->sm = sm;
	m->qn = qn;
	m->md = md;
	m->h = *h;
	/* in the maildrop the pickup writes it, from the file's owner */
	if (md == NULL)
		message_write(m, received, strlen(received));
	return m;
}

/* message_end_header - write the header section out; the body follows */
static void message_end_header(struct message *m)
{
	struct buf out = BUF_INIT;
	struct dsn d;

	m->in_body = true;
	if (header_emit(&m->h, m->head.data ? m->head.data : "", m->head.len, &out, &m->rcpts,
			&d) < 0) {
		m->failed = true;
		m->err = d;
	}
	buf_putc(&out, '\n');	/* the empty line before the body (RFC 5322 2.1) */
	message_write(m, out.data, out.len);
	buf_free(&out);
	buf_free(&m->head);
}

/* message_field_line - whether line starts a header field ("name:", RFC
 * 5322 2.2: printable US-ASCII but ":"; obsolete white space before the
 * colon allowed, 4.5) or continues one */
static bool message_field_line(const struct message *m, const char *line, size_t len)
{
	size_t i = 0;

	if (line[0] == ' ' || line[0] == '\t')
		return m->head.len > 0;
	while (i < len && line[i] > ' ' && line[i] < 0x7f && line[i] != ':')
		i++;
	if (i == 0)
		return false;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && line[i] == ':';
}

void message_line(struct message *m, const char *line, size_t len)
{
	m->size += len;
	if (m->sm->max_size && m->size > m->sm->max_size && !m->failed) {
		m->failed = true;	/* RFC 3463: 5.3.4 message too big for system */
		dsn_set(&m->err, DSN_PERMFAIL, "5.3.4",
			_("the message is larger than the limit of %llu bytes (max_message_size)"),
			m->sm->max_size);
	}
	if (m->failed)
		return;
	if (!m->in_body) {
		if (len == 1 && line[0] == '\n') {
			message_end_header(m);
			return;
		}
		if (message_field_line(m, line, len)) {
			buf_append(&m->head, line, len);
			return;
		}
		message_end_header(m);	/* no empty line: we add it */
	}
	message_write(m, line, len);
}

char **message_rcpts(const struct message *m)
{
	return m->rcpts;
}

bool message_failed(const struct message *m, struct dsn *d)
{
	if (m->failed && d)
		*d = m->err;
	return m->failed;
}

/* message_done_header - the header section, once input has ended (a
 * message of header fields only, or none) */
void message_done_header(struct message *m)
{
	if (!m->in_body && !m->failed)
		message_end_header(m);
}

int message_commit(struct message *m, struct queue_env *env, char *id, struct dsn *d)
{
	int rc = -1;

	message_done_header(m);
	if (m->failed)
		*d = m->err;
	else if (m->md) {
		rc = maildrop_commit(m->md, env, id, SM_ID_MAX, d);
		m->md = NULL;	/* freed either way */
		if (rc < 0) {
			d->status = DSN_TEMPFAIL;
			snprintf(d->code, sizeof(d->code), "4.3.0");
		}
	} else if (queue_new_commit(m->qn, env, d) == 0) {
		memcpy(id, env->id, QUEUE_ID_MAX);
		m->qn = NULL;
		rc = 0;
	} else {
		m->qn = NULL;	/* queue_new_commit freed it */
		d->status = DSN_TEMPFAIL;
		snprintf(d->code, sizeof(d->code), "4.3.0");
	}
	message_abort(m);
	return rc;
}

void message_abort(struct message *m)
{
	if (m == NULL)
		return;
	queue_new_abort(m->qn);
	maildrop_abort(m->md);
	buf_free(&m->head);
	strlist_free(m->rcpts);
	free(m);
}
