/* mimeguard.h - what a message must be made safe from before libetpan's
 * RFC 5322 and MIME parsers read it.  They recurse once per nested comment
 * (RFC 5322 3.2.2) and once per nested part (RFC 2046 5): a header field of
 * a few hundred kilobytes of "(", or a message nested thousands of parts
 * deep, overflows the stack or takes seconds.  Every program that hands
 * mail to libetpan (the MDA's Sieve, the IMAP server, the client's pager,
 * poczta-ctl trace) goes through these first. */
#ifndef POCZTA_MIMEGUARD_H
#define POCZTA_MIMEGUARD_H
#include <stdbool.h>
#include <stddef.h>

#define MIMEGUARD_MAX_COMMENT 64	/* nested comments kept as they are */

/* mimeguard_flatten - data as libetpan may read it: past
 * MIMEGUARD_MAX_COMMENT levels of comment a "(" becomes a blank, in a copy
 * of the same length (so offsets into it are offsets into data).  Returns
 * data itself when nothing had to change, else a new NUL-terminated copy
 * the caller frees. */
char *mimeguard_flatten(const char *data, size_t len);
/* mimeguard_too_deep - whether [s, s+n) has more than limit Content-Type
 * fields: each level of nesting needs one, so this bounds the depth the
 * parser would go to (every field counts, whatever its value: a comment or
 * a fold could hide the type from a quick look) */
bool mimeguard_too_deep(const char *s, size_t n, size_t limit);

#endif
