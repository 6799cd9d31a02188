/* fuzz_imapmsg.c - libFuzzer target for lib/imapmsg: any bytes are a
 * message.  Every answer is computed; invariants: RFC822.SIZE is the input
 * with LF made CRLF, BODY[] is that many octets with no NUL (RFC 3501 9:
 * CHAR8), BODY[HEADER] and BODY[TEXT] add up to it, and parentheses in
 * BODYSTRUCTURE outside strings balance. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "imapmsg.h"

static void fz_check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_imapmsg: invariant broken: %s\n", what);
		abort();
	}
}

/* fz_balanced - parentheses outside quoted strings and literals */
static bool fz_balanced(const struct buf *b)
{
	size_t i;
	long depth = 0;

	for (i = 0; i < b->len; i++) {
		char c = b->data[i];

		if (c == '"') {
			for (i++; i < b->len && b->data[i] != '"'; i++)
				if (b->data[i] == '\\')
					i++;
		} else if (c == '{') {
			unsigned long n = strtoul(b->data + i + 1, NULL, 10);
			char *close = strchr(b->data + i, '}');

			if (!close || close[1] != '\r' || close[2] != '\n')
				return false;
			i = (size_t)(close - b->data) + 2 + n;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth < 0) {
			return false;
		}
	}
	return depth == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const specs[] = {
		"1", "2", "1.1", "1.2", "2.1", "1.MIME", "2.MIME", "1.HEADER", "2.TEXT", "1.1.1",
		"HEADER.FIELDS (FROM CONTENT-TYPE)", "2.HEADER.FIELDS.NOT (TO)", "3.2.1.MIME",
	};
	struct imapmsg *m = imapmsg_parse((const char *)data, size);
	struct buf all = BUF_INIT, h = BUF_INIT, t = BUF_INIT, b = BUF_INIT;
	size_t i, lf = 0;

	for (i = 0; i < size; i++)
		lf += data[i] == '\n' && (i == 0 || data[i - 1] != '\r');
	fz_check(imapmsg_size(m) == size + lf, "RFC822.SIZE");
	fz_check(imapmsg_section(m, "", &all) && all.len == size + lf, "BODY[] length");
	fz_check(!memchr(all.data ? all.data : "", '\0', all.len), "NUL in BODY[]");
	fz_check(imapmsg_section(m, "HEADER", &h) && imapmsg_section(m, "TEXT", &t) &&
		 h.len + t.len == all.len, "HEADER + TEXT");
	imapmsg_envelope(m, &b);
	fz_check(fz_balanced(&b), "ENVELOPE parentheses");
	buf_reset(&b);
	imapmsg_bodystructure(m, true, &b);
	fz_check(fz_balanced(&b), "BODYSTRUCTURE parentheses");
	buf_reset(&b);
	imapmsg_bodystructure(m, false, &b);
	fz_check(fz_balanced(&b), "BODY parentheses");
	for (i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		buf_reset(&b);
		fz_check(imapmsg_section(m, specs[i], &b), "valid section refused");
		fz_check(b.len <= all.len + 4, "section longer than the message");
	}
	(void)imapmsg_header_has(m, "subject", "x");
	(void)imapmsg_body_has(m, "ab");
	(void)imapmsg_text_has(m, "");
	(void)imapmsg_date(m);
	buf_free(&all);
	buf_free(&h);
	buf_free(&t);
	buf_free(&b);
	imapmsg_free(m);
	return 0;
}
