/* sieve_msg.h - reading a message for Sieve tests without copying it:
 * header fields (RFC 5322 2.2), their unfolded and decoded values (RFC 5228
 * 2.7.2, RFC 2047), addresses and their parts (RFC 5228 2.7.4, RFC 5233),
 * and the body parts the "body" test looks at (RFC 5173). */
#ifndef POCZTA_SIEVE_MSG_H
#define POCZTA_SIEVE_MSG_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "sieve_int.h"

/* One header field as it is in the message: value runs from after the colon
 * to the end of its last continuation line, line ends included. */
struct sieve_hdr {
	const char *name, *value;
	size_t nlen, vlen;
};

/* sieve_msg_body_start - the offset of the body: just after the first empty
 * line, or len when there is none */
size_t sieve_msg_body_start(const char *data, size_t len);
/* sieve_msg_next_header - the field at *pos in the header section (hlen
 * bytes), moving *pos past it; false at the end.  Lines that are no field
 * (no colon) are skipped. */
bool sieve_msg_next_header(const char *data, size_t hlen, size_t *pos, struct sieve_hdr *h);
/* sieve_msg_unfold - v without line ends and surrounding blanks, into out */
void sieve_msg_unfold(const char *v, size_t n, struct buf *out);
/* sieve_msg_decode - unfolded, then RFC 2047 words decoded to UTF-8 */
void sieve_msg_decode(const char *v, size_t n, struct buf *out);

/* sieve_msg_addresses - the addr-specs of the mailboxes in an address list
 * (group members included, RFC 5228 2.7.4), as a NULL-terminated array the
 * caller frees with sieve_msg_addresses_free; NULL if it does not parse */
char **sieve_msg_addresses(const char *v, size_t n);
void sieve_msg_addresses_free(char **a);
/* sieve_msg_addr_part - the part of addr (an addr-spec) to compare, into
 * *p and *n; false if that part does not exist (a :detail without "+") */
bool sieve_msg_addr_part(const char *addr, enum sieve_part part, const char **p, size_t *n);

struct sieve_mime;
/* sieve_body_each - call fn on the text of each body part that tf and types
 * select (RFC 5173 5), until fn returns true; returns whether it did.
 * *cache holds the parsed MIME tree between calls; free it with
 * sieve_body_free. */
bool sieve_body_each(const char *data, size_t len, enum sieve_bodytf tf,
		     const struct sieve_strlist *types, struct sieve_mime **cache,
		     bool (*fn)(void *arg, const char *text, size_t n), void *arg);
void sieve_body_free(struct sieve_mime **cache);

#endif
