/* compose_build.c - the finished message: RFC 5322 header fields, folded
 * and encoded, and a MIME body (RFC 2045, 2046): one text/plain part, or
 * multipart/mixed with the attachments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "compose_int.h"
#include "fsutil.h"
#include "i18n.h"
#include "rfc5322.h"
#include "xalloc.h"

/* longest_line - the longest line of s[0..n), in octets */
static size_t longest_line(const char *s, size_t n)
{
	size_t max = 0, cur = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			cur = 0;
			continue;
		}
		if (++cur > max)
			max = cur;
	}
	return max;
}

/* plain_7bit - RFC 2045 2.7: 7bit data is short lines of ASCII without
 * NUL or a bare CR */
static bool plain_7bit(const char *s, size_t n, size_t maxline)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || (c < 0x20 && c != '\n' && c != '\t'))
			return false;
	}
	return longest_line(s, n) <= maxline;
}

/* text_part - the headers and body of the message text into out */
static void text_part(const struct compose *c, struct buf *out)
{
	struct buf t = BUF_INIT;
	const char *body = c->body ? c->body : "";
	size_t n = strlen(body);

	if (c->flowed)
		ce_flowed(&t, body, n);
	else
		buf_append(&t, body, n);
	if (t.len && t.data[t.len - 1] != '\n')
		buf_putc(&t, '\n');
	buf_printf(out, "Content-Type: text/plain; charset=%s%s\n",
		   ce_ascii(t.data ? t.data : "", t.len) ? "us-ascii" : "utf-8",
		   c->flowed ? "; format=flowed" : "");
	/* RFC 2045 6.7: 8-bit text or long lines go quoted-printable */
	if (plain_7bit(t.data ? t.data : "", t.len, CE_LINE_SOFT)) {
		buf_puts(out, "Content-Transfer-Encoding: 7bit\n\n");
		buf_append(out, t.data ? t.data : "", t.len);
	} else {
		buf_puts(out, "Content-Transfer-Encoding: quoted-printable\n\n");
		ce_qp(out, t.data, t.len);
	}
	buf_free(&t);
}

/* att_part - one attachment's headers and encoded body into out */
static int att_part(const struct compose_att *a, struct buf *out, struct buf *err)
{
	char *file = NULL;
	const char *data = a->data ? a->data : "";
	size_t len = a->len;

	if (a->path) {
		file = read_file(a->path, &len);
		if (!file) {
			buf_printf(err, _("cannot attach %s: %s"), a->path, strerror(errno));
			return -1;
		}
		data = file;
	}
	char *type = xstrdup(a->type ? a->type : compose_guess_type(a->name, data, len < 4096 ? len : 4096));
	bool rfc822 = strcasecmp(type, "message/rfc822") == 0;
	bool text = strncasecmp(type, "text/", 5) == 0;
	buf_printf(out, "Content-Type: %s", type);
	if (text && !strchr(type, ';'))
		buf_printf(out, "; charset=%s", ce_ascii(data, len) ? "us-ascii" : "utf-8");
	buf_printf(out, "\nContent-Disposition: %s", rfc822 ? "inline" : "attachment");
	if (a->name && *a->name)
		ce_param(out, "filename", a->name);
	buf_putc(out, '\n');
	if (a->description && *a->description) {
		struct buf d = BUF_INIT;
		ce_text(&d, a->description);
		ce_field(out, "Content-Description", d.data, err);
		buf_free(&d);
	}
	if (rfc822) {
		/* RFC 2046 5.2.1: no encoding but 7bit, 8bit or binary */
		if (memchr(data, '\0', len) || longest_line(data, len) > CE_LINE_MAX) {
			buf_printf(err, _("the forwarded message has a NUL byte or a line over 998 octets; forward it inline"));
			free(type);
			free(file);
			return -1;
		}
		buf_printf(out, "Content-Transfer-Encoding: %s\n\n", ce_ascii(data, len) ? "7bit" : "8bit");
		buf_append(out, data, len);
		if (len && data[len - 1] != '\n')
			buf_putc(out, '\n');
	} else if (plain_7bit(data, len, CE_LINE_SOFT) && (len == 0 || data[len - 1] == '\n')) {
		buf_puts(out, "Content-Transfer-Encoding: 7bit\n\n");
		buf_append(out, data, len);
	} else {
		/* base64 even for text: decoders give quoted-printable text
		 * back with CRLF line ends (RFC 2046 4.1.1), and a file must
		 * come back octet for octet */
		buf_puts(out, "Content-Transfer-Encoding: base64\n\n");
		ce_base64(out, data, len);
	}
	free(type);
	free(file);
	return 0;
}

