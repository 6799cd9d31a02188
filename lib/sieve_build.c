/* sieve_build.c - check a parsed script against the tables of commands,
 * tests and tags below and compile it into struct sieve_script.  Every
 * command, test and tag is a row here; an unknown name, a tag from an
 * extension not named in "require" (RFC 5228 3.2), a wrong argument type or
 * count is an error at its line and column. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "i18n.h"
#include "sieve_ast.h"
#include "xalloc.h"

/* tag groups: at most one tag of each group per command */
enum build_group {
	G_MATCH = 1 << 0, G_CMP = 1 << 1, G_PART = 1 << 2, G_SIZE = 1 << 3,
	G_COPY = 1 << 4, G_FLAGS = 1 << 5, G_BODY = 1 << 6, G_MOD40 = 1 << 7,
	G_MOD30 = 1 << 8, G_MOD20 = 1 << 9, G_MOD10 = 1 << 10,
};
#define G_MODS (G_MOD40 | G_MOD30 | G_MOD20 | G_MOD10)

struct build_tag {
	const char *name;
	unsigned group;
	int value;		/* the enum value the tag stands for */
	char arg;		/* 0, 'S' a string or 'L' a string list follows */
	unsigned cap;		/* extension it belongs to, 0 for the base */
};

static const struct build_tag build_tags[] = {
	{ "is", G_MATCH, SIEVE_MT_IS, 0, 0 },
	{ "contains", G_MATCH, SIEVE_MT_CONTAINS, 0, 0 },
	{ "matches", G_MATCH, SIEVE_MT_MATCHES, 0, 0 },
	{ "comparator", G_CMP, 0, 'S', 0 },
	{ "all", G_PART, SIEVE_PART_ALL, 0, 0 },
	{ "localpart", G_PART, SIEVE_PART_LOCAL, 0, 0 },
	{ "domain", G_PART, SIEVE_PART_DOMAIN, 0, 0 },
	{ "user", G_PART, SIEVE_PART_USER, 0, SIEVE_CAP_SUBADDRESS },
	{ "detail", G_PART, SIEVE_PART_DETAIL, 0, SIEVE_CAP_SUBADDRESS },
	{ "over", G_SIZE, 1, 0, 0 },
	{ "under", G_SIZE, 0, 0, 0 },
	{ "copy", G_COPY, 1, 0, SIEVE_CAP_COPY },
	{ "flags", G_FLAGS, 1, 'L', SIEVE_CAP_IMAP4FLAGS },
	{ "raw", G_BODY, SIEVE_BODY_RAW, 0, SIEVE_CAP_BODY },
	{ "content", G_BODY, SIEVE_BODY_CONTENT, 'L', SIEVE_CAP_BODY },
	{ "text", G_BODY, SIEVE_BODY_TEXT, 0, SIEVE_CAP_BODY },
	{ "lower", G_MOD40, SIEVE_MOD_LOWER, 0, SIEVE_CAP_VARIABLES },
	{ "upper", G_MOD40, SIEVE_MOD_UPPER, 0, SIEVE_CAP_VARIABLES },
	{ "lowerfirst", G_MOD30, SIEVE_MOD_LOWERFIRST, 0, SIEVE_CAP_VARIABLES },
	{ "upperfirst", G_MOD30, SIEVE_MOD_UPPERFIRST, 0, SIEVE_CAP_VARIABLES },
	{ "quotewildcard", G_MOD20, SIEVE_MOD_QUOTEWILDCARD, 0, SIEVE_CAP_VARIABLES },
	{ "length", G_MOD10, SIEVE_MOD_LENGTH, 0, SIEVE_CAP_VARIABLES },
};

/* A command or a test: its tags, its positional arguments ('S' string,
 * 'L' string list, 'N' number; the first 'optional' of them may be left
 * out), whether it takes a test (1), a test list (2), a block. */
struct build_spec {
	const char *name;
	int kind;
	unsigned cap;
	unsigned groups;
	const char *args;
	int optional;
	int tests;
	bool block;
};

