/* sieve_lex.h - the tokens of a Sieve script (RFC 5228 8.1), with their
 * 1-based line and column.  Used by sieve_parse.c only. */
#ifndef POCZTA_SIEVE_LEX_H
#define POCZTA_SIEVE_LEX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sieve.h"

enum sieve_tok_type {
	SIEVE_TOK_EOF, SIEVE_TOK_IDENT, SIEVE_TOK_TAG, SIEVE_TOK_NUMBER,
	SIEVE_TOK_STRING, SIEVE_TOK_LBRACKET, SIEVE_TOK_RBRACKET,
	SIEVE_TOK_LPAREN, SIEVE_TOK_RPAREN, SIEVE_TOK_LBRACE, SIEVE_TOK_RBRACE,
	SIEVE_TOK_COMMA, SIEVE_TOK_SEMICOLON, SIEVE_TOK_ERROR,
};

struct sieve_tok {
	enum sieve_tok_type type;
	int line, column;
	char *text;		/* IDENT and TAG (without ':'), STRING; owned by the token */
	uint64_t number;	/* NUMBER, with K/M/G applied */
};

struct sieve_lexer {
	const char *p, *end;
	const char *line_start;
	int line;
	struct sieve_error *err;	/* filled on SIEVE_TOK_ERROR */
};

void sieve_lex_init(struct sieve_lexer *lx, const char *text, size_t len,
		    struct sieve_error *err);
/* sieve_lex_next - read the next token into t; the caller frees t->text
 * (sieve_tok_clear).  On a lexical error t->type is SIEVE_TOK_ERROR and the
 * lexer's err is filled. */
void sieve_lex_next(struct sieve_lexer *lx, struct sieve_tok *t);
void sieve_tok_clear(struct sieve_tok *t);
/* sieve_lex_error - fill err with a position and a formatted message */
void sieve_lex_error(struct sieve_error *err, int line, int column,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
