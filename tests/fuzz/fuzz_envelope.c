/* fuzz_envelope.c - libFuzzer target: any bytes as an envelope file; what
 * parses must format back to text that parses to the same, byte for byte. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct queue_env env, again;
	struct buf err = BUF_INIT, one = BUF_INIT, two = BUF_INIT;

	if (queue_env_parse((const char *)data, size, &env, &err) == 0) {
		queue_env_format(&env, &one);
		if (queue_env_parse(one.data, one.len, &again, &err) != 0)
			abort();
		queue_env_format(&again, &two);
		if (one.len != two.len || memcmp(one.data, two.data, one.len) != 0)
			abort();
		queue_env_free(&again);
		queue_env_free(&env);
	}
	buf_free(&err);
	buf_free(&one);
	buf_free(&two);
	return 0;
}
