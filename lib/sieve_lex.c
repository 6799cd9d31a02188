/* sieve_lex.c - split a Sieve script into tokens (RFC 5228 2.2-2.4, 8.1). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "buf.h"
#include "i18n.h"
#include "sieve_lex.h"
#include "xalloc.h"

#define SIEVE_MAX_IDENT 128

void sieve_lex_init(struct sieve_lexer *lx, const char *text, size_t len,
		    struct sieve_error *err)
{
	lx->p = text;
	lx->end = text + len;
	lx->line_start = text;
	lx->line = 1;
	lx->err = err;
}

void sieve_tok_clear(struct sieve_tok *t)
{
	x_free(&t->text);
	t->type = SIEVE_TOK_EOF;
}

void sieve_lex_error(struct sieve_error *err, int line, int column,
		     const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

static int lex_column(const struct sieve_lexer *lx)
{
	return (int)(lx->p - lx->line_start) + 1;
}

/* lex_advance - step over one byte, counting lines */
static void lex_advance(struct sieve_lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->line_start = lx->p + 1;
	}
	lx->p++;
}

/* lex_fail - turn t into an error token at the lexer's position */
static void lex_fail(struct sieve_lexer *lx, struct sieve_tok *t, int line,
		     int col, const char *what)
{
	t->type = SIEVE_TOK_ERROR;
	sieve_lex_error(lx->err, line, col, "%s", what);
}

/* lex_skip_space - step over whitespace and comments (RFC 5228 2.2, 2.3);
 * false on an unterminated bracket comment */
static bool lex_skip_space(struct sieve_lexer *lx, struct sieve_tok *t)
{
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			lex_advance(lx);
		} else if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lex_advance(lx);
		} else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
			int line = lx->line, col = lex_column(lx);

			lx->p += 2;
			while (lx->p + 1 < lx->end && !(lx->p[0] == '*' && lx->p[1] == '/'))
				lex_advance(lx);
			if (lx->p + 1 >= lx->end) {
				lex_fail(lx, t, line, col, _("unterminated comment"));
				return false;
			}
			lx->p += 2;
		} else {
			return true;
		}
	}
	return true;
}

static bool lex_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool lex_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* lex_word - read an identifier at lx->p into a new string; NULL if too long */
static char *lex_word(struct sieve_lexer *lx)
{
	const char *start = lx->p;

	while (lx->p < lx->end && (lex_is_alpha(*lx->p) || lex_is_digit(*lx->p)))
		lx->p++;
	if (lx->p - start > SIEVE_MAX_IDENT)
		return NULL;
	return xstrndup(start, (size_t)(lx->p - start));
}

/* lex_number - a number with an optional K, M or G (RFC 5228 2.4.1) */
static void lex_number(struct sieve_lexer *lx, struct sieve_tok *t)
{
	uint64_t n = 0;
	unsigned shift = 0;

	t->type = SIEVE_TOK_NUMBER;
	while (lx->p < lx->end && lex_is_digit(*lx->p)) {
		unsigned d = (unsigned)(*lx->p - '0');

		if (n > (UINT64_MAX - d) / 10) {
			lex_fail(lx, t, t->line, t->column, _("number too large"));
			return;
		}
		n = n * 10 + d;
		lx->p++;
	}
	if (lx->p < lx->end) {
		switch (*lx->p) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		}
		if (shift)
			lx->p++;
	}
	if (shift && n > (UINT64_MAX >> shift)) {
		lex_fail(lx, t, t->line, t->column, _("number too large"));
		return;
	}
	t->number = n << shift;
}

/* lex_quoted - a quoted string: \" and \\ are escapes, any other backslash
 * is dropped (RFC 5228 2.4.2) */
static void lex_quoted(struct sieve_lexer *lx, struct sieve_tok *t)
{
	struct buf b = BUF_INIT;

	lx->p++;
	while (lx->p < lx->end && *lx->p != '"') {
		if (*lx->p == '\\' && lx->p + 1 < lx->end)
			lx->p++;
		buf_putc(&b, *lx->p);
		lex_advance(lx);
	}
	if (lx->p >= lx->end) {
		buf_free(&b);
		lex_fail(lx, t, t->line, t->column, _("unterminated string"));
		return;
	}
	lx->p++;
	t->type = SIEVE_TOK_STRING;
	t->text = buf_detach(&b);
}

