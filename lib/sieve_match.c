/* sieve_match.c - :is, :contains and :matches.  The wildcard matcher is
 * iterative with a single backtracking point (the last "*" seen), which is
 * enough for "*" and "?" patterns and bounds the work to O(n*m); earlier
 * "*"s thus take as little as they can, as RFC 5229 3.2's example wants
 * ("[*] *" on "[acme-users] [fwd] ..." gives ${1} = "acme-users"). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sieve_match.h"
#include "xalloc.h"

#define M_STAR (-1)
#define M_ONE (-2)

struct match_tok {
	int c;		/* a byte, M_STAR or M_ONE */
	int w;		/* for wildcards, their number from 1 */
};

size_t sieve_utf8_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t l, i;

	if (c < 0xc0)
		return 1;
	l = c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf8 ? 4 : 1;
	if (l > n)
		return 1;
	for (i = 1; i < l; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return l;
}

static int match_fold(int c, enum sieve_cmp cmp)
{
	if (cmp == SIEVE_CMP_CASEMAP && c >= 'A' && c <= 'Z')
		return c + ('a' - 'A');
	return c;
}

static bool match_eq(int a, int b, enum sieve_cmp cmp)
{
	return match_fold(a, cmp) == match_fold(b, cmp);
}

/* match_is - RFC 5228 2.7.1 :is */
static bool match_is(enum sieve_cmp cmp, const unsigned char *v, size_t vlen,
		     const unsigned char *k, size_t klen)
{
	size_t i;

	if (vlen != klen)
		return false;
	for (i = 0; i < vlen; i++)
		if (!match_eq(v[i], k[i], cmp))
			return false;
	return true;
}

/* match_contains - RFC 5228 2.7.1 :contains, a plain substring search */
static bool match_contains(enum sieve_cmp cmp, const unsigned char *v, size_t vlen,
			   const unsigned char *k, size_t klen)
{
	size_t i;

	if (klen > vlen)
		return false;
	for (i = 0; i + klen <= vlen; i++)
		if (match_is(cmp, v + i, klen, k, klen))
			return true;
	return false;
}

/* match_compile - the pattern's tokens: "\" quotes the next character
 * (RFC 5228 2.7.1); returns their count, tok holds klen entries */
static size_t match_compile(const char *key, size_t klen, struct match_tok *tok)
{
	size_t i, n = 0;
	int w = 0;

	for (i = 0; i < klen; i++) {
		unsigned char c = (unsigned char)key[i];

		tok[n].w = 0;
		if (c == '\\' && i + 1 < klen) {
			tok[n].c = (unsigned char)key[++i];
		} else if (c == '*' || c == '?') {
			tok[n].c = c == '*' ? M_STAR : M_ONE;
			tok[n].w = ++w;
		} else {
			tok[n].c = c;
		}
		n++;
	}
	return n;
}

static void match_capture(struct sieve_captures *cap, int w, size_t off, size_t len)
{
	if (!cap || w >= SIEVE_NCAPTURES)
		return;
	cap->v[w].off = off;
	cap->v[w].len = len;
	if (w >= cap->n)
		cap->n = w + 1;
}

/* match_char - the length of one character for "?" and "*": a byte for
 * i;octet, a UTF-8 character otherwise */
static size_t match_char(const char *s, size_t n, enum sieve_cmp cmp)
{
	return cmp == SIEVE_CMP_OCTET ? 1 : sieve_utf8_len(s, n);
}

/* match_glob - RFC 5228 2.7.1 :matches over the compiled pattern */
static bool match_glob(const struct match_tok *tok, size_t m, const char *s, size_t n,
		       enum sieve_cmp cmp, struct sieve_captures *cap)
{
	size_t p = 0, i = 0, star_p = SIZE_MAX, star_i = 0, star_start = 0;

	while (i < n) {
		if (p < m && tok[p].c == M_ONE) {
			size_t l = match_char(s + i, n - i, cmp);

			match_capture(cap, tok[p++].w, i, l);
			i += l;
		} else if (p < m && tok[p].c == M_STAR) {
			star_p = p;
			star_i = star_start = i;
			match_capture(cap, tok[p++].w, i, 0);
		} else if (p < m && match_eq(tok[p].c, (unsigned char)s[i], cmp)) {
			p++;
			i++;
		} else if (star_p != SIZE_MAX) {
			star_i += match_char(s + star_i, n - star_i, cmp);
			p = star_p + 1;
			i = star_i;
			match_capture(cap, tok[star_p].w, star_start, star_i - star_start);
		} else {
			return false;
		}
	}
	for (; p < m && tok[p].c == M_STAR; p++)
		match_capture(cap, tok[p].w, n, 0);
	return p == m;
}

/* match_matches - :matches with captures; cap is only changed on success */
static bool match_matches(enum sieve_cmp cmp, const char *v, size_t vlen,
			  const char *k, size_t klen, struct sieve_captures *cap)
{
	struct match_tok small[64], *tok = klen <= 64 ? small : xreallocarray(NULL, klen, sizeof *tok);
	struct sieve_captures c;
	size_t m = match_compile(k, klen, tok);
	bool ok;

	memset(&c, 0, sizeof c);
	c.n = 1;
	c.v[0].len = vlen;
	ok = match_glob(tok, m, v, vlen, cmp, &c);
	if (tok != small)
		free(tok);
	if (ok && cap)
		*cap = c;
	return ok;
}

bool sieve_match(enum sieve_mt mt, enum sieve_cmp cmp, const char *value, size_t vlen,
		 const char *key, size_t klen, struct sieve_captures *cap)
{
	const unsigned char *v = (const unsigned char *)value;
	const unsigned char *k = (const unsigned char *)key;

	switch (mt) {
	case SIEVE_MT_IS:
		return match_is(cmp, v, vlen, k, klen);
	case SIEVE_MT_CONTAINS:
		return match_contains(cmp, v, vlen, k, klen);
	case SIEVE_MT_MATCHES:
		return match_matches(cmp, value, vlen, key, klen, cap);
	}
	return false;
}
