/* compose_int.h - what the compose_*.c files share; not for other users. */
#ifndef POCZTA_COMPOSE_INT_H
#define POCZTA_COMPOSE_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "compose.h"

/* RFC 5322 2.1.1: a line is at most 998 octets, and should be at most 78 */
#define CE_LINE_MAX	998
#define CE_LINE_SOFT	78

/* ce_ascii - whether s[0..n) is all 7-bit */
bool ce_ascii(const char *s, size_t n);
/* ce_qp - append s[0..n) (LF line ends) quoted-printable (RFC 2045 6.7) */
void ce_qp(struct buf *out, const char *s, size_t n);
/* ce_base64 - append base64 in lines of 76 characters (RFC 2045 6.8) */
void ce_base64(struct buf *out, const void *p, size_t n);
/* ce_text - append unstructured text s (UTF-8) with RFC 2047 encoded words
 * where it is not ASCII */
void ce_text(struct buf *out, const char *s);
/* ce_phrase - append a display name (UTF-8) as atoms, a quoted string or
 * RFC 2047 encoded words (RFC 2047 5 (3)) */
void ce_phrase(struct buf *out, const char *s);
/* ce_field - append "name: value" folded at its spaces (RFC 5322 2.2.3);
 * -1 with err when a line would still be over 998 octets */
int ce_field(struct buf *out, const char *name, const char *value, struct buf *err);
/* ce_param - append "; name=value" to a MIME header, RFC 2231 encoded
 * (with continuations) when value is not a short ASCII token */
void ce_param(struct buf *out, const char *name, const char *value);
/* ce_flowed - append text as RFC 3676 format=flowed */
void ce_flowed(struct buf *out, const char *s, size_t n);
/* ce_unflow - append flowed text s joined back into its lines (RFC 3676
 * 4.2 soft breaks removed, 4.4 space-stuffing undone) */
void ce_unflow(struct buf *out, const char *s, size_t n);
/* ce_addrlist - parse the typed address list of field with libetpan: the
 * list re-written for the header into out (when out is not NULL), every
 * addr-spec appended to *addrs (when addrs is not NULL); a bare local
 * part (a local alias or user) gets "@domain", or is an error when domain
 * is NULL; -1 with err naming the field when it does not parse */
int ce_addrlist(const char *field, const char *typed, const char *domain, struct buf *out,
		char ***addrs, struct buf *err);
/* ce_domain - the domain of c's From, or NULL; newly allocated */
char *ce_domain(const struct compose *c);
/* ce_blank - whether s is NULL or only white space */
bool ce_blank(const char *s);
/* ce_random_hex - 2*n random hex digits from RAND_bytes into out */
void ce_random_hex(struct buf *out, size_t n);

/* an address list taken from a message: what the user would type for
 * each mailbox ("Name <addr>", name decoded) and its bare addr-spec */
struct ce_alist {
	char **typed;
	char **addrs;
};

/* ce_orig_field - the value of the first field name in the header of
 * msg, unfolded and trimmed, or NULL; newly allocated */
char *ce_orig_field(const char *msg, size_t len, const char *name);
/* ce_alist_add - the mailboxes of a raw address field (groups flattened,
 * display names decoded from RFC 2047), skipping addresses already in l
 * and those in skip (NULL-terminated, may be NULL); false when raw does
 * not parse */
bool ce_alist_add(struct ce_alist *l, const char *raw, char *const *skip);
/* ce_alist_join - the typed list joined with ", ", or NULL when empty;
 * newly allocated */
char *ce_alist_join(const struct ce_alist *l);
void ce_alist_free(struct ce_alist *l);
/* ce_parseable - msg has a header section libetpan reads; else false
 * with err */
bool ce_parseable(const char *msg, size_t len, struct buf *err);
struct mimeview_part;
/* ce_att_part - an in-memory attachment of c from a part of a message:
 * its decoded octets (taken from data), its type, name and description */
void ce_att_part(struct compose *c, struct buf *data, const struct mimeview_part *pt);
/* ce_sigblock - append "-- \n" and the signature, when there is one */
void ce_sigblock(struct buf *out, const char *signature);
/* ce_build - compose_build, with the Bcc field when bcc */
int ce_build(struct compose *c, const struct compose_opts *o, bool bcc, struct buf *out,
	     struct buf *err);

#endif
