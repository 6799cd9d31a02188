/* compose_enc.c - the encodings a message is built with: quoted-printable
 * and base64 bodies (RFC 2045), encoded words (RFC 2047), parameter values
 * (RFC 2231), header folding (RFC 5322 2.2.3) and format=flowed (RFC 3676). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <openssl/rand.h>
#include "compose_int.h"
#include "i18n.h"
#include "msg.h"
#include "sasl.h"

static const char hex[] = "0123456789ABCDEF";

bool ce_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

bool ce_blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

void ce_random_hex(struct buf *out, size_t n)
{
	unsigned char r[32];

	if (n > sizeof(r))
		n = sizeof(r);
	if (RAND_bytes(r, (int)n) != 1)
		msg_panic("RAND_bytes failed");
	for (size_t i = 0; i < n; i++)
		buf_printf(out, "%02x", r[i]);
}

/* qp_line - one line (without its LF) quoted-printable, soft breaks keeping
 * encoded lines at 76 characters (RFC 2045 6.7 rules 1-5) */
static void qp_line(struct buf *out, const unsigned char *s, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		bool lit = (c >= 33 && c <= 126 && c != '=') ||
			((c == ' ' || c == '\t') && i + 1 < n);
		/* "From " at the start of a line is mangled by mbox writers */
		if (i == 0 && c == 'F' && n >= 5 && memcmp(s, "From ", 5) == 0)
			lit = false;
		size_t w = lit ? 1 : 3;
		/* rule 5: the "=" of a soft break counts in the 76 */
		if (col + w > 75 && i + 1 < n) {
			buf_puts(out, "=\n");
			col = 0;
		} else if (col + w > 76) {
			buf_puts(out, "=\n");
			col = 0;
		}
		if (lit) {
			buf_putc(out, (int)c);
		} else {
			buf_putc(out, '=');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
		col += w;
	}
}

void ce_qp(struct buf *out, const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		qp_line(out, (const unsigned char *)p, (size_t)(le - p));
		if (nl)
			buf_putc(out, '\n');
		p = nl ? nl + 1 : end;
	}
}

void ce_base64(struct buf *out, const void *p, size_t n)
{
	const unsigned char *s = p;

	/* RFC 2045 6.8: lines of at most 76 characters, 57 octets each */
	for (size_t i = 0; i < n; i += 57) {
		sasl_b64_encode(s + i, n - i < 57 ? n - i : 57, out);
		buf_putc(out, '\n');
	}
}

/* utf8_char - the length of the UTF-8 character at s (1 for a stray byte) */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	size_t l = s[0] < 0x80 ? 1 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;

	if (l > n)
		return n;
	for (size_t i = 1; i < l; i++)
		if ((s[i] & 0xc0) != 0x80)
			return i;
	return l;
}

/* q_safe - RFC 2047 5 (3): the characters a "Q" word may hold literally
 * even in a phrase */
static bool q_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		strchr("!*+-/", c) != NULL;
}

/* words - s[0..n) as encoded words of at most 75 characters (RFC 2047 2),
 * split between UTF-8 characters (RFC 2047 5: each word decodes to whole
 * characters), separated by single spaces; "Q" or "B", whichever is
 * shorter */
static void words(struct buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t esc = 0, i = 0;

	for (size_t k = 0; k < n; k++)
		esc += !q_safe(s[k]) && s[k] != ' ';
	/* the shorter of the two, as mutt chooses */
	bool b64 = (n + 2) / 3 * 4 < n + 2 * esc;
	/* "=?utf-8?q?" + text + "?=": 63 characters of Q text, 45 octets of B */
	while (i < n) {
		size_t start = i, w = 0;
		while (i < n) {
			size_t cl = utf8_char(s + i, n - i), cw = 0;
			for (size_t k = 0; k < cl; k++)
				cw += b64 ? 1 : (q_safe(s[i + k]) || s[i + k] == ' ') ? 1 : 3;
			if (w + cw > (b64 ? 45u : 63u) && i > start)
				break;
			w += cw;
			i += cl;
		}
		if (start)
			buf_putc(out, ' ');
		buf_puts(out, b64 ? "=?utf-8?b?" : "=?utf-8?q?");
		if (b64) {
			sasl_b64_encode(s + start, i - start, out);
		} else {
			for (size_t k = start; k < i; k++) {
				if (s[k] == ' ')
					buf_putc(out, '_');
				else if (q_safe(s[k]))
					buf_putc(out, s[k]);
				else
					buf_printf(out, "=%c%c", hex[s[k] >> 4], hex[s[k] & 15]);
			}
		}
		buf_puts(out, "?=");
	}
}

