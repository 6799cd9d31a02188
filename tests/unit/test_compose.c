/* test_compose.c - lib/compose: messages built and read back with libetpan
 * and lib/mimeview (headers, decoded text, attachments byte for byte), the
 * editor's file, recipients and types. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libetpan/libetpan.h>
#include "compose.h"
#include "fsutil.h"
#include "mimeview.h"
#include "rfc5322.h"
#include "strlist.h"
#include "xalloc.h"

static const struct compose_opts opts = {
	.from = "Ann <ann@example.org>", .hostname = "test.example", .now = 1700000000,
};
static char dir[] = "/tmp/poczta-compose-XXXXXX";

/* build - c built, checked to succeed; newly allocated */
static char *build(struct compose *c, size_t *len)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	int r = compose_build(c, &opts, &out, &err);

	if (r != 0)
		print_error("compose_build: %s\n", buf_cstr(&err));
	assert_int_equal(r, 0);
	buf_free(&err);
	if (len)
		*len = out.len;
	return buf_detach(&out);
}

/* field - the unfolded value of header name in msg, or NULL; newly allocated */
static char *field(const char *msg, const char *name)
{
	size_t n = strlen(name);
	const char *p = msg;

	while (*p && *p != '\n') {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			struct buf b = BUF_INIT;
			p += n + 1;
			while (*p == ' ')
				p++;
			for (; *p && !(*p == '\n' && p[1] != ' ' && p[1] != '\t'); p++)
				if (*p != '\n' && (b.len || *p != ' '))
					buf_putc(&b, *p);
			return buf_detach(&b);
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : "";
	}
	return NULL;
}

/* decoded - a header decoded (RFC 2047) */
static void assert_decoded(const char *msg, const char *name, const char *exp)
{
	char *raw = field(msg, name);
	assert_non_null(raw);
	char *d = mimeview_decode_header(raw);
	if (strcmp(d, exp) != 0)
		print_error("%s: %s\n", name, raw);
	assert_string_equal(d, exp);
	free(d);
	free(raw);
}

/* lines_short - no header line over 78 octets, no body line over 998 */
static void assert_lines_short(const char *msg, size_t len)
{
	size_t col = 0, max = 78;

	for (size_t i = 0; i < len; i++) {
		if (msg[i] == '\n') {
			if (col == 0)
				max = 998;
			col = 0;
			continue;
		}
		col++;
		if (col > max)
			print_error("long line at %zu: %.80s\n", i, msg + i - col + 1);
		assert_true(col <= max);
	}
}

/* part - the decoded octets of part id; newly allocated buffer */
static struct buf part(const char *msg, size_t len, const char *id)
{
	struct buf b = BUF_INIT;
	assert_true(mimeview_part_data(msg, len, id, &b));
	return b;
}

/* text - the decoded text of part id with line ends back to LF (libetpan
 * gives quoted-printable text in canonical CRLF, RFC 2046 4.1.1) */
static struct buf text(const char *msg, size_t len, const char *id)
{
	struct buf b = part(msg, len, id), t = BUF_INIT;
	for (size_t i = 0; i < b.len; i++)
		if (!(b.data[i] == '\r' && i + 1 < b.len && b.data[i + 1] == '\n'))
			buf_putc(&t, b.data[i]);
	buf_free(&b);
	return t;
}

