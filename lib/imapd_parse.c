/* imapd_parse.c - the tokens of an IMAP command (RFC 3501 9, formal
 * syntax): atoms, quoted strings, literals, numbers and sequence sets,
 * read from a command that imapd.c has assembled with its literals. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imapd_int.h"
#include "xalloc.h"

void imapd_cmd_reset(struct imapd_cmd *c)
{
	size_t i;

	buf_reset(&c->text);
	for (i = 0; i < c->nlits; i++)
		buf_free(&c->lits[i]);
	free(c->lits);
	c->lits = NULL;
	c->nlits = c->lit_next = c->pos = 0;
	for (i = 0; i < c->narena; i++)
		free(c->arena[i]);
	free(c->arena);
	c->arena = NULL;
	c->narena = 0;
	x_free(&c->tag);
	c->depth = 0;
}

char *imapd_arena(struct imapd_cmd *c, char *s)
{
	c->arena = xreallocarray(c->arena, c->narena + 1, sizeof(char *));
	c->arena[c->narena++] = s;
	return s;
}

int imapd_peek(const struct imapd_cmd *c)
{
	return c->pos < c->text.len ? (unsigned char)c->text.data[c->pos] : -1;
}

bool imapd_eat(struct imapd_cmd *c, char ch)
{
	if (imapd_peek(c) != (unsigned char)ch)
		return false;
	c->pos++;
	return true;
}

bool imapd_sp(struct imapd_cmd *c)
{
	return imapd_eat(c, ' ');
}

bool imapd_at_end(const struct imapd_cmd *c)
{
	return c->pos >= c->text.len;
}

/* RFC 3501 9: atom-specials are ( ) { SP CTL % * " \ ] */
static bool imapd_atom_char(int ch, bool brackets)
{
	if (ch <= 0x20 || ch >= 0x7f)
		return false;
	if (ch == ']')
		return brackets;
	return strchr("(){%*\"\\", ch) == NULL;
}

const char *imapd_atom(struct imapd_cmd *c, bool brackets)
{
	size_t start = c->pos;
	int depth = 0;

	/* BODY[HEADER.FIELDS (A B)]<0.10> holds spaces inside its brackets */
	while (c->pos < c->text.len) {
		int ch = (unsigned char)c->text.data[c->pos];
		if (brackets && ch == '[')
			depth++;
		else if (brackets && ch == ']' && depth > 0)
			depth--;
		else if (!(depth > 0 && (ch == ' ' || ch == '(' || ch == ')' || ch == '"')) &&
			 !imapd_atom_char(ch, brackets))
			break;
		c->pos++;
	}
	if (c->pos == start || depth != 0)
		return NULL;
	return imapd_arena(c, xstrndup(c->text.data + start, c->pos - start));
}

/* imapd_literal - "{n}" or "{n+}" ending a line of text: the next literal */
static const char *imapd_literal(struct imapd_cmd *c, size_t *len)
{
	size_t p = c->pos + 1;
	struct buf *lit;

	while (p < c->text.len && c->text.data[p] >= '0' && c->text.data[p] <= '9')
		p++;
	if (p < c->text.len && c->text.data[p] == '+')
		p++;
	if (p >= c->text.len || c->text.data[p] != '}' || c->lit_next >= c->nlits)
		return NULL;
	c->pos = p + 1;
	lit = &c->lits[c->lit_next++];
	*len = lit->len;
	return lit->data ? lit->data : "";
}

const char *imapd_string(struct imapd_cmd *c, size_t *len)
{
	struct buf b = BUF_INIT;

	if (imapd_peek(c) == '{')
		return imapd_literal(c, len);
	if (!imapd_eat(c, '"'))
		return NULL;
	for (;;) {
		int ch = imapd_peek(c);
		if (ch < 0 || ch == '\r' || ch == '\n') {
			buf_free(&b);
			return NULL;
		}
		c->pos++;
		if (ch == '"')
			break;
		if (ch == '\\') {	/* RFC 3501 9: only \" and \\ */
			ch = imapd_peek(c);
			if (ch != '"' && ch != '\\') {
				buf_free(&b);
				return NULL;
			}
			c->pos++;
		}
		buf_putc(&b, ch);
	}
	*len = b.len;
	return imapd_arena(c, buf_detach(&b));
}

