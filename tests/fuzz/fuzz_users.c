/* fuzz_users.c - libFuzzer target: any bytes as a users file, then every
 * look-up and a save-format round trip through users_set. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "buf.h"
#include "users.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf errors = BUF_INIT;
	struct users *u = users_parse("fuzz", (const char *)data, size, &errors);
	size_t i, j;

	for (i = 0; i < users_count(u); i++) {
		const struct user *user = users_at(u, i);
		if (users_find(u, user->name) != user)
			abort();
		for (j = 0; j < user->naddresses; j++)
			if (users_find_address(u, user->addresses[j]) != user)
				abort();
	}
	(void)users_set(u, "fuzz", "*", NULL, &errors);
	users_free(u);
	buf_free(&errors);
	return 0;
}
