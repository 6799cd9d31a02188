/* imapmsg.c - one message as IMAP sees it: the bytes with CRLF line ends,
 * its tree of entities (libetpan's mailmime_parse finds the parts, once),
 * RFC822.SIZE and BODY[section] (RFC 3501 6.4.5). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imapmsg_int.h"
#include "mimeguard.h"
#include "rfc5322.h"
#include "sieve_msg.h"
#include "xalloc.h"

/* msg_crlf - data with every bare LF made CRLF (RFC 3501 2.3.4) */
static char *msg_crlf(const char *data, size_t len, size_t *outlen)
{
	size_t i, n = len;
	char *out, *p;

	for (i = 0; i < len; i++)
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			n++;
	p = out = xmalloc(n + 1);
	for (i = 0; i < len; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			*p++ = '\r';
		*p++ = data[i];
	}
	*p = '\0';
	*outlen = n;
	return out;
}

/* part_inside - whether libetpan's part lies inside [lo, hi) */
static bool part_inside(const struct mailmime *c, const char *lo, const char *hi)
{
	return c && c->mm_mime_start && c->mm_mime_start >= lo && c->mm_mime_start <= hi &&
	       c->mm_length <= (size_t)(hi - c->mm_mime_start);
}

/* part_span - where multipart part c starts and how long it is.  A part
 * with no header starts at its empty line, where libetpan starts after it;
 * the last part of a multipart whose close delimiter is missing runs to
 * its end, line end included, where libetpan stops before the last CRLF
 * (Dovecot, RFC 2046 5.1.1 leaves it open) */
static const char *part_span(const struct mailmime *c, const char *body, const char *end,
			     bool last, const char *boundary, size_t *len)
{
	const char *s = c->mm_mime_start, *e = s + c->mm_length;
	size_t bl = strlen(boundary);

	if (s - body >= 4 && !memcmp(s - 4, "\r\n\r\n", 4))
		s -= 2;
	if (last && end - e >= 2 && !((size_t)(end - e) >= 4 + bl && !memcmp(e, "\r\n--", 4) &&
				      !memcmp(e + 4, boundary, bl)))
		e = end;
	*len = (size_t)(e - s);
	return s;
}

/* part_ctype - whether the part's own Content-Type says multipart (an
 * RFC 2046 5.1.1 multipart without boundary), message/rfc822, and
 * digest; in a digest, a part without Content-Type is a message (RFC 2046
 * 5.1.5) */
static void part_ctype(struct imapmsg_part *p, bool in_digest, bool *multi, bool *msg,
		       bool *digest)
{
	struct imapmsg_ctype ct;
	struct buf v = BUF_INIT;

	*multi = *msg = *digest = false;
	if (!imapmsg_field(p->hdr, p->hdrlen, "Content-Type", &v))
		*msg = in_digest;
	else if (imapmsg_ctype_parse(v.data, true, &ct)) {
		*multi = !strcasecmp(ct.type, "multipart");
		*digest = *multi && !strcasecmp(ct.subtype, "digest");
		*msg = !strcasecmp(ct.type, "message") && !strcasecmp(ct.subtype, "rfc822");
		imapmsg_ctype_free(&ct);
	}
	buf_free(&v);
}

static void part_build(struct imapmsg_part *p, struct mailmime *mime, const char *start,
		       size_t len, int depth, bool in_digest);
static void part_free(struct imapmsg_part *p);

/* part_owns_crlf - whether the line end before the next delimiter belongs
 * to part p, as Dovecot counts it: when p (or the message it holds) is a
 * header that never ended, or a multipart ending in its close delimiter,
 * the CRLF ends that line and the delimiter's own CRLF is not needed */
static bool part_owns_crlf(const struct imapmsg_part *p)
{
	const char *e, *line;

	while (p->message && p->nparts == 1)
		p = p->parts;
	if (p->bodylen == 0 && !(p->hdrlen >= 2 && !memcmp(p->hdr + p->hdrlen - 2, "\r\n", 2)))
		return p->hdrlen > 0;
	if (!p->multipart || p->bodylen < 4)
		return false;
	e = p->body + p->bodylen;
	for (line = e; line > p->body && line[-1] != '\n'; line--)
		;
	return e - line >= 4 && !memcmp(line, "--", 2) && !memcmp(e - 2, "--", 2);
}

/* after_delimiter - whether s starts the line after a delimiter line
 * ("--" boundary, RFC 2046 5.1.1); libetpan makes a part of a preamble
 * whose boundary never comes, Dovecot finds no part */
