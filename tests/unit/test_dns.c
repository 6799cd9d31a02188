/* test_dns.c - MX answers parsed from canned DNS messages: preference order,
 * random order among equals, implicit MX, null MX (RFC 7505), NXDOMAIN,
 * SERVFAIL, compression, and every truncation of a good answer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "dns.h"

/* A DNS message under construction. */
struct pkt {
	unsigned char b[2048];
	int len;
};

static void put16(struct pkt *p, unsigned v)
{
	p->b[p->len++] = (unsigned char)(v >> 8);
	p->b[p->len++] = (unsigned char)v;
}

/* put_name - a name in labels; "" is the root */
static void put_name(struct pkt *p, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t n = dot ? (size_t)(dot - name) : strlen(name);
		p->b[p->len++] = (unsigned char)n;
		memcpy(p->b + p->len, name, n);
		p->len += (int)n;
		name += n + (dot != NULL);
	}
	p->b[p->len++] = 0;
}

/* start - header with rcode and counts, then the question for domain */
static void start(struct pkt *p, unsigned rcode, unsigned ancount, const char *domain)
{
	p->len = 0;
	put16(p, 0x1234);
	put16(p, 0x8180 | rcode);
	put16(p, 1);
	put16(p, ancount);
	put16(p, 0);
	put16(p, 0);
	put_name(p, domain);
	put16(p, 15);	/* MX */
	put16(p, 1);	/* IN */
}

/* add_mx - an MX record for the question's name (compressed pointer to
 * offset 12) with pref and target */
static void add_mx(struct pkt *p, unsigned pref, const char *target)
{
	int rdlen_at;

	put16(p, 0xc00c);
	put16(p, 15);
	put16(p, 1);
	put16(p, 0);
	put16(p, 300);
	rdlen_at = p->len;
	put16(p, 0);
	put16(p, pref);
	put_name(p, target);
	p->b[rdlen_at] = (unsigned char)((p->len - rdlen_at - 2) >> 8);
	p->b[rdlen_at + 1] = (unsigned char)(p->len - rdlen_at - 2);
}

static void test_sorted_by_preference(void **state)
{
	struct pkt p;
	struct dsn d;
	struct dns_mx *mx;
	size_t n;

	start(&p, 0, 3, "example.org");
	add_mx(&p, 20, "mx2.example.org");
	add_mx(&p, 5, "mx0.example.net");
	add_mx(&p, 10, "mx1.example.org");
	mx = dns_mx_parse("example.org", p.b, p.len, &n, &d);
	assert_non_null(mx);
	assert_int_equal(d.status, DSN_OK);
	assert_int_equal(n, 3);
	assert_string_equal(mx[0].host, "mx0.example.net");
	assert_int_equal(mx[0].pref, 5);
	assert_string_equal(mx[1].host, "mx1.example.org");
	assert_string_equal(mx[2].host, "mx2.example.org");
	dns_mx_free(mx, n);
}

/* RFC 5321 5.1: equal preferences in random order - both orders show up */
static void test_equal_preference_random(void **state)
{
	struct pkt p;
	struct dsn d;
	int i, a_first = 0;

	start(&p, 0, 3, "example.org");
	add_mx(&p, 10, "a.example.org");
	add_mx(&p, 10, "b.example.org");
	add_mx(&p, 30, "z.example.org");
	for (i = 0; i < 200; i++) {
		size_t n;
		struct dns_mx *mx = dns_mx_parse("example.org", p.b, p.len, &n, &d);
		assert_int_equal(n, 3);
		assert_string_equal(mx[2].host, "z.example.org");
		a_first += strcmp(mx[0].host, "a.example.org") == 0;
		dns_mx_free(mx, n);
	}
	assert_in_range(a_first, 1, 199);
}

static void test_no_mx_is_implicit(void **state)
{
	struct pkt p;
	struct dsn d;
	struct dns_mx *mx;
	size_t n;

	start(&p, 0, 0, "example.org");
	mx = dns_mx_parse("example.org", p.b, p.len, &n, &d);
	assert_non_null(mx);
	assert_int_equal(n, 1);
	assert_string_equal(mx[0].host, "example.org");
	assert_int_equal(d.status, DSN_OK);
	dns_mx_free(mx, n);
}

/* A CNAME in the answer is skipped; the MX after it counts. */
static void test_cname_then_mx(void **state)
{
	struct pkt p;
	struct dsn d;
	struct dns_mx *mx;
	size_t n;

	start(&p, 0, 2, "alias.example.org");
	put16(&p, 0xc00c);
	put16(&p, 5);	/* CNAME */
	put16(&p, 1);
	put16(&p, 0);
	put16(&p, 300);
	put16(&p, 14);
	put_name(&p, "real.example");	/* 1+4+1+7+1 bytes */
	add_mx(&p, 10, "mx.real.example");
	mx = dns_mx_parse("alias.example.org", p.b, p.len, &n, &d);
	assert_non_null(mx);
	assert_int_equal(n, 1);
	assert_string_equal(mx[0].host, "mx.real.example");
	dns_mx_free(mx, n);
}

