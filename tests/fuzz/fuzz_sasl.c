/* fuzz_sasl.c - libFuzzer target for lib/sasl.c: the base64 decoder and
 * the PLAIN and LOGIN message rules.
 *
 * Byte 0 picks what the rest is: base64 text to decode, octets to encode
 * and decode back, a PLAIN message, or a LOGIN value.  Invariants: the
 * decoder never writes past sasl_b64_decoded_max, whatever it accepts
 * encodes back to exactly the input (the strict decoder accepts one
 * encoding per octet string), encoding then decoding gives the octets
 * back, and an accepted PLAIN message has two NULs, non-empty authcid and
 * passwd of at most 255 octets of UTF-8, and splits back into the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "sasl.h"

static void fz_check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_sasl: invariant broken: %s\n", what);
		abort();
	}
}

/* fz_decode - in is base64 text: accepted means canonical */
static void fz_decode(const uint8_t *in, size_t n)
{
	size_t room = sasl_b64_decoded_max(n), len;
	unsigned char *out = malloc(room ? room : 1);	/* exact: ASan sees overruns */
	struct buf b = BUF_INIT;

	if (sasl_b64_decode((const char *)in, n, out, &len)) {
		fz_check(len <= room, "decoded more than the room said");
		sasl_b64_encode(out, len, &b);
		fz_check(b.len == n && memcmp(b.data, in, n) == 0, "accepted a non-canonical encoding");
	}
	buf_free(&b);
	free(out);
}

/* fz_roundtrip - in is octets: encode, then decode back */
static void fz_roundtrip(const uint8_t *in, size_t n)
{
	struct buf b = BUF_INIT;
	unsigned char *out;
	size_t len;

	sasl_b64_encode(in, n, &b);
	fz_check(b.len == (n + 2) / 3 * 4, "encoded length");
	out = malloc(sasl_b64_decoded_max(b.len) + 1);
	fz_check(sasl_b64_decode(b.data, b.len, out, &len), "own encoding refused");
	fz_check(len == n && memcmp(out, in, n) == 0, "round trip");
	free(out);
	buf_free(&b);
}

/* fz_plain - in is a PLAIN message */
static void fz_plain(const uint8_t *in, size_t n)
{
	char *msg = malloc(n + 1);
	struct sasl_plain p;
	size_t z, c, w;

	memcpy(msg, in, n);
	msg[n] = '\0';
	if (sasl_plain_parse(msg, n, &p)) {
		z = strlen(p.authzid), c = strlen(p.authcid), w = strlen(p.passwd);
		fz_check(z + c + w + 2 == n, "parts do not add up");
		fz_check(c > 0 && w > 0 && z <= 255 && c <= 255 && w <= 255, "part length");
		fz_check(sasl_utf8_valid(p.authzid, z) && sasl_utf8_valid(p.authcid, c) &&
			 sasl_utf8_valid(p.passwd, w), "part not UTF-8");
		fz_check(memcmp(p.authcid, in + z + 1, c) == 0 &&
			 memcmp(p.passwd, in + z + c + 2, w) == 0, "parts not the input");
	}
	free(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		fz_decode(data + 1, size - 1);
		break;
	case 1:
		fz_roundtrip(data + 1, size - 1);
		break;
	case 2:
		fz_plain(data + 1, size - 1);
		break;
	default:
		if (sasl_login_value((const char *)data + 1, size - 1, data[0] & 4))
			fz_check(size - 1 > 0 && size - 1 <= 255 && !memchr(data + 1, 0, size - 1) &&
				 sasl_utf8_valid((const char *)data + 1, size - 1), "LOGIN value");
		break;
	}
	return 0;
}