static void test_text_ascii(void **state)
{
	struct compose c;
	size_t len;

	compose_init(&c);
	compose_new(&c, &opts);
	c.to = xstrdup("Bob <bob@example.com>, carol@example.net");
	c.bcc = xstrdup("secret@example.org");
	c.subject = xstrdup("Hello there");
	free(c.body);
	c.body = xstrdup("Hi Bob,\n\nplain text.\n");
	char *m = build(&c, &len);
	char *v;

	char date[64];
	rfc5322_date(opts.now, date, sizeof(date));
	assert_string_equal((v = field(m, "Date")), date);
	free(v);
	assert_string_equal((v = field(m, "From")), "Ann <ann@example.org>");
	free(v);
	assert_string_equal((v = field(m, "To")), "Bob <bob@example.com>, carol@example.net");
	free(v);
	assert_null(field(m, "Bcc"));
	assert_null(strstr(m, "secret"));
	assert_string_equal((v = field(m, "Subject")), "Hello there");
	free(v);
	assert_non_null(c.message_id);
	assert_non_null(strstr(c.message_id, "@test.example>"));
	assert_string_equal((v = field(m, "Message-ID")), c.message_id);
	free(v);
	assert_string_equal((v = field(m, "Content-Type")), "text/plain; charset=us-ascii");
	free(v);
	assert_string_equal((v = field(m, "Content-Transfer-Encoding")), "7bit");
	free(v);
	assert_non_null(strstr(m, "\n\nHi Bob,\n\nplain text.\n"));
	/* libetpan reads the header back */
	struct mailimf_fields *f = NULL;
	size_t i = 0;
	assert_int_equal(mailimf_fields_parse(m, len, &i, &f), MAILIMF_NO_ERROR);
	mailimf_fields_free(f);
	/* a second build keeps the Message-ID it made */
	char *id = xstrdup(c.message_id);
	free(m);
	m = build(&c, NULL);
	assert_string_equal(c.message_id, id);
	free(id);
	free(m);
	compose_free(&c);
}

static void test_utf8_headers(void **state)
{
	static const char *const subjects[] = {
		"Zażółć gęślą jaźń — spotkanie w środę",
		"Съешь же ещё этих мягких французских булок, да выпей чаю",
		"Räksmörgås åt Öberg",
		"ASCII start then ünïcödé in the middle and ASCII end",
		"=?utf-8?q?not_an_encoded_word?= literally",
	};
	for (size_t k = 0; k < sizeof(subjects) / sizeof(subjects[0]); k++) {
		struct compose c;
		size_t len;

		compose_init(&c);
		c.from = xstrdup("Paweł Łoś <pawel@example.pl>");
		c.to = xstrdup("\"Doe, John\" <j@x.example>, Жора Иванов <zhora@example.ru>, "
			       "Åsa Öst <asa@example.se>");
		c.subject = xstrdup(subjects[k]);
		c.body = xstrdup("x\n");
		char *m = build(&c, &len);
		assert_lines_short(m, len);
		assert_decoded(m, "Subject", subjects[k]);
		assert_decoded(m, "From", "Paweł Łoś <pawel@example.pl>");
		assert_decoded(m, "To", "\"Doe, John\" <j@x.example>, Жора Иванов <zhora@example.ru>, "
			       "Åsa Öst <asa@example.se>");
		/* RFC 2047 2: encoded words of at most 75 characters, none in
		 * an addr-spec, and the header 7-bit */
		for (const char *p = m; *p && !(p[0] == '\n' && p[1] == '\n');) {
			size_t w = strcspn(p, " \n");
			if (strncmp(p, "=?", 2) == 0) {
				assert_true(w <= 75);
				assert_memory_equal(p + w - 2, "?=", 2);
			}
			p += w ? w : 1;
		}
		for (const char *p = m; *p && !(p[0] == '\n' && p[1] == '\n'); p++)
			assert_true((unsigned char)*p < 0x80);
		assert_non_null(strstr(m, "<pawel@example.pl>"));
		/* libetpan finds the addresses */
		struct mailimf_fields *f = NULL;
		size_t i = 0;
		assert_int_equal(mailimf_fields_parse(m, len, &i, &f), MAILIMF_NO_ERROR);
		mailimf_fields_free(f);
		free(m);
		compose_free(&c);
	}
}

static void test_fold_and_limits(void **state)
{
	struct compose c;
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct buf to = BUF_INIT;
	size_t len;

	compose_init(&c);
	c.from = xstrdup("ann@example.org");
	for (int i = 0; i < 30; i++)
		buf_printf(&to, "%sPerson %d <person%d@example.com>", i ? ", " : "", i, i);
	c.to = xstrdup(to.data);
	c.subject = xstrdup("a long subject that goes on and on past the seventy-eight "
			    "column mark and further still, so it has to be folded twice over");
	c.body = xstrdup("");
	char *m = build(&c, &len);
	assert_lines_short(m, len);
	char *v = field(m, "To");
	assert_string_equal(v, to.data);
	free(v);
	v = field(m, "Subject");
	assert_string_equal(v, c.subject);
	free(v);
	free(m);
	/* RFC 5322 2.1.1: one word over 998 octets cannot be folded */
	free(c.subject);
	c.subject = xmalloc(1200);
	memset(c.subject, 'x', 1199);
	c.subject[1199] = '\0';
	assert_int_equal(compose_build(&c, &opts, &out, &err), -1);
	assert_non_null(strstr(err.data, "Subject"));
	buf_free(&out);
	buf_free(&err);
	buf_free(&to);
	compose_free(&c);
}

