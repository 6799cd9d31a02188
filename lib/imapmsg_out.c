/* imapmsg_out.c - ENVELOPE and BODYSTRUCTURE (RFC 3501 7.4.2) written as
 * Dovecot writes them: values as the message has them (types with their
 * case, encoded words left encoded), defaults from RFC 2045 5.2 and 6.1. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imapmsg_int.h"
#include "sieve_msg.h"
#include "xalloc.h"

void imapmsg_string(struct buf *out, const char *s, size_t n, int how)
{
	struct buf v = BUF_INIT;
	bool literal = how & IMAPMSG_STR_FOLDED;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\0')	/* RFC 3501 9: no NUL; U+FFFD as Dovecot */
			buf_puts(&v, "\xef\xbf\xbd");
		else
			buf_putc(&v, s[i]);
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0' || s[i] == '\r' || s[i] == '\n' ||
		    ((how & IMAPMSG_STR_ENV) && (s[i] == '"' || s[i] == '\\')))
			literal = true;
	}
	if (literal) {	/* RFC 3501 4.3 */
		buf_printf(out, "{%zu}\r\n", v.len);
		buf_append(out, v.data, v.len);
	} else {
		buf_putc(out, '"');
		for (i = 0; i < v.len; i++) {
			if (v.data[i] == '"' || v.data[i] == '\\')	/* RFC 3501 9: quoted-specials */
				buf_putc(out, '\\');
			buf_putc(out, v.data[i]);
		}
		buf_putc(out, '"');
	}
	buf_free(&v);
}

void imapmsg_nstring(struct buf *out, const char *s, int how)
{
	if (s)
		imapmsg_string(out, s, strlen(s), how);
	else
		buf_puts(out, "NIL");
}

/* ----- ENVELOPE ----- */

/* env_addresses - the address list of field name (of dflt when name is
 * missing or holds no address: RFC 3501 7.4.2 for Sender and Reply-To),
 * or NIL */
static void env_addresses(struct buf *out, const char *hdr, size_t len, const char *name,
			  const char *dflt)
{
	struct buf v = BUF_INIT;

	if (!(imapmsg_field(hdr, len, name, &v) && imapmsg_addresses(buf_cstr(&v), out)) &&
	    !(dflt && imapmsg_field(hdr, len, dflt, &v) && imapmsg_addresses(buf_cstr(&v), out)))
		buf_puts(out, "NIL");
	buf_free(&v);
}

/* env_text - the unfolded value of field name, or NIL; Dovecot writes a
 * folded value as a literal */
static void env_text(struct buf *out, const char *hdr, size_t len, const char *name)
{
	struct buf v = BUF_INIT;
	struct sieve_hdr h;
	size_t pos = 0, n = strlen(name);
	bool found = false;
	const char *nl;

	while (!found && sieve_msg_next_header(hdr, len, &pos, &h))
		found = h.nlen == n && strncasecmp(h.name, name, n) == 0;
	if (found) {	/* an empty field is "", as Dovecot has it */
		nl = memchr(h.value, '\n', h.vlen);
		sieve_msg_unfold(h.value, h.vlen, &v);
		imapmsg_string(out, v.data, v.len, IMAPMSG_STR_ENV |
			       (nl && nl + 1 < h.value + h.vlen ? IMAPMSG_STR_FOLDED : 0));
	} else {
		buf_puts(out, "NIL");
	}
	buf_free(&v);
}