#define C_ELSIF 100
#define C_ELSE 101

static const struct build_spec build_commands[] = {
	{ "require", SIEVE_C_REQUIRE, 0, 0, "L", 0, 0, false },
	{ "if", SIEVE_C_IF, 0, 0, "", 0, 1, true },
	{ "elsif", C_ELSIF, 0, 0, "", 0, 1, true },
	{ "else", C_ELSE, 0, 0, "", 0, 0, true },
	{ "keep", SIEVE_C_KEEP, 0, G_FLAGS, "", 0, 0, false },
	{ "discard", SIEVE_C_DISCARD, 0, 0, "", 0, 0, false },
	{ "stop", SIEVE_C_STOP, 0, 0, "", 0, 0, false },
	{ "redirect", SIEVE_C_REDIRECT, 0, G_COPY, "S", 0, 0, false },
	{ "fileinto", SIEVE_C_FILEINTO, SIEVE_CAP_FILEINTO, G_COPY | G_FLAGS, "S", 0, 0, false },
	{ "setflag", SIEVE_C_SETFLAG, SIEVE_CAP_IMAP4FLAGS, 0, "SL", 1, 0, false },
	{ "addflag", SIEVE_C_ADDFLAG, SIEVE_CAP_IMAP4FLAGS, 0, "SL", 1, 0, false },
	{ "removeflag", SIEVE_C_REMOVEFLAG, SIEVE_CAP_IMAP4FLAGS, 0, "SL", 1, 0, false },
	{ "set", SIEVE_C_SET, SIEVE_CAP_VARIABLES, G_MODS, "SS", 0, 0, false },
};

static const struct build_spec build_tests[] = {
	{ "true", SIEVE_T_TRUE, 0, 0, "", 0, 0, false },
	{ "false", SIEVE_T_FALSE, 0, 0, "", 0, 0, false },
	{ "not", SIEVE_T_NOT, 0, 0, "", 0, 1, false },
	{ "allof", SIEVE_T_ALLOF, 0, 0, "", 0, 2, false },
	{ "anyof", SIEVE_T_ANYOF, 0, 0, "", 0, 2, false },
	{ "header", SIEVE_T_HEADER, 0, G_MATCH | G_CMP, "LL", 0, 0, false },
	{ "address", SIEVE_T_ADDRESS, 0, G_MATCH | G_CMP | G_PART, "LL", 0, 0, false },
	{ "envelope", SIEVE_T_ENVELOPE, SIEVE_CAP_ENVELOPE, G_MATCH | G_CMP | G_PART, "LL", 0, 0, false },
	{ "exists", SIEVE_T_EXISTS, 0, 0, "L", 0, 0, false },
	{ "size", SIEVE_T_SIZE, 0, G_SIZE, "N", 0, 0, false },
	{ "body", SIEVE_T_BODY, SIEVE_CAP_BODY, G_MATCH | G_CMP | G_BODY, "L", 0, 0, false },
	{ "hasflag", SIEVE_T_HASFLAG, SIEVE_CAP_IMAP4FLAGS, G_MATCH | G_CMP, "LL", 1, 0, false },
	{ "string", SIEVE_T_STRING, SIEVE_CAP_VARIABLES, G_MATCH | G_CMP, "LL", 0, 0, false },
};

static const struct {
	const char *name;
	unsigned cap;
} build_caps[] = {
	{ "fileinto", SIEVE_CAP_FILEINTO }, { "envelope", SIEVE_CAP_ENVELOPE },
	{ "copy", SIEVE_CAP_COPY }, { "imap4flags", SIEVE_CAP_IMAP4FLAGS },
	{ "subaddress", SIEVE_CAP_SUBADDRESS }, { "body", SIEVE_CAP_BODY },
	{ "variables", SIEVE_CAP_VARIABLES },
	{ "comparator-i;octet", 0 }, { "comparator-i;ascii-casemap", 0 },
};

/* What the tags of one command or test said. */
struct build_opts {
	unsigned seen;		/* groups */
	int mt, cmp, part, bodytf, size;
	bool copy;
	unsigned mods;
	const struct sieve_arg *flags, *types;
	const struct sieve_arg *pos[2];	/* positional arguments, in order */
	size_t npos;
};

