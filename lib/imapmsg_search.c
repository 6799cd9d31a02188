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

/* has_text - whether needle is in hay[0..n), ignoring ASCII case */
static bool has_text(const char *hay, size_t n, const char *needle)
{
	size_t i, k = strlen(needle);

	if (k == 0)
		return true;
	for (i = 0; i + k <= n; i++)
		if (strncasecmp(hay + i, needle, k) == 0 && !memchr(hay + i, '\0', k))
			return true;
	return false;
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

/* RFC 5322 3.3: the time the Date: field names, its zone applied */
time_t imapmsg_date(const struct imapmsg *m)
{
	struct mailimf_date_time *dt = NULL;
	struct buf v = BUF_INIT;
	size_t idx = 0;
	time_t t = (time_t)-1;
	struct tm tm;

	if (imapmsg_field(m->top.hdr, m->top.hdrlen, "Date", &v) && v.len &&
	    mailimf_date_time_parse(v.data, v.len, &idx, &dt) == MAILIMF_NO_ERROR) {
		memset(&tm, 0, sizeof tm);
		tm.tm_year = dt->dt_year - 1900;
		tm.tm_mon = dt->dt_month - 1;
		tm.tm_mday = dt->dt_day;
		tm.tm_hour = dt->dt_hour;
		tm.tm_min = dt->dt_min;
		tm.tm_sec = dt->dt_sec;
		if (dt->dt_month >= 1 && dt->dt_month <= 12 && dt->dt_day >= 1 && dt->dt_day <= 31 &&
		    dt->dt_year >= 1900 && dt->dt_year < 10000 && (t = timegm(&tm)) != (time_t)-1)
			t -= (time_t)(dt->dt_zone / 100 * 3600 + dt->dt_zone % 100 * 60);
		mailimf_date_time_free(dt);
	}
	buf_free(&v);
	return t;
}