/* body - the MIME part(s) after MIME-Version */
static int body(const struct compose *c, struct buf *out, struct buf *err)
{
	struct buf parts = BUF_INIT, bnd = BUF_INIT;
	size_t *starts;
	int r = 0;

	if (c->natt == 0) {
		text_part(c, out);
		return 0;
	}
	starts = xcalloc(c->natt + 2, sizeof(*starts));
	text_part(c, &parts);
	for (size_t i = 0; i < c->natt && r == 0; i++) {
		starts[i + 1] = parts.len;
		r = att_part(&c->att[i], &parts, err);
	}
	starts[c->natt + 1] = parts.len;
	/* RFC 2046 5.1.1: a boundary that occurs in none of the parts;
	 * "=_" cannot start a line of quoted-printable or base64 */
	do {
		buf_reset(&bnd);
		buf_puts(&bnd, "=_poczta_");
		ce_random_hex(&bnd, 12);
	} while (r == 0 && memmem(parts.data, parts.len, bnd.data, bnd.len));
	if (r == 0) {
		buf_printf(out, "Content-Type: multipart/mixed;\n\tboundary=\"%s\"\n\n", bnd.data);
		buf_puts(out, "This is a multi-part message in MIME format.\n");
		for (size_t i = 0; i <= c->natt; i++) {
			buf_printf(out, "\n--%s\n", bnd.data);
			/* every part ends in LF, and the LF before the next
			 * delimiter belongs to it (RFC 2046 5.1.1): the
			 * part's own last line break is kept */
			buf_append(out, parts.data + starts[i], starts[i + 1] - starts[i]);
		}
		buf_printf(out, "\n--%s--\n", bnd.data);
	}
	free(starts);
	buf_free(&parts);
	buf_free(&bnd);
	return r;
}

/* addr_field - an address field re-written and folded; nothing when empty */
static int addr_field(struct buf *out, const char *name, const char *v, const char *domain,
		      struct buf *err)
{
	struct buf t = BUF_INIT;
	int r = 0;

	if (!ce_blank(v)) {
		r = ce_addrlist(name, v, domain, &t, NULL, err);
		if (r == 0)
			r = ce_field(out, name, t.data ? t.data : "", err);
	}
	buf_free(&t);
	return r;
}

/* id_field - Message-ID, In-Reply-To, References (RFC 5322 3.6.4): ASCII
 * msg-ids */
static int id_field(struct buf *out, const char *name, const char *v, struct buf *err)
{
	if (ce_blank(v))
		return 0;
	if (!ce_ascii(v, strlen(v)) || strpbrk(v, "\r\n")) {
		buf_printf(err, _("%s: not a message identifier: %s"), name, v);
		return -1;
	}
	return ce_field(out, name, v, err);
}

/* make_id - RFC 5322 3.6.4: "<time.random@host>", unique by the random part */
static char *make_id(const struct compose_opts *o, time_t now)
{
	struct buf b = BUF_INIT;
	char host[256] = "localhost";

	if (o->hostname && *o->hostname)
		snprintf(host, sizeof(host), "%s", o->hostname);
	else if (gethostname(host, sizeof(host) - 1) != 0 || !*host)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	buf_printf(&b, "<%lld.", (long long)now);
	ce_random_hex(&b, 10);
	buf_printf(&b, "@%s>", host);
	return buf_detach(&b);
}

/* headers - the header section up to MIME-Version */
static int headers(struct compose *c, const struct compose_opts *o, bool bcc, struct buf *out,
		   struct buf *err)
{
	time_t now = o->now ? o->now : time(NULL);
	char date[64];
	struct buf s = BUF_INIT;
	int r;

	if (ce_blank(c->from)) {
		buf_puts(err, _("From: no sender address"));
		return -1;
	}
	if (!c->message_id)
		c->message_id = make_id(o, now);
	/* RFC 5322 3.3, 3.6.1: the origination date */
	rfc5322_date(now, date, sizeof(date));
	buf_printf(out, "Date: %s\n", date);
	r = addr_field(out, "From", c->from, NULL, err);
	char *domain = ce_domain(c);
	/* RFC 5322 3.6.3: the destination fields; Bcc is for the envelope
	 * only */
	if (r == 0)
		r = addr_field(out, "To", c->to, domain, err);
	if (r == 0)
		r = addr_field(out, "Cc", c->cc, domain, err);
	if (r == 0 && bcc)
		r = addr_field(out, "Bcc", c->bcc, domain, err);
	if (r == 0)
		r = addr_field(out, "Reply-To", c->reply_to, domain, err);
	if (r == 0 && !ce_blank(c->subject)) {
		if (strpbrk(c->subject, "\r\n")) {
			buf_puts(err, _("Subject: line breaks in the subject"));
			r = -1;
		} else {
			ce_text(&s, c->subject);
			r = ce_field(out, "Subject", s.data, err);
		}
	}
	if (r == 0)
		r = id_field(out, "Message-ID", c->message_id, err);
	if (r == 0)
		r = id_field(out, "In-Reply-To", c->in_reply_to, err);
	if (r == 0)
		r = id_field(out, "References", c->references, err);
	free(domain);
	buf_free(&s);
	return r;
}

int ce_build(struct compose *c, const struct compose_opts *o, bool bcc, struct buf *out,
	     struct buf *err)
{
	struct buf m = BUF_INIT;
	int r;

	r = headers(c, o, bcc, &m, err);
	if (r == 0) {
		buf_puts(&m, "MIME-Version: 1.0\n");
		r = body(c, &m, err);
	}
	if (r == 0)
		buf_append(out, m.data, m.len);
	buf_free(&m);
	return r;
}

int compose_build(struct compose *c, const struct compose_opts *o, struct buf *out, struct buf *err)
{
	return ce_build(c, o, false, out, err);
}

int compose_build_draft(struct compose *c, const struct compose_opts *o, struct buf *out,
			struct buf *err)
{
	return ce_build(c, o, true, out, err);
}