void imapmsg_envelope_of(const char *hdr, size_t len, struct buf *out)
{
	buf_putc(out, '(');
	env_text(out, hdr, len, "Date");
	buf_putc(out, ' ');
	env_text(out, hdr, len, "Subject");
	buf_putc(out, ' ');
	env_addresses(out, hdr, len, "From", NULL);
	buf_putc(out, ' ');
	env_addresses(out, hdr, len, "Sender", "From");		/* RFC 3501 7.4.2 */
	buf_putc(out, ' ');
	env_addresses(out, hdr, len, "Reply-To", "From");
	buf_putc(out, ' ');
	env_addresses(out, hdr, len, "To", NULL);
	buf_putc(out, ' ');
	env_addresses(out, hdr, len, "Cc", NULL);
	buf_putc(out, ' ');
	env_addresses(out, hdr, len, "Bcc", NULL);
	buf_putc(out, ' ');
	env_text(out, hdr, len, "In-Reply-To");
	buf_putc(out, ' ');
	env_text(out, hdr, len, "Message-ID");
	buf_putc(out, ')');
}

void imapmsg_envelope(const struct imapmsg *m, struct buf *out)
{
	imapmsg_envelope_of(m->top.hdr, m->top.hdrlen, out);
}

/* ----- BODYSTRUCTURE ----- */

/* bs_params - (name value ...) or NIL; charset added to text parts */
static void bs_params(struct buf *out, const struct imapmsg_ctype *ct, bool add_charset)
{
	size_t i;

	for (i = 0; i < ct->nparams; i++)
		if (strcasecmp(ct->params[i].name, "charset") == 0)
			add_charset = false;
	if (!ct->nparams && !add_charset) {
		buf_puts(out, "NIL");
		return;
	}
	buf_putc(out, '(');
	for (i = 0; i < ct->nparams; i++) {
		imapmsg_nstring(out, ct->params[i].name, 0);
		buf_putc(out, ' ');
		imapmsg_nstring(out, ct->params[i].value, 0);
		buf_putc(out, ' ');
	}
	if (add_charset)
		buf_puts(out, "\"charset\" \"us-ascii\" ");
	out->data[out->len - 1] = ')';
}

/* bs_field - the value of a field, or NIL */
static void bs_field(struct buf *out, const struct imapmsg_part *p, const char *name)
{
	struct buf v = BUF_INIT;

	if (imapmsg_field(p->hdr, p->hdrlen, name, &v))
		imapmsg_string(out, v.data, v.len, 0);
	else
		buf_puts(out, "NIL");
	buf_free(&v);
}

/* bs_language - RFC 3066 tags of Content-Language, NIL, one, or a list */
static void bs_language(struct buf *out, const struct imapmsg_part *p)
{
	struct buf v = BUF_INIT;
	size_t n = 0;
	char *tok, *save = NULL;

	if (imapmsg_field(p->hdr, p->hdrlen, "Content-Language", &v))
		for (tok = strtok_r(v.data, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
			buf_puts(out, n++ ? " " : "(");
			imapmsg_nstring(out, tok, 0);
		}
	if (n == 0)
		buf_puts(out, "NIL");
	else
		buf_putc(out, ')');
	buf_free(&v);
}

/* bs_ext_common - body-fld-dsp SP body-fld-lang SP body-fld-loc */
static void bs_ext_common(struct buf *out, const struct imapmsg_part *p)
{
	struct imapmsg_ctype d;
	struct buf v = BUF_INIT;

	if (imapmsg_field(p->hdr, p->hdrlen, "Content-Disposition", &v) &&
	    imapmsg_ctype_parse(v.data, false, &d)) {
		buf_putc(out, '(');
		imapmsg_nstring(out, d.type, 0);
		buf_putc(out, ' ');
		bs_params(out, &d, false);
		buf_putc(out, ')');
		imapmsg_ctype_free(&d);
	} else {
		buf_puts(out, "NIL");
	}
	buf_free(&v);
	buf_putc(out, ' ');
	bs_language(out, p);
	buf_putc(out, ' ');
	bs_field(out, p, "Content-Location");
}

/* bs_lines - the body's lines: its LFs (as Dovecot counts them) */
static size_t bs_lines(const struct imapmsg_part *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->bodylen; i++)
		n += p->body[i] == '\n';
	return n;
}