const char *imapd_astring(struct imapd_cmd *c)
{
	size_t len;
	const char *s;
	int ch = imapd_peek(c);

	if (ch == '"' || ch == '{') {
		s = imapd_string(c, &len);
		if (s && memchr(s, '\0', len))
			return NULL;	/* NUL is no CHAR (RFC 3501 9) */
		return s;
	}
	return imapd_atom(c, true);
}

const char *imapd_list_pattern(struct imapd_cmd *c)
{
	size_t start = c->pos;
	int ch;

	if (imapd_peek(c) == '"' || imapd_peek(c) == '{')
		return imapd_astring(c);
	while ((ch = imapd_peek(c)) >= 0 && (imapd_atom_char(ch, true) || ch == '%' || ch == '*'))
		c->pos++;
	if (c->pos == start)
		return NULL;
	return imapd_arena(c, xstrndup(c->text.data + start, c->pos - start));
}

const char *imapd_nstring(struct imapd_cmd *c, bool *nil)
{
	*nil = false;
	if (c->pos + 3 <= c->text.len && strncasecmp(c->text.data + c->pos, "NIL", 3) == 0 &&
	    (c->pos + 3 == c->text.len || !imapd_atom_char(c->text.data[c->pos + 3], false))) {
		c->pos += 3;
		*nil = true;
		return NULL;
	}
	return imapd_astring(c);
}

bool imapd_number(struct imapd_cmd *c, uint64_t *v)
{
	size_t start = c->pos;

	*v = 0;
	while (imapd_peek(c) >= '0' && imapd_peek(c) <= '9') {
		if (*v > (UINT64_MAX - 9) / 10)
			return false;
		*v = *v * 10 + (uint64_t)(imapd_peek(c) - '0');
		c->pos++;
	}
	return c->pos > start;
}

/* imapd_seq_number - nz-number or "*" (RFC 3501 9 seq-number) */
static bool imapd_seq_number(struct imapd_cmd *c, uint32_t *v)
{
	uint64_t n;

	if (imapd_eat(c, '*')) {
		*v = UINT32_MAX;
		return true;
	}
	if (!imapd_number(c, &n) || n == 0 || n >= UINT32_MAX)
		return false;
	*v = (uint32_t)n;
	return true;
}

bool imapd_seqset(struct imapd_cmd *c, struct imapd_seqset *s)
{
	memset(s, 0, sizeof(*s));
	do {
		struct imapd_range r;
		if (!imapd_seq_number(c, &r.lo))
			break;
		r.hi = r.lo;
		if (imapd_eat(c, ':') && !imapd_seq_number(c, &r.hi))
			break;
		if (r.lo > r.hi) {
			uint32_t t = r.lo;
			r.lo = r.hi;
			r.hi = t;
		}
		s->r = xreallocarray(s->r, s->n + 1, sizeof(*s->r));
		s->r[s->n++] = r;
		if (!imapd_eat(c, ','))
			return true;
	} while (1);
	x_free(&s->r);
	s->n = 0;
	return false;
}

bool imapd_seqset_has(const struct imapd_seqset *s, uint32_t v, uint32_t star)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		uint32_t lo = s->r[i].lo == UINT32_MAX ? star : s->r[i].lo;
		uint32_t hi = s->r[i].hi == UINT32_MAX ? star : s->r[i].hi;
		if (lo > hi) {
			uint32_t t = lo;
			lo = hi;
			hi = t;
		}
		if (v >= lo && v <= hi)
			return true;
	}
	return false;
}

void imapd_quote(struct buf *out, const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p >= 0x80 || *p == '\r' || *p == '\n')
			break;
	if (*p) {
		buf_printf(out, "{%zu}\r\n%s", strlen(s), s);
		return;
	}
	buf_putc(out, '"');
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(out, '\\');
		buf_putc(out, *p);
	}
	buf_putc(out, '"');
}