static void test_bad_addresses(void **state)
{
	static const char *const bad[] = { "a@x b@y", "Bob <bob@", "Ann <ann@x> junk <", "<>",
		"Łoś@example.pl" };
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct compose c;
		struct buf out = BUF_INIT, err = BUF_INIT;

		compose_init(&c);
		c.from = xstrdup("ann@example.org");
		c.cc = xstrdup(bad[k]);
		c.body = xstrdup("x\n");
		assert_int_equal(compose_build(&c, &opts, &out, &err), -1);
		assert_non_null(strstr(err.data, "Cc"));
		buf_reset(&err);
		assert_null(compose_recipients(&c, &err));
		assert_non_null(strstr(err.data, "Cc"));
		buf_free(&out);
		buf_free(&err);
		compose_free(&c);
	}
}

static void test_recipients(void **state)
{
	struct compose c;
	struct buf err = BUF_INIT;
	char **r;

	compose_init(&c);
	c.from = xstrdup("\"Ann, the sender\" <ann@example.org>");
	c.to = xstrdup("Team: a@x.example, \"B, b\" <b@y.example>;, c@z.example,");
	c.cc = xstrdup("C@Z.example, d@w.example");
	c.bcc = xstrdup("e@v.example");
	r = compose_recipients(&c, &err);
	assert_non_null(r);
	assert_int_equal(strlist_len(r), 5);
	assert_string_equal(r[0], "a@x.example");
	assert_string_equal(r[1], "b@y.example");
	assert_string_equal(r[2], "c@z.example");
	assert_string_equal(r[3], "d@w.example");
	assert_string_equal(r[4], "e@v.example");
	strlist_free(r);
	char *s = compose_sender(&c, &err);
	assert_string_equal(s, "ann@example.org");
	free(s);
	/* the group is kept in the header */
	char *m = build(&c, NULL), *v = field(m, "To");
	assert_string_equal(v, "Team: a@x.example, \"B, b\" <b@y.example>;, c@z.example");
	free(v);
	free(m);
	/* a local alias or user gets the sender's domain (RFC 5322 3.4.1) */
	free(c.bcc);
	c.bcc = xstrdup("team");
	r = compose_recipients(&c, &err);
	assert_string_equal(r[4], "team@example.org");
	strlist_free(r);
	free(c.cc);
	c.cc = xstrdup("Local Team <team>");
	m = build(&c, NULL);
	v = field(m, "Cc");
	assert_string_equal(v, "Local Team <team@example.org>");
	free(v);
	free(m);
	x_free(&c.to);
	x_free(&c.cc);
	x_free(&c.bcc);
	c.to = xstrdup("  ");
	assert_null(compose_recipients(&c, &err));
	assert_true(err.len > 0);
	buf_free(&err);
	compose_free(&c);
}