static void test_null_mx(void **state)
{
	struct pkt p;
	struct dsn d;
	size_t n;

	start(&p, 0, 1, "nomail.example");
	add_mx(&p, 0, "");
	assert_null(dns_mx_parse("nomail.example", p.b, p.len, &n, &d));
	assert_int_equal(n, 0);
	assert_int_equal(d.status, DSN_PERMFAIL);
	assert_string_equal(d.code, "5.1.10");
}

/* RFC 7505 3: a null MX beside real ones is a mistake; the real ones win */
static void test_null_mx_mixed(void **state)
{
	struct pkt p;
	struct dsn d;
	struct dns_mx *mx;
	size_t n;

	start(&p, 0, 2, "mixed.example");
	add_mx(&p, 0, "");
	add_mx(&p, 10, "mx.mixed.example");
	mx = dns_mx_parse("mixed.example", p.b, p.len, &n, &d);
	assert_non_null(mx);
	assert_int_equal(n, 1);
	assert_string_equal(mx[0].host, "mx.mixed.example");
	dns_mx_free(mx, n);
}

static void test_rcodes(void **state)
{
	static const struct {
		unsigned rcode;
		enum dsn_status st;
		const char *code;
	} t[] = {
		{ 3, DSN_PERMFAIL, "5.1.2" },	/* NXDOMAIN */
		{ 2, DSN_TEMPFAIL, "4.4.3" },	/* SERVFAIL */
		{ 5, DSN_TEMPFAIL, "4.4.3" },	/* REFUSED */
		{ 1, DSN_TEMPFAIL, "4.4.3" },	/* FORMERR */
	};
	struct pkt p;
	struct dsn d;
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		start(&p, t[i].rcode, 0, "x.example");
		assert_null(dns_mx_parse("x.example", p.b, p.len, &n, &d));
		assert_int_equal(n, 0);
		assert_int_equal(d.status, t[i].st);
		assert_string_equal(d.code, t[i].code);
	}
}

/* Every truncation of a good answer is refused as malformed (or, cut
 * inside the header, as short) and never read past its end. */
static void test_truncated(void **state)
{
	struct pkt p;
	struct dsn d;
	int len;

	start(&p, 0, 2, "example.org");
	add_mx(&p, 10, "mx1.example.org");
	add_mx(&p, 20, "mx2.example.org");
	for (len = 0; len < p.len; len++) {
		size_t n;
		unsigned char *copy = malloc((size_t)len + 1);
		memcpy(copy, p.b, (size_t)len);
		assert_null(dns_mx_parse("example.org", copy, len, &n, &d));
		assert_int_equal(d.status, DSN_TEMPFAIL);
		assert_string_equal(d.code, "4.4.3");
		free(copy);
	}
}

/* A compression pointer that points at itself must not loop. */
static void test_pointer_loop(void **state)
{
	struct pkt p;
	struct dsn d;
	size_t n;

	start(&p, 0, 1, "example.org");
	put16(&p, 0xc000 | (unsigned)p.len);	/* points at itself */
	put16(&p, 15);
	assert_null(dns_mx_parse("example.org", p.b, p.len, &n, &d));
	assert_int_equal(d.status, DSN_TEMPFAIL);
}

static void test_address_literal(void **state)
{
	struct dsn d;
	struct dns_mx *mx;
	size_t n;

	mx = dns_mx("[127.0.0.1]", &n, &d);
	assert_non_null(mx);
	assert_int_equal(n, 1);
	assert_string_equal(mx[0].host, "127.0.0.1");
	dns_mx_free(mx, n);
	mx = dns_mx("[IPv6:::1]", &n, &d);
	assert_non_null(mx);
	assert_string_equal(mx[0].host, "::1");
	dns_mx_free(mx, n);
	assert_null(dns_mx("[127.0.0.1", &n, &d));
	assert_int_equal(d.status, DSN_PERMFAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_by_preference),
		cmocka_unit_test(test_equal_preference_random),
		cmocka_unit_test(test_no_mx_is_implicit),
		cmocka_unit_test(test_cname_then_mx),
		cmocka_unit_test(test_null_mx),
		cmocka_unit_test(test_null_mx_mixed),
		cmocka_unit_test(test_rcodes),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_pointer_loop),
		cmocka_unit_test(test_address_literal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
