/* dns.c - where mail for a domain goes (RFC 5321 5.1): MX records by
 * preference, else the domain itself (implicit MX), a null MX (RFC 7505)
 * meaning the domain takes no mail.
 *
 * The query goes through glibc's resolver (res_nquery, in libc since 2.34,
 * so no -lresolv), to the servers /etc/resolv.conf names.  The answer is
 * parsed here by dns_mx_parse, which takes bytes, so that tests can feed it
 * canned answers; dn_expand (also libc) undoes name compression. */
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dns.h"
#include "xalloc.h"

/* dns_get16 - a big-endian 16-bit field */
static unsigned dns_get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* dns_skip_question - the offset just past the question section, -1 if
 * the answer is truncated or malformed */
static int dns_skip_question(const unsigned char *ans, int len, int off, unsigned qd)
{
	char name[NS_MAXDNAME];

	while (qd-- > 0) {
		int n = dn_expand(ans, ans + len, ans + off, name, sizeof(name));
		if (n < 0 || off + n + 4 > len)
			return -1;
		off += n + 4;	/* QTYPE, QCLASS */
	}
	return off;
}

/* dns_add - append one MX to the growing array *v of *n entries */
static void dns_add(struct dns_mx **v, size_t *n, const char *host, int pref)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].host = xstrdup(host);
	(*v)[*n].pref = pref;
	(*n)++;
}

/* dns_read_mx - the MX records of the answer section into *v (caller frees);
 * 0, or -1 when the answer is malformed */
static int dns_read_mx(const unsigned char *ans, int len, int off, unsigned an,
		       struct dns_mx **v, size_t *n)
{
	char name[NS_MAXDNAME];

	while (an-- > 0) {
		unsigned type, class, rdlen;
		int k = dn_expand(ans, ans + len, ans + off, name, sizeof(name));
		if (k < 0 || off + k + 10 > len)
			return -1;
		off += k;
		type = dns_get16(ans + off);
		class = dns_get16(ans + off + 2);
		rdlen = dns_get16(ans + off + 8);
		off += 10;
		if (off + (int)rdlen > len)
			return -1;
		if (type == ns_t_mx && class == ns_c_in) {
			if (rdlen < 3 || dn_expand(ans, ans + off + rdlen, ans + off + 2,
						   name, sizeof(name)) < 0)
				return -1;
			dns_add(v, n, name, (int)dns_get16(ans + off));
		}
		off += (int)rdlen;
	}
	return 0;
}

/* dns_is_root - whether an MX target is the root, "." (RFC 7505 3) */
static int dns_is_root(const char *host)
{
	return host[0] == '\0' || strcmp(host, ".") == 0;
}

/* dns_cmp - by preference */
static int dns_cmp(const void *a, const void *b)
{
	const struct dns_mx *x = a, *y = b;

	return x->pref != y->pref ? (x->pref < y->pref ? -1 : 1) : 0;
}

/* dns_mx_order - drop null-MX entries when real ones exist (a broken
 * mixture, RFC 7505 3), sort by preference, shuffle equal preferences
 * (RFC 5321 5.1) */
static void dns_mx_order(struct dns_mx *v, size_t *n)
{
	size_t i, j, k;

	for (i = j = 0; i < *n; i++) {
		if (dns_is_root(v[i].host))
			free(v[i].host);
		else
			v[j++] = v[i];
	}
	*n = j;
	for (i = *n; i > 1; i--) {	/* Fisher-Yates shuffle */
		struct dns_mx t;
		k = arc4random_uniform((uint32_t)i);
		t = v[i - 1], v[i - 1] = v[k], v[k] = t;
	}
	/* equal preferences stay in the shuffled order or another one: random
	 * either way, as qsort owes no order to equal keys */
	qsort(v, *n, sizeof(*v), dns_cmp);
}

/* dns_mx_finish - what the MX records found (v, *n; taken over) mean:
 * none: the domain itself (RFC 5321 5.1 implicit MX); only null MX
 * records: permfail 5.1.10 (RFC 7505 4.1) */
static struct dns_mx *dns_mx_finish(const char *domain, struct dns_mx *v, size_t *n, struct dsn *d)
{
	size_t i, roots = 0;

	for (i = 0; i < *n; i++)
		roots += dns_is_root(v[i].host) != 0;
	if (*n > 0 && roots == *n) {
		dns_mx_free(v, *n);
		*n = 0;
		dsn_set(d, DSN_PERMFAIL, "5.1.10", "domain %s accepts no mail (null MX)", domain);
		return NULL;
	}
	if (*n > 0) {
		dns_mx_order(v, n);
		dsn_ok(d, "%zu MX host(s) for %s", *n, domain);
		return v;
	}
	free(v);
	v = NULL;
	dns_add(&v, n, domain, 0);
	dsn_ok(d, "no MX for %s: the domain itself", domain);
	return v;
}