static void test_qp_body(void **state)
{
	struct compose c;
	size_t len;
	struct buf long_line = BUF_INIT;

	for (int i = 0; i < 40; i++)
		buf_puts(&long_line, "słowo=ąę ");
	compose_init(&c);
	c.from = xstrdup("ann@example.org");
	c.to = xstrdup("bob@example.com");
	c.body = xasprintf("From the start\ntrailing space \ntab\t\n%s\n=3D literal\n"
			   "no final newline", long_line.data);
	char *m = build(&c, &len);
	char *v = field(m, "Content-Transfer-Encoding");
	assert_string_equal(v, "quoted-printable");
	free(v);
	v = field(m, "Content-Type");
	assert_string_equal(v, "text/plain; charset=utf-8");
	free(v);
	assert_lines_short(m, len);
	/* RFC 2045 6.7: encoded lines of at most 76 characters, no trailing
	 * white space, "From " protected */
	const char *b = strstr(m, "\n\n") + 2;
	for (const char *p = b; *p;) {
		const char *nl = strchr(p, '\n');
		assert_true(nl - p <= 76);
		if (nl > p)
			assert_true(nl[-1] != ' ' && nl[-1] != '\t');
		p = nl + 1;
	}
	assert_null(strstr(b, "\nFrom "));
	assert_true(strncmp(b, "From ", 5) != 0);
	struct buf d = text(m, len, "1");
	char *exp = xasprintf("%s\n", c.body);
	assert_int_equal(d.len, strlen(exp));
	assert_memory_equal(d.data, exp, d.len);
	free(exp);
	buf_free(&d);
	buf_free(&long_line);
	free(m);
	/* an ASCII line over 78 octets goes quoted-printable too */
	free(c.body);
	c.body = xmalloc(2001);
	memset(c.body, 'a', 2000);
	c.body[2000] = '\0';
	m = build(&c, &len);
	v = field(m, "Content-Transfer-Encoding");
	assert_string_equal(v, "quoted-printable");
	free(v);
	d = text(m, len, "1");
	assert_int_equal(d.len, 2001);
	buf_free(&d);
	free(m);
	compose_free(&c);
}

static void test_flowed(void **state)
{
	struct compose c;
	size_t len;
	const char *para = "This paragraph is long enough that it has to be wrapped at "
		"a space into more than one line of format=flowed text, with soft breaks.";

	compose_init(&c);
	c.from = xstrdup("ann@example.org");
	c.to = xstrdup("bob@example.com");
	c.flowed = true;
	c.body = xasprintf("%s\nFrom here\n leading space\n> quoted\n>\n\n-- \nAnn\n", para);
	char *m = build(&c, &len);
	char *v = field(m, "Content-Type");
	assert_string_equal(v, "text/plain; charset=us-ascii; format=flowed");
	free(v);
	const char *b = strstr(m, "\n\n") + 2;
	/* RFC 3676 4.2: every line of the paragraph but its last ends in a
	 * space; 4.4: space-stuffing; 4.3: the separator kept */
	assert_non_null(strstr(b, "soft breaks.\n From here\n  leading space\n> quoted\n>\n\n-- \nAnn\n"));
	size_t soft = 0;
	for (const char *p = b; *p && strncmp(p, "\n From", 6) != 0; p++)
		soft += p[0] == ' ' && p[1] == '\n';
	assert_true(soft >= 1);
	/* the pager joins it back */
	struct mimeview_opts mo = { .width = 200, .no_external = true };
	struct mimeview *mv = mimeview_parse(m, len, &mo);
	bool found = false;
	for (size_t i = 0; i < mv->nlines; i++)
		found = found || strcmp(mv->lines[i].text, para) == 0;
	assert_true(found);
	mimeview_free(mv);
	free(m);
	compose_free(&c);
}

/* write_file - dir/name with n bytes; the path, newly allocated */
static char *write_file(const char *name, const void *data, size_t n)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
	return path;
}