static bool after_delimiter(const char *body, const char *s)
{
	const char *line;

	if (s - body < 4 || s[-1] != '\n')
		return false;
	for (line = s - 1; line > body && line[-1] != '\n'; line--)
		;
	return line[0] == '-' && line[1] == '-';
}

/* part_boundary - the boundary parameter of multipart p (RFC 2046 5.1.1) */
static void part_boundary(const struct imapmsg_part *p, struct buf *out)
{
	struct imapmsg_ctype ct;
	struct buf v = BUF_INIT;
	size_t i;

	if (imapmsg_field(p->hdr, p->hdrlen, "Content-Type", &v) &&
	    imapmsg_ctype_parse(v.data, true, &ct)) {
		for (i = 0; i < ct.nparams; i++)
			if (!out->len && !strcasecmp(ct.params[i].name, "boundary"))
				buf_puts(out, ct.params[i].value);
		imapmsg_ctype_free(&ct);
	}
	buf_free(&v);
}

/* part_reparse - the tree of a multipart part that part_span made longer
 * than libetpan had it (a close delimiter missing): libetpan cut the
 * parts inside it short too, so it is parsed again on its own, unless it
 * nests deep (each level would parse what is below again).  Returns the
 * tree to free, or NULL; *node is the node to use. */
static struct mailmime *part_reparse(struct mailmime *c, const char *s, size_t len,
				     struct mailmime **node)
{
	struct mailmime *own = NULL;
	size_t idx = 0;

	*node = c;
	if (c->mm_type != MAILMIME_MULTIPLE || s + len <= c->mm_mime_start + c->mm_length ||
	    mimeguard_too_deep(s, len, IMAPMSG_REPARSE_COMPOSITE))
		return NULL;
	if (mailmime_parse(s, len, &idx, &own) != MAILIMF_NO_ERROR)
		return NULL;
	if (own->mm_type == MAILMIME_MESSAGE && own->mm_data.mm_message.mm_msg_mime &&
	    own->mm_data.mm_message.mm_msg_mime->mm_type == MAILMIME_MULTIPLE)
		*node = own->mm_data.mm_message.mm_msg_mime;
	return own;
}

/* part_children - the parts libetpan found in multipart p */
static void part_children(struct imapmsg_part *p, struct mailmime *mime, int depth, bool digest)
{
	const char *end = p->body + p->bodylen;
	struct mailmime *own, *node;
	struct buf boundary = BUF_INIT;
	clistiter *it;
	size_t n = 0, len;

	part_boundary(p, &boundary);

	for (it = clist_begin(mime->mm_data.mm_multipart.mm_mp_list); it; it = clist_next(it))
		n++;
	p->parts = xcalloc(n ? n : 1, sizeof *p->parts);
	for (it = clist_begin(mime->mm_data.mm_multipart.mm_mp_list); it; it = clist_next(it)) {
		struct mailmime *c = clist_content(it);
		const char *s;

		if (!part_inside(c, p->body, end))
			continue;
		s = part_span(c, p->body, end, !clist_next(it), buf_cstr(&boundary), &len);
		if (!after_delimiter(p->body, s))
			continue;
		own = part_reparse(c, s, len, &node);
		part_build(&p->parts[p->nparts], node, s, len, depth + 1, digest);
		if (own)	/* (part_message keeps its own tree there too) */
			p->parts[p->nparts].own = own;
		if (s + len + 2 <= end && !memcmp(s + len, "\r\n", 2) &&
		    part_owns_crlf(&p->parts[p->nparts])) {
			part_free(&p->parts[p->nparts]);
			part_build(&p->parts[p->nparts], c, s, len + 2, depth + 1, digest);
		}
		p->nparts++;
	}
	buf_free(&boundary);
}

/* part_message - the message a message/rfc822 part holds (RFC 2046
 * 5.2.1): libetpan's, or parsed here when libetpan did not see it (a
 * digest's part, or an encoded one, which Dovecot too reads as it is) */
static void part_message(struct imapmsg_part *p, struct mailmime *mime, int depth)
{
	struct mailmime *inner = NULL;
	size_t idx = 0;

	p->message = true;
	p->nparts = 1;
	p->parts = xcalloc(1, sizeof *p->parts);
	if (mime && mime->mm_type == MAILMIME_MESSAGE) {
		inner = mime->mm_data.mm_message.mm_msg_mime;
	} else if (!mimeguard_too_deep(p->body, p->bodylen, IMAPMSG_MAX_COMPOSITE) &&
		   mailmime_parse(p->body, p->bodylen, &idx, &p->own) == MAILIMF_NO_ERROR &&
		   p->own->mm_type == MAILMIME_MESSAGE) {
		inner = p->own->mm_data.mm_message.mm_msg_mime;
	}
	part_build(p->parts, inner, p->body, p->bodylen, depth + 1, false);
}

