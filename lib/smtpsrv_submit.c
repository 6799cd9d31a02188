/* smtpsrv_submit.c - the header section of a submission (RFC 6409 8), as
 * poczta-msa puts it into the queue: Date and Message-ID added when
 * missing, From added from the envelope sender when missing, and the
 * authors in From: and Sender: checked against the authenticated user's
 * addresses (RFC 6409 6.1 lets the MSA refuse what the user may not send
 * as).  Mailboxes are parsed with libetpan's mailimf. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <libetpan/libetpan.h>
#include <openssl/rand.h>
#include "mimeguard.h"
#include "rfc5322.h"
#include "smtpsrv.h"
#include "xalloc.h"

enum { SEEN_FROM = 1, SEEN_DATE = 2, SEEN_MSGID = 4 };

size_t smtpsrv_header_end(const char *p, size_t len, size_t from)
{
	size_t i;

	if (len > 0 && p[0] == '\n')
		return 1;		/* an empty header section */
	for (i = from ? from - 1 : 0; i + 1 < len; i++) {
		const char *nl = memchr(p + i, '\n', len - 1 - i);
		if (nl == NULL)
			break;
		i = (size_t)(nl - p);
		if (p[i + 1] == '\n')
			return i + 2;
	}
	return 0;
}

/* fixup_field_len - the field at p: its line and every continuation line
 * (RFC 5322 2.2.3) */
static size_t fixup_field_len(const char *p, size_t len)
{
	size_t i = 0;

	do {
		const char *nl = memchr(p + i, '\n', len - i);
		i = nl ? (size_t)(nl - p) + 1 : len;
	} while (i < len && (p[i] == ' ' || p[i] == '\t'));
	return i;
}

/* fixup_value - the unfolded value of a field called name (white space
 * before the colon allowed, RFC 5322 4.5), newly allocated; NULL if the
 * field at p has another name */
static char *fixup_value(const char *p, size_t len, const char *name)
{
	size_t n = strlen(name), i;
	char *v;
	size_t o = 0;

	if (len <= n || strncasecmp(p, name, n) != 0)
		return NULL;
	while (n < len && (p[n] == ' ' || p[n] == '\t'))
		n++;
	if (n >= len || p[n] != ':')
		return NULL;
	v = xmalloc(len - n);
	for (i = n + 1; i < len; i++)
		if (p[i] != '\n' && p[i] != '\r')
			v[o++] = p[i];
	v[o] = '\0';
	return v;
}

/* fixup_addr_ok - an addr-spec as a person reads it: mailimf is lenient
 * and lets through brackets and control bytes a valid one never has */
static bool fixup_addr_ok(const char *a)
{
	const char *p;

	if (*a == '\0' || strchr(a, '@') == NULL)
		return false;
	for (p = a; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || strchr("<>(),;:\\[]", *p))
			return false;
	return true;
}

/* fixup_authors - every mailbox of a From: or Sender: value must be the
 * user's; 0, or -1 with d set */
static int fixup_authors(const struct smtpsrv_fixup *f, const char *field, const char *value,
			 struct dsn *d)
{
	struct mailimf_mailbox_list *mbl = NULL;
	size_t idx = 0, len = strlen(value);
	char *scan = mimeguard_flatten(value, len);	/* nested comments: the stack */
	clistiter *it;
	int rc = mailimf_mailbox_list_parse(scan, len, &idx, &mbl);

	if (scan != value)
		free(scan);
	if (rc != MAILIMF_NO_ERROR || value[idx + strspn(value + idx, " \t")] != '\0') {
		if (mbl)
			mailimf_mailbox_list_free(mbl);
		dsn_set(d, DSN_PERMFAIL, "5.6.0", "Error: the %s: field cannot be read", field);
		return -1;
	}
	for (it = clist_begin(mbl->mb_list); it && rc == 0; it = clist_next(it)) {
		const struct mailimf_mailbox *mb = clist_content(it);
		if (!fixup_addr_ok(mb->mb_addr_spec)) {
			dsn_set(d, DSN_PERMFAIL, "5.6.0", "Error: the %s: field cannot be read", field);
			rc = -1;
		} else if (f->sender_ok && f->user && !f->sender_ok(f->ctx, f->user, mb->mb_addr_spec)) {
			dsn_set(d, DSN_PERMFAIL, "5.7.1",
				"<%s>: %s: address rejected: not owned by user %s",
				mb->mb_addr_spec, field, f->user);
			d->reply = 553;
			rc = -1;
		}
	}
	mailimf_mailbox_list_free(mbl);
	return rc;
}

/* fixup_msgid - a new Message-ID: <time.random@hostname> (RFC 5322 3.6.4) */
static void fixup_msgid(const struct smtpsrv_fixup *f, struct buf *out)
{
	unsigned char r[9];
	size_t i;

	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0, sizeof(r));	/* the pid and time still differ */
	buf_printf(out, "Message-ID: <%lld.%ld.", (long long)time(NULL), (long)getpid());
	for (i = 0; i < sizeof(r); i++)
		buf_printf(out, "%02x", r[i]);
	buf_printf(out, "@%s>\n", f->hostname);
}

/* fixup_field - look at one field: what it is, and check its authors */
static int fixup_field(const struct smtpsrv_fixup *f, const char *p, size_t len,
		       unsigned *seen, struct dsn *d)
{
	static const char *const authors[] = { "From", "Sender" };
	char *v;
	size_t i;
	int rc = 0;

	for (i = 0; i < 2; i++)
		if ((v = fixup_value(p, len, authors[i])) != NULL) {
			*seen |= i == 0 ? SEEN_FROM : 0;
			rc = fixup_authors(f, authors[i], v, d);
			free(v);
			return rc;
		}
	if ((v = fixup_value(p, len, "Date")) != NULL)
		*seen |= SEEN_DATE;
	else if ((v = fixup_value(p, len, "Message-ID")) != NULL)
		*seen |= SEEN_MSGID;
	free(v);
	return rc;
}

int smtpsrv_fixup_header(const struct smtpsrv_fixup *f, const char *hdr, size_t len,
			 struct buf *out, struct dsn *d)
{
	size_t body = len, i = 0, n;
	unsigned seen = 0;
	char date[64];

	if (len > 0 && hdr[len - 1] == '\n' && (len == 1 || hdr[len - 2] == '\n'))
		body = len - 1;		/* the empty line is written after the fix-ups */
	while (i < body) {
		n = fixup_field_len(hdr + i, body - i);
		if (fixup_field(f, hdr + i, n, &seen, d) < 0)
			return -1;
		i += n;
	}
	buf_append(out, hdr, body);
	if (body > 0 && hdr[body - 1] != '\n')
		buf_putc(out, '\n');
	if (!(seen & SEEN_FROM) && f->sender && *f->sender)
		buf_printf(out, "From: <%s>\n", f->sender);
	if (!(seen & SEEN_DATE)) {	/* RFC 6409 8.2 */
		rfc5322_date(time(NULL), date, sizeof(date));
		buf_printf(out, "Date: %s\n", date);
	}
	if (!(seen & SEEN_MSGID))	/* RFC 6409 8.3 */
		fixup_msgid(f, out);
	buf_append(out, hdr + body, len - body);
	return 0;
}
