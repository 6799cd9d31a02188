/* sieve_parse.c - the grammar of RFC 5228 8.2: commands, arguments, tests
 * and blocks, into the generic tree of sieve_ast.h.  Nesting is capped at
 * SIEVE_MAX_DEPTH so that neither this parser nor later passes can run out
 * of stack. */
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "sieve_ast.h"
#include "sieve_lex.h"
#include "xalloc.h"

struct parser {
	struct sieve_lexer lx;
	struct sieve_tok tok;		/* the lookahead */
	struct sieve_error *err;
	int depth;
	bool failed;
};

static bool parse_command(struct parser *p, struct sieve_node *n);
static bool parse_test(struct parser *p, struct sieve_node *n);

/* parse_next - replace the lookahead with the next token */
static void parse_next(struct parser *p)
{
	sieve_tok_clear(&p->tok);
	sieve_lex_next(&p->lx, &p->tok);
	if (p->tok.type == SIEVE_TOK_ERROR)
		p->failed = true;
}

/* parse_fail - report an error at the lookahead unless one is reported */
static bool parse_fail(struct parser *p, const char *what)
{
	if (!p->failed)
		sieve_lex_error(p->err, p->tok.line, p->tok.column, "%s", what);
	p->failed = true;
	return false;
}

static bool parse_enter(struct parser *p)
{
	if (++p->depth > SIEVE_MAX_DEPTH)
		return parse_fail(p, _("nesting too deep"));
	return true;
}

static void parse_arg_free(struct sieve_arg *a)
{
	x_free(&a->tag);
	sieve_strlist_free(&a->list);
}

static void parse_node_free(struct sieve_node *n)
{
	size_t i;

	x_free(&n->name);
	for (i = 0; i < n->nargs; i++)
		parse_arg_free(&n->args[i]);
	x_free(&n->args);
	sieve_ast_free_list(n->tests, n->ntests);
	sieve_ast_free_list(n->block, n->nblock);
	n->tests = n->block = NULL;
	n->ntests = n->nblock = 0;
}

void sieve_ast_free_list(struct sieve_node *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		parse_node_free(&v[i]);
	free(v);
}

/* parse_strlist_add - append s (taken over) to l */
static void parse_strlist_add(struct sieve_strlist *l, char *s)
{
	l->v = sieve_grow(l->v, l->n, sizeof *l->v);
	l->v[l->n++] = s;
}

/* parse_list - "[" string *("," string) "]" */
static bool parse_list(struct parser *p, struct sieve_arg *a)
{
	a->type = SIEVE_ARG_LIST;
	parse_next(p);
	for (;;) {
		if (p->tok.type != SIEVE_TOK_STRING)
			return parse_fail(p, _("expected a string in the list"));
		parse_strlist_add(&a->list, p->tok.text);
		p->tok.text = NULL;
		parse_next(p);
		if (p->tok.type == SIEVE_TOK_RBRACKET)
			break;
		if (p->tok.type != SIEVE_TOK_COMMA)
			return parse_fail(p, _("expected ',' or ']' in the string list"));
		parse_next(p);
	}
	parse_next(p);
	return !p->failed;
}

/* parse_argument - a tag, a number, a string or a string list */
static bool parse_argument(struct parser *p, struct sieve_arg *a)
{
	memset(a, 0, sizeof *a);
	a->line = p->tok.line;
	a->column = p->tok.column;
	switch (p->tok.type) {
	case SIEVE_TOK_TAG:
		a->type = SIEVE_ARG_TAG;
		a->tag = p->tok.text;
		p->tok.text = NULL;
		break;
	case SIEVE_TOK_NUMBER:
		a->type = SIEVE_ARG_NUMBER;
		a->number = p->tok.number;
		break;
	case SIEVE_TOK_STRING:
		a->type = SIEVE_ARG_STRING;
		parse_strlist_add(&a->list, p->tok.text);
		p->tok.text = NULL;
		break;
	default:
		return parse_list(p, a);
	}
	parse_next(p);
	return !p->failed;
}

/* parse_node_add - a new zeroed node at the end of *v */
static struct sieve_node *parse_node_add(struct sieve_node **v, size_t *n)
{
	*v = sieve_grow(*v, *n, sizeof **v);
	memset(&(*v)[*n], 0, sizeof **v);
	return &(*v)[(*n)++];
}

