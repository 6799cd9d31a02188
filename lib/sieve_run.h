/* sieve_run.h - the state of one run of a script on one message, shared by
 * sieve_exec.c (commands), sieve_test.c (tests), sieve_vars.c (variables
 * and flags) and sieve_result.c (the final action list). */
#ifndef POCZTA_SIEVE_RUN_H
#define POCZTA_SIEVE_RUN_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "sieve_int.h"
#include "sieve_match.h"
#include "sieve_msg.h"

#ifndef SIEVE_MAX_EXPAND
#define SIEVE_MAX_EXPAND (64 * 1024)	/* bytes of one string after ${} expansion */
#endif

struct sieve_var {
	char *name;		/* lower case */
	struct buf value;
};

/* An action as the script asked for it, before duplicates are merged. */
struct sieve_pending {
	enum sieve_action_type type;
	char *target;
	char **flags;		/* NULL-terminated, or NULL */
	int line;
};

/* Strings after ${} expansion. */
struct sieve_xlist {
	struct buf *v;
	size_t n;
};

struct sieve_run {
	const struct sieve_script *s;
	const struct sieve_message *m;
	size_t body_start;		/* the header section is [0, body_start) */
	struct sieve_var *vars;
	size_t nvars;
	struct buf match[SIEVE_NCAPTURES];	/* ${0}..${9} */
	int nmatch;
	struct buf flags;		/* imap4flags' internal variable (RFC 5232 3) */
	struct sieve_pending *acts;
	size_t nacts;
	int nredirects;
	bool keep_cancelled;		/* RFC 5228 2.10.2 */
	int discard_line;		/* the last discard, 0 if none */
	bool stopped;
	bool failed;
	char error[256];
	struct sieve_mime *mime;	/* body tests' MIME tree */
};

/* sieve_exec.c */
/* sieve_run_fail - stop the run with a runtime error (RFC 5228 2.10.6) */
void sieve_run_fail(struct sieve_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sieve_test.c */
bool sieve_test_eval(struct sieve_run *r, const struct sieve_test *t);

/* sieve_vars.c */
/* sieve_expand - s with ${...} replaced (RFC 5229 3), into out */
void sieve_expand(struct sieve_run *r, const char *s, struct buf *out);
/* sieve_expand_list - every string of l expanded; free with sieve_xlist_free */
void sieve_expand_list(struct sieve_run *r, const struct sieve_strlist *l, struct sieve_xlist *out);
void sieve_xlist_free(struct sieve_xlist *x);
/* sieve_var_set - store value (n bytes) in the variable name */
void sieve_var_set(struct sieve_run *r, const char *name, const char *value, size_t n);
/* sieve_var_get - the value of a variable, or NULL if it was never set */
struct buf *sieve_var_get(struct sieve_run *r, const char *name);
/* sieve_vars_set_matches - ${0}..${9} from a successful :matches on value */
void sieve_vars_set_matches(struct sieve_run *r, const char *value, const struct sieve_captures *cap);
/* sieve_set_modify - apply set's modifiers to v in place (RFC 5229 4.1) */
void sieve_set_modify(unsigned mods, struct buf *v);
void sieve_vars_free(struct sieve_run *r);

/* sieve_flags.c (RFC 5232) */
enum sieve_flag_op { SIEVE_FLAGS_SET, SIEVE_FLAGS_ADD, SIEVE_FLAGS_REMOVE };
/* sieve_flags_apply - change the space-separated flag list cur by op */
void sieve_flags_apply(struct buf *cur, enum sieve_flag_op op, const struct sieve_xlist *l);
/* sieve_flags_array - the flags of a space-separated list as a newly
 * allocated NULL-terminated array, or NULL when there are none */
char **sieve_flags_array(const char *list);
void sieve_flags_array_free(char **flags);
/* sieve_flags_each - call fn on each flag of list until it returns true */
bool sieve_flags_each(const char *list, bool (*fn)(void *arg, const char *flag, size_t n), void *arg);

/* sieve_result.c */
/* sieve_result_build - the final action list of a finished run into res */
void sieve_result_build(struct sieve_run *r, struct sieve_result *res);

#endif
