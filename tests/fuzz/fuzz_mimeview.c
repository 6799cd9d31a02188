/* fuzz_mimeview.c - libFuzzer target: any bytes as a message for the pager
 * (never running a mailcap program), as a part to extract, as a header
 * value, and as a mailcap file with its commands split into argv. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "mailcap.h"
#include "mimeview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ids[] = { "1", "2", "1.1", "2.1", "1.2.1" };
	struct mimeview_opts o = { .no_external = true, .width = 20 };
	struct buf b = BUF_INIT;
	struct mailcap mc = { 0 };
	struct mimeview *mv;
	char *s = malloc(size + 1), *h;
	size_t i;

	memcpy(s, data, size);
	s[size] = '\0';
	mv = mimeview_parse((const char *)data, size, &o);
	mimeview_free(mv);
	o.prefer_html = true;
	mv = mimeview_parse((const char *)data, size, &o);
	mimeview_free(mv);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		mimeview_part_data((const char *)data, size, ids[i], &b);
	h = mimeview_decode_header(s);
	free(h);
	mailcap_parse(&mc, s, size);
	for (i = 0; i < mc.n; i++) {
		static const char *const params[] = { "charset", "utf-8", NULL };
		char **argv = mailcap_argv(mc.entries[i].view, "text/html", "/tmp/f x", params, NULL);
		char *cmd = mailcap_command(mc.entries[i].view, "text/html", "/tmp/f x", params);
		mailcap_argv_free(argv);
		free(cmd);
		free(mc.entries[i].type);
		free(mc.entries[i].view);
		free(mc.entries[i].test);
		free(mc.entries[i].nametemplate);
	}
	free(mc.entries);
	buf_free(&b);
	free(s);
	return 0;
}
