/* mimeview_text.c - text made safe and readable: charsets to UTF-8 with
 * iconv, control characters made visible, quote levels, the signature,
 * and format=flowed (RFC 3676) joined and re-wrapped. */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "i18n.h"
#include "mimeview_int.h"
#include "xalloc.h"

static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/* utf8_len - the length of the valid UTF-8 sequence at s, or 0 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

size_t mv_utf8_clean(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, bad = 0;

	while (i < n) {
		size_t l = utf8_len(p + i, n - i);
		if (l == 0) {
			buf_puts(b, replacement);
			bad++;
			i++;
		} else {
			buf_append(b, p + i, l);
			i += l;
		}
	}
	return bad;
}

/* charset_name - the iconv name for a MIME charset; NULL for UTF-8 and
 * US-ASCII (shown as UTF-8, which contains it) */
static const char *charset_name(const char *cs)
{
	static const char *const alias[][2] = {
		{ "latin1", "ISO-8859-1" }, { "latin2", "ISO-8859-2" },
		{ "cp1250", "WINDOWS-1250" }, { "cp1251", "WINDOWS-1251" },
		{ "cp1252", "WINDOWS-1252" }, { "x-cp1250", "WINDOWS-1250" },
		{ "x-cp1251", "WINDOWS-1251" }, { "iso-8859-8-i", "ISO-8859-8" },
		{ "ks_c_5601-1987", "CP949" }, { "gb2312", "GBK" },
		{ "koi8r", "KOI8-R" }, { "koi8u", "KOI8-U" },
	};
	size_t i;

	if (!cs || !*cs || strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0 ||
	    strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0)
		return NULL;
	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (strcasecmp(cs, alias[i][0]) == 0)
			return alias[i][1];
	return cs;
}

long mv_to_utf8(struct buf *b, const char *data, size_t len, const char *charset)
{
	const char *name = charset_name(charset);
	char *in = (char *)data;
	size_t inleft = len;
	long bad = 0;
	iconv_t cd;

	if (!name)
		return (long)mv_utf8_clean(b, data, len);
	if (strchr(name, '/') || (cd = iconv_open("UTF-8", name)) == (iconv_t)-1) {
		mv_utf8_clean(b, data, len);
		return -1;
	}
	while (inleft > 0) {
		char *outp;
		size_t outleft, r;

		buf_reserve(b, inleft * 4 + 16);
		outp = b->data + b->len;
		outleft = b->cap - b->len - 1;
		r = iconv(cd, &in, &inleft, &outp, &outleft);
		b->len = (size_t)(outp - b->data);
		b->data[b->len] = '\0';
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		/* EILSEQ or EINVAL: one byte shown as U+FFFD, never dropped */
		buf_puts(b, replacement);
		bad++;
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv(cd, NULL, NULL, &(char *){ NULL }, &(size_t){ 0 });
	iconv_close(cd);
	return bad;
}

/* visible - append s (valid UTF-8) with tabs expanded to 8 columns and
 * control characters shown as ^X (C0, DEL) or <XX> (C1): mail must not
 * drive the terminal (ESC sequences) */
static void visible(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, col = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\t') {
			do
				buf_putc(b, ' ');
			while (++col % 8);
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			buf_putc(b, '^');
			buf_putc(b, p[i] == 0x7f ? '?' : p[i] + 0x40);
			col += 2;
		} else if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] < 0xa0) {
			buf_printf(b, "<%02X>", p[i + 1]);
			i++;
			col += 4;
		} else {
			buf_putc(b, p[i]);
			if ((p[i] & 0xc0) != 0x80)
				col++;
		}
	}
}

void mv_line(struct mv_out *out, enum mimeview_kind kind, int level, const char *text, size_t len)
{
	struct mimeview *mv = out->mv;
	struct mimeview_line *l;
	struct buf b = BUF_INIT;

	if (mv->nlines == out->lcap) {
		out->lcap = out->lcap ? out->lcap * 2 : 64;
		mv->lines = xreallocarray(mv->lines, out->lcap, sizeof(*mv->lines));
	}
	visible(&b, text, len);
	l = &mv->lines[mv->nlines++];
	l->text = b.data ? buf_detach(&b) : xstrdup("");
	l->kind = kind;
	l->quote_level = level;
}

void mv_note(struct mv_out *out, const char *fmt, ...)
{
	struct buf b = BUF_INIT, t = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_puts(&t, "[-- ");
	mv_utf8_clean(&t, b.data, b.len);
	buf_puts(&t, " --]");
	mv_line(out, MV_NOTE, 0, t.data, t.len);
	buf_free(&b);
	buf_free(&t);
}

/* quote_depth - the ">" that start a line (RFC 3676 4.5 for flowed
 * text; for fixed text also "> > "); *skip is set past them */
