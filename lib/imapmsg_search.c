/* imapmsg_search.c - the SEARCH keys that look inside a message (RFC 3501
 * 6.4.4): substrings of decoded text, compared without ASCII case, and the
 * Date: header as a time.  Decoding is libetpan's: RFC 2047 words
 * (mailmime_encoded_phrase_parse through sieve_msg_decode), transfer
 * encodings (mailmime_part_parse) and charsets (charconv_buffer). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imapmsg_int.h"
#include "sieve_msg.h"
#include "xalloc.h"

/* fold_cp - the lower case of code point c for the scripts of poczta's
 * languages (Latin-1, Latin Extended-A, Greek, Cyrillic); ASCII too */
static unsigned long fold_cp(unsigned long c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3ab && c != 0x3a2) || (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177) || (c >= 0x460 && c <= 0x4bf))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return c + (c & 1);
	return c == 0x178 ? 0xff : c;
}

/* fold - s (n octets) in lower case into out; bytes that are not UTF-8
 * stay as they are */
static void fold(const char *s, size_t n, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	buf_reset(out);
	buf_reserve(out, n);
	while (i < n) {
		unsigned long c;

		if (u[i] < 0x80) {
			buf_putc(out, (char)fold_cp(u[i++]));
		} else if ((u[i] & 0xe0) == 0xc0 && i + 1 < n && (u[i + 1] & 0xc0) == 0x80) {
			c = fold_cp(((unsigned long)(u[i] & 0x1f) << 6) | (u[i + 1] & 0x3f));
			buf_putc(out, (char)(0xc0 | (c >> 6)));
			buf_putc(out, (char)(0x80 | (c & 0x3f)));
			i += 2;
		} else {
			buf_putc(out, (char)u[i++]);
		}
	}
}

/* has_text - whether needle is in hay[0..n), ignoring case (RFC 3501
 * 6.4.4; letters of the scripts fold_cp knows) */
static bool has_text(const char *hay, size_t n, const char *needle)
{
	struct buf h = BUF_INIT, k = BUF_INIT;
	bool hit;

	if (!*needle)
		return true;
	fold(hay, n, &h);
	fold(needle, strlen(needle), &k);
	hit = h.len >= k.len && memmem(h.data, h.len, k.data, k.len) != NULL;
	buf_free(&h);
	buf_free(&k);
	return hit;
}

/* hdr_has - whether a field of the header (named field, or any when
 * field is NULL) holds needle once decoded; a match on the name counts
 * for any field (TEXT looks at the header as a whole) */
static bool hdr_has(const char *hdr, size_t len, const char *field, const char *needle)
{
	struct buf v = BUF_INIT;
	struct sieve_hdr h;
	size_t pos = 0, fl = field ? strlen(field) : 0;
	bool hit = false;

	while (!hit && sieve_msg_next_header(hdr, len, &pos, &h)) {
		if (field && (h.nlen != fl || strncasecmp(h.name, field, fl) != 0))
			continue;
		sieve_msg_decode(h.value, h.vlen, &v);
		hit = has_text(v.data ? v.data : "", v.len, needle) ||
		      (!field && has_text(h.name, h.nlen, needle));
	}
	buf_free(&v);
	return hit;
}

bool imapmsg_header_has(const struct imapmsg *m, const char *field, const char *needle)
{
	return hdr_has(m->top.hdr, m->top.hdrlen, field, needle);
}

/* text_utf8 - whether text in charset (NULL: as it is) holds needle */
static bool text_utf8(const char *charset, const char *text, size_t n, const char *needle)
{
	char *conv = NULL;
	size_t convlen = 0;
	bool hit;

	if (charset && strcasecmp(charset, "utf-8") && strcasecmp(charset, "us-ascii") &&
	    charconv_buffer("utf-8", charset, text, n, &conv, &convlen) == MAIL_CHARCONV_NO_ERROR) {
		hit = has_text(conv, convlen, needle);
		charconv_buffer_free(conv);
		return hit;
	}
	return has_text(text, n, needle);
}

