/* fuzz_dns.c - libFuzzer target: any bytes as the answer to an MX query. */
#include <stddef.h>
#include <stdint.h>
#include "dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsn d;
	struct dns_mx *mx;
	size_t n;

	if (size > 65535)
		return 0;
	mx = dns_mx_parse("fuzz.example", data, (int)size, &n, &d);
	if (mx)
		dns_mx_free(mx, n);
	return 0;
}
