/* conn_stream.c - a libetpan mailstream over a connection (conn.h), so that
 * libetpan's SMTP, IMAP and POP3 clients read and write through this TLS
 * layer and never through libetpan's own (GnuTLS) one.  A STARTTLS done on
 * the conn is seen by the stream at once: the stream only ever calls
 * conn_read and conn_write. */
#include <stdlib.h>
#include <libetpan/mailstream.h>
#include <libetpan/mailstream_low.h>
#include "conn.h"
#include "conn_int.h"
#include "xalloc.h"

/* libetpan exports these (LIBETPAN_EXPORT) but installs no header for
 * them; mailstream_wait_idle (IMAP IDLE) needs a driver's cancel object */
struct mailstream_cancel *mailstream_cancel_new(void);
void mailstream_cancel_free(struct mailstream_cancel *cancel);
void mailstream_cancel_notify(struct mailstream_cancel *cancel);

struct conn_stream {
	struct conn *c;		/* not owned */
	int timeout_ms;
	struct mailstream_cancel *cancel;
};

/* conn_stream_read - what libetpan's buffer asks for; a timeout is an
 * error to libetpan, as for its own sockets */
static ssize_t conn_stream_read(mailstream_low *s, void *p, size_t n)
{
	struct conn_stream *cs = s->data;
	ssize_t r = conn_read(cs->c, p, n, cs->timeout_ms);

	return r < 0 ? -1 : r;
}

static ssize_t conn_stream_write(mailstream_low *s, const void *p, size_t n)
{
	struct conn_stream *cs = s->data;

	return conn_write(cs->c, p, n) == 0 ? (ssize_t)n : -1;
}

/* conn_stream_close - nothing: the conn belongs to the caller */
static int conn_stream_close(mailstream_low *s)
{
	return 0;
}

static int conn_stream_get_fd(mailstream_low *s)
{
	struct conn_stream *cs = s->data;

	return conn_fd(cs->c);
}

/* conn_stream_free - the driver's data and the mailstream_low itself (as
 * libetpan's own drivers do), never the conn */
static void conn_stream_free(mailstream_low *s)
{
	struct conn_stream *cs = s->data;

	if (cs->cancel != NULL)
		mailstream_cancel_free(cs->cancel);
	free(cs);
	free(s);
}

/* conn_stream_cancel - wake a mailstream_wait_idle; a read under way
 * still ends only by its timeout */
static void conn_stream_cancel(mailstream_low *s)
{
	struct conn_stream *cs = s->data;

	mailstream_cancel_notify(cs->cancel);
}

static struct mailstream_cancel *conn_stream_get_cancel(mailstream_low *s)
{
	struct conn_stream *cs = s->data;

	return cs->cancel;
}

static mailstream_low_driver conn_stream_driver = {
	.mailstream_read = conn_stream_read,
	.mailstream_write = conn_stream_write,
	.mailstream_close = conn_stream_close,
	.mailstream_get_fd = conn_stream_get_fd,
	.mailstream_free = conn_stream_free,
	.mailstream_cancel = conn_stream_cancel,
	.mailstream_get_cancel = conn_stream_get_cancel,
};

/* conn_mailstream - a stream on c; the caller closes it with
 * mailstream_close, which leaves c open.  Its buffer is as large as the
 * conn's, so reads go straight through and no byte waits in c unseen by
 * libetpan (mailstream_wait_idle polls the socket). */
struct _mailstream *conn_mailstream(struct conn *c, int timeout_ms)
{
	struct conn_stream *cs = xcalloc(1, sizeof(*cs));
	mailstream_low *low;
	mailstream *s;

	cs->c = c;
	cs->timeout_ms = timeout_ms;
	cs->cancel = mailstream_cancel_new();
	low = cs->cancel ? mailstream_low_new(cs, &conn_stream_driver) : NULL;
	if (low == NULL) {
		if (cs->cancel != NULL)
			mailstream_cancel_free(cs->cancel);
		free(cs);
		return NULL;
	}
	s = mailstream_new(low, CONN_RBUF_SIZE);
	if (s == NULL)
		conn_stream_free(low);
	return s;
}

/* conn_mailstream_buffered - conn_buffered for a stream: bytes in
 * libetpan's read buffer or in the conn's; a client checks it right after
 * a STARTTLS reply (CVE-2020-15953) */
bool conn_mailstream_buffered(struct _mailstream *s)
{
	struct conn_stream *cs;

	if (s->read_buffer_len > 0)
		return true;
	if (s->low == NULL || s->low->driver != &conn_stream_driver)
		return false;
	cs = s->low->data;
	return conn_buffered(cs->c);
}