/* part_charset - the charset parameter of a part's Content-Type, or NULL */
static char *part_charset(const struct imapmsg_part *p)
{
	struct imapmsg_ctype ct;
	struct buf v = BUF_INIT;
	char *cs = NULL;
	size_t i;

	if (imapmsg_field(p->hdr, p->hdrlen, "Content-Type", &v) &&
	    imapmsg_ctype_parse(v.data, true, &ct)) {
		for (i = 0; i < ct.nparams; i++)
			if (!cs && strcasecmp(ct.params[i].name, "charset") == 0)
				cs = xstrdup(ct.params[i].value);
		imapmsg_ctype_free(&ct);
	}
	buf_free(&v);
	return cs;
}

/* leaf_has - a single part's body, its transfer encoding undone */
static bool leaf_has(const struct imapmsg_part *p, const char *needle)
{
	const struct mailmime_data *d = p->mime ? p->mime->mm_data.mm_single : NULL;
	char *cs = part_charset(p), *dec = NULL;
	size_t idx = 0, declen = 0;
	bool hit;

	if (d && d->dt_type == MAILMIME_DATA_TEXT && d->dt_encoded &&
	    (d->dt_encoding == MAILMIME_MECHANISM_BASE64 ||
	     d->dt_encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE) &&
	    mailmime_part_parse(p->body, p->bodylen, &idx, d->dt_encoding, &dec,
				&declen) == MAILIMF_NO_ERROR) {
		hit = text_utf8(cs, dec, declen, needle);
		mailmime_decoded_part_free(dec);
	} else {
		hit = text_utf8(cs, p->body, p->bodylen, needle);
	}
	free(cs);
	return hit;
}

/* body_has - the text of entity p's body: each leaf part, and the header
 * of each message it holds (that is body text of the outer message) */
static bool body_has(const struct imapmsg_part *p, const char *needle)
{
	size_t i;

	if (p->message)
		return hdr_has(p->parts->hdr, p->parts->hdrlen, NULL, needle) ||
		       body_has(p->parts, needle);
	if (!p->multipart)
		return leaf_has(p, needle);
	for (i = 0; i < p->nparts; i++)
		if (body_has(&p->parts[i], needle))
			return true;
	return false;
}

bool imapmsg_body_has(const struct imapmsg *m, const char *needle)
{
	return body_has(&m->top, needle);
}

bool imapmsg_text_has(const struct imapmsg *m, const char *needle)
{
	return hdr_has(m->top.hdr, m->top.hdrlen, NULL, needle) || body_has(&m->top, needle);
}

/* search_date - the Date: field read (RFC 5322 3.3), or NULL; the
 * caller frees it with mailimf_date_time_free */
static struct mailimf_date_time *search_date(const struct imapmsg *m)
{
	struct mailimf_date_time *dt = NULL;
	struct buf v = BUF_INIT;
	size_t idx = 0;

	if (!imapmsg_field(m->top.hdr, m->top.hdrlen, "Date", &v) || !v.len ||
	    mailimf_date_time_parse(v.data, v.len, &idx, &dt) != MAILIMF_NO_ERROR)
		dt = NULL;
	buf_free(&v);
	if (dt && (dt->dt_month < 1 || dt->dt_month > 12 || dt->dt_day < 1 || dt->dt_day > 31 ||
		   dt->dt_year < 1900 || dt->dt_year > 9999)) {
		mailimf_date_time_free(dt);
		dt = NULL;
	}
	return dt;
}

/* RFC 5322 3.3: the time the Date: field names, its zone applied */
time_t imapmsg_date(const struct imapmsg *m)
{
	struct mailimf_date_time *dt = search_date(m);
	time_t t = (time_t)-1;
	struct tm tm;

	if (!dt)
		return t;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = dt->dt_year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	if ((t = timegm(&tm)) != (time_t)-1)
		t -= (time_t)(dt->dt_zone / 100 * 3600 + dt->dt_zone % 100 * 60);
	mailimf_date_time_free(dt);
	return t;
}

bool imapmsg_sent_day(const struct imapmsg *m, int *year, int *month, int *day)
{
	struct mailimf_date_time *dt = search_date(m);

	if (!dt)
		return false;
	*year = dt->dt_year;
	*month = dt->dt_month;
	*day = dt->dt_day;
	mailimf_date_time_free(dt);
	return true;
}