static int quote_depth(const char *s, size_t n, bool spaces, size_t *skip)
{
	size_t i = 0, last = 0;
	int d = 0;

	while (i < n && (s[i] == '>' || (spaces && d > 0 && s[i] == ' '))) {
		if (s[i] == '>') {
			d++;
			last = i + 1;
		}
		i++;
	}
	*skip = last;
	return d;
}

/* fixed_lines - text that is not flowed: each line as it is */
static void fixed_lines(struct mv_out *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	bool sig = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p), skip;
		int d;

		if (n && p[n - 1] == '\r')
			n--;
		if (n == 3 && memcmp(p, "-- ", 3) == 0)
			sig = true;
		d = quote_depth(p, n, true, &skip);
		if (sig)
			mv_line(out, MV_SIGNATURE, 0, p, n);
		else
			mv_line(out, d ? MV_QUOTE : MV_BODY, d, p, n);
		p = nl ? nl + 1 : end;
	}
}

/* col_end - the byte offset in s where column width is reached */
static size_t col_end(const char *s, size_t n, size_t width)
{
	size_t i, col = 0;

	for (i = 0; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80 && col++ == width)
			return i;
	}
	return n;
}

/* flowed_emit - one paragraph of depth d, re-wrapped at the width left
 * after the quote prefix (RFC 3676 4.1); a word longer than that stays
 * whole on its own line */
static void flowed_emit(struct mv_out *out, int d, const char *t, size_t n, bool wrap, bool sig)
{
	size_t width = (size_t)out->width, pre = d ? (size_t)d + 1 : 0;
	struct buf line = BUF_INIT;
	enum mimeview_kind kind = sig ? MV_SIGNATURE : d ? MV_QUOTE : MV_BODY;

	width = width > pre + 10 ? width - pre : 10;
	do {
		size_t cut = n, e;

		if (wrap && (e = col_end(t, n, width)) < n) {
			size_t sp = e;
			while (sp > 0 && t[sp] != ' ')
				sp--;
			if (sp == 0) {	/* one long word: up to its end */
				sp = e;
				while (sp < n && t[sp] != ' ')
					sp++;
			}
			cut = sp;
		}
		buf_reset(&line);
		if (d) {
			for (int i = 0; i < d; i++)
				buf_putc(&line, '>');
			buf_putc(&line, ' ');
		}
		buf_append(&line, t, cut);
		mv_line(out, kind, d, line.data, line.len);
		if (cut < n && t[cut] == ' ')
			cut++;
		t += cut;
		n -= cut;
	} while (n > 0);
	buf_free(&line);
}

/* flowed_lines - RFC 3676: quote depth (4.5), space-stuffing (4.4), soft
 * line breaks (4.2) with DelSp (4.3) joined into paragraphs, re-wrapped */
static void flowed_lines(struct mv_out *out, const char *text, size_t len, bool delsp)
{
	const char *p = text, *end = text + len;
	struct buf para = BUF_INIT;
	int pdepth = -1;
	bool sig = false, joined = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p), skip;
		const char *s;
		bool soft;
		int d;

		if (n && p[n - 1] == '\r')
			n--;
		d = quote_depth(p, n, false, &skip);
		s = p + skip;
		n -= skip;
		if (n && s[0] == ' ')
			s++, n--;
		if (n == 3 && memcmp(s, "-- ", 3) == 0 && d == 0)
			sig = true;
		/* 4.5: a flowed line followed by another depth ends there */
		if (pdepth >= 0 && d != pdepth) {
			flowed_emit(out, pdepth, para.data, para.len, joined, sig && pdepth == 0);
			buf_reset(&para);
			pdepth = -1;
		}
		soft = n > 0 && s[n - 1] == ' ' && !(n == 3 && memcmp(s, "-- ", 3) == 0);
		if (pdepth < 0)
			joined = false;
		buf_append(&para, s, soft && delsp ? n - 1 : n);
		pdepth = d;
		if (soft) {
			joined = true;
		} else {
			flowed_emit(out, d, para.data ? para.data : "", para.len, joined, sig && d == 0);
			buf_reset(&para);
			pdepth = -1;
		}
		p = nl ? nl + 1 : end;
	}
	if (pdepth >= 0)
		flowed_emit(out, pdepth, para.data, para.len, joined, sig && pdepth == 0);
	buf_free(&para);
}

void mv_text(struct mv_out *out, const char *text, size_t len, bool flowed, bool delsp)
{
	/* the last line break ends the last line, it does not start one */
	if (len && text[len - 1] == '\n')
		len--;
	if (len && text[len - 1] == '\r')
		len--;
	if (flowed)
		flowed_lines(out, text, len, delsp);
	else
		fixed_lines(out, text, len);
}