/* part_build - fill p for the entity [start, start+len) that mime (libetpan's
 * node, or NULL) describes */
static void part_build(struct imapmsg_part *p, struct mailmime *mime, const char *start,
		       size_t len, int depth, bool in_digest)
{
	bool multi, msg, digest;

	memset(p, 0, sizeof *p);
	p->hdr = start;
	p->hdrlen = rfc5322_header_end(start, len);
	p->body = start + p->hdrlen;
	p->bodylen = len - p->hdrlen;
	if (depth >= IMAPMSG_MAX_DEPTH)
		return;
	p->mime = mime;
	part_ctype(p, in_digest, &multi, &msg, &digest);
	if (mime && mime->mm_type == MAILMIME_MULTIPLE) {
		p->multipart = true;
		part_children(p, mime, depth, digest);
	} else if (multi) {
		p->multipart = true;	/* no boundary: no parts, as Dovecot */
	} else if (msg || (mime && mime->mm_type == MAILMIME_MESSAGE)) {
		part_message(p, mime, depth);
	}
}

struct imapmsg *imapmsg_parse(const char *data, size_t len)
{
	struct imapmsg *m = xcalloc(1, sizeof *m);
	struct mailmime *body = NULL;
	size_t idx = 0;

	m->data = msg_crlf(data, len, &m->len);
	m->scan = mimeguard_flatten(m->data, m->len);
	if (mimeguard_too_deep(m->scan, m->len, IMAPMSG_MAX_COMPOSITE) ||
	    mailmime_parse(m->scan, m->len, &idx, &m->root) != MAILIMF_NO_ERROR)
		m->root = NULL;
	if (m->root && m->root->mm_type == MAILMIME_MESSAGE)
		body = m->root->mm_data.mm_message.mm_msg_mime;
	part_build(&m->top, body, m->scan, m->len, 0, false);
	return m;
}

static void part_free(struct imapmsg_part *p)
{
	if (!p)
		return;
	size_t i;

	for (i = 0; i < p->nparts; i++)
		part_free(&p->parts[i]);
	free(p->parts);
	if (p->own)
		mailmime_free(p->own);
}

void imapmsg_free(struct imapmsg *m)
{
	if (!m)
		return;
	part_free(&m->top);
	if (m->root)
		mailmime_free(m->root);
	if (m->scan != m->data)
		free(m->scan);
	free(m->data);
	free(m);
}

uint64_t imapmsg_size(const struct imapmsg *m)
{
	return m->len;
}

/* ----- BODY[section] ----- */

/* sect_put - append the n octets at p (in m->scan), NUL made 0x80 as Dovecot does: no IMAP
 * string may hold NUL (RFC 3501 9: CHAR8) */
static void sect_put(const struct imapmsg *m, struct buf *out, const char *p, size_t n)
{
	size_t i, start = out->len;

	buf_append(out, m->data + (p - m->scan), n);	/* the bytes as they came */
	for (i = start; i < out->len; i++)
		if (out->data[i] == '\0')
			out->data[i] = (char)0x80;
}

/* What a section names, once its part numbers are resolved. */
enum sect_text { SECT_ALL, SECT_HEADER, SECT_FIELDS, SECT_FIELDS_NOT, SECT_TEXT, SECT_MIME };

/* sect_word - whether s starts with word (any case) followed by one of
 * the bytes in after; moves s past the word */
static bool sect_word(const char **s, const char *word, const char *after)
{
	size_t n = strlen(word);

	if (strncasecmp(*s, word, n) != 0 || !strchr(after, (*s)[n]))
		return false;
	*s += n;
	return true;
}

/* sect_names - parse header-list (RFC 3501 9: "(" header-fld-name *(SP
 * header-fld-name) ")") into names, NUL-separated; false on bad syntax */
static bool sect_names(const char *s, struct buf *names)
{
	if (*s++ != ' ' || *s++ != '(')
		return false;
	for (;;) {
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				buf_putc(names, *s);
			}
			if (*s++ != '"')
				return false;
		} else {
			const char *b = s;

			while (*s > ' ' && *s < 127 && !strchr("(){%*\"\\]", *s))
				s++;
			if (s == b)
				return false;
			buf_append(names, b, (size_t)(s - b));
		}
		buf_putc(names, '\0');
		if (*s == ')')
			return s[1] == '\0';
		if (*s++ != ' ')
			return false;
	}
}