/* needs_word - whether a space-delimited word must be encoded: 8-bit, or
 * it would be taken for an encoded word */
static bool needs_word(const char *w, size_t n)
{
	if (!ce_ascii(w, n))
		return true;
	for (size_t i = 0; i + 1 < n; i++)
		if (w[i] == '=' && w[i + 1] == '?')
			return true;
	return false;
}

/* encode_span - s with its words from the first that needs encoding to
 * the last as encoded words (RFC 2047 5 (1)), the rest as is when
 * keep_plain; else all of s encoded when any of it needs to be */
static void encode_span(struct buf *out, const char *s, bool keep_plain)
{
	size_t n = strlen(s), a = n, z = 0, i = 0;

	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		size_t st = i;
		while (i < n && s[i] != ' ')
			i++;
		if (i > st && needs_word(s + st, i - st)) {
			if (a == n)
				a = st;
			z = i;
		}
	}
	if (a == n || !keep_plain) {
		if (a == n)
			buf_puts(out, s);
		else
			words(out, s, n);
		return;
	}
	buf_append(out, s, a);
	words(out, s + a, z - a);
	buf_puts(out, s + z);
}

void ce_text(struct buf *out, const char *s)
{
	encode_span(out, s, true);
}

/* atext - RFC 5322 3.2.3 */
static bool atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		(c > ' ' && c < 0x7f && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

void ce_phrase(struct buf *out, const char *s)
{
	size_t n = strlen(s);
	bool atoms = n > 0 && s[0] != ' ' && s[n - 1] != ' ';

	if (!ce_ascii(s, n) || strstr(s, "=?")) {
		/* RFC 2047 5 (3): plain words beside encoded ones only when
		 * they are atoms */
		for (size_t i = 0; i < n; i++)
			if (!(s[i] & 0x80) && s[i] != ' ' && !atext((unsigned char)s[i]))
				atoms = false;
		encode_span(out, s, atoms);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!atext((unsigned char)s[i]) && !(s[i] == ' ' && s[i + 1] != ' '))
			atoms = false;
	if (atoms) {
		buf_puts(out, s);
		return;
	}
	/* RFC 5322 3.2.4: a quoted string, with quoted-pairs */
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_putc(out, '\\');
		buf_putc(out, s[i]);
	}
	buf_putc(out, '"');
}

int ce_field(struct buf *out, const char *name, const char *value, struct buf *err)
{
	size_t col = strlen(name) + 2, i = 0, n = strlen(value), line = col;
	bool started = false;

	buf_printf(out, "%s: ", name);
	/* RFC 5322 2.2.3: fold by putting a line break before white space */
	while (i < n) {
		size_t st = i;
		if (value[i] == ' ')
			i++;
		while (i < n && value[i] != ' ')
			i++;
		size_t w = i - st;
		if (started && col + w > CE_LINE_SOFT && value[st] == ' ') {
			buf_putc(out, '\n');
			col = 0;
		} else if (!started && col + w > CE_LINE_SOFT && w + 1 <= CE_LINE_SOFT) {
			/* the first word fits better on a line of its own: fold
			 * at the space after the colon */
			out->len--;
			buf_puts(out, "\n ");
			col = 1;
		}
		buf_append(out, value + st, w);
		col += w;
		if (col > line)
			line = col;
		started = true;
	}
	buf_putc(out, '\n');
	if (line > CE_LINE_MAX) {
		/* L10N: %s is a header field name such as "Subject" */
		buf_printf(err, _("the %s field has a line over 998 octets"), name);
		return -1;
	}
	return 0;
}

/* token_char - RFC 2045 5.1 token, which needs no quoting */
static bool token_char(unsigned char c)
{
	return c > ' ' && c < 0x7f && !strchr("()<>@,;:\\\"/[]?=", c);
}

