/* imapd_msg.c - what FETCH and SEARCH read inside a message: sections
 * (RFC 3501 6.4.5), ENVELOPE and BODYSTRUCTURE (7.4.2), and text matching
 * (6.4.4).  Built on lib/imapmsg (libetpan's MIME parser) when it is in
 * the tree; until then a plain reading of the top-level header and body
 * serves BODY[], HEADER, TEXT and HEADER.FIELDS[.NOT], matches raw text
 * without decoding, and offers no ENVELOPE or BODYSTRUCTURE. */
#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "imapd_int.h"
#include "xalloc.h"
#if __has_include("imapmsg.h")
#define IMAPD_IMAPMSG 1
#include "imapmsg.h"
#endif

struct imapd_msg {
	char *data;
	size_t len, hlen;	/* hlen: the header with its blank line */
#ifdef IMAPD_IMAPMSG
	struct imapmsg *parsed;
#endif
};

/* imapd_header_len - octets of the header with the blank line after it */
static size_t imapd_header_len(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == '\n' && (i + 1 < n) &&
		    (p[i + 1] == '\n' || (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')))
			return i + (p[i + 1] == '\n' ? 2 : 3);
	return n;
}

#ifndef IMAPD_IMAPMSG
/* imapd_crlf - data with every bare LF as CRLF (RFC 3501 2.3.4) */
static void imapd_crlf(const char *p, size_t n, struct buf *out)
{
	size_t i, start = 0;

	buf_reserve(out, n + n / 32);
	for (i = 0; i < n; i++)
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) {
			buf_append(out, p + start, i - start);
			buf_puts(out, "\r\n");
			start = i + 1;
		}
	buf_append(out, p + start, n - start);
}

/* imapd_field_listed - whether the field at p (name up to ':') is among
 * names, a space-separated list inside the section's parentheses */
static bool imapd_field_listed(const char *p, size_t n, const char *names)
{
	const char *colon = memchr(p, ':', n);
	size_t len = colon ? (size_t)(colon - p) : 0;

	while (len && *names) {
		size_t w;
		names += strspn(names, " ");
		w = strcspn(names, " )");
		if (w == len && strncasecmp(names, p, len) == 0)
			return true;
		names += w;
		if (*names == ')')
			break;
	}
	return false;
}

/* imapd_header_fields - HEADER.FIELDS (names) or, with not, .NOT */
static void imapd_header_fields(const char *p, size_t hlen, const char *names, bool not,
				struct buf *out)
{
	size_t i = 0;

	while (i < hlen) {
		size_t end = i;
		/* a field runs on over lines that start with white space */
		do {
			const char *lf = memchr(p + end, '\n', hlen - end);
			end = lf ? (size_t)(lf - p) + 1 : hlen;
		} while (end < hlen && (p[end] == ' ' || p[end] == '\t'));
		if (end - i > 2 && p[i] != '\n' && p[i] != '\r' &&
		    imapd_field_listed(p + i, end - i, names) != not)
			buf_append(out, p + i, end - i);
		i = end;
	}
	buf_puts(out, "\n");	/* the blank line ending the header */
}

/* imapd_section - the octets of BODY[spec] in LF form; false for a spec
 * this server cannot serve */
static bool imapd_section(const char *p, size_t n, const char *spec, struct buf *out)
{
	size_t hlen = imapd_header_len(p, n);

	if (*spec == '\0')
		buf_append(out, p, n);
	else if (strcasecmp(spec, "HEADER") == 0)
		buf_append(out, p, hlen);
	else if (strcasecmp(spec, "TEXT") == 0 || strcmp(spec, "1") == 0)
		buf_append(out, p + hlen, n - hlen);
	else if (strncasecmp(spec, "HEADER.FIELDS.NOT (", 19) == 0)
		imapd_header_fields(p, hlen, spec + 19, true, out);
	else if (strncasecmp(spec, "HEADER.FIELDS (", 15) == 0)
		imapd_header_fields(p, hlen, spec + 15, false, out);
	else
		return false;
	return true;
}

/* text_field - whether a header field name: has needle in its value
 * (unfolded; ASCII case-insensitive; an empty needle: the field exists) */
static bool text_field(const struct imapd_msg *m, const char *name, const char *needle)
{
	size_t nlen = strlen(name), i = 0;
	bool found = false;

	while (i < m->hlen && !found) {
		size_t end = i;
		do {
			const char *lf = memchr(m->data + end, '\n', m->hlen - end);
			end = lf ? (size_t)(lf - m->data) + 1 : m->hlen;
		} while (end < m->hlen && (m->data[end] == ' ' || m->data[end] == '\t'));
		if (end - i > nlen && m->data[i + nlen] == ':' &&
		    strncasecmp(m->data + i, name, nlen) == 0) {
			char *v = xstrndup(m->data + i + nlen + 1, end - i - nlen - 1);
			for (char *p = v; *p; p++)
				if (*p == '\n' || *p == '\r' || *p == '\t')
					*p = ' ';
			found = *needle == '\0' || strcasestr(v, needle) != NULL;
			free(v);
		}
		i = end;
	}
	return found;
}

static bool text_in(const struct imapd_msg *m, size_t from, const char *needle)
{
	char *copy;
	bool found;

	copy = xstrndup(m->data + from, m->len - from);
	found = strcasestr(copy, needle) != NULL;
	free(copy);
	return found;
}

/* text_sent - the Date: header's day (RFC 5322 3.3), or -1 */
static time_t text_sent(const struct imapd_msg *m)
{
	struct mailimf_fields *f = NULL;
	struct mailimf_date_time *dt = NULL;
	clistiter *it;
	size_t idx = 0;
	time_t t = (time_t)-1;

	if (mailimf_fields_parse(m->data, m->hlen, &idx, &f) != MAILIMF_NO_ERROR)
		return t;
	for (it = clist_begin(f->fld_list); it; it = clist_next(it)) {
		struct mailimf_field *fld = clist_content(it);
		if (fld->fld_type == MAILIMF_FIELD_ORIG_DATE)
			dt = fld->fld_data.fld_orig_date->dt_date_time;
	}
	if (dt) {
		struct tm tm = { 0 };
		tm.tm_mday = dt->dt_day;
		tm.tm_mon = dt->dt_month - 1;
		tm.tm_year = dt->dt_year - 1900;
		t = timegm(&tm);	/* RFC 3501 6.4.4: the date, without time or zone */
	}
	mailimf_fields_free(f);
	return t;
}

#endif

struct imapd_msg *imapd_msg_new(char *data, size_t len)
{
	struct imapd_msg *m = xcalloc(1, sizeof(*m));

	m->data = data;
	m->len = len;
	m->hlen = imapd_header_len(data, len);
#ifdef IMAPD_IMAPMSG
	m->parsed = imapmsg_parse(data, len);
#endif
	return m;
}

void imapd_msg_free(struct imapd_msg *m)
{
	if (m == NULL)
		return;
#ifdef IMAPD_IMAPMSG
	imapmsg_free(m->parsed);
#endif
	free(m->data);
	free(m);
}

bool imapd_msg_structure(void)
{
#ifdef IMAPD_IMAPMSG
	return true;
#else
	return false;
#endif
}

bool imapd_msg_section(const struct imapd_msg *m, const char *spec, struct buf *wire)
{
#ifdef IMAPD_IMAPMSG
	return imapmsg_section(m->parsed, spec, wire);
#else
	struct buf lf = BUF_INIT;
	bool ok = imapd_section(m->data, m->len, spec, &lf);

	if (ok)
		imapd_crlf(lf.data ? lf.data : "", lf.len, wire);
	buf_free(&lf);
	return ok;
#endif
}

bool imapd_msg_section_ok(const char *spec)
{
	struct imapd_msg *m = imapd_msg_new(xstrdup(""), 0);
	struct buf b = BUF_INIT;
	bool ok = imapd_msg_section(m, spec, &b);

	buf_free(&b);
	imapd_msg_free(m);
	return ok;
}

void imapd_msg_envelope(const struct imapd_msg *m, struct buf *out)
{
#ifdef IMAPD_IMAPMSG
	imapmsg_envelope(m->parsed, out);
#else
	(void)m;
	buf_puts(out, "NIL");	/* never asked: FETCH refuses ENVELOPE first */
#endif
}

void imapd_msg_bodystructure(const struct imapd_msg *m, bool ext, struct buf *out)
{
#ifdef IMAPD_IMAPMSG
	imapmsg_bodystructure(m->parsed, ext, out);
#else
	(void)m, (void)ext;
	buf_puts(out, "NIL");	/* never asked: FETCH refuses BODYSTRUCTURE first */
#endif
}

bool imapd_msg_header_has(const struct imapd_msg *m, const char *field, const char *needle)
{
#ifdef IMAPD_IMAPMSG
	return imapmsg_header_has(m->parsed, field, needle);
#else
	return text_field(m, field, needle);
#endif
}

bool imapd_msg_body_has(const struct imapd_msg *m, const char *needle)
{
#ifdef IMAPD_IMAPMSG
	return imapmsg_body_has(m->parsed, needle);
#else
	return text_in(m, m->hlen, needle);
#endif
}

bool imapd_msg_text_has(const struct imapd_msg *m, const char *needle)
{
#ifdef IMAPD_IMAPMSG
	return imapmsg_text_has(m->parsed, needle);
#else
	return text_in(m, 0, needle);
#endif
}

time_t imapd_msg_sent_day(const struct imapd_msg *m)
{
#ifdef IMAPD_IMAPMSG
	struct tm tm = { 0 };
	int y, mo, d;

	if (!imapmsg_sent_day(m->parsed, &y, &mo, &d))
		return (time_t)-1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	return timegm(&tm);
#else
	return text_sent(m);
#endif
}
