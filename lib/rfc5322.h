/* rfc5322.h - small pieces of RFC 5322 every agent needs. */
#ifndef POCZTA_RFC5322_H
#define POCZTA_RFC5322_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* rfc5322_date - "Sun, 22 Nov 2026 10:00:00 +0100" for t in local time
 * (RFC 5322 3.3), independent of the locale; out has at least 40 bytes */
void rfc5322_date(time_t t, char *out, size_t size);
/* rfc5322_header_end - the length of the header section of msg (up to and
 * including the empty line, or all of msg when there is none) */
size_t rfc5322_header_end(const char *msg, size_t len);
/* rfc5322_has_field_value - whether the header section has a field name:
 * whose unfolded, trimmed value equals value, ignoring ASCII case */
bool rfc5322_has_field_value(const char *hdr, size_t len, const char *name, const char *value);

#endif
