/* test_imapd_fetch.c - FETCH BODY[] of stored bytes that transcripts
 * cannot show (their output drops CR): the whole message is sent without
 * parsing it (lib/imapd_fetch.c fetch_whole), and must be octet for octet
 * what the parsed path (lib/imapmsg.c) gives: bare LF made CRLF, CRLF
 * kept, NUL made 0x80, no line end added at the end; <origin.count>
 * cutting the same octets, also through a CR LF pair. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/stat.h>
#include "buf.h"
#include "fsutil.h"
#include "imapd.h"
#include "imapmsg.h"
#include "xalloc.h"

static char *dir;

static const char m1[] = "Subject: one\r\nX-A: b\n\nline1\nline2\r\n\nnul\0here\n\nend";
static const char m3[] = "From: =?UTF-8?Q?Zo=C3=AB?= <zoe@example.org>\nTo: a@example.org,\n"
	" b@example.org\nCc: Group: c@example.org;\nSubject: three\nIn-Reply-To: <x@y>\n"
	"Message-ID: <3@example.org>\nDate: Sun, 22 Nov 2026 10:00:00 +0000\n"
	"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
	"From: not@the.header\n\ninner\n--b--\n";
static const char m2[] = "Subject: two\r\nX: y\n\n\r\n\nbody\r\n";

static int auth(void *ctx, const char *user, const char *pass, char **root)
{
	(void)ctx, (void)user, (void)pass;
	*root = xstrdup(dir);
	return 0;
}

static void put(const char *name, const char *data, size_t len)
{
	char *p = xasprintf("%s/cur/%s", dir, name);

	assert_int_equal(atomic_write_file(p, data, len, 0600), 0);
	free(p);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/test_imapd_fetch.XXXXXX", *p;
	const char *subs[] = { "cur", "new", "tmp" };
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	dir = xstrdup(tmpl);
	for (i = 0; i < 3; i++) {
		p = xasprintf("%s/%s", dir, subs[i]);
		assert_int_equal(mkdir(p, 0700), 0);
		free(p);
	}
	put("1.a.host:2,S", m1, sizeof(m1) - 1);
	put("2.b.host:2,S", m2, sizeof(m2) - 1);
	put("3.c.host:2,S", m3, sizeof(m3) - 1);
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)state;
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
	return 0;
}

/* expected - BODY[] as the parsed path makes it */
static void expected(const char *data, size_t len, struct buf *out)
{
	struct imapmsg *m = imapmsg_parse(data, len);

	assert_true(imapmsg_section(m, "", out));
	imapmsg_free(m);
}

/* literal - the octets of the first literal after "BODY[]..." in out */
static void literal(const struct buf *out, const char *att, struct buf *lit)
{
	const char *p = memmem(out->data, out->len, att, strlen(att)), *nl;
	unsigned long n;

	assert_non_null(p);
	p = strchr(p, '{');
	assert_non_null(p);
	n = strtoul(p + 1, NULL, 10);
	nl = strstr(p, "}\r\n");
	assert_non_null(nl);
	buf_reset(lit);
	buf_append(lit, nl + 3, n);
}

static void session(struct imapd *e, const char *cmd, struct buf *out)
{
	buf_reset(out);
	imapd_input(e, cmd, strlen(cmd), out);
}

static void test_whole(void **state)
{
	struct imapd_limits lim = { 0 };
	struct imapd_hooks h = { .auth = auth };
	struct imapd *e = imapd_new("imap.test", &lim, &h);
	struct buf out = BUF_INIT, want = BUF_INIT, lit = BUF_INIT;
	const char *msgs[] = { m1, m2 };
	size_t lens[] = { sizeof(m1) - 1, sizeof(m2) - 1 }, k;
	size_t origins[] = { 0, 1, 12, 13, 14, 15, 40, 1000 }, counts[] = { 1, 2, 3, 7, 100 };

	(void)state;
	imapd_allow_auth_in_clear(e, true);
	session(e, "a LOGIN alice secret\r\nb SELECT INBOX\r\n", &out);
	assert_non_null(strstr(buf_cstr(&out), "b OK"));
	for (k = 0; k < 2; k++) {
		char *cmd;
		size_t o, c;

		buf_reset(&want);
		expected(msgs[k], lens[k], &want);
		cmd = xasprintf("c FETCH %zu BODY.PEEK[]\r\n", k + 1);
		session(e, cmd, &out);
		free(cmd);
		literal(&out, "BODY[]", &lit);
		assert_int_equal(lit.len, want.len);
		assert_memory_equal(lit.data, want.data, want.len);
		/* with a section of a part, the message is parsed: the same octets */
		cmd = xasprintf("d FETCH %zu (BODY.PEEK[TEXT] BODY.PEEK[])\r\n", k + 1);
		session(e, cmd, &out);
		free(cmd);
		literal(&out, "BODY[] ", &lit);
		assert_int_equal(lit.len, want.len);
		assert_memory_equal(lit.data, want.data, want.len);
		for (o = 0; o < sizeof(origins) / sizeof(origins[0]); o++)
			for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
				size_t from = origins[o] < want.len ? origins[o] : want.len;
				size_t n = want.len - from < counts[c] ? want.len - from : counts[c];
				char att[64];

				cmd = xasprintf("e FETCH %zu BODY.PEEK[]<%zu.%zu>\r\n", k + 1,
						origins[o], counts[c]);
				session(e, cmd, &out);
				free(cmd);
				snprintf(att, sizeof(att), "BODY[]<%zu>", origins[o]);
				literal(&out, att, &lit);
				assert_int_equal(lit.len, n);
				assert_memory_equal(lit.data, want.data + from, n);
			}
	}
	buf_free(&out);
	buf_free(&want);
	buf_free(&lit);
	imapd_free(e);
}

/* ENVELOPE alone is made from the header only: the same as from the whole */
static void test_envelope(void **state)
{
	struct imapd_limits lim = { 0 };
	struct imapd_hooks h = { .auth = auth };
	struct imapd *e = imapd_new("imap.test", &lim, &h);
	struct buf out = BUF_INIT, want = BUF_INIT;
	struct imapmsg *m = imapmsg_parse(m3, sizeof(m3) - 1);
	const char *p;

	(void)state;
	imapmsg_envelope(m, &want);
	imapmsg_free(m);
	imapd_allow_auth_in_clear(e, true);
	session(e, "a LOGIN alice secret\r\nb SELECT INBOX\r\n", &out);
	session(e, "c FETCH 3 ENVELOPE\r\n", &out);
	p = strstr(buf_cstr(&out), "* 3 FETCH (ENVELOPE ");
	assert_non_null(p);
	p += strlen("* 3 FETCH (ENVELOPE ");
	assert_true(strlen(p) > want.len && strncmp(p, buf_cstr(&want), want.len) == 0);
	assert_true(strncmp(p + want.len, ")\r\n", 3) == 0);
	buf_free(&out);
	buf_free(&want);
	imapd_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_envelope, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
