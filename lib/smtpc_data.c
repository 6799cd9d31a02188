/* smtpc_data.c - the message text as it goes on the wire after DATA's 354
 * (RFC 5321 4.5.2, 2.3.8).  The queue stores LF line ends; here every line
 * end becomes CR LF, and so does a CR or LF found alone, so that nothing we
 * relay can be read as a different end of data by the next server (SMTP
 * smuggling, CVE-2023-51764).  CR LF stays one line end.  A line starting
 * with "." gets another "."; a text that does not end with a line end gets
 * one; then the "." line ends the data.  The same pass without output
 * measures the message for SIZE (RFC 1870 2: CR LF counted, the added dots
 * not) and finds 8-bit bytes for BODY=8BITMIME (RFC 6152). */
#include <errno.h>
#include <unistd.h>
#include "smtpc_int.h"

void smtpc_enc_init(struct smtpc_enc *e)
{
	e->bol = true;
	e->cr = false;
	e->eightbit = false;
	e->size = 0;
}

/* smtpc_enc_eol - a line end */
static void smtpc_enc_eol(struct smtpc_enc *e, struct buf *out)
{
	if (out)
		buf_append(out, "\r\n", 2);
	e->size += 2;
	e->bol = true;
	e->cr = false;
}

void smtpc_enc_feed(struct smtpc_enc *e, const unsigned char *p, size_t n, struct buf *out)
{
	size_t i;

	if (out)
		buf_reserve(out, n + n / 8 + 4);
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (e->cr) {
			smtpc_enc_eol(e, out);
			if (c == '\n')
				continue;	/* CR LF: one line end */
		}
		if (c == '\r') {
			e->cr = true;
			continue;
		}
		if (c == '\n') {
			smtpc_enc_eol(e, out);
			continue;
		}
		if (e->bol && c == '.' && out)
			buf_putc(out, '.');	/* RFC 5321 4.5.2: dot-stuffing */
		if (out)
			buf_putc(out, (char)c);
		e->eightbit |= c > 127;
		e->size++;
		e->bol = false;
	}
}

void smtpc_enc_end(struct smtpc_enc *e, struct buf *out)
{
	if (e->cr || !e->bol)
		smtpc_enc_eol(e, out);
	if (out)
		buf_append(out, ".\r\n", 3);
}

int smtpc_data_scan(int fd, struct smtpc_enc *e)
{
	unsigned char b[65536];
	off_t off = 0;
	ssize_t n;

	smtpc_enc_init(e);
	while ((n = pread(fd, b, sizeof(b), off)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		smtpc_enc_feed(e, b, (size_t)n, NULL);
		off += n;
	}
	smtpc_enc_end(e, NULL);
	return 0;
}
