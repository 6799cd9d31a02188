/* sieve_test.c - evaluating tests (RFC 5228 5, RFC 5173, RFC 5229 5,
 * RFC 5232 5).  Keys are expanded once per test; a successful :matches sets
 * the match variables (RFC 5229 3.2), except in the body test (RFC 5173 6). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sieve_run.h"
#include "xalloc.h"

/* One test's keys and how to compare against them. */
struct test_keys {
	struct sieve_run *r;
	const struct sieve_test *t;
	struct sieve_xlist keys;
	bool set_vars;
};

static void test_keys_init(struct test_keys *k, struct sieve_run *r, const struct sieve_test *t)
{
	k->r = r;
	k->t = t;
	k->set_vars = t->kind != SIEVE_T_BODY;
	sieve_expand_list(r, &t->keys, &k->keys);
}

/* test_value - whether v (n bytes) matches any key */
static bool test_value(void *arg, const char *v, size_t n)
{
	struct test_keys *k = arg;
	struct sieve_captures cap;
	size_t i;

	for (i = 0; i < k->keys.n; i++) {
		const struct buf *key = &k->keys.v[i];

		if (sieve_match(k->t->mt, k->t->cmp, v, n, buf_cstr(key), key->len, &cap)) {
			if (k->set_vars && k->t->mt == SIEVE_MT_MATCHES)
				sieve_vars_set_matches(k->r, v, &cap);
			return true;
		}
	}
	return false;
}

/* test_header_is - whether h is the field called name */
static bool test_header_is(const struct sieve_hdr *h, const struct buf *name)
{
	return h->nlen == name->len && name->len && strncasecmp(h->name, name->data, h->nlen) == 0;
}

/* test_addresses - the address test on one field's value (RFC 5228 5.1);
 * a value that does not parse is compared whole by :all only (2.7.4) */
static bool test_addresses(struct test_keys *k, const struct buf *value)
{
	char **addrs = sieve_msg_addresses(buf_cstr(value), value->len);
	bool hit = false;
	size_t i;

	if (!addrs)
		return k->t->part == SIEVE_PART_ALL && test_value(k, buf_cstr(value), value->len);
	for (i = 0; addrs[i] && !hit; i++) {
		const char *p;
		size_t n;

		if (sieve_msg_addr_part(addrs[i], k->t->part, &p, &n))
			hit = test_value(k, p, n);
	}
	sieve_msg_addresses_free(addrs);
	return hit;
}

/* test_fields - header (5.7), address (5.1) and exists (5.5); exists
 * wants every name, the others any value of any name */
static bool test_fields(struct sieve_run *r, const struct sieve_test *t)
{
	struct test_keys k;
	struct sieve_xlist names;
	struct buf value = BUF_INIT;
	bool hit = false, found = true;
	size_t i;

	test_keys_init(&k, r, t);
	sieve_expand_list(r, &t->names, &names);
	for (i = 0; i < names.n && !hit && (found || t->kind != SIEVE_T_EXISTS); i++) {
		struct sieve_hdr h;
		size_t pos = 0;

		found = false;
		while (!hit && sieve_msg_next_header(r->m->data, r->body_start, &pos, &h)) {
			if (!test_header_is(&h, &names.v[i]))
				continue;
			found = true;
			if (t->kind == SIEVE_T_EXISTS)
				break;
			if (t->kind == SIEVE_T_ADDRESS) {
				sieve_msg_unfold(h.value, h.vlen, &value);
				hit = test_addresses(&k, &value);
			} else {
				sieve_msg_decode(h.value, h.vlen, &value);
				hit = test_value(&k, buf_cstr(&value), value.len);
			}
		}
	}
	if (t->kind == SIEVE_T_EXISTS)
		hit = found;
	buf_free(&value);
	sieve_xlist_free(&names);
	sieve_xlist_free(&k.keys);
	return hit;
}

/* test_envelope_one - RFC 5228 5.4 on one envelope address; the null
 * sender "<>" compares as "" for every part but :detail */