/* bs_ctype - the part's Content-Type as the tree has it: what libetpan
 * took for a multipart or a message is one, anything else is a single
 * part, text/plain (RFC 2045 5.2) unless it says otherwise */
static void bs_ctype(const struct imapmsg_part *p, struct imapmsg_ctype *ct)
{
	struct buf v = BUF_INIT;
	bool ok = imapmsg_field(p->hdr, p->hdrlen, "Content-Type", &v) &&
		  imapmsg_ctype_parse(v.data, true, ct);

	buf_free(&v);
	if (ok && p->multipart == !strcasecmp(ct->type, "multipart") &&
	    p->message == (!strcasecmp(ct->type, "message") && !strcasecmp(ct->subtype, "rfc822")))
		return;
	if (ok)
		imapmsg_ctype_free(ct);
	memset(ct, 0, sizeof *ct);
	ct->type = xstrdup(p->multipart ? "multipart" : p->message ? "message" : "text");
	ct->subtype = xstrdup(p->multipart ? "mixed" : p->message ? "rfc822" : "plain");
}

static void bs_part(const struct imapmsg_part *p, bool ext, struct buf *out);

/* bs_multipart - (part)(part)... subtype [params dsp lang loc] */
static void bs_multipart(const struct imapmsg_part *p, const struct imapmsg_ctype *ct, bool ext,
			 struct buf *out)
{
	size_t i;

	buf_putc(out, '(');
	for (i = 0; i < p->nparts; i++)
		bs_part(&p->parts[i], ext, out);
	if (p->nparts == 0)	/* RFC 3501 9: 1*body; an empty part stands in */
		buf_puts(out, ext ? "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0"
				    " NIL NIL NIL NIL)" :
				    "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)");
	buf_putc(out, ' ');
	imapmsg_nstring(out, ct->subtype, 0);
	if (ext) {
		buf_putc(out, ' ');
		bs_params(out, ct, false);
		buf_putc(out, ' ');
		bs_ext_common(out, p);
	}
	buf_putc(out, ')');
}

/* bs_part - one body: multipart, or basic, text or message (RFC 3501 9) */
static void bs_part(const struct imapmsg_part *p, bool ext, struct buf *out)
{
	struct imapmsg_ctype ct;
	bool text;

	bs_ctype(p, &ct);
	if (p->multipart) {
		bs_multipart(p, &ct, ext, out);
		imapmsg_ctype_free(&ct);
		return;
	}
	text = strcasecmp(ct.type, "text") == 0;
	buf_putc(out, '(');
	imapmsg_nstring(out, ct.type, 0);
	buf_putc(out, ' ');
	imapmsg_nstring(out, ct.subtype, 0);
	buf_putc(out, ' ');
	bs_params(out, &ct, text);
	buf_putc(out, ' ');
	bs_field(out, p, "Content-ID");
	buf_putc(out, ' ');
	bs_field(out, p, "Content-Description");
	buf_putc(out, ' ');
	if (!imapmsg_field(p->hdr, p->hdrlen, "Content-Transfer-Encoding", NULL))
		buf_puts(out, "\"7bit\"");
	else
		bs_field(out, p, "Content-Transfer-Encoding");
	buf_printf(out, " %zu", p->bodylen);
	if (p->message) {
		buf_putc(out, ' ');
		imapmsg_envelope_of(p->parts->hdr, p->parts->hdrlen, out);
		buf_putc(out, ' ');
		bs_part(p->parts, ext, out);
	}
	if (p->message || text)
		buf_printf(out, " %zu", bs_lines(p));
	if (ext) {
		buf_putc(out, ' ');
		bs_field(out, p, "Content-MD5");
		buf_putc(out, ' ');
		bs_ext_common(out, p);
	}
	buf_putc(out, ')');
	imapmsg_ctype_free(&ct);
}

void imapmsg_bodystructure(const struct imapmsg *m, bool ext, struct buf *out)
{
	bs_part(&m->top, ext, out);
}