static void test_attachments(void **state)
{
	unsigned char bin[1024];
	const char *longname = "Sprawozdanie kwartalne — zażółć gęślą jaźń, "
		"отчёт за квартал, Räksmörgås (wersja ostateczna).bin";
	struct compose c;
	struct buf err = BUF_INIT;
	size_t len;

	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(i * 7 + i / 256);
	char *p1 = write_file("every-byte", bin, sizeof(bin));
	char *p2 = write_file("notes.txt", "żółw\nno newline at the end", 28);
	char *p3 = write_file("plain.txt", "short ascii\n", 12);
	char *p4 = write_file("x.bin", bin, sizeof(bin));
	compose_init(&c);
	c.from = xstrdup("ann@example.org");
	c.to = xstrdup("bob@example.com");
	c.subject = xstrdup("files");
	c.body = xstrdup("See the files.\n");
	assert_int_equal(compose_att_add_file(&c, p1, "Every byte value", &err), 0);
	assert_int_equal(compose_att_add_file(&c, p2, NULL, &err), 0);
	assert_int_equal(compose_att_add_file(&c, p3, "Zażółć", &err), 0);
	assert_int_equal(compose_att_add_file(&c, p4, NULL, &err), 0);
	free(c.att[3].name);
	c.att[3].name = xstrdup(longname);
	assert_int_equal(compose_att_add_file(&c, "/nonexistent/file", NULL, &err), -1);
	assert_non_null(strstr(err.data, "/nonexistent/file"));
	/* a device would never end */
	assert_int_equal(compose_att_add_file(&c, "/dev/zero", NULL, &err), -1);
	assert_int_equal(c.natt, 4);
	char *m = build(&c, &len);
	assert_lines_short(m, len);
	struct mimeview_opts mo = { .no_external = true };
	struct mimeview *mv = mimeview_parse(m, len, &mo);
	const char *names[] = { "every-byte", "notes.txt", "plain.txt", longname };
	const char *types[] = { "application/octet-stream", "text/plain", "text/plain",
		"application/octet-stream" };
	size_t found = 0;
	for (size_t i = 0; i < mv->nparts; i++) {
		const struct mimeview_part *pt = &mv->parts[i];
		if (strcmp(pt->id, "1") == 0) {
			assert_string_equal(pt->type, "text/plain");
			struct buf d = part(m, len, "1");
			assert_string_equal(d.data, "See the files.\n");
			buf_free(&d);
		}
		for (size_t k = 0; k < 4; k++) {
			if (!pt->filename || strcmp(pt->filename, names[k]) != 0)
				continue;
			found++;
			assert_string_equal(pt->type, types[k]);
			struct buf d = part(m, len, pt->id);
			size_t n;
			char *exp = read_file(k == 0 ? p1 : k == 1 ? p2 : k == 2 ? p3 : p4, &n);
			assert_int_equal(d.len, n);
			assert_memory_equal(d.data, exp, n);
			free(exp);
			buf_free(&d);
			if (k == 0)
				assert_string_equal(pt->description, "Every byte value");
			if (k == 2)
				assert_string_equal(pt->description, "Zażółć");
		}
	}
	assert_int_equal(found, 4);
	mimeview_free(mv);
	/* RFC 2231: the long name in continuations, percent-encoded */
	assert_non_null(strstr(m, "filename*0*=utf-8''"));
	assert_non_null(strstr(m, "filename*1*="));
	free(m);
	compose_att_remove(&c, 0);
	assert_int_equal(c.natt, 3);
	assert_string_equal(c.att[0].name, "notes.txt");
	/* a file gone by build time is an error */
	unlink(p3);
	struct buf out = BUF_INIT;
	assert_int_equal(compose_build(&c, &opts, &out, &err), -1);
	assert_non_null(strstr(err.data, "plain.txt"));
	buf_free(&out);
	buf_free(&err);
	compose_free(&c);
	unlink(p1);
	unlink(p2);
	unlink(p4);
	free(p1);
	free(p2);
	free(p3);
	free(p4);
}

static void test_guess_type(void **state)
{
	unsigned char bin[64];

	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)i;
	assert_string_equal(compose_guess_type("x", "%PDF-1.7\n", 9), "application/pdf");
	assert_string_equal(compose_guess_type("a.txt", "\x89PNG\r\n\x1a\n\0\0", 10), "image/png");
	assert_string_equal(compose_guess_type(NULL, "\xff\xd8\xff\xe0", 4), "image/jpeg");
	assert_string_equal(compose_guess_type(NULL, "GIF89a..", 8), "image/gif");
	assert_string_equal(compose_guess_type(NULL, "\x1f\x8b\x08", 3), "application/gzip");
	assert_string_equal(compose_guess_type("a.zip", "PK\x03\x04", 4), "application/zip");
	assert_string_equal(compose_guess_type(NULL, "Zażółć gęślą jaźń\n", 26), "text/plain");
	/* a sample cut inside a character is still text */
	assert_string_equal(compose_guess_type(NULL, "Za\xc5", 3), "text/plain");
	assert_string_equal(compose_guess_type(NULL, "a\0b", 3), "application/octet-stream");
	assert_string_equal(compose_guess_type("x.dat", bin, sizeof(bin)), "application/octet-stream");
	assert_string_equal(compose_guess_type(NULL, "\xc0\x80", 2), "application/octet-stream");
	if (access("/etc/mime.types", R_OK) == 0) {
		assert_string_equal(compose_guess_type("page.html", "<p>hi</p>\n", 10), "text/html");
		assert_string_equal(compose_guess_type("a.docx", "PK\x03\x04", 4),
				    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
		assert_string_equal(compose_guess_type("song.mp3", bin, sizeof(bin)), "audio/mpeg");
	}
}