static bool test_envelope_one(struct test_keys *k, const char *addr)
{
	size_t n = strlen(addr);
	char *a;
	const char *p;
	bool hit = false;

	if (n >= 2 && addr[0] == '<' && addr[n - 1] == '>') {
		addr++;
		n -= 2;
	}
	if (n == 0)
		return k->t->part != SIEVE_PART_DETAIL && test_value(k, "", 0);
	a = xstrndup(addr, n);
	if (sieve_msg_addr_part(a, k->t->part, &p, &n))
		hit = test_value(k, p, n);
	free(a);
	return hit;
}

static bool test_envelope(struct sieve_run *r, const struct sieve_test *t)
{
	struct test_keys k;
	struct sieve_xlist names;
	bool hit = false;
	size_t i;

	test_keys_init(&k, r, t);
	sieve_expand_list(r, &t->names, &names);
	for (i = 0; i < names.n && !hit; i++) {
		const char *addr = NULL;

		if (strcasecmp(buf_cstr(&names.v[i]), "from") == 0)
			addr = r->m->env_from ? r->m->env_from : "";
		else if (strcasecmp(buf_cstr(&names.v[i]), "to") == 0)
			addr = r->m->env_to;
		if (addr)
			hit = test_envelope_one(&k, addr);
	}
	sieve_xlist_free(&names);
	sieve_xlist_free(&k.keys);
	return hit;
}

/* test_hasflag - RFC 5232 5: any flag of the variables (or of the internal
 * variable) matches any key */
static bool test_hasflag(struct sieve_run *r, const struct sieve_test *t)
{
	struct test_keys k;
	bool hit = false;
	size_t i;

	test_keys_init(&k, r, t);
	if (!t->names.n)
		hit = sieve_flags_each(buf_cstr(&r->flags), test_value, &k);
	for (i = 0; i < t->names.n && !hit; i++) {
		struct buf *v = sieve_var_get(r, t->names.v[i]);

		hit = v && sieve_flags_each(buf_cstr(v), test_value, &k);
	}
	sieve_xlist_free(&k.keys);
	return hit;
}

/* test_strings - body (RFC 5173 5) and string (RFC 5229 5) */
static bool test_strings(struct sieve_run *r, const struct sieve_test *t)
{
	struct test_keys k;
	struct sieve_xlist src;
	bool hit = false;
	size_t i;

	test_keys_init(&k, r, t);
	if (t->kind == SIEVE_T_BODY) {
		hit = sieve_body_each(r->m->data, r->m->len, t->bodytf, &t->types, &r->mime,
				      test_value, &k);
	} else {
		sieve_expand_list(r, &t->names, &src);
		for (i = 0; i < src.n && !hit; i++)
			hit = test_value(&k, buf_cstr(&src.v[i]), src.v[i].len);
		sieve_xlist_free(&src);
	}
	sieve_xlist_free(&k.keys);
	return hit;
}

/* test_list - allof and anyof (RFC 5228 5.2, 5.3), short-circuit */
static bool test_list(struct sieve_run *r, const struct sieve_test *t, bool all)
{
	size_t i;

	for (i = 0; i < t->nkids && !r->failed; i++)
		if (sieve_test_eval(r, &t->kids[i]) != all)
			return !all;
	return all;
}

bool sieve_test_eval(struct sieve_run *r, const struct sieve_test *t)
{
	switch (t->kind) {
	case SIEVE_T_TRUE: return true;
	case SIEVE_T_FALSE: return false;
	case SIEVE_T_NOT: return !sieve_test_eval(r, &t->kids[0]);
	case SIEVE_T_ALLOF: return test_list(r, t, true);
	case SIEVE_T_ANYOF: return test_list(r, t, false);
	case SIEVE_T_HEADER:
	case SIEVE_T_ADDRESS:
	case SIEVE_T_EXISTS: return test_fields(r, t);
	case SIEVE_T_ENVELOPE: return test_envelope(r, t);
	case SIEVE_T_SIZE: return t->over ? r->m->len > t->limit : r->m->len < t->limit;
	case SIEVE_T_BODY:
	case SIEVE_T_STRING: return test_strings(r, t);
	case SIEVE_T_HASFLAG: return test_hasflag(r, t);
	}
	return false;
}