struct build {
	struct sieve_script *s;
	struct sieve_error *err;
	bool requires_done;	/* a command other than require was seen */
};

static bool build_block(struct build *b, const struct sieve_node *v, size_t n,
			struct sieve_block *out);

/* build_fail - report an error at line:column; always false */
static bool build_fail(struct build *b, int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool build_fail(struct build *b, int line, int column, const char *fmt, ...)
{
	va_list ap;

	b->err->line = line;
	b->err->column = column;
	va_start(ap, fmt);
	vsnprintf(b->err->message, sizeof b->err->message, fmt, ap);
	va_end(ap);
	return false;
}

/* build_has_var - whether s may change at run time (RFC 5229 3) */
static bool build_has_var(const struct build *b, const char *s)
{
	return (b->s->caps & SIEVE_CAP_VARIABLES) && strstr(s, "${");
}

static const struct build_spec *build_find(const struct build_spec *t,
					   size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* build_tag_param - the string (list) after a tag such as :comparator,
 * :flags or :content, at n->args[i] */
static bool build_tag_param(struct build *b, const struct sieve_node *n, size_t i,
			    const struct build_tag *t, struct build_opts *o)
{
	const struct sieve_arg *a = &n->args[i - 1];
	const struct sieve_arg *p = i < n->nargs ? &n->args[i] : NULL;

	if (!p || (p->type != SIEVE_ARG_STRING && !(t->arg == 'L' && p->type == SIEVE_ARG_LIST)))
		return build_fail(b, a->line, a->column, _("tag :%s needs a string argument"), a->tag);
	if (t->group == G_FLAGS) {
		o->flags = p;
	} else if (t->group == G_BODY) {
		o->types = p;
	} else if (strcasecmp(p->list.v[0], "i;octet") == 0) {
		o->cmp = SIEVE_CMP_OCTET;
	} else if (strcasecmp(p->list.v[0], "i;ascii-casemap") != 0) {
		/* RFC 5228 2.7.3: an unknown comparator is an error */
		return build_fail(b, p->line, p->column,
				  _("comparator \"%s\" is not supported"), p->list.v[0]);
	}
	return true;
}

/* build_tag - apply one tagged argument (and its parameter) to o; *i moves
 * past what was used */
static bool build_tag(struct build *b, const struct sieve_node *n,
		      const struct build_spec *sp, size_t *i, struct build_opts *o)
{
	const struct sieve_arg *a = &n->args[*i];
	const struct build_tag *t = NULL;
	size_t k;

	for (k = 0; k < sizeof build_tags / sizeof build_tags[0]; k++)
		if (strcasecmp(build_tags[k].name, a->tag) == 0)
			t = &build_tags[k];
	if (!t || !(t->group & sp->groups))
		return build_fail(b, a->line, a->column, _("unknown tag :%s"), a->tag);
	if (t->cap && !(b->s->caps & t->cap))
		return build_fail(b, a->line, a->column,
				  _("tag :%s needs its extension in require"), a->tag);
	if (o->seen & t->group)
		return build_fail(b, a->line, a->column, _("conflicting or repeated tag :%s"), a->tag);
	o->seen |= t->group;
	if (t->arg && !build_tag_param(b, n, ++*i, t, o))
		return false;
	switch (t->group) {
	case G_MATCH: o->mt = t->value; break;
	case G_PART: o->part = t->value; break;
	case G_SIZE: o->size = t->value; break;
	case G_COPY: o->copy = true; break;
	case G_BODY: o->bodytf = t->value; break;
	default: if (t->group & G_MODS) o->mods |= (unsigned)t->value; break;
	}
	return true;
}

/* build_positional - check the type of one positional argument */
static bool build_positional(struct build *b, const struct sieve_node *n,
			     const struct sieve_arg *a, char want)
{
	if (want == 'N' && a->type == SIEVE_ARG_NUMBER)
		return true;
	if (want == 'S' && a->type == SIEVE_ARG_STRING)
		return true;
	if (want == 'L' && (a->type == SIEVE_ARG_STRING || a->type == SIEVE_ARG_LIST))
		return true;
	if (want == 'N')
		return build_fail(b, a->line, a->column, _("%s: expected a number"), n->name);
	if (want == 'S')
		return build_fail(b, a->line, a->column, _("%s: expected a string"), n->name);
	return build_fail(b, a->line, a->column, _("%s: expected a string list"), n->name);
}

/* build_args - sort n's arguments into tags and positional ones by sp */
static bool build_args(struct build *b, const struct sieve_node *n,
		       const struct build_spec *sp, struct build_opts *o)
{
	size_t i, max = strlen(sp->args), skip;
	const struct sieve_arg *pos[3];

	memset(o, 0, sizeof *o);
	o->mt = SIEVE_MT_IS;
	o->size = -1;
	for (i = 0; i < n->nargs; i++) {
		const struct sieve_arg *a = &n->args[i];

		if (a->type == SIEVE_ARG_TAG) {
			if (o->npos)
				return build_fail(b, a->line, a->column,
						  _("tag :%s after positional arguments"), a->tag);
			if (!build_tag(b, n, sp, &i, o))
				return false;
			continue;
		}
		if (o->npos == max)
			return build_fail(b, a->line, a->column, _("%s: too many arguments"), n->name);
		pos[o->npos++] = a;
	}
	if (o->npos + (size_t)sp->optional < max)
		return build_fail(b, n->line, n->column, _("%s: missing arguments"), n->name);
	skip = max - o->npos;
	for (i = 0; i < o->npos; i++) {
		if (!build_positional(b, n, pos[i], sp->args[skip + i]))
			return false;
		o->pos[i] = pos[i];
	}
	return true;
}

/* build_list_copy - a deep copy of a string list argument */
static void build_list_copy(struct sieve_strlist *dst, const struct sieve_arg *a)
{
	size_t i;

	dst->n = a->list.n;
	dst->v = xcalloc(a->list.n ? a->list.n : 1, sizeof *dst->v);
	for (i = 0; i < a->list.n; i++)
		dst->v[i] = xstrdup(a->list.v[i]);
}

/* build_header_names - RFC 5228 2.4.2.2: header names are field names */
static bool build_header_names(struct build *b, const struct sieve_arg *a)
{
	size_t i;

	for (i = 0; i < a->list.n; i++)
		if (!build_has_var(b, a->list.v[i]) && !sieve_check_header_name(a->list.v[i]))
			return build_fail(b, a->line, a->column,
					  _("invalid header name \"%s\""), a->list.v[i]);
	return true;
}

/* build_envelope_parts - RFC 5228 5.4: only "from" and "to" are known */
static bool build_envelope_parts(struct build *b, const struct sieve_arg *a)
{
	size_t i;

	for (i = 0; i < a->list.n; i++) {
		const char *p = a->list.v[i];

		if (!build_has_var(b, p) && strcasecmp(p, "from") && strcasecmp(p, "to"))
			return build_fail(b, a->line, a->column,
					  _("envelope part \"%s\" is not supported"), p);
	}
	return true;
}

/* build_varnames - every string of a is a variable name (RFC 5229 3) */
static bool build_varnames(struct build *b, const struct sieve_arg *a)
{
	size_t i;

	if (!(b->s->caps & SIEVE_CAP_VARIABLES))
		return build_fail(b, a->line, a->column, "%s",
				  _("a variable name needs \"variables\" in require"));
	for (i = 0; i < a->list.n; i++)
		if (!sieve_check_varname(a->list.v[i]))
			return build_fail(b, a->line, a->column,
					  _("invalid variable name \"%s\""), a->list.v[i]);
	return true;
}

/* build_test_args - fill t's strings from the positional arguments */
static bool build_test_args(struct build *b, struct sieve_test *t, const struct build_opts *o)
{
	const struct sieve_arg *names = o->npos == 2 ? o->pos[0] : NULL;
	const struct sieve_arg *keys = o->pos[o->npos ? o->npos - 1 : 0];

	if (t->kind == SIEVE_T_EXISTS) {
		names = keys;
		keys = NULL;
	}
	if ((t->kind == SIEVE_T_HEADER || t->kind == SIEVE_T_ADDRESS ||
	     t->kind == SIEVE_T_EXISTS) && !build_header_names(b, names))
		return false;
	if (t->kind == SIEVE_T_ENVELOPE && !build_envelope_parts(b, names))
		return false;
	if (t->kind == SIEVE_T_HASFLAG && names && !build_varnames(b, names))
		return false;
	if (names)
		build_list_copy(&t->names, names);
	if (keys)
		build_list_copy(&t->keys, keys);
	return true;
}

/* build_test - check n as a test and compile it into t */
static bool build_test(struct build *b, const struct sieve_node *n, struct sieve_test *t)
{
	const struct build_spec *sp = build_find(build_tests, sizeof build_tests / sizeof build_tests[0], n->name);
	struct build_opts o;
	size_t i;

	if (!sp)
		return build_fail(b, n->line, n->column, _("unknown test \"%s\""), n->name);
	if (sp->cap && !(b->s->caps & sp->cap))
		return build_fail(b, n->line, n->column, _("test \"%s\" needs its extension in require"), n->name);
	if (!build_args(b, n, sp, &o))
		return false;
	if ((sp->tests == 0 && n->ntests) || (sp->tests == 1 && (n->ntests != 1 || n->test_list)) ||
	    (sp->tests == 2 && !n->test_list))
		return build_fail(b, n->line, n->column, _("%s: wrong number of tests"), n->name);
	t->kind = sp->kind;
	t->line = n->line;
	t->mt = o.mt;
	t->cmp = o.cmp;
	t->part = o.part;
	t->bodytf = o.bodytf;
	if (o.types)
		build_list_copy(&t->types, o.types);
	if (sp->kind == SIEVE_T_SIZE) {
		if (o.size < 0)
			return build_fail(b, n->line, n->column, "%s", _("size needs :over or :under"));
		t->over = o.size == 1;
		t->limit = o.pos[0]->number;
		return true;
	}
	if (sp->args[0] && !build_test_args(b, t, &o))
		return false;
	t->kids = xcalloc(n->ntests ? n->ntests : 1, sizeof *t->kids);
	for (i = 0; i < n->ntests; i++) {
		t->nkids++;
		if (!build_test(b, &n->tests[i], &t->kids[i]))
			return false;
	}
	return true;
}

/* build_require - RFC 5228 3.2: name extensions before any other command */
static bool build_require(struct build *b, const struct sieve_node *n,
			  const struct build_opts *o)
{
	const struct sieve_arg *a = o->pos[0];
	size_t i, k;

	if (b->requires_done)
		return build_fail(b, n->line, n->column, "%s",
				  _("require must come before any other command"));
	for (i = 0; i < a->list.n; i++) {
		for (k = 0; k < sizeof build_caps / sizeof build_caps[0]; k++)
			if (strcmp(build_caps[k].name, a->list.v[i]) == 0)
				break;
		if (k == sizeof build_caps / sizeof build_caps[0])
			return build_fail(b, a->line, a->column,
					  _("extension \"%s\" is not supported"), a->list.v[i]);
		b->s->caps |= build_caps[k].cap;
	}
	return true;
}

/* build_action_args - the target and flags of keep, fileinto, redirect,
 * setflag & co and set, checked where they are constants */
static bool build_action_args(struct build *b, const struct sieve_node *n,
			      const struct build_opts *o, struct sieve_cmd *c)
{
	const struct sieve_arg *a = o->pos[0];

	if (c->kind == SIEVE_C_SETFLAG || c->kind == SIEVE_C_ADDFLAG ||
	    c->kind == SIEVE_C_REMOVEFLAG) {
		if (o->npos == 2 && !build_varnames(b, a))
			return false;
		if (o->npos == 2)
			c->target = xstrdup(a->list.v[0]);
		build_list_copy(&c->flags, o->pos[o->npos - 1]);
		return true;
	}
	if (o->flags) {
		build_list_copy(&c->flags, o->flags);
		c->has_flags = true;
	}
	if (!a)
		return true;
	c->target = xstrdup(a->list.v[0]);
	if (c->kind == SIEVE_C_SET) {
		c->value = xstrdup(o->pos[1]->list.v[0]);
		return build_varnames(b, a);
	}
	if (build_has_var(b, c->target))
		return true;
	if (c->kind == SIEVE_C_FILEINTO && !sieve_check_folder(c->target))
		return build_fail(b, a->line, a->column, _("invalid folder name \"%s\""), c->target);
	if (c->kind == SIEVE_C_REDIRECT) {
		char *addr = sieve_check_address(c->target);

		if (!addr)
			return build_fail(b, a->line, a->column, _("invalid address \"%s\""), c->target);
		free(c->target);
		c->target = addr;
	}
	return true;
}

/* build_if - the test and block of if/elsif, or the block of else */
static bool build_if(struct build *b, const struct sieve_node *n, struct sieve_cmd *c)
{
	c->kind = SIEVE_C_IF;
	if (n->ntests) {
		c->test = xcalloc(1, sizeof *c->test);
		if (!build_test(b, &n->tests[0], c->test))
			return false;
	}
	return build_block(b, n->block, n->nblock, &c->body);
}

/* build_command - check n and compile it into c */
static bool build_command(struct build *b, const struct sieve_node *n,
			  const struct build_spec *sp, struct sieve_cmd *c)
{
	struct build_opts o;

	if (sp->cap && !(b->s->caps & sp->cap))
		return build_fail(b, n->line, n->column,
				  _("command \"%s\" needs its extension in require"), n->name);
	if (!build_args(b, n, sp, &o))
		return false;
	if ((sp->tests == 1) != (n->ntests == 1) || n->test_list)
		return build_fail(b, n->line, n->column, _("%s: wrong number of tests"), n->name);
	if (sp->block != n->has_block)
		return build_fail(b, n->line, n->column,
				  sp->block ? _("%s: a block must follow") : _("%s: unexpected block"),
				  n->name);
	c->line = n->line;
	if (sp->kind == SIEVE_C_REQUIRE) {
		c->kind = SIEVE_C_REQUIRE;
		return build_require(b, n, &o);
	}
	b->requires_done = true;
	if (sp->block)
		return build_if(b, n, c);
	c->kind = sp->kind;
	c->copy = o.copy;
	c->mods = o.mods;
	return build_action_args(b, n, &o, c);
}

/* build_block - compile a list of commands; an elsif or else joins the
 * if just before it (chain is the branch it would follow) */
static bool build_block(struct build *b, const struct sieve_node *v, size_t n,
			struct sieve_block *out)
{
	struct sieve_cmd *chain = NULL;
	size_t i;

	out->v = xcalloc(n ? n : 1, sizeof *out->v);
	for (i = 0; i < n; i++) {
		const struct build_spec *sp = build_find(build_commands,
			sizeof build_commands / sizeof build_commands[0], v[i].name);
		struct sieve_cmd *c;

		if (!sp)
			return build_fail(b, v[i].line, v[i].column, _("unknown command \"%s\""), v[i].name);
		if (sp->kind == C_ELSIF || sp->kind == C_ELSE) {
			if (!chain)
				return build_fail(b, v[i].line, v[i].column,
						  _("%s without a preceding if"), v[i].name);
			c = chain->orelse = xcalloc(1, sizeof *c);
		} else {
			c = &out->v[out->n++];
		}
		if (!build_command(b, &v[i], sp, c))
			return false;
		chain = sp->block && sp->kind != C_ELSE ? c : NULL;
	}
	return true;
}

bool sieve_build(const struct sieve_node *v, size_t n, struct sieve_script *s,
		 struct sieve_error *err)
{
	struct build b = { s, err, false };

	return build_block(&b, v, n, &s->top);
}