static void test_editor_roundtrip(void **state)
{
	struct compose c, d;
	struct buf t = BUF_INIT, err = BUF_INIT;

	compose_init(&c);
	compose_init(&d);
	c.from = xstrdup("Paweł <p@example.pl>");
	c.to = xstrdup("\"Doe, John\" <j@x.example>");
	c.subject = xstrdup("Zażółć");
	c.in_reply_to = xstrdup("<parent@x>");
	c.body = xstrdup("Body line\n\nFrom: not a header\n");
	compose_editor_text(&c, &t);
	assert_string_equal(t.data, "From: Paweł <p@example.pl>\nTo: \"Doe, John\" <j@x.example>\n"
			    "Cc: \nBcc: \nSubject: Zażółć\nReply-To: \n\n"
			    "Body line\n\nFrom: not a header\n");
	d.in_reply_to = xstrdup("<parent@x>");
	d.cc = xstrdup("old@example.org");
	assert_int_equal(compose_editor_read(&d, t.data, t.len, &err), 0);
	assert_string_equal(d.from, c.from);
	assert_string_equal(d.to, c.to);
	assert_null(d.cc);
	assert_null(d.bcc);
	assert_null(d.reply_to);
	assert_string_equal(d.subject, c.subject);
	assert_string_equal(d.in_reply_to, "<parent@x>");
	assert_string_equal(d.body, c.body);
	/* CRLF, folded fields, an attachment with a description */
	char *path = write_file("a file.txt", "hi\n", 3);
	char *text = xasprintf("from: ann@example.org\r\nTo: a@x.example,\r\n b@y.example\r\n"
			       "Subject: s\r\nAttach: \"%s\" The notes\r\n\r\nbody\r\n", path);
	assert_int_equal(compose_editor_read(&d, text, strlen(text), &err), 0);
	assert_string_equal(d.to, "a@x.example, b@y.example");
	assert_string_equal(d.body, "body\n");
	assert_int_equal(d.natt, 1);
	assert_string_equal(d.att[0].path, path);
	assert_string_equal(d.att[0].name, "a file.txt");
	assert_string_equal(d.att[0].description, "The notes");
	free(text);
	compose_free(&d);
	compose_init(&d);
	/* errors name the line */
	static const char *const bad[] = {
		"From: a@x\nX-Mailer: me\n\nbody\n",
		"From: a@x\nTo: Bob <bob@\n\nbody\n",
		"From: a@x\nno colon here\n\nbody\n",
		"From: a@x\nAttach: /nonexistent/zzz\n\nbody\n",
	};
	static const char *const why[] = { "line 2", "line 2", "line 2", "/nonexistent/zzz" };
	for (size_t i = 0; i < 4; i++) {
		buf_reset(&err);
		assert_int_equal(compose_editor_read(&d, bad[i], strlen(bad[i]), &err), -1);
		assert_non_null(strstr(err.data, why[i]));
		assert_null(d.from);
		assert_int_equal(d.natt, 0);
	}
	buf_reset(&err);
	assert_int_equal(compose_editor_read(&d, "From: a@x\n\0\n", 12, &err), -1);
	assert_non_null(strstr(err.data, "NUL"));
	unlink(path);
	free(path);
	buf_free(&t);
	buf_free(&err);
	compose_free(&c);
	compose_free(&d);
}

static void test_new(void **state)
{
	struct compose c;
	struct compose_opts o = opts;

	o.signature = "Ann\nexample.org";
	compose_init(&c);
	compose_new(&c, &o);
	assert_string_equal(c.from, "Ann <ann@example.org>");
	assert_string_equal(c.body, "\n-- \nAnn\nexample.org\n");
	compose_free(&c);
	compose_free(&c);
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_text_ascii),
		cmocka_unit_test(test_utf8_headers),
		cmocka_unit_test(test_fold_and_limits),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_qp_body),
		cmocka_unit_test(test_flowed),
		cmocka_unit_test(test_attachments),
		cmocka_unit_test(test_guess_type),
		cmocka_unit_test(test_editor_roundtrip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
