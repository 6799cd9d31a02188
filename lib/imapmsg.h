/* imapmsg.h - what IMAP4rev1 says about one message, computed from its
 * bytes with libetpan's MIME parser (mailmime_parse and mailimf): ENVELOPE,
 * BODYSTRUCTURE, BODY[section], and the SEARCH keys that look inside a
 * message.  Pure: bytes in, IMAP text out; no files, no sockets.
 *
 * Input is the message as a Maildir stores it (LF line ends; CRLF is also
 * accepted).  Everything produced for the client uses CRLF, and sizes count
 * CRLF (RFC 3501 2.3.4, RFC822.SIZE).  Any bytes parse: malformed MIME is
 * read as text/plain, never refused, never a crash. */
#ifndef POCZTA_IMAPMSG_H
#define POCZTA_IMAPMSG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "buf.h"

struct imapmsg;

/* imapmsg_parse - parse len bytes (copied: data may be freed after) */
struct imapmsg *imapmsg_parse(const char *data, size_t len);
void imapmsg_free(struct imapmsg *m);

/* imapmsg_size - RFC822.SIZE: the octets with CRLF line ends */
uint64_t imapmsg_size(const struct imapmsg *m);

/* imapmsg_envelope - append the ENVELOPE's parenthesized list (RFC 3501
 * 7.4.2), strings quoted or as literals {n}CRLF when they hold 8-bit,
 * quotes, backslashes, CR or LF; NIL for what is absent */
void imapmsg_envelope(const struct imapmsg *m, struct buf *out);

/* imapmsg_bodystructure - append BODYSTRUCTURE (ext true, with the
 * extension data) or BODY (ext false) as RFC 3501 7.4.2 writes them */
void imapmsg_bodystructure(const struct imapmsg *m, bool ext, struct buf *out);

/* imapmsg_section - append the octets of BODY[spec] (RFC 3501 6.4.5), spec
 * being what is between the brackets, upper or lower case: "", "HEADER",
 * "TEXT", "HEADER.FIELDS (FROM TO)", "HEADER.FIELDS.NOT (...)", "1", "1.2",
 * "1.2.MIME", "2.HEADER", "3.TEXT", ...  Returns false when spec is not
 * valid syntax (the caller answers BAD); a part that does not exist appends
 * nothing and returns true (an empty string, as Dovecot answers).  A
 * partial <origin.octets> is applied by the caller on what was appended. */
bool imapmsg_section(const struct imapmsg *m, const char *spec, struct buf *out);

/* SEARCH (RFC 3501 6.4.4): case-insensitive substring matching on decoded
 * text: RFC 2047 words in headers, quoted-printable and base64 bodies,
 * charsets converted to UTF-8; needle is UTF-8. */
/* imapmsg_header_has - HEADER field needle (and FROM, TO, CC, BCC, SUBJECT);
 * an empty needle matches any message that has the field */
bool imapmsg_header_has(const struct imapmsg *m, const char *field, const char *needle);
/* imapmsg_body_has - BODY needle: in the text of the body's parts */
bool imapmsg_body_has(const struct imapmsg *m, const char *needle);
/* imapmsg_text_has - TEXT needle: in the header or the body */
bool imapmsg_text_has(const struct imapmsg *m, const char *needle);
/* imapmsg_date - the Date: header as a time (SENTBEFORE, SENTON,
 * SENTSINCE), or (time_t)-1 when it is missing or cannot be read */
time_t imapmsg_date(const struct imapmsg *m);
/* imapmsg_sent_day - the day of the Date: header as written, in its own
 * zone: RFC 3501 6.4.4 SENTBEFORE, SENTON and SENTSINCE disregard time and
 * timezone.  Returns false when there is no readable Date:. */
bool imapmsg_sent_day(const struct imapmsg *m, int *year, int *month, int *day);

#endif
