/* sieve_exec.c - running a compiled script on one message: control flow
 * and actions (RFC 5228 3, 4, RFC 3894, RFC 5232 3-4, RFC 5229 4).  The run
 * only collects actions; sieve_result.c turns them into the final list. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "sieve_run.h"
#include "xalloc.h"

static void exec_block(struct sieve_run *r, const struct sieve_block *b);

void sieve_run_fail(struct sieve_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof r->error, fmt, ap);
	va_end(ap);
	r->failed = true;
	r->stopped = true;
}

/* exec_add - record an action; target and flags are taken over */
static void exec_add(struct sieve_run *r, const struct sieve_cmd *c,
		     enum sieve_action_type type, char *target, char **flags)
{
	struct sieve_pending *p;

	if (r->nacts >= SIEVE_MAX_ACTIONS) {
		sieve_run_fail(r, _("too many actions (over %d)"), SIEVE_MAX_ACTIONS);
	} else if (type == SIEVE_REDIRECT && r->nredirects >= SIEVE_MAX_REDIRECTS) {
		sieve_run_fail(r, _("too many redirects (over %d)"), SIEVE_MAX_REDIRECTS);
	} else {
		r->acts = xreallocarray(r->acts, r->nacts + 1, sizeof *r->acts);
		p = &r->acts[r->nacts++];
		p->type = type;
		p->target = target;
		p->flags = flags;
		p->line = c->line;
		r->nredirects += type == SIEVE_REDIRECT;
		return;
	}
	free(target);
	sieve_flags_array_free(flags);
}

/* exec_flags - the flags a keep or fileinto carries: its :flags, else the
 * internal variable as it is now (RFC 5232 4) */
static char **exec_flags(struct sieve_run *r, const struct sieve_cmd *c)
{
	struct sieve_xlist l;
	struct buf list = BUF_INIT;
	char **flags;

	if (!c->has_flags)
		return sieve_flags_array(buf_cstr(&r->flags));
	sieve_expand_list(r, &c->flags, &l);
	sieve_flags_apply(&list, SIEVE_FLAGS_SET, &l);
	flags = sieve_flags_array(buf_cstr(&list));
	buf_free(&list);
	sieve_xlist_free(&l);
	return flags;
}

/* exec_deliver - fileinto (RFC 5228 4.1) and redirect (4.2); without :copy
 * (RFC 3894) they cancel the implicit keep */
static void exec_deliver(struct sieve_run *r, const struct sieve_cmd *c)
{
	struct buf t = BUF_INIT;
	char *target;

	sieve_expand(r, c->target, &t);
	if (memchr(buf_cstr(&t), '\0', t.len)) {
		sieve_run_fail(r, _("%s: NUL byte in \"%s\""),
			       c->kind == SIEVE_C_FILEINTO ? "fileinto" : "redirect", buf_cstr(&t));
	} else if (c->kind == SIEVE_C_FILEINTO) {
		if (!sieve_check_folder(buf_cstr(&t)))
			sieve_run_fail(r, _("fileinto: invalid folder name \"%s\""), buf_cstr(&t));
		else
			exec_add(r, c, SIEVE_FILEINTO, buf_detach(&t), exec_flags(r, c));
	} else if (!(target = sieve_check_address(buf_cstr(&t)))) {
		sieve_run_fail(r, _("redirect: invalid address \"%s\""), buf_cstr(&t));
	} else {
		exec_add(r, c, SIEVE_REDIRECT, target, NULL);
	}
	buf_free(&t);
	if (!c->copy)
		r->keep_cancelled = true;
}

/* exec_setflag - setflag, addflag, removeflag (RFC 5232 4), on the named
 * variable or the internal one */
static void exec_setflag(struct sieve_run *r, const struct sieve_cmd *c)
{
	static const enum sieve_flag_op ops[] = {
		[SIEVE_C_SETFLAG] = SIEVE_FLAGS_SET, [SIEVE_C_ADDFLAG] = SIEVE_FLAGS_ADD,
		[SIEVE_C_REMOVEFLAG] = SIEVE_FLAGS_REMOVE,
	};
	struct sieve_xlist l;
	struct buf cur = BUF_INIT, *var;

	sieve_expand_list(r, &c->flags, &l);
	if (!c->target) {
		sieve_flags_apply(&r->flags, ops[c->kind], &l);
	} else {
		var = sieve_var_get(r, c->target);
		if (var)
			buf_append(&cur, buf_cstr(var), var->len);
		sieve_flags_apply(&cur, ops[c->kind], &l);
		sieve_var_set(r, c->target, buf_cstr(&cur), cur.len);
		buf_free(&cur);
	}
	sieve_xlist_free(&l);
}

/* exec_set - RFC 5229 4 */
static void exec_set(struct sieve_run *r, const struct sieve_cmd *c)
{
	struct buf v = BUF_INIT;

	sieve_expand(r, c->value, &v);
	sieve_set_modify(c->mods, &v);
	sieve_var_set(r, c->target, buf_cstr(&v), v.len);
	buf_free(&v);
}

/* exec_if - the first branch whose test holds (RFC 5228 3.1); the elsif
 * chain is walked in a loop */
static void exec_if(struct sieve_run *r, const struct sieve_cmd *c)
{
	for (; c && !r->stopped; c = c->orelse) {
		if (!c->test || sieve_test_eval(r, c->test)) {
			if (!r->stopped)
				exec_block(r, &c->body);
			return;
		}
	}
}

static void exec_cmd(struct sieve_run *r, const struct sieve_cmd *c)
{
	switch (c->kind) {
	case SIEVE_C_IF: exec_if(r, c); break;
	case SIEVE_C_KEEP:
		exec_add(r, c, SIEVE_KEEP, NULL, exec_flags(r, c));
		r->keep_cancelled = true;
		break;
	case SIEVE_C_DISCARD:
		r->discard_line = c->line;
		r->keep_cancelled = true;
		break;
	case SIEVE_C_STOP: r->stopped = true; break;
	case SIEVE_C_REDIRECT:
	case SIEVE_C_FILEINTO: exec_deliver(r, c); break;
	case SIEVE_C_SETFLAG:
	case SIEVE_C_ADDFLAG:
	case SIEVE_C_REMOVEFLAG: exec_setflag(r, c); break;
	case SIEVE_C_SET: exec_set(r, c); break;
	case SIEVE_C_REQUIRE: break;
	}
}

static void exec_block(struct sieve_run *r, const struct sieve_block *b)
{
	size_t i;

	for (i = 0; i < b->n && !r->stopped; i++)
		exec_cmd(r, &b->v[i]);
}

/* exec_cleanup - free everything the run holds */
static void exec_cleanup(struct sieve_run *r)
{
	size_t i;

	for (i = 0; i < r->nacts; i++) {
		free(r->acts[i].target);
		sieve_flags_array_free(r->acts[i].flags);
	}
	x_free(&r->acts);
	sieve_vars_free(r);
	buf_free(&r->flags);
	sieve_body_free(&r->mime);
}

int sieve_execute(const struct sieve_script *s, const struct sieve_message *m,
		  struct sieve_result *res)
{
	struct sieve_run r;
	struct sieve_message msg = *m;

	if (!msg.data) {
		msg.data = "";
		msg.len = 0;
	}
	memset(&r, 0, sizeof r);
	r.s = s;
	r.m = &msg;
	r.body_start = sieve_msg_body_start(msg.data, msg.len);
	exec_block(&r, &s->top);
	sieve_result_build(&r, res);
	exec_cleanup(&r);
	return r.failed ? -1 : 0;
}
