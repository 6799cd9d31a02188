/* header.c - the header section of a local submission, as Postfix's
 * cleanup makes it:
 *   - Bcc and Resent-Bcc fields are removed, folded lines and all (RFC 5322
 *     3.6.3: the first way it describes), with -t or without;
 *   - with -t, the recipients are those of To, Cc and Bcc; when the message
 *     has Resent-To, Resent-Cc or Resent-Bcc fields (it is being resent, RFC
 *     5322 3.6.6), only those count, as Postfix documents;
 *   - From, Date and Message-ID (RFC 5322 3.6) are added when missing; when
 *     the message has any Resent- field, Resent-From, Resent-Date and
 *     Resent-Message-ID are what is checked and added instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <openssl/rand.h>
#include "buf.h"
#include "i18n.h"
#include "rfc5322.h"
#include "sendmail.h"
#include "strlist.h"
#include "xalloc.h"

enum { SEEN_FROM = 1, SEEN_DATE = 2, SEEN_MSGID = 4, SEEN_RESENT = 8, SEEN_RESENT_FROM = 16,
       SEEN_RESENT_DATE = 32, SEEN_RESENT_MSGID = 64, SEEN_RESENT_RCPT = 128 };

/* What the fields said while they were read. */
struct header_scan {
	unsigned seen;
	char **rcpts;		/* of To, Cc, Bcc */
	char **resent_rcpts;	/* of Resent-To, Resent-Cc, Resent-Bcc */
	bool bad;
	struct dsn err;
};

/* header_field_len - the length of the field at p: its line and every
 * continuation line (RFC 5322 2.2.3) */
static size_t header_field_len(const char *p, size_t len)
{
	size_t i = 0;

	do {
		const char *nl = memchr(p + i, '\n', len - i);
		i = nl ? (size_t)(nl - p) + 1 : len;
	} while (i < len && (p[i] == ' ' || p[i] == '\t'));
	return i;
}

/* header_name_is - whether the field at p is called name (white space
 * before the colon allowed, RFC 5322 4.5) */
static bool header_name_is(const char *p, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len <= n || strncasecmp(p, name, n) != 0)
		return false;
	while (n < len && (p[n] == ' ' || p[n] == '\t'))
		n++;
	return n < len && p[n] == ':';
}

/* header_rcpts - the addresses of a recipient field into *list */
static void header_rcpts(struct header_scan *s, const char *p, size_t len, char ***list)
{
	const char *colon = memchr(p, ':', len), *why;
	size_t vlen = len - (size_t)(colon + 1 - p);

	if (s->bad || addr_list_parse(colon + 1, vlen, list, &why) == 0)
		return;
	s->bad = true;
	dsn_set(&s->err, DSN_PERMFAIL, "5.6.0",
		_("-t: the %.*s field is not an address list (RFC 5322 3.4) near \"%.40s\""),
		(int)(colon - p), p, why);
}

/* header_classify - note what one field is; returns whether it is kept */
static bool header_classify(const struct header_ctx *h, struct header_scan *s, const char *p,
			    size_t len)
{
	static const struct { const char *name; unsigned bit; bool resent_rcpt, plain_rcpt, drop; }
	fields[] = {
		{ "From", SEEN_FROM, false, false, false },
		{ "Date", SEEN_DATE, false, false, false },
		{ "Message-ID", SEEN_MSGID, false, false, false },
		{ "Resent-From", SEEN_RESENT_FROM, false, false, false },
		{ "Resent-Date", SEEN_RESENT_DATE, false, false, false },
		{ "Resent-Message-ID", SEEN_RESENT_MSGID, false, false, false },
		{ "To", 0, false, true, false },
		{ "Cc", 0, false, true, false },
		{ "Bcc", 0, false, true, true },
		{ "Resent-To", SEEN_RESENT_RCPT, true, false, false },
		{ "Resent-Cc", SEEN_RESENT_RCPT, true, false, false },
		{ "Resent-Bcc", SEEN_RESENT_RCPT, true, false, true },
	};
	size_t i;

	if (len > 7 && strncasecmp(p, "Resent-", 7) == 0)
		s->seen |= SEEN_RESENT;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!header_name_is(p, len, fields[i].name))
			continue;
		s->seen |= fields[i].bit;
		if (h->extract && fields[i].plain_rcpt)
			header_rcpts(s, p, len, &s->rcpts);
		if (h->extract && fields[i].resent_rcpt)
			header_rcpts(s, p, len, &s->resent_rcpts);
		return !fields[i].drop;
	}
	return true;
}

/* header_msgid - a new Message-ID, <timestamp.random@hostname> (RFC 5322
 * 3.6.4: unique, the right side a domain) */
static void header_msgid(const struct header_ctx *h, struct buf *out, const char *prefix)
{
	unsigned char r[8];
	size_t i;

	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0, sizeof(r));	/* the pid still tells them apart */
	buf_printf(out, "%sMessage-ID: <%lld.%ld.", prefix, (long long)time(NULL), (long)getpid());
	for (i = 0; i < sizeof(r); i++)
		buf_printf(out, "%02x", r[i]);
	buf_printf(out, "@%s>\n", h->sm->hostname);
}

/* header_fixups - the fields a local submission lacks (RFC 5322 3.6:
 * Date and From are required, Message-ID should be there) */
static void header_fixups(const struct header_ctx *h, unsigned seen, struct buf *out)
{
	bool resent = seen & SEEN_RESENT;
	const char *prefix = resent ? "Resent-" : "";
	char date[64];

	if (!(seen & (resent ? SEEN_RESENT_FROM : SEEN_FROM))) {
		char *mailer = xasprintf("MAILER-DAEMON@%s", h->sm->hostname);
		char *from = addr_from_field(h->full_name, *h->sender ? h->sender : mailer);
		buf_printf(out, "%sFrom: %s\n", prefix, from);
		free(from);
		free(mailer);
	}
	if (!(seen & (resent ? SEEN_RESENT_DATE : SEEN_DATE))) {
		rfc5322_date(time(NULL), date, sizeof(date));
		buf_printf(out, "%sDate: %s\n", prefix, date);
	}
	if (!(seen & (resent ? SEEN_RESENT_MSGID : SEEN_MSGID)))
		header_msgid(h, out, prefix);
}

/* header_take - move list's addresses to *rcpts */
static void header_take(char **list, char ***rcpts)
{
	char **p;

	for (p = list; p && *p; p++)
		*rcpts = strlist_add(*rcpts, *p);
	strlist_free(list);
}

int header_emit(const struct header_ctx *h, const char *head, size_t len, struct buf *out,
		char ***rcpts, struct dsn *d)
{
	struct header_scan s = { 0, NULL, NULL, false, { DSN_OK, "", "", 0 } };
	size_t i = 0, n;

	while (i < len) {
		n = header_field_len(head + i, len - i);
		if (header_classify(h, &s, head + i, n))
			buf_append(out, head + i, n);
		i += n;
	}
	header_fixups(h, s.seen, out);
	if (s.seen & SEEN_RESENT_RCPT) {
		header_take(s.resent_rcpts, rcpts);
		strlist_free(s.rcpts);
	} else {
		header_take(s.rcpts, rcpts);
		strlist_free(s.resent_rcpts);
	}
	if (s.bad)
		*d = s.err;
	return s.bad ? -1 : 0;
}
