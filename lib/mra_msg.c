/* mra_msg.c - what poczta-mra reads from and does to a fetched message
 * (mra_msg.h): its Return-Path and Message-ID, and the DATA form. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "buf.h"
#include "mra_msg.h"
#include "rfc5322.h"
#include "xalloc.h"

/* mra_msg_return_path - the message's Return-Path address (RFC 5322 3.6.7) and
 * where that field starts and ends, so it is replaced by the MDA's own */
char *mra_msg_return_path(const char *data, size_t hlen, size_t *start, size_t *end)
{
	size_t i = 0;

	while (i < hlen) {
		size_t e = i;
		while (e < hlen && data[e] != '\n')
			e++;
		while (e + 1 < hlen && (data[e + 1] == ' ' || data[e + 1] == '\t')) {
			e++;	/* folded */
			while (e < hlen && data[e] != '\n')
				e++;
		}
		if (e - i > 12 && strncasecmp(data + i, "Return-Path:", 12) == 0) {
			const char *lt = memchr(data + i, '<', e - i), *gt;
			gt = lt ? memchr(lt, '>', (size_t)(data + e - lt)) : NULL;
			if (gt == NULL)
				return NULL;
			*start = i;
			*end = e < hlen ? e + 1 : e;
			return xstrndup(lt + 1, (size_t)(gt - lt - 1));
		}
		i = e + 1;
	}
	return NULL;
}

char *mra_msg_message_id(const char *data, size_t len)
{
	size_t hlen = rfc5322_header_end(data, len), i = 0;

	while (i + 11 < hlen) {
		const char *nl = memchr(data + i, '\n', hlen - i);
		size_t e = nl ? (size_t)(nl - data) : hlen;
		if (strncasecmp(data + i, "Message-ID:", 11) == 0) {
			size_t b = i + 11;
			while (b < e && (data[b] == ' ' || data[b] == '\t'))
				b++;
			while (e > b && (data[e - 1] == '\r' || data[e - 1] == ' ' || data[e - 1] == '\t'))
				e--;
			/* one line of printable ASCII, as the journal keeps it */
			for (i = b; i < e; i++)
				if ((unsigned char)data[i] < 0x21 || (unsigned char)data[i] > 0x7e)
					return NULL;
			return e > b && e - b < 1000 ? xstrndup(data + b, e - b) : NULL;
		}
		i = e + 1;
	}
	return NULL;
}

/* mra_msg_lines - every line end (CRLF, LF, or a stray CR, as poczta-mta's
 * client does against SMTP smuggling) becomes CRLF; with dots, a leading
 * dot is doubled (RFC 5321 4.5.2) */
static void mra_msg_lines(struct buf *b, const char *p, size_t n, bool dots)
{
	size_t i = 0;

	buf_reserve(b, n + n / 32 + 8);
	while (i < n) {
		size_t e = i;
		while (e < n && p[e] != '\n' && p[e] != '\r')
			e++;
		if (dots && e > i && p[i] == '.')
			buf_putc(b, '.');
		buf_append(b, p + i, e - i);
		buf_puts(b, "\r\n");
		if (e + 1 < n && p[e] == '\r' && p[e + 1] == '\n')
			e++;
		i = e + 1;
	}
}

/* mra_msg_dotstuff - DATA form: CRLF line ends, dots doubled, "." ends it */
void mra_msg_dotstuff(struct buf *b, const char *p, size_t n)
{
	mra_msg_lines(b, p, n, true);
	buf_puts(b, ".\r\n");
}

void mra_msg_crlf(struct buf *b, const char *p, size_t n)
{
	mra_msg_lines(b, p, n, false);
}