void ce_param(struct buf *out, const char *name, const char *value)
{
	size_t n = strlen(value);
	bool token = n > 0 && n < 60, ascii = ce_ascii(value, n) && n < 60;

	for (size_t i = 0; i < n; i++) {
		token = token && token_char((unsigned char)value[i]);
		ascii = ascii && value[i] >= ' ' && value[i] < 0x7f;
	}
	if (token) {
		buf_printf(out, ";\n\t%s=%s", name, value);
		return;
	}
	if (ascii) {
		buf_printf(out, ";\n\t%s=\"", name);
		for (size_t i = 0; i < n; i++) {
			if (value[i] == '"' || value[i] == '\\')
				buf_putc(out, '\\');
			buf_putc(out, value[i]);
		}
		buf_putc(out, '"');
		return;
	}
	/* RFC 2231 4: charset''%XX; 3: continuations name*0*, name*1*, ...
	 * with each line short, splitting only between whole %XX octets */
	struct buf enc = BUF_INIT;
	buf_puts(&enc, "utf-8''");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];
		if (token_char(c) && c != '*' && c != '\'' && c != '%')
			buf_putc(&enc, c);
		else
			buf_printf(&enc, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	if (enc.len < 60) {
		buf_printf(out, ";\n\t%s*=%s", name, enc.data);
	} else {
		size_t i = 0;
		for (int k = 0; i < enc.len; k++) {
			size_t w = enc.len - i < 60 ? enc.len - i : 60;
			while (w > 3 && i + w < enc.len &&
			       (enc.data[i + w - 1] == '%' || enc.data[i + w - 2] == '%'))
				w--;
			buf_printf(out, ";\n\t%s*%d*=", name, k);
			buf_append(out, enc.data + i, w);
			i += w;
		}
	}
	buf_free(&enc);
}

/* flowed_piece - one output line of flowed text: the quote prefix, then
 * the piece space-stuffed when it could be misread (RFC 3676 4.4) */
static void flowed_piece(struct buf *out, const char *q, size_t ql, const char *s, size_t n)
{
	buf_append(out, q, ql);
	if (ql && n)
		buf_putc(out, ' ');
	else if (n && (s[0] == ' ' || s[0] == '>' || (n >= 5 && memcmp(s, "From ", 5) == 0)))
		buf_putc(out, ' ');
	buf_append(out, s, n);
	buf_putc(out, '\n');
}

void ce_flowed(struct buf *out, const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t len = (size_t)(le - p), ql = 0;

		/* RFC 3676 4.3: the signature separator stays as it is */
		if (len == 3 && memcmp(p, "-- ", 3) == 0) {
			buf_puts(out, "-- \n");
			p = nl ? nl + 1 : end;
			continue;
		}
		/* RFC 3676 4.5: quote depth is the count of leading '>' */
		while (ql < len && p[ql] == '>')
			ql++;
		const char *c = p + ql;
		if (ql && c < le && *c == ' ')
			c++;
		/* RFC 3676 4.2: a line over 78 is broken after a space, which
		 * makes it a soft break; the user's own trailing spaces are
		 * soft breaks as well (as mutt and vim's "fo+=w" write them) */
		size_t room = CE_LINE_SOFT - 2 - (ql ? ql + 1 : 1);
		while ((size_t)(le - c) > room) {
			const char *b = NULL;
			for (const char *x = c; x < le && (x - c < (long)room || !b); x++)
				if (*x == ' ')
					b = x + 1;
			if (!b || b >= le)
				break;
			flowed_piece(out, p, ql, c, (size_t)(b - c));
			c = b;
		}
		flowed_piece(out, p, ql, c, (size_t)(le - c));
		p = nl ? nl + 1 : end;
	}
}

void ce_unflow(struct buf *out, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	size_t lastq = 0;
	bool soft = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ql = 0;

		if (le > p && le[-1] == '\r')
			le--;
		while (p + ql < le && p[ql] == '>')
			ql++;
		const char *c = p + ql;
		if (c < le && *c == ' ')	/* 4.4 stuffing, or after the quote marks */
			c++;
		bool sig = le - c == 3 && memcmp(c, "-- ", 3) == 0;
		/* a soft break joins only lines of the same quote depth (4.5) */
		if (!(soft && ql == lastq)) {
			if (soft)
				buf_putc(out, '\n');
			for (size_t k = 0; k < ql; k++)
				buf_putc(out, '>');
			if (ql)
				buf_putc(out, ' ');
		}
		buf_append(out, c, (size_t)(le - c));
		soft = !sig && le > c && le[-1] == ' ';
		lastq = ql;
		if (!soft)
			buf_putc(out, '\n');
		p = nl ? nl + 1 : end;
	}
	if (soft)
		buf_putc(out, '\n');
}
