/* sasl.h - the pieces of SASL that a mail server and client share: base64
 * (RFC 4648 4) as SMTP AUTH, IMAP and POP3 carry it, and the messages of
 * the PLAIN (RFC 4616) and LOGIN mechanisms.  No I/O, no allocation but
 * what buf does: callers own every buffer and wipe those holding secrets.
 *
 * LOGIN has no RFC (draft-murchison-sasl-login): its username and password
 * are sent as two separate base64 responses; we hold each to the rules
 * RFC 4616 sets for PLAIN's authcid and passwd. */
#ifndef POCZTA_SASL_H
#define POCZTA_SASL_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"

/* Longest identity or password accepted (RFC 4616 2: "up to 255 octets"). */
#define SASL_MAX_FIELD	255

/* sasl_b64_decoded_max - the most octets n characters of base64 decode to:
 * the room sasl_b64_decode needs in out */
size_t sasl_b64_decoded_max(size_t n);
/* sasl_b64_decode - decode base64 in[0..n) into out (sasl_b64_decoded_max(n)
 * octets of room) and set *outlen.  Strict (RFC 4648 3.3, 3.5): length a
 * multiple of 4, only the alphabet, "=" only as the last one or two
 * characters, no whitespace, and the pad bits zero, so each octet string
 * has exactly one accepted encoding.  n 0 decodes to nothing.  Returns
 * false on anything else; out may then hold part of the result. */
bool sasl_b64_decode(const char *in, size_t n, unsigned char *out, size_t *outlen);
/* sasl_b64_encode - append the base64 of p[0..n) to b, padded */
void sasl_b64_encode(const void *p, size_t n, struct buf *b);

/* sasl_utf8_valid - p[0..n) is well-formed UTF-8 (RFC 3629 4: no overlong
 * forms, no surrogates, nothing past U+10FFFF) */
bool sasl_utf8_valid(const char *p, size_t n);

/* An RFC 4616 message split in place; the pointers are into it. */
struct sasl_plain {
	const char *authzid;	/* "" when the client asked for none */
	const char *authcid;
	const char *passwd;
};

/* sasl_plain_parse - split msg[0..n) = authzid NUL authcid NUL passwd
 * (RFC 4616 2): exactly two NULs, authcid and passwd not empty, each part
 * at most SASL_MAX_FIELD octets of valid UTF-8, and no control character
 * in the two identities.  msg[n] must be a NUL the caller put there.
 * False if the message is malformed. */
bool sasl_plain_parse(char *msg, size_t n, struct sasl_plain *out);
/* sasl_login_value - a decoded LOGIN username (ident true) or password
 * p[0..n) is acceptable: the same rules as PLAIN's authcid or passwd */
bool sasl_login_value(const char *p, size_t n, bool ident);

#endif
