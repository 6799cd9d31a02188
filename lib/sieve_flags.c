/* sieve_flags.c - imap4flags (RFC 5232): a flag list is one string of
 * flag names separated by spaces; names compare without regard to case
 * and appear once (RFC 5232 3). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sieve_run.h"
#include "xalloc.h"

bool sieve_flags_each(const char *list, bool (*fn)(void *arg, const char *flag, size_t n), void *arg)
{
	const char *p = list;

	while (*p) {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n && fn(arg, p, n))
			return true;
		p += n;
	}
	return false;
}

struct flags_find {
	const char *flag;
	size_t n;
};

static bool flags_same(void *arg, const char *flag, size_t n)
{
	const struct flags_find *f = arg;

	return n == f->n && strncasecmp(flag, f->flag, n) == 0;
}

/* flags_has - whether the list cur holds flag (n bytes) */
static bool flags_has(const struct buf *cur, const char *flag, size_t n)
{
	struct flags_find f = { flag, n };

	return sieve_flags_each(buf_cstr(cur), flags_same, &f);
}

struct flags_edit {
	struct buf *out;
	const struct buf *drop;		/* flags to leave out, or NULL */
	const struct buf *have;		/* flags already there, or NULL */
};

/* flags_copy - append flag to the output unless it is to be dropped or is
 * already there; stops when the list would pass SIEVE_MAX_VARLEN */
static bool flags_copy(void *arg, const char *flag, size_t n)
{
	struct flags_edit *e = arg;

	if (e->drop && flags_has(e->drop, flag, n))
		return false;
	if (flags_has(e->out, flag, n) || (e->have && flags_has(e->have, flag, n)))
		return false;
	if (e->out->len + 1 + n > SIEVE_MAX_VARLEN)
		return true;
	if (e->out->len)
		buf_putc(e->out, ' ');
	buf_append(e->out, flag, n);
	return false;
}

void sieve_flags_apply(struct buf *cur, enum sieve_flag_op op, const struct sieve_xlist *l)
{
	struct buf given = BUF_INIT, out = BUF_INIT;
	struct flags_edit e = { &given, NULL, NULL };
	size_t i;

	for (i = 0; i < l->n; i++)
		if (sieve_flags_each(buf_cstr(&l->v[i]), flags_copy, &e))
			break;
	e.out = &out;
	if (op == SIEVE_FLAGS_SET) {
		sieve_flags_each(buf_cstr(&given), flags_copy, &e);
	} else if (op == SIEVE_FLAGS_ADD) {
		sieve_flags_each(buf_cstr(cur), flags_copy, &e);
		sieve_flags_each(buf_cstr(&given), flags_copy, &e);
	} else {
		e.drop = &given;
		sieve_flags_each(buf_cstr(cur), flags_copy, &e);
	}
	buf_free(cur);
	*cur = out;
	buf_free(&given);
}

struct flags_collect {
	char **v;
	size_t n;
};

static bool flags_collect(void *arg, const char *flag, size_t n)
{
	struct flags_collect *c = arg;

	c->v = xreallocarray(c->v, c->n + 2, sizeof *c->v);
	c->v[c->n++] = xstrndup(flag, n);
	c->v[c->n] = NULL;
	return false;
}

char **sieve_flags_array(const char *list)
{
	struct flags_collect c = { NULL, 0 };

	sieve_flags_each(list, flags_collect, &c);
	return c.v;
}

void sieve_flags_array_free(char **flags)
{
	size_t i;

	for (i = 0; flags && flags[i]; i++)
		free(flags[i]);
	free(flags);
}
