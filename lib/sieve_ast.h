/* sieve_ast.h - the syntax tree of a Sieve script before its commands are
 * checked (RFC 5228 8.2): every command and test is a name with arguments.
 * sieve_parse.c builds it, sieve_build.c turns it into struct sieve_script. */
#ifndef POCZTA_SIEVE_AST_H
#define POCZTA_SIEVE_AST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sieve_int.h"

enum sieve_arg_type { SIEVE_ARG_TAG, SIEVE_ARG_STRING, SIEVE_ARG_LIST, SIEVE_ARG_NUMBER };

struct sieve_arg {
	enum sieve_arg_type type;
	int line, column;
	char *tag;			/* TAG, without ':' */
	struct sieve_strlist list;	/* STRING (one element) or LIST */
	uint64_t number;
};

struct sieve_node {
	char *name;
	int line, column;
	struct sieve_arg *args;
	size_t nargs;
	struct sieve_node *tests;	/* one test, or a parenthesised list */
	size_t ntests;
	bool test_list;			/* tests came in "( ... )" */
	bool has_block;
	struct sieve_node *block;	/* commands inside "{ ... }" */
	size_t nblock;
};

/* sieve_ast_parse - parse text into a list of commands; returns the number
 * of commands in *out (the caller frees with sieve_ast_free_list), or -1 with
 * err filled */
long sieve_ast_parse(const char *text, size_t len, struct sieve_node **out,
		     struct sieve_error *err);
void sieve_ast_free_list(struct sieve_node *v, size_t n);

/* sieve_build - check the tree and compile it into s (RFC 5228 3-5 and the
 * extensions); false with err filled on the first error */
bool sieve_build(const struct sieve_node *v, size_t n, struct sieve_script *s,
		 struct sieve_error *err);

#endif
