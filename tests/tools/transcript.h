/* transcript.h - what the engine transcript drivers (smtpd-transcript.c,
 * pop3d-transcript.c) share: reading a dialogue (.in) and printing what
 * the engine answered.  Header only: each .c in tests/tools is one program.
 *
 * A .in file: "#" lines are comments; a text line is the client's bytes
 * with C escapes (\r \n \t \0 \xHH) and CR LF added unless it ends in \c;
 * text lines gather until a "!" line (a directive for the driver), which
 * first has the gathered bytes fed to the engine.  "!repeat N TEXT" is
 * TEXT N times. */
#ifndef POCZTA_TESTS_TRANSCRIPT_H
#define POCZTA_TESTS_TRANSCRIPT_H
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"

/* tr_unescape - the bytes a .in line stands for, appended to b; false if
 * it ends in \c (no line end wanted) */
static bool tr_unescape(const char *l, struct buf *b)
{
	unsigned v;

	for (; *l; l++) {
		if (*l != '\\' || !l[1]) {
			buf_putc(b, *l);
			continue;
		}
		switch (*++l) {
		case 'r': buf_putc(b, '\r'); break;
		case 'n': buf_putc(b, '\n'); break;
		case 't': buf_putc(b, '\t'); break;
		case '0': buf_putc(b, '\0'); break;
		case 'c': return false;
		case 'x':
			if (sscanf(l + 1, "%2x", &v) == 1) {
				buf_putc(b, (int)v);
				l += 2;
			}
			break;
		default: buf_putc(b, *l); break;
		}
	}
	return true;
}

/* tr_repeat - "!repeat N TEXT": TEXT's bytes N times into out, then CR LF
 * unless TEXT ends in \c; false when l is not such a line */
static bool tr_repeat(const char *l, struct buf *out)
{
	struct buf one = BUF_INIT;
	long n;
	int used = 0;
	bool crlf;

	if (sscanf(l, "!repeat %ld %n", &n, &used) != 1 || used == 0)
		return false;
	crlf = tr_unescape(l + used, &one);
	for (; n > 0; n--)
		buf_append(out, one.data ? one.data : "", one.len);
	if (crlf)
		buf_puts(out, "\r\n");
	buf_free(&one);
	return true;
}

/* tr_print - the output, one reply or note a line; a line not ended by
 * CR LF is marked, so is any control byte */
static void tr_print(const struct buf *o)
{
	size_t i;

	for (i = 0; i < o->len; i++) {
		unsigned char c = (unsigned char)o->data[i];

		if (c == '\r' && i + 1 < o->len && o->data[i + 1] == '\n') {
			putchar('\n');
			i++;
		} else if (c == '\n') {
			fputs(" [bare LF]\n", stdout);
		} else if (c < 0x20 || c >= 0x7f) {
			printf("\\x%02x", c);
		} else {
			putchar(c);
		}
	}
	if (o->len && o->data[o->len - 1] != '\n')
		fputs(" [no line end]\n", stdout);
}

/* What a driver does with the dialogue's parts. */
struct tr_play_ops {
	void *ctx;
	void (*feed)(void *ctx, const char *d, size_t n);	/* bytes to the engine */
	void (*directive)(void *ctx, const char *line);	/* a "!" line */
	/* a "!" line that adds to the pending bytes itself (true), or NULL */
	bool (*pending)(const char *line, struct buf *pend);
};

/* tr_play - read the dialogue from f and play it through ops; the bytes
 * after the last directive are fed at the end */
static void tr_play(FILE *f, const struct tr_play_ops *ops)
{
	struct buf pend = BUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] == '#')
			continue;
		if (line[0] == '!' && ops->pending && ops->pending(line, &pend))
			continue;
		if (line[0] == '!') {
			if (pend.len)
				ops->feed(ops->ctx, pend.data, pend.len);
			buf_reset(&pend);
			ops->directive(ops->ctx, line);
			continue;
		}
		if (tr_unescape(line, &pend))
			buf_puts(&pend, "\r\n");
	}
	ops->feed(ops->ctx, pend.data ? pend.data : "", pend.len);
	free(line);
	buf_free(&pend);
}

#endif
