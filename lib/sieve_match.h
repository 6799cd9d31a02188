/* sieve_match.h - match types (RFC 5228 2.7.1) under the comparators
 * i;octet and i;ascii-casemap (RFC 4790 9.2, 9.3). */
#ifndef POCZTA_SIEVE_MATCH_H
#define POCZTA_SIEVE_MATCH_H
#include <stdbool.h>
#include <stddef.h>
#include "sieve_int.h"

#define SIEVE_NCAPTURES 10	/* ${0} .. ${9}, RFC 5229 3.2 */

struct sieve_span {
	size_t off, len;
};

/* The parts of the value a :matches pattern's wildcards took: v[0] is the
 * whole value, v[k] the k-th wildcard's text (offsets into the value). */
struct sieve_captures {
	struct sieve_span v[SIEVE_NCAPTURES];
	int n;
};

/* sieve_match - whether value (vlen bytes, may hold NUL) matches key under
 * mt and cmp; for :matches, cap (if not NULL) receives the wildcards' text.
 * Runs in O(vlen * klen) time whatever the pattern. */
bool sieve_match(enum sieve_mt mt, enum sieve_cmp cmp, const char *value, size_t vlen,
		 const char *key, size_t klen, struct sieve_captures *cap);

/* sieve_utf8_len - the length of the UTF-8 character at s (1 for a byte
 * that starts no valid sequence), never more than n */
size_t sieve_utf8_len(const char *s, size_t n);

#endif