/* dns_mx_parse - the hosts to try for domain from a raw DNS answer to its MX
 * query (ans, len bytes); same contract as dns_mx.  Split out so that tests
 * can feed canned answers. */
struct dns_mx *dns_mx_parse(const char *domain, const unsigned char *ans, int len,
			    size_t *n, struct dsn *d)
{
	struct dns_mx *v = NULL;
	unsigned rcode, qd, an;
	int off;

	*n = 0;
	if (len < NS_HFIXEDSZ) {
		dsn_set(d, DSN_TEMPFAIL, "4.4.3", "MX lookup for %s: short answer", domain);
		return NULL;
	}
	rcode = ans[3] & 0x0f;
	qd = dns_get16(ans + 4);
	an = dns_get16(ans + 6);
	if (rcode == ns_r_nxdomain) {
		dsn_set(d, DSN_PERMFAIL, "5.1.2", "domain %s does not exist", domain);
		return NULL;
	}
	if (rcode != ns_r_noerror) {
		dsn_set(d, DSN_TEMPFAIL, "4.4.3", "MX lookup for %s failed (rcode %u)", domain, rcode);
		return NULL;
	}
	off = dns_skip_question(ans, len, NS_HFIXEDSZ, qd);
	if (off < 0 || dns_read_mx(ans, len, off, an, &v, n) < 0) {
		dns_mx_free(v, *n);
		*n = 0;
		dsn_set(d, DSN_TEMPFAIL, "4.4.3", "MX lookup for %s: malformed answer", domain);
		return NULL;
	}
	return dns_mx_finish(domain, v, n, d);
}

/* dns_literal - an address literal "[192.0.2.1]" or "[IPv6:2001:db8::1]"
 * (RFC 5321 4.1.3) is its own host: the address without the brackets */
static struct dns_mx *dns_literal(const char *domain, size_t *n, struct dsn *d)
{
	struct dns_mx *v = NULL;
	const char *a = domain + 1;
	size_t len = strlen(a);
	char *host;

	*n = 0;
	if (len < 2 || a[len - 1] != ']') {
		dsn_set(d, DSN_PERMFAIL, "5.1.2", "bad address literal %s", domain);
		return NULL;
	}
	if (strncasecmp(a, "IPv6:", 5) == 0)
		a += 5, len -= 5;
	host = xstrndup(a, len - 1);
	dns_add(&v, n, host, 0);
	free(host);
	dsn_ok(d, "address literal %s", domain);
	return v;
}

/* dns_mx_herror - what a failed query means, from the resolver's h_errno:
 * no such domain is permanent, a name with no MX falls back to the domain
 * itself, everything else is DNS not answering (4.4.3) */
static struct dns_mx *dns_mx_herror(const char *domain, int herr, size_t *n, struct dsn *d)
{
	*n = 0;
	switch (herr) {
	case HOST_NOT_FOUND:
		dsn_set(d, DSN_PERMFAIL, "5.1.2", "domain %s does not exist", domain);
		return NULL;
	case NO_DATA:
		return dns_mx_finish(domain, NULL, n, d);
	default:
		dsn_set(d, DSN_TEMPFAIL, "4.4.3", "MX lookup for %s: %s", domain, hstrerror(herr));
		return NULL;
	}
}

struct dns_mx *dns_mx(const char *domain, size_t *n, struct dsn *d)
{
	struct __res_state st;
	unsigned char ans[NS_MAXMSG];
	int len, herr;

	*n = 0;
	if (domain[0] == '[')
		return dns_literal(domain, n, d);
	memset(&st, 0, sizeof(st));
	if (res_ninit(&st) != 0) {
		dsn_set(d, DSN_TEMPFAIL, "4.4.3", "MX lookup for %s: no resolver", domain);
		return NULL;
	}
	len = res_nquery(&st, domain, ns_c_in, ns_t_mx, ans, (int)sizeof(ans));
	herr = st.res_h_errno;
	res_nclose(&st);
	if (len >= 0)
		return dns_mx_parse(domain, ans, len > (int)sizeof(ans) ? (int)sizeof(ans) : len, n, d);
	return dns_mx_herror(domain, herr, n, d);
}

void dns_mx_free(struct dns_mx *mx, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(mx[i].host);
	free(mx);
}
