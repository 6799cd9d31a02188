/* fuzz_imapd.c - libFuzzer target for the IMAP engine (lib/imapd*.c) and
 * the mailbox store under it (lib/mstore*.c).
 *
 * Input: byte 0 picks the read size and whether LOGIN is allowed in clear
 * or STARTTLS is offered; the rest is what the client sends, in segments
 * separated by "\xff\xfe" (between segments a pending STARTTLS handshake
 * "succeeds").  Every run starts from a fresh Maildir holding two
 * messages and a folder, with user "u" password "p".
 *
 * Invariants: every response line ends with CR LF outside literals and
 * starts with "* ", "+ " or a tag the client sent; the engine's output for
 * one input never grows past a bound; the session ends after a BYE; bytes
 * after a STARTTLS answered OK are not run before the handshake. */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "buf.h"
#include "fsutil.h"
#include "imapd.h"
#include "xalloc.h"

static char fz_root[64];

static int fz_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* fz_maildir - a fresh Maildir at fz_root */
static void fz_maildir(void)
{
	static const char *const dirs[] = { "", "/cur", "/new", "/tmp", "/.Sent", "/.Sent/cur",
					     "/.Sent/new", "/.Sent/tmp" };
	char path[128];
	size_t i;

	if (fz_root[0] == '\0') {
		snprintf(fz_root, sizeof(fz_root), "/tmp/fuzz_imapd.XXXXXX");
		if (mkdtemp(fz_root) == NULL)
			abort();
	}
	nftw(fz_root, fz_rm, 16, FTW_DEPTH | FTW_PHYS);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", fz_root, dirs[i]);
		mkdir(path, 0700);
	}
	snprintf(path, sizeof(path), "%s/cur/1.a:2,S", fz_root);
	atomic_write_file(path, "Subject: a\nFrom: x@y\n\nbody\n", 27, 0600);
	snprintf(path, sizeof(path), "%s/new/2.b", fz_root);
	atomic_write_file(path, "Subject: b\n\nmore body\n", 22, 0600);
}

static int fz_auth(void *ctx, const char *user, const char *pass, char **root)
{
	(void)ctx;
	if (strcmp(user, "u") != 0 || strcmp(pass, "p") != 0)
		return -1;
	*root = xstrdup(fz_root);
	return 0;
}

/* fz_check_output - every line starts well; CR LF outside literals */
static void fz_check_output(const struct buf *out)
{
	size_t i = 0;
	bool cont = false;	/* the rest of a line after a literal */

	while (i < out->len) {
		const char *line = out->data + i;
		const char *end = memmem(line, out->len - i, "\r\n", 2);
		if (end == NULL || (!cont && (end == line || line[0] == ' ')))
			abort();
		i = (size_t)(end - out->data) + 2;
		cont = false;
		/* a line ending in {n} is followed by n octets of literal */
		if (end > line && end[-1] == '}') {
			const char *open = end - 1;
			while (open > line && *open != '{')
				open--;
			if (*open == '{') {
				i += strtoull(open + 1, NULL, 10);
				cont = true;
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imapd_limits lim = { .max_line = 4096, .max_literal = 1 << 16, .max_depth = 8 };
	struct imapd_hooks hooks = { .auth = fz_auth };
	struct buf out = BUF_INIT;
	struct imapd *e;
	size_t step, i = 1, n;
	bool alive = true;

	if (size < 1)
		return 0;
	fz_maildir();
	step = (data[0] & 7) ? (size_t)(data[0] & 7) : size;
	e = imapd_new("fuzz.test", &lim, &hooks);
	if (data[0] & 8)
		imapd_offer_starttls(e);
	else
		imapd_allow_auth_in_clear(e, true);
	imapd_greeting(e, &out);
	while (i < size && alive) {
		const uint8_t *sep = memmem(data + i, size - i, "\xff\xfe", 2);
		size_t seg = sep ? (size_t)(sep - (data + i)) : size - i, j = 0;
		while (j < seg && alive) {
			n = seg - j < step ? seg - j : step;
			alive = imapd_input(e, (const char *)data + i + j, n, &out);
			j += n;
			if (out.len > (64u << 20))
				abort();	/* output bound */
		}
		if (imapd_starttls_pending(e))
			imapd_tls_started(e);
		imapd_tick(e, &out);
		i += seg + (sep ? 2 : 0);
	}
	fz_check_output(&out);
	imapd_free(e);
	buf_free(&out);
	return 0;
}
