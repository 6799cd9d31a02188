/* mimeview_html.c - text/html for the pager: through the mailcap entry
 * with copiousoutput (e.g. "w3m -dump -T text/html %s"), run with argv on
 * a temporary file of ours, or a built-in stripper that keeps paragraphs,
 * line breaks and lists and decodes character references. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "fsutil.h"
#include "i18n.h"
#include "mimeview_int.h"
#include "xalloc.h"

struct html_state {
	struct buf *b;
	bool pre, space, skip_ws;
	int list;		/* nesting of ul/ol */
	int quote;		/* nesting of blockquote, shown as "> " */
	size_t start;		/* where this rendering began in b */
};

/* line_start - at the start of a line, the ">" of the blockquotes around */
static void line_start(struct html_state *st)
{
	struct buf *b = st->b;

	if (st->quote == 0 || (b->len > st->start && b->data[b->len - 1] != '\n'))
		return;
	for (int i = 0; i < st->quote && i < 50; i++)
		buf_putc(b, '>');
	buf_putc(b, ' ');
}

/* put_cp - code point cp as UTF-8; invalid ones as U+FFFD */
static void put_cp(struct buf *b, unsigned long cp)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		buf_putc(b, (int)cp);
	} else if (cp < 0x800) {
		buf_putc(b, (int)(0xc0 | cp >> 6));
		buf_putc(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_putc(b, (int)(0xe0 | cp >> 12));
		buf_putc(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		buf_putc(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		buf_putc(b, (int)(0xf0 | cp >> 18));
		buf_putc(b, (int)(0x80 | (cp >> 12 & 0x3f)));
		buf_putc(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		buf_putc(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/* HTML 4.01 24.2: the Latin-1 names, for U+00A0 to U+00FF in order */
static const char *const latin1[96] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy",
	"ordf", "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3",
	"acute", "micro", "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14",
	"frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring",
	"AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc",
	"Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
	"Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave",
	"aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute",
	"ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve",
	"oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
	"uuml", "yacute", "thorn", "yuml",
};

/* entity - the character reference at p ('&'); its length, or 0 when it
 * is not one (then '&' is text).  The named ones mail uses most. */
static size_t entity(const char *p, const char *end, unsigned long *cp)
{
	static const struct { const char *name; unsigned long cp; } named[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
		{ "nbsp", ' ' }, { "trade", 0x2122 }, { "OElig", 0x152 }, { "oelig", 0x153 },
		{ "hellip", 0x2026 }, { "mdash", 0x2014 }, { "ndash", 0x2013 },
		{ "bull", 0x2022 }, { "euro", 0x20ac },
		{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
		{ "bdquo", 0x201e }, { "zwnj", 0x200c }, { "zwj", 0x200d },
	};
	const char *q = p + 1;
	size_t i;

	if (q < end && *q == '#') {
		int base = 10;
		unsigned long v = 0;
		const char *d;

		if (++q < end && (*q == 'x' || *q == 'X'))
			base = 16, q++;
		for (d = q; q < end && (base == 16 ? isxdigit((unsigned char)*q) : isdigit((unsigned char)*q)); q++)
			if (v <= 0x10ffff)
				v = v * (unsigned long)base + (unsigned long)(isdigit((unsigned char)*q) ? *q - '0' : (tolower((unsigned char)*q) - 'a' + 10));
		if (q == d)
			return 0;
		*cp = v;
		return (size_t)(q - p) + (q < end && *q == ';');
	}
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t n = strlen(named[i].name);
		if ((size_t)(end - q) > n && strncmp(q, named[i].name, n) == 0 && q[n] == ';') {
			*cp = named[i].cp;
			return n + 2;
		}
	}
	for (i = 0; i < 96; i++) {
		size_t n = strlen(latin1[i]);
		if ((size_t)(end - q) > n && strncmp(q, latin1[i], n) == 0 && q[n] == ';') {
			*cp = 0xa0 + i;
			return n + 2;
		}
	}
	return 0;
}

/* newline - end the current line (at most one blank line in a row when
 * blank is asked) */
static void newline(struct html_state *st, bool blank)
{
	struct buf *b = st->b;

	while (b->len && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	if (b->len && b->data[b->len - 1] != '\n')
		buf_putc(b, '\n');
	if (blank && b->len && !(b->len >= 2 && b->data[b->len - 2] == '\n'))
		buf_putc(b, '\n');
	st->space = false;
	st->skip_ws = true;
}

/* tag_is - whether the tag name at t (length n) is name */
static bool tag_is(const char *t, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(t, name, n) == 0;
}

/* skip_to_close - past "</name>" from p, or end */
static const char *skip_to_close(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (; p + n + 2 < end; p++)
		if (p[0] == '<' && p[1] == '/' && strncasecmp(p + 2, name, n) == 0) {
			const char *gt = memchr(p, '>', (size_t)(end - p));
			return gt ? gt + 1 : end;
		}
	return end;
}

/* tag - act on one tag <...> from p; returns what follows it */
static const char *tag(struct html_state *st, const char *p, const char *end)
{
	const char *gt, *t = p + 1;
	bool close = false;
	size_t n;

	if (end - p >= 4 && strncmp(p, "<!--", 4) == 0) {
		const char *c = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
		return c ? c + 3 : end;
	}
	gt = memchr(p, '>', (size_t)(end - p));
	if (!gt)
		return end;
	if (*t == '/')
		close = true, t++;
	for (n = 0; t + n < gt && isalnum((unsigned char)t[n]); n++)
		;
	if (!close && (tag_is(t, n, "script") || tag_is(t, n, "style") || tag_is(t, n, "head") ||
		       tag_is(t, n, "title")))
		return skip_to_close(gt + 1, end, tag_is(t, n, "script") ? "script" :
				     tag_is(t, n, "style") ? "style" : tag_is(t, n, "head") ? "head" : "title");
	if (tag_is(t, n, "br")) {
		buf_putc(st->b, '\n');
		st->space = false;
		st->skip_ws = true;
	} else if (tag_is(t, n, "blockquote")) {
		newline(st, true);
		st->quote += close ? (st->quote > 0 ? -1 : 0) : 1;
	} else if (tag_is(t, n, "p") || tag_is(t, n, "table") ||
		   (n == 2 && tolower((unsigned char)t[0]) == 'h' && t[1] >= '1' && t[1] <= '6')) {
		newline(st, true);
	} else if (tag_is(t, n, "ul") || tag_is(t, n, "ol")) {
		st->list += close ? (st->list > 0 ? -1 : 0) : 1;
		newline(st, st->list == 0);
	} else if (tag_is(t, n, "li") && !close) {
		newline(st, false);
		line_start(st);
		for (int i = 1; i < st->list && i < 10; i++)
			buf_puts(st->b, "  ");
		buf_puts(st->b, "* ");
	} else if (tag_is(t, n, "pre")) {
		newline(st, true);
		st->pre = !close;
	} else if (tag_is(t, n, "div") || tag_is(t, n, "tr") || tag_is(t, n, "dt") ||
		   tag_is(t, n, "dd") || tag_is(t, n, "hr")) {
		newline(st, false);
	} else if (tag_is(t, n, "td") || tag_is(t, n, "th")) {
		st->space = true;
	}
	return gt + 1;
}

void mv_html_strip(struct buf *b, const char *html, size_t len)
{
	struct html_state st = { b, false, false, true, 0, 0, b->len };
	const char *p = html, *end = html + len;
	size_t start = b->len;

	while (p < end) {
		unsigned long cp;
		size_t n;

		if (*p == '<' && p + 1 < end && (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!')) {
			p = tag(&st, p, end);
		} else if (!st.pre && isspace((unsigned char)*p)) {
			st.space = true;
			p++;
		} else {
			line_start(&st);
			if (st.space && !st.skip_ws)
				buf_putc(b, ' ');
			st.space = st.skip_ws = false;
			if (*p == '&' && (n = entity(p, end, &cp)) > 0) {
				put_cp(b, cp);
				p += n;
			} else {
				buf_putc(b, *p++);
			}
		}
	}
	newline(&st, false);
	/* no blank lines at the start or the end */
	while (b->len > start && b->data[start] == '\n')
		memmove(b->data + start, b->data + start + 1, b->len-- - start);
	while (b->len > start + 1 && b->data[b->len - 1] == '\n' && b->data[b->len - 2] == '\n')
		b->data[--b->len] = '\0';
}

/* suffix - the file name suffix from a nametemplate ("%s.html" gives
 * ".html"), when it is safe; else ".html" */
static const char *suffix(const struct mailcap_entry *en)
{
	const char *s = en->nametemplate ? strstr(en->nametemplate, "%s") : NULL;

	if (s && s[2] && strlen(s + 2) < 16 && mailcap_safe(s + 2) && !strchr(s + 2, '/'))
		return s + 2;
	return ".html";
}

/* external - the mailcap program's rendering of html into out; false
 * when there is none or it failed */
static bool external(struct mv_out *out, const char *html, size_t len, struct buf *res)
{
	static const char *const params[] = { "charset", "utf-8", NULL };
	const struct mailcap_entry *en;
	const char *tmp = getenv("TMPDIR");
	char *path, **argv;
	bool ok = false, written;
	int fd;

	if (!out->mc_loaded) {
		out->mc = mailcap_load(out->o->mailcap_path);
		out->mc_loaded = true;
	}
	if (!(en = mailcap_find(out->mc, "text/html", true, true)))
		return false;
	path = xasprintf("%s/poczta-view-XXXXXX%s", tmp && *tmp ? tmp : "/tmp", suffix(en));
	fd = mkstemps(path, (int)strlen(suffix(en)));
	if (fd < 0) {
		free(path);
		return false;
	}
	written = write_all(fd, html, len) == 0;
	if (close(fd) == 0 && written &&
	    (argv = mailcap_argv(en->view, "text/html", path, params, NULL))) {
		ok = mailcap_run(argv, path, MV_TEXT_MAX, MV_HTML_TIMEOUT, res) == 0;
		if (ok) {
			const char *prog = strrchr(argv[0], '/');
			mv_note(out, _("text/html rendered by %s"), prog ? prog + 1 : argv[0]);
		}
		mailcap_argv_free(argv);
	}
	unlink(path);
	free(path);
	return ok;
}

void mv_html(struct mv_out *out, const char *html, size_t len)
{
	struct buf r = BUF_INIT, u = BUF_INIT;

	if (out->o->no_external || !external(out, html, len, &r)) {
		buf_reset(&r);
		mv_html_strip(&r, html, len);
	}
	mv_utf8_clean(&u, r.data ? r.data : "", r.len);
	mv_text(out, u.data ? u.data : "", u.len, false, false);
	buf_free(&r);
	buf_free(&u);
}
