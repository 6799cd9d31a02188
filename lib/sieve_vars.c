/* sieve_vars.c - variables (RFC 5229): ${name} and ${0}..${9} expansion,
 * the set command's modifiers, and the store of variables of one run.
 * Values are capped at SIEVE_MAX_VARLEN bytes and expanded strings at
 * SIEVE_MAX_EXPAND, so no script can make memory grow without bound. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "i18n.h"
#include "sieve_run.h"
#include "xalloc.h"

/* vars_cut - the length of at most max bytes of s that does not end inside
 * a UTF-8 character */
static size_t vars_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

struct buf *sieve_var_get(struct sieve_run *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nvars; i++)
		if (strcasecmp(r->vars[i].name, name) == 0)
			return &r->vars[i].value;
	return NULL;
}

void sieve_var_set(struct sieve_run *r, const char *name, const char *value, size_t n)
{
	struct buf *b = sieve_var_get(r, name);
	char *p;

	if (!b) {
		if (r->nvars >= SIEVE_MAX_VARS) {
			sieve_run_fail(r, _("too many variables (over %d)"), SIEVE_MAX_VARS);
			return;
		}
		r->vars = xreallocarray(r->vars, r->nvars + 1, sizeof *r->vars);
		r->vars[r->nvars].name = xstrdup(name);
		for (p = r->vars[r->nvars].name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		buf_init(&r->vars[r->nvars].value);
		b = &r->vars[r->nvars++].value;
	}
	if (value == b->data)
		return;
	buf_reset(b);
	buf_append(b, value, vars_cut(value, n, SIEVE_MAX_VARLEN));
}

void sieve_vars_set_matches(struct sieve_run *r, const char *value, const struct sieve_captures *cap)
{
	int i;

	if (!(r->s->caps & SIEVE_CAP_VARIABLES))
		return;
	for (i = 0; i < SIEVE_NCAPTURES; i++) {
		buf_reset(&r->match[i]);
		if (i < cap->n)
			buf_append(&r->match[i], value + cap->v[i].off,
				   vars_cut(value + cap->v[i].off, cap->v[i].len, SIEVE_MAX_VARLEN));
	}
	r->nmatch = cap->n;
}

void sieve_vars_free(struct sieve_run *r)
{
	size_t i;

	for (i = 0; i < r->nvars; i++) {
		free(r->vars[i].name);
		buf_free(&r->vars[i].value);
	}
	x_free(&r->vars);
	r->nvars = 0;
	for (i = 0; i < SIEVE_NCAPTURES; i++)
		buf_free(&r->match[i]);
}

/* vars_ref - the value ${...} at s stands for, its length in *used; NULL
 * if s does not start a reference we expand (RFC 5229 3: identifier or
 * number; namespaced names are left alone) */
static const struct buf *vars_ref(struct sieve_run *r, const char *s, size_t *used)
{
	static const struct buf empty = BUF_INIT;
	const char *p = s + 2, *e = p;
	const struct buf *v;
	char name[130];
	size_t n;

	while ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') ||
	       (*e >= '0' && *e <= '9') || *e == '_')
		e++;
	n = (size_t)(e - p);
	if (*e != '}' || n == 0 || n >= sizeof name)
		return NULL;
	*used = n + 3;
	memcpy(name, p, n);
	name[n] = '\0';
	if (strspn(name, "0123456789") == n) {
		/* RFC 5229 3.2: ${0}..${9}; leading zeros allowed, others empty */
		p = name + strspn(name, "0");
		if (*p == '\0')
			p--;
		if (p[0] && !p[1] && p[0] - '0' < r->nmatch)
			return &r->match[p[0] - '0'];
		return &empty;
	}
	if (!sieve_check_varname(name))
		return NULL;
	v = sieve_var_get(r, name);
	return v ? v : &empty;
}

void sieve_expand(struct sieve_run *r, const char *s, struct buf *out)
{
	buf_reset(out);
	if (!(r->s->caps & SIEVE_CAP_VARIABLES) || !strstr(s, "${")) {
		buf_puts(out, s);
		return;
	}
	while (*s && out->len < SIEVE_MAX_EXPAND) {
		const struct buf *v;
		size_t used = 0;

		if (s[0] == '$' && s[1] == '{' && (v = vars_ref(r, s, &used))) {
			buf_append(out, v->data ? v->data : "", v->len);
			s += used;
		} else {
			buf_putc(out, *s++);
		}
	}
	if (out->len > SIEVE_MAX_EXPAND) {
		out->len = vars_cut(out->data, out->len, SIEVE_MAX_EXPAND);
		out->data[out->len] = '\0';
	}
}

void sieve_expand_list(struct sieve_run *r, const struct sieve_strlist *l, struct sieve_xlist *out)
{
	size_t i;

	out->n = l->n;
	out->v = xcalloc(l->n ? l->n : 1, sizeof *out->v);
	for (i = 0; i < l->n; i++)
		sieve_expand(r, l->v[i], &out->v[i]);
}

void sieve_xlist_free(struct sieve_xlist *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		buf_free(&x->v[i]);
	x_free(&x->v);
	x->n = 0;
}

/* vars_case - ASCII case change of the whole value or its first byte */
static void vars_case(struct buf *v, bool upper, bool first_only)
{
	size_t i, n = first_only && v->len ? 1 : v->len;

	for (i = 0; i < n; i++)
		v->data[i] = (char)(upper ? toupper((unsigned char)v->data[i]) :
				    tolower((unsigned char)v->data[i]));
}

/* vars_length - the number of characters (UTF-8) in v, as decimal text */
static void vars_length(struct buf *v)
{
	size_t i = 0, n = 0;
	char num[32];

	while (i < v->len) {
		i += sieve_utf8_len(v->data + i, v->len - i);
		n++;
	}
	snprintf(num, sizeof num, "%zu", n);
	buf_reset(v);
	buf_puts(v, num);
}

/* RFC 5229 4.1: modifiers apply in order of precedence, 40 (:lower,
 * :upper) first, then 30 (:lowerfirst, :upperfirst), 20 (:quotewildcard),
 * 10 (:length) */
void sieve_set_modify(unsigned mods, struct buf *v)
{
	if (mods & (SIEVE_MOD_LOWER | SIEVE_MOD_UPPER))
		vars_case(v, mods & SIEVE_MOD_UPPER, false);
	if (mods & (SIEVE_MOD_LOWERFIRST | SIEVE_MOD_UPPERFIRST))
		vars_case(v, mods & SIEVE_MOD_UPPERFIRST, true);
	if (mods & SIEVE_MOD_QUOTEWILDCARD) {
		struct buf q = BUF_INIT;
		size_t i;

		for (i = 0; i < v->len; i++) {
			if (v->data[i] == '*' || v->data[i] == '?' || v->data[i] == '\\')
				buf_putc(&q, '\\');
			buf_putc(&q, v->data[i]);
		}
		buf_free(v);
		*v = q;
	}
	if (mods & SIEVE_MOD_LENGTH)
		vars_length(v);
}