/* parse_test_list - "(" test *("," test) ")" */
static bool parse_test_list(struct parser *p, struct sieve_node *n)
{
	n->test_list = true;
	parse_next(p);
	for (;;) {
		if (!parse_test(p, parse_node_add(&n->tests, &n->ntests)))
			return false;
		if (p->tok.type == SIEVE_TOK_RPAREN)
			break;
		if (p->tok.type != SIEVE_TOK_COMMA)
			return parse_fail(p, _("expected ',' or ')' in the test list"));
		parse_next(p);
	}
	parse_next(p);
	return !p->failed;
}

/* parse_arguments - *argument [test / test-list] */
static bool parse_arguments(struct parser *p, struct sieve_node *n)
{
	for (;;) {
		enum sieve_tok_type t = p->tok.type;

		if (t != SIEVE_TOK_TAG && t != SIEVE_TOK_NUMBER &&
		    t != SIEVE_TOK_STRING && t != SIEVE_TOK_LBRACKET)
			break;
		n->args = sieve_grow(n->args, n->nargs, sizeof *n->args);
		n->nargs++;
		if (!parse_argument(p, &n->args[n->nargs - 1]))
			return false;
	}
	if (p->tok.type == SIEVE_TOK_IDENT)
		return parse_test(p, parse_node_add(&n->tests, &n->ntests));
	if (p->tok.type == SIEVE_TOK_LPAREN)
		return parse_test_list(p, n);
	return !p->failed;
}

/* parse_name - take the identifier in the lookahead as n's name */
static bool parse_name(struct parser *p, struct sieve_node *n, const char *what)
{
	if (p->tok.type != SIEVE_TOK_IDENT)
		return parse_fail(p, what);
	n->name = p->tok.text;
	p->tok.text = NULL;
	n->line = p->tok.line;
	n->column = p->tok.column;
	parse_next(p);
	return !p->failed;
}

/* parse_test - identifier arguments */
static bool parse_test(struct parser *p, struct sieve_node *n)
{
	bool ok;

	if (!parse_enter(p))
		return false;
	ok = parse_name(p, n, _("expected a test")) && parse_arguments(p, n);
	p->depth--;
	return ok;
}

/* parse_commands - commands up to "}" (inside a block) or the end */
static bool parse_commands(struct parser *p, struct sieve_node **v, size_t *n,
			   bool in_block)
{
	while (!p->failed) {
		if (p->tok.type == SIEVE_TOK_EOF) {
			if (in_block)
				return parse_fail(p, _("missing '}' at the end of the script"));
			return true;
		}
		if (in_block && p->tok.type == SIEVE_TOK_RBRACE)
			return true;
		if (!parse_command(p, parse_node_add(v, n)))
			return false;
	}
	return false;
}

/* parse_command - identifier arguments (";" / block) */
static bool parse_command(struct parser *p, struct sieve_node *n)
{
	if (!parse_name(p, n, _("expected a command")) || !parse_arguments(p, n))
		return false;
	if (p->tok.type == SIEVE_TOK_SEMICOLON) {
		parse_next(p);
		return !p->failed;
	}
	if (p->tok.type != SIEVE_TOK_LBRACE)
		return parse_fail(p, _("expected ';' or '{'"));
	if (!parse_enter(p))
		return false;
	n->has_block = true;
	parse_next(p);
	if (!parse_commands(p, &n->block, &n->nblock, true))
		return false;
	p->depth--;
	parse_next(p);
	return !p->failed;
}

long sieve_ast_parse(const char *text, size_t len, struct sieve_node **out,
		     struct sieve_error *err)
{
	struct parser p;
	struct sieve_node *v = NULL;
	size_t n = 0;

	memset(&p, 0, sizeof p);
	p.err = err;
	sieve_lex_init(&p.lx, text, len, err);
	parse_next(&p);
	if (!parse_commands(&p, &v, &n, false)) {
		sieve_tok_clear(&p.tok);
		sieve_ast_free_list(v, n);
		return -1;
	}
	sieve_tok_clear(&p.tok);
	*out = v;
	return (long)n;
}
