/* fuzz_submit.c - libFuzzer target for lib/smtpsrv_submit.c: the header
 * section of a submission as a hostile client sends it.  The input is cut
 * where smtpsrv_header_end says the header ends (resumed from the first
 * offsets, it must find the same end) and fed to smtpsrv_fixup_header with a
 * sender check that owns one address.  Invariants: the end found does not
 * depend on where the search resumed; the fix-ups either refuse with a
 * 5.x.y code or give back the fields unchanged, followed by what was
 * added and then the same empty line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "smtpsrv.h"

static void fz_check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_submit: invariant broken: %s\n", what);
		abort();
	}
}

static bool fz_owner(void *ctx, const char *user, const char *addr)
{
	(void)ctx;
	(void)user;
	return strcmp(addr, "a@b.test") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	const char *p = (const char *)data;
	struct smtpsrv_fixup f = { "h.test", "a", "a@b.test", fz_owner, NULL };
	size_t end = smtpsrv_header_end(p, n, 0), from, hlen, body;
	struct buf out = BUF_INIT;
	struct dsn d;

	for (from = 1; from <= n && from < 64; from++)
		if (end > from && p[0] != '\n')	/* the end lies in what is searched */
			fz_check(smtpsrv_header_end(p, n, from) == end,
				 "the end depends on where the search resumed");
	hlen = end ? end : n;
	body = hlen;
	if (hlen > 0 && p[hlen - 1] == '\n' && (hlen == 1 || p[hlen - 2] == '\n'))
		body = hlen - 1;
	if (smtpsrv_fixup_header(&f, p, hlen, &out, &d) < 0)
		fz_check(d.status == DSN_PERMFAIL && d.code[0] == '5', "a refusal is no 5.x.y");
	else {
		fz_check(out.len >= hlen, "the header shrank");
		fz_check(memcmp(out.data, p, body) == 0, "the fields were changed");
		fz_check(memcmp(out.data + out.len - (hlen - body), p + body, hlen - body) == 0,
			 "the empty line moved");
	}
	buf_free(&out);
	return 0;
}
