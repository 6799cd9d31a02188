/* mimeview_hdr.c - header fields for the pager: RFC 2047 encoded words
 * (through libetpan), RFC 2231 parameters (continuations, charsets),
 * and the header lines a reader asked for. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mimeview_int.h"
#include "rfc5322.h"
#include "xalloc.h"

/* safe_text - s with control characters made harmless for a one-line
 * field: tabs and line ends become spaces, others "^X" as in the body */
static char *safe_text(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t' || c == '\r' || c == '\n') {
			buf_putc(&b, ' ');
		} else if (c < 0x20 || c == 0x7f) {
			buf_putc(&b, '^');
			buf_putc(&b, c == 0x7f ? '?' : c + 0x40);
		} else if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
			   (unsigned char)s[i + 1] < 0xa0) {
			buf_printf(&b, "<%02X>", (unsigned char)s[++i]);
		} else {
			buf_putc(&b, (char)c);
		}
	}
	return b.data ? buf_detach(&b) : xstrdup("");
}

/* encoded_word - the RFC 2047 encoded word at s (up to end) parsed by
 * libetpan and converted to UTF-8 into b; its length, or 0 when it is not
 * one.  The charset conversion is ours so that bytes that do not convert
 * show as U+FFFD rather than libetpan's '?'. */
static size_t encoded_word(struct buf *b, const char *s, const char *end)
{
	struct mailmime_encoded_word *w = NULL;
	size_t idx = 0;
	int fwd = 0, missing = 0;
	char *star;

	if (mailmime_encoded_word_parse(s, (size_t)(end - s), &idx, &w, &fwd, &missing) !=
	    MAILIMF_NO_ERROR || !w)
		return 0;
	if (idx < 4 || s[idx - 2] != '?' || s[idx - 1] != '=' || !w->wd_charset || !w->wd_text) {
		mailmime_encoded_word_free(w);
		return 0;
	}
	/* RFC 2231 5: "charset*language" */
	if ((star = strchr(w->wd_charset, '*')))
		*star = '\0';
	mv_to_utf8(b, w->wd_text, strlen(w->wd_text), w->wd_charset);
	mailmime_encoded_word_free(w);
	return idx;
}

char *mimeview_decode_header(const char *raw)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	const char *p, *end, *ws = NULL;
	bool after_word = false;
	char *res;

	/* RFC 5322 2.2.3: unfolding removes the line breaks */
	for (p = raw; *p; p++)
		if (*p != '\r' && *p != '\n')
			buf_putc(&in, *p);
	p = in.data ? in.data : "";
	end = p + in.len;
	while (p < end) {
		const char *lit = p;
		size_t n;

		if (*p == ' ' || *p == '\t') {
			for (ws = p; p < end && (*p == ' ' || *p == '\t'); p++)
				;
			continue;
		}
		if (p + 1 < end && p[0] == '=' && p[1] == '?') {
			size_t mark = out.len;
			/* RFC 2047 6.2: white space between two encoded words goes */
			if (ws && !after_word)
				buf_append(&out, ws, (size_t)(lit - ws));
			if ((n = encoded_word(&out, p, end)) > 0) {
				p += n;
				ws = NULL;
				after_word = true;
				continue;
			}
			out.len = mark;
		}
		if (ws)
			buf_append(&out, ws, (size_t)(lit - ws));
		ws = NULL;
		after_word = false;
		/* raw bytes up to the next blank or encoded word, not UTF-8
		 * ones shown as U+FFFD */
		for (p++; p < end && *p != ' ' && *p != '\t' && !(p[0] == '=' && p + 1 < end && p[1] == '?'); p++)
			;
		mv_utf8_clean(&out, lit, (size_t)(p - lit));
	}
	if (ws)
		buf_append(&out, ws, (size_t)(end - ws));
	res = safe_text(out.data ? out.data : "", out.len);
	buf_free(&in);
	buf_free(&out);
	return res;
}

/* pct_decode - RFC 2231 4: %XX octets in an extended value */
static void pct_decode(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			char h[3] = { s[1], s[2], 0 };
			buf_putc(b, (int)strtol(h, NULL, 16));
			s += 2;
		} else {
			buf_putc(b, *s);
		}
	}
}

/* param_find - the value of the parameter named exactly n */
static const char *param_find(clist *params, const char *n)
{
	clistiter *c;

	for (c = params ? clist_begin(params) : NULL; c; c = clist_next(c)) {
		struct mailmime_parameter *pa = clist_content(c);
		if (pa->pa_name && pa->pa_value && strcasecmp(pa->pa_name, n) == 0)
			return pa->pa_value;
	}
	return NULL;
}

