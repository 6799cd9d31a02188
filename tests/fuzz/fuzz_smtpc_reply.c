/* fuzz_smtpc_reply.c - libFuzzer target: any bytes as a server's replies,
 * split into lines at LF, parsed and turned into statuses and extensions. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "smtpc_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtpc_reply r = { 0 };
	const char *p = (const char *)data, *end = p + size, *nl;
	unsigned long max;
	struct dsn d;

	smtpc_reply_reset(&r);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		if (!smtpc_reply_line(&r, p, len)) {
			smtpc_reply_dsn(&r, "fuzz", "FUZZ", &d);
			(void)smtpc_ehlo_parse(&r, &max);
			smtpc_reply_reset(&r);
		}
		p += len + 1;
	}
	smtpc_reply_free(&r);
	return 0;
}
