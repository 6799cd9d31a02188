/* sieve_result.c - the final list of actions of a run (RFC 5228 2.10):
 * fileinto the same folder or redirect to the same address twice is done
 * once (4.1, 4.2), keep and fileinto "INBOX" are one delivery, the implicit
 * keep is added unless cancelled (2.10.2), and a runtime error leaves just
 * the implicit keep (2.10.6).  Merged actions carry the union of their
 * flags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "i18n.h"
#include "sieve_run.h"
#include "xalloc.h"

/* result_is_inbox - keep, or fileinto INBOX (its name is case-insensitive,
 * RFC 3501 5.1) */
static bool result_is_inbox(enum sieve_action_type type, const char *target)
{
	return type == SIEVE_KEEP || (type == SIEVE_FILEINTO && strcasecmp(target, "INBOX") == 0);
}

/* result_same - whether two actions deliver to the same place */
static bool result_same(const struct sieve_action *a, enum sieve_action_type type,
			const char *target)
{
	if (result_is_inbox(a->type, a->target) || result_is_inbox(type, target))
		return result_is_inbox(a->type, a->target) && result_is_inbox(type, target);
	if (a->type != type)
		return false;
	if (type == SIEVE_REDIRECT)
		return strcasecmp(a->target, target) == 0;
	return strcmp(a->target, target) == 0;
}

/* result_merge_flags - add the flags of more (taken over) to *flags */
static void result_merge_flags(char ***flags, char **more)
{
	struct buf list = BUF_INIT;
	struct sieve_xlist l;
	size_t i;

	if (!more)
		return;
	l.n = 0;
	for (i = 0; more[i]; i++)
		l.n++;
	l.v = xcalloc(l.n ? l.n : 1, sizeof *l.v);
	for (i = 0; i < l.n; i++)
		buf_puts(&l.v[i], more[i]);
	for (i = 0; *flags && (*flags)[i]; i++) {
		buf_puts(&list, (*flags)[i]);
		buf_putc(&list, ' ');
	}
	sieve_flags_apply(&list, SIEVE_FLAGS_ADD, &l);
	sieve_flags_array_free(*flags);
	*flags = sieve_flags_array(buf_cstr(&list));
	sieve_flags_array_free(more);
	sieve_xlist_free(&l);
	buf_free(&list);
}

/* result_add - append an action or merge it with the same one already in
 * res; target and flags are taken over */
static void result_add(struct sieve_result *res, enum sieve_action_type type,
		       char *target, char **flags, int line)
{
	struct sieve_action *a;
	size_t i;

	for (i = 0; i < res->n; i++) {
		a = &res->actions[i];
		if (!result_same(a, type, target))
			continue;
		if (type == SIEVE_KEEP && a->type != SIEVE_KEEP) {
			a->type = SIEVE_KEEP;
			x_free(&a->target);
		}
		result_merge_flags(&a->flags, flags);
		free(target);
		return;
	}
	res->actions = xreallocarray(res->actions, res->n + 1, sizeof *res->actions);
	a = &res->actions[res->n++];
	a->type = type;
	a->target = type == SIEVE_KEEP ? NULL : target;
	if (type == SIEVE_KEEP)
		free(target);
	a->flags = flags;
	a->line = line;
}

void sieve_result_build(struct sieve_run *r, struct sieve_result *res)
{
	size_t i;

	memset(res, 0, sizeof *res);
	if (r->failed) {
		snprintf(res->error, sizeof res->error, "%s", r->error);
		result_add(res, SIEVE_KEEP, NULL, NULL, 0);
		res->implicit_keep = true;
		return;
	}
	for (i = 0; i < r->nacts; i++) {
		result_add(res, r->acts[i].type, r->acts[i].target, r->acts[i].flags, r->acts[i].line);
		r->acts[i].target = NULL;
		r->acts[i].flags = NULL;
	}
	if (!r->keep_cancelled) {
		size_t before = res->n;

		result_add(res, SIEVE_KEEP, NULL, sieve_flags_array(buf_cstr(&r->flags)), 0);
		res->implicit_keep = res->n > before;
	}
	if (res->n == 0)
		result_add(res, SIEVE_DISCARD, NULL, NULL, r->discard_line);
}

void sieve_result_free(struct sieve_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->actions[i].target);
		sieve_flags_array_free(r->actions[i].flags);
	}
	x_free(&r->actions);
	r->n = 0;
}

/* result_quoted - s as a Sieve quoted string */
static void result_quoted(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(out, '\\');
		buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

/* result_describe_one - one line for action a */
static void result_describe_one(const struct sieve_action *a, bool implicit, struct buf *out)
{
	size_t i;

	switch (a->type) {
	case SIEVE_KEEP: buf_puts(out, _("keep")); break;
	case SIEVE_DISCARD: buf_puts(out, _("discard")); break;
	case SIEVE_FILEINTO: buf_puts(out, _("fileinto")); break;
	case SIEVE_REDIRECT: buf_puts(out, _("redirect")); break;
	}
	if (a->target) {
		buf_putc(out, ' ');
		result_quoted(out, a->target);
	}
	if (implicit || a->line == 0)
		buf_printf(out, " %s", _("(implicit)"));
	else
		buf_printf(out, " (%s %d)", _("line"), a->line);
	if (a->flags && a->flags[0]) {
		/* L10N: the IMAP flags a delivery sets, e.g. "flags: \Seen" */
		buf_printf(out, " %s", _("flags:"));
		for (i = 0; a->flags[i]; i++)
			buf_printf(out, " %s", a->flags[i]);
	}
	buf_putc(out, '\n');
}

void sieve_result_describe(const struct sieve_result *r, struct buf *out)
{
	size_t i;

	if (r->error[0]) {
		/* L10N: a Sieve script failed while running; the message is kept */
		buf_printf(out, _("error: %s"), r->error);
		buf_putc(out, '\n');
	}
	for (i = 0; i < r->n; i++)
		result_describe_one(&r->actions[i],
				    r->implicit_keep && r->actions[i].type == SIEVE_KEEP &&
				    r->actions[i].line == 0, out);
}
