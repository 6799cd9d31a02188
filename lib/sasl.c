/* sasl.c - base64 (RFC 4648 4) and the SASL PLAIN (RFC 4616) and LOGIN
 * messages.  The decoder is written out rather than built on OpenSSL's
 * EVP_DecodeBlock, which skips whitespace and counts padding as data: the
 * checks it would need around it are longer than the decoder itself. */
#include <string.h>
#include "sasl.h"

static const char sasl_b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* sasl_b64_value - the 6 bits a base64 character stands for, or -1 */
static int sasl_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

size_t sasl_b64_decoded_max(size_t n)
{
	return n / 4 * 3;
}

/* sasl_b64_quantum - decode the 4 characters q, the last of the input when
 * last; returns the octets written to out (1 to 3), or 0 if malformed */
static size_t sasl_b64_quantum(const char *q, bool last, unsigned char *out)
{
	int v[4];
	size_t i, pad = 0;
	unsigned long bits;

	if (last)
		pad = q[3] != '=' ? 0 : q[2] != '=' ? 1 : 2;
	for (i = 0; i < 4 - pad; i++)
		if ((v[i] = sasl_b64_value((unsigned char)q[i])) < 0)
			return 0;
	for (; i < 4; i++)
		v[i] = 0;
	bits = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 |
	       (unsigned long)v[2] << 6 | (unsigned long)v[3];
	/* RFC 4648 3.5: pad bits must be zero for the encoding to be canonical */
	if ((pad == 1 && (bits & 0xff)) || (pad == 2 && (bits & 0xffff)))
		return 0;
	out[0] = (unsigned char)(bits >> 16);
	out[1] = (unsigned char)(bits >> 8);
	out[2] = (unsigned char)bits;
	return 3 - pad;
}

bool sasl_b64_decode(const char *in, size_t n, unsigned char *out, size_t *outlen)
{
	size_t i, k;

	*outlen = 0;
	if (n % 4)
		return false;
	for (i = 0; i < n; i += 4) {
		k = sasl_b64_quantum(in + i, i + 4 == n, out + *outlen);
		if (k == 0)
			return false;
		*outlen += k;
	}
	return true;
}

void sasl_b64_encode(const void *p, size_t n, struct buf *b)
{
	const unsigned char *u = p;
	unsigned long bits;
	char q[4];
	size_t i;

	for (i = 0; i < n; i += 3) {
		bits = (unsigned long)u[i] << 16;
		if (i + 1 < n)
			bits |= (unsigned long)u[i + 1] << 8;
		if (i + 2 < n)
			bits |= u[i + 2];
		q[0] = sasl_b64_alphabet[bits >> 18 & 63];
		q[1] = sasl_b64_alphabet[bits >> 12 & 63];
		q[2] = i + 1 < n ? sasl_b64_alphabet[bits >> 6 & 63] : '=';
		q[3] = i + 2 < n ? sasl_b64_alphabet[bits & 63] : '=';
		buf_append(b, q, 4);
	}
	if (n == 0)
		buf_append(b, "", 0);
}

/* sasl_utf8_len - the length of the well-formed UTF-8 sequence at p (at
 * most n octets left), or 0 (RFC 3629 4, the table of valid sequences) */
static size_t sasl_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	len = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (p[0] == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (p[0] == 0xed)
		hi = 0x9f;		/* surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90;		/* overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f;		/* past U+10FFFF */
	if (len > n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

bool sasl_utf8_valid(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t k;

	while (n > 0) {
		if ((k = sasl_utf8_len(u, n)) == 0)
			return false;
		u += k;
		n -= k;
	}
	return true;
}

/* sasl_field_ok - one part of a PLAIN or LOGIN message: UTF-8 (RFC 4616 2
 * UTF8SAFE, so no NUL), not too long, and for an identity no C0 control or
 * DEL, which SASLprep prohibits (RFC 4013 2.3, RFC 3454 C.2.1) and which
 * would let a user name forge a line in a log */
static bool sasl_field_ok(const char *p, size_t n, bool ident)
{
	size_t i;

	if (n > SASL_MAX_FIELD || memchr(p, '\0', n) || !sasl_utf8_valid(p, n))
		return false;
	for (i = 0; ident && i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return false;
	return true;
}

bool sasl_login_value(const char *p, size_t n, bool ident)
{
	return n > 0 && sasl_field_ok(p, n, ident);
}

bool sasl_plain_parse(char *msg, size_t n, struct sasl_plain *out)
{
	char *nul1 = memchr(msg, '\0', n), *nul2, *end = msg + n;

	if (!nul1 || !(nul2 = memchr(nul1 + 1, '\0', (size_t)(end - nul1 - 1))))
		return false;
	if (memchr(nul2 + 1, '\0', (size_t)(end - nul2 - 1)))
		return false;	/* a third NUL: RFC 4616 2 has exactly two */
	if (!sasl_field_ok(msg, (size_t)(nul1 - msg), true) ||
	    !sasl_login_value(nul1 + 1, (size_t)(nul2 - nul1 - 1), true) ||
	    !sasl_login_value(nul2 + 1, (size_t)(end - nul2 - 1), false))
		return false;
	out->authzid = msg;
	out->authcid = nul1 + 1;
	out->passwd = nul2 + 1;
	return true;
}
