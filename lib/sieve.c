/* sieve.c - compile a Sieve script (RFC 5228) and free it.  The work is in
 * sieve_lex.c, sieve_parse.c and sieve_build.c; running a script is in
 * sieve_exec.c. */
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "sieve_ast.h"
#include "sieve_lex.h"
#include "xalloc.h"

void *sieve_grow(void *v, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0)
		return xreallocarray(v, n ? 2 * n : 1, size);
	return v;
}

void sieve_test_free(struct sieve_test *t)
{
	size_t i;

	sieve_strlist_free(&t->types);
	sieve_strlist_free(&t->names);
	sieve_strlist_free(&t->keys);
	for (i = 0; i < t->nkids; i++)
		sieve_test_free(&t->kids[i]);
	x_free(&t->kids);
}

/* sieve_cmd_clear - free what c holds apart from its elsif/else chain */
static void sieve_cmd_clear(struct sieve_cmd *c)
{
	if (c->test) {
		sieve_test_free(c->test);
		x_free(&c->test);
	}
	sieve_block_free(&c->body);
	x_free(&c->target);
	x_free(&c->value);
	sieve_strlist_free(&c->flags);
}

/* sieve_cmd_free - free what c holds (not c itself); the elsif chain is
 * walked in a loop, since it can be as long as the script */
static void sieve_cmd_free(struct sieve_cmd *c)
{
	struct sieve_cmd *next = c->orelse;

	sieve_cmd_clear(c);
	while (next) {
		struct sieve_cmd *after = next->orelse;

		sieve_cmd_clear(next);
		free(next);
		next = after;
	}
}

void sieve_block_free(struct sieve_block *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		sieve_cmd_free(&b->v[i]);
	x_free(&b->v);
	b->n = 0;
}

void sieve_free(struct sieve_script *s)
{
	if (!s)
		return;
	sieve_block_free(&s->top);
	free(s);
}

/* sieve_compile_precheck - the limits that apply before parsing: size and
 * NUL bytes (a script is text, RFC 5228 2.4.2) */
static bool sieve_compile_precheck(const char *text, size_t len, struct sieve_error *err)
{
	const char *nul = memchr(text, '\0', len);
	const char *p;
	int line = 1, col = 1;

	if (len > SIEVE_MAX_SCRIPT) {
		sieve_lex_error(err, 1, 1, _("script too large (over %d bytes)"), SIEVE_MAX_SCRIPT);
		return false;
	}
	if (!nul)
		return true;
	for (p = text; p < nul; p++, col++)
		if (*p == '\n') {
			line++;
			col = 0;
		}
	sieve_lex_error(err, line, col, "%s", _("NUL byte in script"));
	return false;
}

struct sieve_script *sieve_compile(const char *text, size_t len, struct sieve_error *err)
{
	struct sieve_script *s;
	struct sieve_node *v = NULL;
	long n;

	memset(err, 0, sizeof *err);
	if (!text) {
		text = "";
		len = 0;
	}
	if (!sieve_compile_precheck(text, len, err))
		return NULL;
	n = sieve_ast_parse(text, len, &v, err);
	if (n < 0)
		return NULL;
	s = xcalloc(1, sizeof *s);
	if (!sieve_build(v, (size_t)n, s, err)) {
		sieve_free(s);
		s = NULL;
	}
	sieve_ast_free_list(v, (size_t)n);
	return s;
}
