/* input.c - standard input into the lines of a message, as the queue stores
 * them (LF line ends):
 *   - CR LF, and any CRs before an LF, end a line (Postfix's
 *     sendmail_fix_line_endings = always);
 *   - a CR elsewhere also ends a line: the relay client would send it as a
 *     line end anyway (lib/smtpc_data.c), so the header section -t reads and
 *     Bcc is removed from is the one the recipients will see;
 *   - a NUL byte refuses the message (RFC 5322 2.1 and 3.5: not text; the
 *     MTA and MDA refuse it too), nothing is queued;
 *   - a line longer than 998 octets (RFC 5322 2.1.1) is broken there, the
 *     rest continuing on a line that starts with a space: Postfix does the
 *     same on its way out (smtp_line_length_limit); header fields stay fields
 *     (folded), and no UTF-8 character is cut in two;
 *   - "From " lines before the header section are dropped (mbox envelope);
 *   - without -i, a line with a single "." ends the message (not un-stuffed:
 *     this is no SMTP). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "i18n.h"
#include "sendmail.h"

#define INPUT_CHUNK 65536

struct input {
	struct message *m;
	bool dot_ends;
	bool started;		/* a line went to the message */
	bool cont;		/* the line in out is not complete */
	struct buf out;		/* the output line being built */
};

/* input_cut - where to break a line of len > SM_LINE_MAX octets: at most
 * SM_LINE_MAX, moved back off the middle of a UTF-8 sequence */
static size_t input_cut(const char *p, size_t len)
{
	size_t cut = SM_LINE_MAX, back;

	for (back = 0; back < 3 && cut > 1 && ((unsigned char)p[cut] & 0xc0) == 0x80; back++)
		cut--;
	return back == 3 ? SM_LINE_MAX : cut;
}

/* input_emit - text of the current line; complete: its end */
static void input_emit(struct input *in, const char *p, size_t n, bool complete)
{
	struct buf rest = BUF_INIT;

	buf_append(&in->out, p, n);
	while (in->out.len > SM_LINE_MAX) {
		size_t cut = input_cut(in->out.data, in->out.len);
		buf_putc(&rest, ' ');
		buf_append(&rest, in->out.data + cut, in->out.len - cut);
		in->out.len = cut;
		buf_putc(&in->out, '\n');
		message_line(in->m, in->out.data, in->out.len);
		buf_reset(&in->out);
		buf_append(&in->out, rest.data, rest.len);
		buf_reset(&rest);
	}
	buf_free(&rest);
	in->cont = !complete;
	if (complete) {
		buf_putc(&in->out, '\n');
		message_line(in->m, in->out.data, in->out.len);
		buf_reset(&in->out);
	}
}

/* input_from_line - an mbox "From " line (or ">From ") */
static bool input_from_line(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] == '>')
		i++;
	return n - i >= 5 && memcmp(p + i, "From ", 5) == 0;
}

/* input_text - text without CR or LF; complete: the line ends here.
 * Returns 1 at the "." that ends the input. */
static int input_text(struct input *in, const char *p, size_t n, bool complete)
{
	if (!in->cont && complete) {
		if (in->dot_ends && n == 1 && p[0] == '.')
			return 1;
		if (!in->started && input_from_line(p, n))
			return 0;
	}
	in->started = true;
	input_emit(in, p, n, complete);
	return 0;
}

/* input_line - a line without its LF (complete) or the start of a long one;
 * trailing CRs dropped, other CRs made line ends.  1 at the end, -1 on NUL */
static int input_line(struct input *in, const char *p, size_t n, bool complete)
{
	const char *cr;

	if (memchr(p, '\0', n))
		return -1;
	while (complete && n > 0 && p[n - 1] == '\r')
		n--;
	while ((cr = memchr(p, '\r', n)) != NULL) {
		if (input_text(in, p, (size_t)(cr - p), true) == 1)
			return 1;
		n -= (size_t)(cr - p) + 1;
		p = cr + 1;
	}
	return input_text(in, p, n, complete);
}

/* input_drain - the complete lines in b (and, when b grows past a chunk
 * without a line end, its start); 1 at the end, -1 on NUL */
static int input_drain(struct input *in, struct buf *b, bool eof)
{
	const char *nl;
	int rc;

	while ((nl = memchr(b->data, '\n', b->len)) != NULL) {
		size_t n = (size_t)(nl - b->data);
		if ((rc = input_line(in, b->data, n, true)) != 0)
			return rc;
		buf_consume(b, n + 1);
	}
	if (b->len > INPUT_CHUNK || (eof && b->len > 0)) {
		size_t n = b->len;
		while (!eof && n > 0 && b->data[n - 1] == '\r')
			n--;	/* it may be the CR of a CR LF */
		if ((rc = input_line(in, b->data, n, eof)) != 0)
			return rc;
		buf_consume(b, n);
	}
	return 0;
}

int input_run(int fd, bool dot_ends, struct message *m, struct dsn *d)
{
	struct input in = { m, dot_ends, false, false, BUF_INIT };
	struct buf b = BUF_INIT;
	char chunk[INPUT_CHUNK];
	ssize_t n;
	int rc = 0;

	while (rc == 0 && !message_failed(m, NULL)) {
		if ((n = read(fd, chunk, sizeof(chunk))) < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			dsn_from_errno(d, errno, "%s", _("read the message from standard input"));
			d->status = DSN_TEMPFAIL;
			rc = -2;
			break;
		}
		buf_append(&b, chunk, (size_t)n);
		rc = input_drain(&in, &b, n == 0);
		if (n == 0)
			break;
	}
	if (rc == -1)
		dsn_set(d, DSN_PERMFAIL, "5.6.0", "%s",
			_("the message contains a NUL byte, which mail may not carry (RFC 5322 2.1)"));
	buf_free(&b);
	buf_free(&in.out);
	return rc < 0 ? -1 : 0;
}