/* ext_value - the charset'language'value form of RFC 2231 4: the
 * charset is copied into cs (when there is room) and the rest decoded */
static void ext_value(struct buf *b, const char *v, char *cs, size_t cssize, bool first)
{
	const char *q1, *q2;

	if (first && (q1 = strchr(v, '\'')) && (q2 = strchr(q1 + 1, '\''))) {
		if ((size_t)(q1 - v) < cssize) {
			memcpy(cs, v, (size_t)(q1 - v));
			cs[q1 - v] = '\0';
		}
		v = q2 + 1;
	}
	pct_decode(b, v);
}

/* rfc2231 - name*, or name*0 name*1 ... (RFC 2231 3, 4.1) gathered into
 * raw bytes in the charset named by the first section; false if absent */
static bool rfc2231(clist *params, const char *name, struct buf *raw, char *cs, size_t cssize)
{
	char key[128];
	const char *v;
	int i;

	if (strlen(name) > 100)
		return false;
	snprintf(key, sizeof(key), "%s*", name);
	if ((v = param_find(params, key))) {
		ext_value(raw, v, cs, cssize, true);
		return true;
	}
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "%s*%d*", name, i);
		if ((v = param_find(params, key))) {
			ext_value(raw, v, cs, cssize, i == 0);
			continue;
		}
		snprintf(key, sizeof(key), "%s*%d", name, i);
		if (!(v = param_find(params, key)))
			break;
		buf_puts(raw, v);
	}
	return i > 0;
}

char *mv_param(clist *params, const char *name)
{
	struct buf raw = BUF_INIT, u = BUF_INIT;
	char cs[64] = "";
	const char *v;
	char *res;

	if (rfc2231(params, name, &raw, cs, sizeof(cs))) {
		mv_to_utf8(&u, raw.data ? raw.data : "", raw.len, cs[0] ? cs : NULL);
		res = safe_text(u.data ? u.data : "", u.len);
		buf_free(&raw);
		buf_free(&u);
		return res;
	}
	buf_free(&raw);
	v = param_find(params, name);
	/* not standard, but common: RFC 2047 words inside a quoted name */
	return v ? mimeview_decode_header(v) : NULL;
}

char *mv_header_get(const char *hdr, size_t len, const char *name)
{
	const char *p = hdr, *end = hdr + len;
	size_t nlen = strlen(name);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl + 1 : end;

		if ((size_t)(le - p) > nlen && strncasecmp(p, name, nlen) == 0) {
			const char *v = p + nlen;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			if (v < le && *v == ':') {
				const char *e = le;
				/* RFC 5322 2.2.3: continuation lines start with WSP */
				while (e < end && (*e == ' ' || *e == '\t')) {
					const char *n2 = memchr(e, '\n', (size_t)(end - e));
					e = n2 ? n2 + 1 : end;
				}
				v++;
				while (v < e && (*v == ' ' || *v == '\t'))
					v++;
				return xstrndup(v, (size_t)(e - v));
			}
		}
		p = le;
	}
	return NULL;
}

void mv_headers(struct mv_out *out, const char *hdr, size_t len, struct mimeview *mv)
{
	static const char *const def[] = { "From", "To", "Cc", "Date", "Subject", NULL };
	const char *const *names = out->o->headers ? out->o->headers : def;
	struct { const char *name; char **field; } keep[] = {
		{ "From", mv ? &mv->from : NULL }, { "To", mv ? &mv->to : NULL },
		{ "Cc", mv ? &mv->cc : NULL }, { "Subject", mv ? &mv->subject : NULL },
		{ "Date", mv ? &mv->date : NULL }, { "Message-ID", mv ? &mv->message_id : NULL },
	};
	size_t i;

	len = rfc5322_header_end(hdr, len);
	for (i = 0; mv && i < sizeof(keep) / sizeof(keep[0]); i++) {
		char *raw = mv_header_get(hdr, len, keep[i].name);
		if (raw) {
			*keep[i].field = mimeview_decode_header(raw);
			free(raw);
		}
	}
	for (; *names; names++) {
		char *raw = mv_header_get(hdr, len, *names), *dec, *line;
		if (!raw)
			continue;
		dec = mimeview_decode_header(raw);
		line = xasprintf("%s: %s", *names, dec);
		mv_line(out, MV_HEADER, 0, line, strlen(line));
		free(raw);
		free(dec);
		free(line);
	}
}
