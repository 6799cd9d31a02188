/* fuzz_compose.c - libFuzzer target: any bytes as the editor's file, and
 * as an original message replied to (r, g, L), forwarded (inline and
 * attached) and read back as a draft; every compose that results is
 * built, and what is built must read back. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "compose.h"

static char *const alternates[] = { "me@old.example", NULL };
static const struct compose_opts opts = {
	.from = "Me <me@example.org>", .alternates = alternates, .signature = "Me",
	.attribution = "On %d, %n wrote:", .hostname = "fuzz.example", .now = 1700000000,
};

/* fuzz_build - build c (with a recipient, without files from the
 * input's Attach: lines); a built message must read back */
static void fuzz_build(struct compose *c)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct compose back;

	for (size_t i = c->natt; i-- > 0;)
		if (c->att[i].path)
			compose_att_remove(c, i);
	if (!c->to)
		c->to = strdup("you@example.net");
	if (compose_build_draft(c, &opts, &out, &err) == 0) {
		compose_init(&back);
		if (compose_from_message(&back, out.data, out.len, &err) != 0)
			abort();
		compose_free(&back);
	}
	buf_free(&out);
	buf_free(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	struct buf err = BUF_INIT;
	struct compose c;

	compose_init(&c);
	if (compose_editor_read(&c, d, size, &err) == 0)
		fuzz_build(&c);
	compose_free(&c);
	for (int k = COMPOSE_REPLY; k <= COMPOSE_LIST; k++) {
		if (compose_reply(&c, &opts, k, d, size, &err) == 0)
			fuzz_build(&c);
		compose_free(&c);
	}
	for (int a = 0; a < 2; a++) {
		if (compose_forward(&c, &opts, a, d, size, &err) == 0)
			fuzz_build(&c);
		compose_free(&c);
	}
	if (compose_from_message(&c, d, size, &err) == 0)
		fuzz_build(&c);
	compose_free(&c);
	buf_free(&err);
	return 0;
}
