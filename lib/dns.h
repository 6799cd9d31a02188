/* dns.h - where mail for a domain goes (RFC 5321 5.1): its MX hosts by
 * preference, else the domain itself (implicit MX); a null MX (RFC 7505)
 * means the domain takes no mail. */
#ifndef POCZTA_DNS_H
#define POCZTA_DNS_H
#include <stddef.h>
#include "dsn.h"

struct dns_mx {
	char *host;
	int pref;
};

/* dns_mx - the hosts to try for domain, best first (equal preferences in
 * random order); *n set.  NULL with d set: tempfail (4.4.3) when DNS did not
 * answer, permfail 5.1.2 for a domain that does not exist, 5.1.10 for a null
 * MX.  Free with dns_mx_free. */
struct dns_mx *dns_mx(const char *domain, size_t *n, struct dsn *d);
void dns_mx_free(struct dns_mx *mx, size_t n);

/* dns_mx_parse - as dns_mx, from the raw answer (len bytes) to an MX query
 * for domain: for tests with canned answers, and callers that did the query
 * themselves.  Reads nothing outside ans[0..len). */
struct dns_mx *dns_mx_parse(const char *domain, const unsigned char *ans, int len,
			    size_t *n, struct dsn *d);

#endif
