/* imapmsg_int.h - inside lib/imapmsg: the tree of entities (RFC 3501
 * 6.4.5) built once from libetpan's MIME tree, and the helpers that the
 * files writing IMAP text share. */
#ifndef POCZTA_IMAPMSG_INT_H
#define POCZTA_IMAPMSG_INT_H
#include <libetpan/libetpan.h>
#include "imapmsg.h"

#define IMAPMSG_MAX_DEPTH 64	/* parts deeper than this are read as text */
#define IMAPMSG_MAX_COMPOSITE 1000	/* more Content-Type fields: no tree */
#define IMAPMSG_REPARSE_COMPOSITE 16	/* see part_reparse */

/* One entity: a message, or a body part with its MIME header.  Ranges
 * point into imapmsg.scan.  A multipart has its parts; a message/rfc822
 * part has one, the message it holds. */
struct imapmsg_part {
	const char *hdr, *body;
	size_t hdrlen, bodylen;
	struct mailmime *mime;		/* libetpan's node; NULL: no MIME tree */
	struct mailmime *own;		/* a tree parsed for this part, or NULL */
	struct imapmsg_part *parts;
	size_t nparts;
	bool multipart, message;
};

struct imapmsg {
	char *data;			/* the message with CRLF line ends */
	char *scan;			/* what is parsed: data, or a copy with
					 * deep comments flattened; same len */
	size_t len;
	struct mailmime *root;		/* NULL if libetpan refused it */
	struct imapmsg_part top;	/* the message itself */
};

/* A field of a MIME header value: "type/subtype; name=value; ..."
 * (RFC 2045 5.1, RFC 2183 2), with the case the message wrote. */
struct imapmsg_param {
	char *name, *value;
};
struct imapmsg_ctype {
	char *type, *subtype;		/* subtype NULL for Content-Disposition */
	struct imapmsg_param *params;
	size_t nparams;
};

/* imapmsg_field - the unfolded, trimmed value of the first field name in
 * the header [hdr, hdr+len) into out (may be NULL); false when there is
 * none */
bool imapmsg_field(const char *hdr, size_t len, const char *name, struct buf *out);
/* imapmsg_ctype_parse - split value as Content-Type (want_sub) or
 * Content-Disposition; false if it does not parse.  Free with
 * imapmsg_ctype_free. */
bool imapmsg_ctype_parse(const char *value, bool want_sub, struct imapmsg_ctype *ct);
void imapmsg_ctype_free(struct imapmsg_ctype *ct);

/* imapmsg_string - append s (n octets) as an IMAP string (RFC 3501 4.3):
 * quoted, or a literal when it holds 8-bit, CR or LF; NUL becomes U+FFFD.
 * how: IMAPMSG_STR_ENV writes as Dovecot's ENVELOPE does (a literal for
 * quotes and backslashes too); IMAPMSG_STR_FOLDED forces a literal (the
 * value was folded) */
#define IMAPMSG_STR_ENV 1
#define IMAPMSG_STR_FOLDED 2
void imapmsg_string(struct buf *out, const char *s, size_t n, int how);
/* imapmsg_nstring - s as a string, or NIL when s is NULL */
void imapmsg_nstring(struct buf *out, const char *s, int how);
/* imapmsg_addresses - append the ENVELOPE list of the addresses in value
 * (an unfolded address-list); false, appending nothing, if it has none */
bool imapmsg_addresses(const char *value, struct buf *out);
/* imapmsg_envelope_of - the ENVELOPE of the message whose header is given */
void imapmsg_envelope_of(const char *hdr, size_t len, struct buf *out);

#endif