/* lex_line_end - length of the line end at p (LF or CRLF), 0 if none */
static size_t lex_line_end(const struct sieve_lexer *lx, const char *p)
{
	if (p < lx->end && *p == '\n')
		return 1;
	if (p + 1 < lx->end && p[0] == '\r' && p[1] == '\n')
		return 2;
	return 0;
}

/* lex_multiline_head - after "text:", skip blanks and an optional hash
 * comment up to the end of the line; false if something else is there */
static bool lex_multiline_head(struct sieve_lexer *lx)
{
	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t'))
		lx->p++;
	if (lx->p < lx->end && *lx->p == '#')
		while (lx->p < lx->end && *lx->p != '\n')
			lx->p++;
	if (!lex_line_end(lx, lx->p))
		return false;
	while (*lx->p != '\n')
		lx->p++;
	lex_advance(lx);
	return true;
}

/* lex_multiline - a "text:" string ending with a line holding only ".";
 * a leading dot of any other line is removed (RFC 5228 2.4.2, dot-stuffing) */
static void lex_multiline(struct sieve_lexer *lx, struct sieve_tok *t)
{
	struct buf b = BUF_INIT;

	if (!lex_multiline_head(lx)) {
		lex_fail(lx, t, lx->line, lex_column(lx), _("text: must be followed by a line end"));
		return;
	}
	for (;;) {
		const char *eol = lx->p;

		if (lx->p >= lx->end) {
			buf_free(&b);
			lex_fail(lx, t, t->line, t->column, _("unterminated multi-line string"));
			return;
		}
		while (eol < lx->end && *eol != '\n')
			eol++;
		if (*lx->p == '.' && (lx->p + 1 == lx->end || lex_line_end(lx, lx->p + 1))) {
			while (lx->p < eol)
				lx->p++;
			if (lx->p < lx->end)
				lex_advance(lx);
			break;
		}
		if (*lx->p == '.')
			lx->p++;
		buf_append(&b, lx->p, (size_t)(eol - lx->p) + (eol < lx->end));
		lx->p = eol;
		if (lx->p < lx->end)
			lex_advance(lx);
	}
	t->type = SIEVE_TOK_STRING;
	t->text = buf_detach(&b);
}

/* lex_ident - an identifier, a tag, or the start of a "text:" string */
static void lex_ident(struct sieve_lexer *lx, struct sieve_tok *t, bool tag)
{
	if (tag)
		lx->p++;
	if (lx->p >= lx->end || !lex_is_alpha(*lx->p)) {
		lex_fail(lx, t, t->line, t->column, _("invalid tag"));
		return;
	}
	t->text = lex_word(lx);
	if (!t->text) {
		lex_fail(lx, t, t->line, t->column, _("identifier too long"));
		return;
	}
	t->type = tag ? SIEVE_TOK_TAG : SIEVE_TOK_IDENT;
	if (!tag && strcasecmp(t->text, "text") == 0 && lx->p < lx->end && *lx->p == ':') {
		x_free(&t->text);
		lx->p++;
		lex_multiline(lx, t);
	}
}

static const struct {
	char c;
	enum sieve_tok_type type;
} lex_punct[] = {
	{ '[', SIEVE_TOK_LBRACKET }, { ']', SIEVE_TOK_RBRACKET },
	{ '(', SIEVE_TOK_LPAREN }, { ')', SIEVE_TOK_RPAREN },
	{ '{', SIEVE_TOK_LBRACE }, { '}', SIEVE_TOK_RBRACE },
	{ ',', SIEVE_TOK_COMMA }, { ';', SIEVE_TOK_SEMICOLON },
};

void sieve_lex_next(struct sieve_lexer *lx, struct sieve_tok *t)
{
	size_t i;
	char c;

	t->text = NULL;
	t->number = 0;
	t->type = SIEVE_TOK_EOF;
	if (!lex_skip_space(lx, t))
		return;
	t->line = lx->line;
	t->column = lex_column(lx);
	if (lx->p >= lx->end)
		return;
	c = *lx->p;
	for (i = 0; i < sizeof lex_punct / sizeof lex_punct[0]; i++)
		if (lex_punct[i].c == c) {
			t->type = lex_punct[i].type;
			lx->p++;
			return;
		}
	if (c == '"')
		lex_quoted(lx, t);
	else if (lex_is_digit(c))
		lex_number(lx, t);
	else if (c == ':' || lex_is_alpha(c))
		lex_ident(lx, t, c == ':');
	else if (c == '\0')
		lex_fail(lx, t, t->line, t->column, _("NUL byte in script"));
	else
		lex_fail(lx, t, t->line, t->column, _("unexpected character"));
}