/* sect_has_name - whether name (n octets) is among names, any case */
static bool sect_has_name(const struct buf *names, const char *name, size_t n)
{
	size_t i = 0;

	while (i < names->len) {
		size_t l = strlen(names->data + i);

		if (l == n && strncasecmp(names->data + i, name, n) == 0)
			return true;
		i += l + 1;
	}
	return false;
}

/* sect_fields - the header fields of hdr whose names are (or, with not,
 * are not) in names, in their order, then the empty line (RFC 3501 6.4.5) */
static void sect_fields(const struct imapmsg *m, const char *hdr, size_t len, const struct buf *names, bool not,
			struct buf *out)
{
	struct sieve_hdr h;
	size_t pos = 0;

	while (sieve_msg_next_header(hdr, len, &pos, &h)) {
		if (sect_has_name(names, h.name, h.nlen) == not)
			continue;
		sect_put(m, out, h.name, (size_t)(h.value + h.vlen - h.name));
		if (h.vlen == 0 || h.value[h.vlen - 1] != '\n')
			buf_puts(out, "\r\n");
	}
	buf_puts(out, "\r\n");
}

/* sect_step - part n of p (RFC 3501 6.4.5): of a multipart, its n-th part;
 * of a message/rfc822 part, part n of the message it holds; NULL if none.
 * Part 1 of a message or part that is not multipart is itself (as Dovecot
 * answers BODY[1.1] of a text part). */
static const struct imapmsg_part *sect_step(const struct imapmsg_part *p, unsigned long n,
					    bool is_msg)
{
	if (!is_msg && p->message) {
		p = p->parts;
		is_msg = true;
	}
	if (p->multipart)
		return n >= 1 && n <= p->nparts ? &p->parts[n - 1] : NULL;
	return n == 1 ? p : NULL;
}

/* sect_text - append what t names of entity p; msg says whether p is a
 * message (its header is an RFC 5322 header) rather than a body part */
static void sect_text(const struct imapmsg *m, const struct imapmsg_part *p, bool msg, enum sect_text t,
		      const struct buf *names, struct buf *out)
{
	if (t == SECT_MIME) {
		sect_put(m, out, p->hdr, p->hdrlen);
		return;
	}
	if (t == SECT_ALL) {
		sect_put(m, out, p->body, p->bodylen);
		return;
	}
	if (!msg) {	/* HEADER and TEXT of a part: of the message it holds */
		if (!p->message)
			return;
		p = p->parts;
	}
	if (t == SECT_HEADER)
		sect_put(m, out, p->hdr, p->hdrlen);
	else if (t == SECT_TEXT)
		sect_put(m, out, p->body, p->bodylen);
	else
		sect_fields(m, p->hdr, p->hdrlen, names, t == SECT_FIELDS_NOT, out);
}

/* sect_msgtext - parse section-msgtext or "MIME" (RFC 3501 9) */
static bool sect_parse_text(const char *s, bool mime_ok, enum sect_text *t, struct buf *names)
{
	if (sect_word(&s, "HEADER.FIELDS.NOT", " ")) {
		*t = SECT_FIELDS_NOT;
		return sect_names(s, names);
	}
	if (sect_word(&s, "HEADER.FIELDS", " ")) {
		*t = SECT_FIELDS;
		return sect_names(s, names);
	}
	if (sect_word(&s, "HEADER", ""))
		*t = SECT_HEADER;
	else if (sect_word(&s, "TEXT", ""))
		*t = SECT_TEXT;
	else if (mime_ok && sect_word(&s, "MIME", ""))
		*t = SECT_MIME;
	else
		return false;
	return true;
}

bool imapmsg_section(const struct imapmsg *m, const char *spec, struct buf *out)
{
	const struct imapmsg_part *p = &m->top;
	struct buf names = BUF_INIT;
	enum sect_text t = SECT_ALL;
	bool msg = true, ok = true, numbered = false;

	if (!*spec) {
		sect_put(m, out, m->scan, m->len);
		return true;
	}
	while (isdigit((unsigned char)*spec)) {
		char *end;
		unsigned long n = strtoul(spec, &end, 10);

		if (*spec == '0' || (*end && *end != '.') || (*end == '.' && !end[1]))
			return false;
		p = p ? sect_step(p, n, msg) : NULL;
		msg = false;
		numbered = true;
		spec = *end ? end + 1 : end;
	}
	if (*spec)
		ok = sect_parse_text(spec, numbered, &t, &names);
	if (ok && p) {
		if (!numbered && t == SECT_ALL)
			sect_put(m, out, m->scan, m->len);
		else
			sect_text(m, p, msg, t, &names, out);
	}
	buf_free(&names);
	return ok;
}
