/* imapd_msg.c - what FETCH and SEARCH read inside a message, through
 * lib/imapmsg (libetpan's MIME parser): sections (RFC 3501 6.4.5),
 * ENVELOPE and BODYSTRUCTURE (7.4.2), and text matching on decoded text
 * (6.4.4).  The message is parsed once however many items ask. */
#include <stdlib.h>
#include <time.h>
#include "imapd_int.h"
#include "imapmsg.h"
#include "xalloc.h"

struct imapd_msg {
	struct imapmsg *parsed;
};

struct imapd_msg *imapd_msg_new(char *data, size_t len)
{
	struct imapd_msg *m = xcalloc(1, sizeof(*m));

	m->parsed = imapmsg_parse(data, len);	/* copies data */
	free(data);
	return m;
}

void imapd_msg_free(struct imapd_msg *m)
{
	if (m == NULL)
		return;
	imapmsg_free(m->parsed);
	free(m);
}

bool imapd_msg_section(const struct imapd_msg *m, const char *spec, struct buf *wire)
{
	return imapmsg_section(m->parsed, spec, wire);
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
	imapmsg_envelope(m->parsed, out);
}

void imapd_msg_bodystructure(const struct imapd_msg *m, bool ext, struct buf *out)
{
	imapmsg_bodystructure(m->parsed, ext, out);
}

bool imapd_msg_header_has(const struct imapd_msg *m, const char *field, const char *needle)
{
	return imapmsg_header_has(m->parsed, field, needle);
}

bool imapd_msg_body_has(const struct imapd_msg *m, const char *needle)
{
	return imapmsg_body_has(m->parsed, needle);
}

bool imapd_msg_text_has(const struct imapd_msg *m, const char *needle)
{
	return imapmsg_text_has(m->parsed, needle);
}

time_t imapd_msg_sent_day(const struct imapd_msg *m)
{
	struct tm tm = { 0 };
	int y, mo, d;

	if (!imapmsg_sent_day(m->parsed, &y, &mo, &d))
		return (time_t)-1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	return timegm(&tm);	/* RFC 3501 6.4.4: the date, without time or zone */
}
