/* test_mimeview.c - lib/mimeview on the corpus in tests/unit/mimeview/:
 * every case checks the exact lines the pager gets.  A line is written
 * "K|text" with K: H header, B body, Qn quote of level n, S signature,
 * A attachment, N note. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "buf.h"
#include "fsutil.h"
#include "mimeview.h"
#include "xalloc.h"

#define CORPUS "tests/unit/mimeview/"

/* fmt_line - "K|text" for line l; newly allocated */
static char *fmt_line(const struct mimeview_line *l)
{
	static const char kinds[] = "HBQSAN";

	if (l->kind == MV_QUOTE)
		return xasprintf("Q%d|%s", l->quote_level, l->text);
	return xasprintf("%c|%s", kinds[l->kind], l->text);
}

/* expect_lines - mv's lines are exactly exp (NULL-terminated) */
static void expect_lines(const struct mimeview *mv, const char *const *exp)
{
	size_t i, n = 0;

	while (exp[n])
		n++;
	for (i = 0; i < mv->nlines && i < n; i++) {
		char *got = fmt_line(&mv->lines[i]);
		if (strcmp(got, exp[i]) != 0)
			print_error("line %zu: got '%s', expected '%s'\n", i, got, exp[i]);
		assert_string_equal(got, exp[i]);
		free(got);
	}
	if (mv->nlines != n) {
		for (i = n; i < mv->nlines; i++) {
			char *got = fmt_line(&mv->lines[i]);
			print_error("extra line %zu: '%s'\n", i, got);
			free(got);
		}
	}
	assert_int_equal(mv->nlines, n);
}

/* view - the corpus file name rendered with o (NULL: defaults, no programs) */
static struct mimeview *view(const char *name, const struct mimeview_opts *o)
{
	static const struct mimeview_opts safe = { .no_external = true };
	struct buf err = BUF_INIT;
	char *path = xasprintf(CORPUS "%s", name);
	struct mimeview *mv = mimeview_open(path, o ? o : &safe, &err);

	if (!mv)
		print_error("%s\n", buf_cstr(&err));
	assert_non_null(mv);
	free(path);
	buf_free(&err);
	return mv;
}

/* check - render name with o and compare with exp */
static void check(const char *name, const struct mimeview_opts *o, const char *const *exp)
{
	struct mimeview *mv = view(name, o);

	expect_lines(mv, exp);
	mimeview_free(mv);
}

/* corpus - the bytes of a corpus file; newly allocated */
static char *corpus(const char *name, size_t *len)
{
	char *path = xasprintf(CORPUS "%s", name);
	char *d = read_file(path, len);

	assert_non_null(d);
	free(path);
	return d;
}

/* QP in ISO-8859-2, an RFC 2047 subject folded over two lines, CRLF */
static void test_qp_latin2(void **state)
{
	static const char *const exp[] = {
		"H|From: Paweł Łukasz <pawel@example.pl>",
		"H|To: jan@example.pl",
		"H|Date: Sun, 22 Nov 2026 10:00:00 +0100",
		"H|Subject: Zażółć gęślą jaźń",
		"B|",
		"B|Zażółć gęślą jaźń.",
		"B|Pchnąć w tę łódź jeża lub ośm skrzyń fig.",
		"B|Bardzo dlugi wiersz sklejony.",
		NULL,
	};
	check("qp-latin2.eml", NULL, exp);
}

/* a text part's text in UTF-8 from its charset (what compose_draft reads
 * back): the KOI8-R base64 body; no such part is false */
static void test_part_text(void **state)
{
	struct mimeview_part pt = { .id = (char *)"1", .charset = (char *)"koi8-r" };
	struct buf b = BUF_INIT;
	size_t len;
	char *msg = corpus("b64-koi8r.eml", &len);

	(void)state;
	assert_true(mimeview_part_text(msg, len, &pt, &b));
	assert_non_null(strstr(buf_cstr(&b), "Съешь же ещё этих мягких французских булок"));
	pt.id = (char *)"7";
	assert_false(mimeview_part_text(msg, len, &pt, &b));
	buf_free(&b);
	free(msg);
}

/* base64 in KOI8-R, B-encoded words */
static void test_b64_koi8r(void **state)
{
	static const char *const exp[] = {
		"H|From: Иван Петров <ivan@example.ru>",
		"H|To: you@example.ru",
		"H|Subject: Привет, мир",
		"B|",
		"B|Съешь же ещё этих мягких французских булок, да выпей чаю.",
		"Q1|> Цитата",
		NULL,
	};
	check("b64-koi8r.eml", NULL, exp);
}

/* windows-1251 under two names, latin2 and windows-1250 */
static void test_charset_aliases(void **state)
{
	static const char *const exp[] = {
		"H|From: Маша <masha@example.ru>",
		"H|Subject: Ёлка",
		"B|",
		"B|Добрый день!",
		"B|",
		"B|Пока.",
		"B|",
		"B|Łódź",
		"B|",
		"B|Świętość",
		NULL,
	};
	struct mimeview *mv;

	check("cp1251.eml", NULL, exp);
	mv = view("cp1251.eml", NULL);
	assert_int_equal(mv->nparts, 4);
	assert_string_equal(mv->parts[0].charset, "windows-1251");
	assert_string_equal(mv->parts[1].charset, "cp1251");
	assert_string_equal(mv->parts[2].charset, "latin2");
	mimeview_free(mv);
}

/* UTF-8 QP, words in UTF-8 and ISO-8859-1; the decoded fields */
static void test_swedish_utf8(void **state)
{
	static const char *const exp[] = {
		"H|From: Åsa Öberg <asa@example.se>",
		"H|To: Jörgen <j@example.se>",
		"H|Cc: Björn <b@example.se>",
		"H|Subject: Räksmörgås och smörgås",
		"B|",
		"B|Hej!",
		"B|",
		"B|Försök att läsa åäö ÅÄÖ.",
		NULL,
	};
	struct mimeview *mv = view("swedish-utf8.eml", NULL);

	expect_lines(mv, exp);
	assert_string_equal(mv->from, "Åsa Öberg <asa@example.se>");
	assert_string_equal(mv->to, "Jörgen <j@example.se>");
	assert_string_equal(mv->cc, "Björn <b@example.se>");
	assert_string_equal(mv->subject, "Räksmörgås och smörgås");
	assert_string_equal(mv->message_id, "<sv1@example.se>");
	assert_null(mv->date);
	assert_int_equal(mv->nparts, 1);
	assert_string_equal(mv->parts[0].id, "1");
	assert_int_equal(mv->parts[0].depth, 0);
	assert_true(mv->parts[0].shown);
	mimeview_free(mv);
}

/* RFC 2231 file names (one piece, continuations, ISO-8859-2), an RFC 2047
 * name, a description standing in for a missing name */
static void test_rfc2231_names(void **state)
{
	static const char *const exp[] = {
		"H|From: a@example.com",
		"H|Subject: files",
		"B|",
		"B|See the files.",
		"A|[-- Attachment #2: żółw.pdf (application/pdf, 9B) --]",
		"A|[-- Attachment #3: Łódź i dalej.txt (application/octet-stream, 11B) --]",
		"A|[-- Attachment #4: Żółw.png (image/png, 8B) --]",
		"A|[-- Attachment #5: an archive (application/zip, 4B) --]",
		NULL,
	};
	struct mimeview *mv = view("rfc2231.eml", NULL);

	expect_lines(mv, exp);
	assert_int_equal(mv->nparts, 5);
	assert_string_equal(mv->parts[1].filename, "żółw.pdf");
	assert_string_equal(mv->parts[2].filename, "Łódź i dalej.txt");
	assert_string_equal(mv->parts[3].description, "Zdjęcie");
	assert_null(mv->parts[4].filename);
	assert_true(mv->parts[1].attachment);
	assert_false(mv->parts[1].shown);
	assert_int_equal(mv->parts[2].size, 11);
	mimeview_free(mv);
}

/* RFC 3676: soft breaks joined, quote depth, space-stuffing, signature */
static void test_flowed(void **state)
{
	static const char *const exp[] = {
		"H|From: f@example.com",
		"H|Subject: flowed",
		"B|",
		"B|This is a long paragraph that the sender's client wrapped with soft line",
		"B|breaks, so the viewer joins it and wraps it again at the width it is given.",
		"B|>not a quote, space-stuffed",
		"Q2|>> Deep quoted text that goes on and on and continues here.",
		"Q1|> One level.",
		"B|A very-long-word-that-does-not-fit-in-the-width-at-all-so-it-stays-whole here.",
		"B|",
		"S|-- ",
		"S|Sig line two",
		NULL,
	};
	check("flowed.eml", NULL, exp);
}

/* the same re-wrapped at 30 columns, quote prefixes counted */
static void test_flowed_width(void **state)
{
	static const char *const exp[] = {
		"H|From: f@example.com",
		"H|Subject: flowed",
		"B|",
		"B|This is a long paragraph that",
		"B|the sender's client wrapped",
		"B|with soft line breaks, so the",
		"B|viewer joins it and wraps it",
		"B|again at the width it is",
		"B|given.",
		"B|>not a quote, space-stuffed",
		"Q2|>> Deep quoted text that goes",
		"Q2|>> on and on and continues",
		"Q2|>> here.",
		"Q1|> One level.",
		"B|A very-long-word-that-does-not-fit-in-the-width-at-all-so-it-stays-whole here.",
		"B|",
		"S|-- ",
		"S|Sig line two",
		NULL,
	};
	struct mimeview_opts o = { .width = 30, .no_external = true };

	check("flowed.eml", &o, exp);
}

/* RFC 3676 4.3: DelSp=yes removes the space before a soft break */
static void test_flowed_delsp(void **state)
{
	static const char *const exp[] = {
		"H|From: d@example.com",
		"H|Subject: delsp",
		"B|",
		"B|Wrapped in the middle of a word, joined.",
		NULL,
	};
	check("delsp.eml", NULL, exp);
}

/* the built-in HTML path: tags, script/style, entities, lists, breaks */
static void test_html_builtin(void **state)
{
	static const char *const exp[] = {
		"H|From: h@example.com",
		"H|Subject: html",
		"B|",
		"B|Title",
		"B|",
		"B|Fish & chips <b> café żółw ok\xef\xbf\xbd",
		"B|",
		"B|Line one",
		"B|Line two",
		"B|",
		"B|* first",
		"B|* second item",
		"B|",
		"B|Data…",
		"B|",
		"Q1|> Quoted once",
		"Q1|> still",
		"B|",
		"Q2|>> twice",
		"B|",
		"Q1|> back",
		"B|",
		"B|After",
		NULL,
	};
	check("html.eml", NULL, exp);
}

/* mailcap_file - a mailcap file with the text before, the path of
 * render.sh, and after; its name, newly allocated */
static char *mailcap_file(const char *before, const char *after)
{
	char cwd[4096], *path = xstrdup("/tmp/test_mimeview.mailcap.XXXXXX");
	char *script, *line;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	script = xasprintf("%s/" CORPUS "render.sh", cwd);
	line = xasprintf("%s%s%s", before, script, after);
	assert_int_equal(write_all(fd, line, strlen(line)), 0);
	close(fd);
	free(script);
	free(line);
	return path;
}

/* the external path: the mailcap program runs with argv on a temporary
 * file named from nametemplate, which is gone afterwards */
static void test_html_external(void **state)
{
	char *mc = mailcap_file("# test\ntext/html; ", " -c %{charset} %s; copiousoutput; "
				"nametemplate=%s.htm\n");
	struct mimeview_opts o = { .mailcap_path = mc };
	struct mimeview *mv = view("html.eml", &o);
	const char *args, *tmp;
	struct stat st;

	assert_true(mv->nlines > 6);
	assert_int_equal(mv->lines[3].kind, MV_NOTE);
	assert_string_equal(mv->lines[3].text, "[-- text/html rendered by render.sh --]");
	args = mv->lines[4].text;
	assert_true(strncmp(args, "args: -c utf-8 /", 16) == 0);
	tmp = args + 15;
	assert_non_null(strstr(tmp, "/poczta-view-"));
	assert_string_equal(tmp + strlen(tmp) - 4, ".htm");
	assert_int_equal(stat(tmp, &st), -1);
	assert_string_equal(mv->lines[7].text, "<H1>TITLE</H1>");
	mimeview_free(mv);
	unlink(mc);
	free(mc);
}

/* a command that needs a shell is not run: the built-in path is used;
 * no_external never runs the program */
static void test_html_external_refused(void **state)
{
	char *mc = mailcap_file("text/html; cat %s | ", "; copiousoutput\n");
	char *ok = mailcap_file("text/html; ", " x y %s; copiousoutput\n");
	struct mimeview_opts o = { .mailcap_path = mc };
	struct mimeview *mv = view("html.eml", &o);

	assert_string_equal(mv->lines[3].text, "Title");
	mimeview_free(mv);
	o.mailcap_path = ok;
	o.no_external = true;
	mv = view("html.eml", &o);
	assert_string_equal(mv->lines[3].text, "Title");
	mimeview_free(mv);
	o.no_external = false;
	mv = view("html.eml", &o);
	assert_int_equal(mv->lines[3].kind, MV_NOTE);
	mimeview_free(mv);
	unlink(mc);
	unlink(ok);
	free(mc);
	free(ok);
}

/* multipart/alternative: plain by default, the HTML of a multipart/related
 * when prefer_html, with its inline image listed */
static void test_alternative(void **state)
{
	static const char *const plain[] = {
		"H|From: a@example.com", "H|Subject: alt", "B|", "B|Plain version.", NULL,
	};
	static const char *const html[] = {
		"H|From: a@example.com", "H|Subject: alt", "B|", "B|HTML wersja ą",
		"A|[-- Attachment #2.2: logo.png (image/png, 8B) --]", NULL,
	};
	struct mimeview_opts o = { .prefer_html = true, .no_external = true };
	struct mimeview *mv = view("alternative.eml", NULL);

	expect_lines(mv, plain);
	assert_int_equal(mv->nparts, 4);
	assert_true(mv->parts[0].shown);
	assert_false(mv->parts[2].shown);
	assert_false(mv->parts[2].attachment);
	assert_string_equal(mv->parts[3].id, "2.2");
	assert_int_equal(mv->parts[3].depth, 1);
	mimeview_free(mv);
	mv = view("alternative.eml", &o);
	expect_lines(mv, html);
	assert_false(mv->parts[0].shown);
	assert_true(mv->parts[2].shown);
	mimeview_free(mv);
}

/* message/rfc822 inline with its headers; IMAP numbers inside it */
static void test_forwarded(void **state)
{
	static const char *const exp[] = {
		"H|From: fw@example.com",
		"H|Subject: Fwd: report",
		"B|",
		"B|See below.",
		"B|",
		"N|[-- Forwarded message (part 2) --]",
		"H|From: Renée <renee@example.fr>",
		"H|To: fw@example.com",
		"H|Date: Sat, 21 Nov 2026 09:00:00 +0100",
		"H|Subject: report",
		"B|",
		"B|Voilà le rapport.",
		"A|[-- Attachment #2.2: data.csv (text/csv, 7B) --]",
		NULL,
	};
	struct mimeview *mv = view("forward.eml", NULL);

	expect_lines(mv, exp);
	assert_int_equal(mv->nparts, 4);
	assert_string_equal(mv->parts[1].type, "message/rfc822");
	assert_string_equal(mv->parts[2].id, "2.1");
	assert_string_equal(mv->parts[3].id, "2.2");
	mimeview_free(mv);
}

/* broken MIME: no end boundary, bad base64, unknown charset, NUL, ESC,
 * DEL, C1 and bad UTF-8 all shown, nothing dropped silently */
static void test_broken(void **state)
{
	static const char *const exp[] = {
		"H|From: b@example.com",
		"H|Subject: abc ^[]0;owned^G \xef\xbf\xbd",
		"B|",
		"N|[-- multipart/mixed has no closing boundary: the message may be cut short --]",
		"B|",
		"N|[-- unknown charset x-nonsense: shown as UTF-8, other bytes as U+FFFD --]",
		"B|unknown charset ż \xef\xbf\xbd end",
		"B|",
		"N|[-- invalid base64 in part 2: decoded what could be --]",
		"N|[-- 1 byte not valid in utf-8 shown as U+FFFD --]",
		"B|öZ\xef\xbf\xbd]",
		"B|",
		"N|[-- 1 byte not valid in utf-8 shown as U+FFFD --]",
		"B|NUL^@here ESC^[[2J clear, DEL^?, C1 <9B>31m, bad \xef\xbf\xbd( utf8",
		"B|",
		"B|no end boundary",
		NULL,
	};
	check("broken.eml", NULL, exp);
}

/* the header names the reader asked for, in that order; tabs, long lines */
static void test_headers_and_long_lines(void **state)
{
	static const char *const names[] = { "Subject", "X-Mailer", "From", NULL };
	struct mimeview_opts o = { .headers = names, .no_external = true };
	struct buf msg = BUF_INIT;
	struct mimeview *mv;
	size_t i;

	buf_puts(&msg, "From: x@example.com\nX-Mailer: \tpoczta\nSubject: s\n\na\tb\n");
	for (i = 0; i < 20000; i++)
		buf_putc(&msg, 'a' + (int)(i % 26));
	buf_puts(&msg, "\n");
	mv = mimeview_parse(msg.data, msg.len, &o);
	assert_int_equal(mv->nlines, 6);
	assert_string_equal(mv->lines[0].text, "Subject: s");
	assert_string_equal(mv->lines[1].text, "X-Mailer: poczta");
	assert_string_equal(mv->lines[2].text, "From: x@example.com");
	assert_string_equal(mv->lines[4].text, "a       b");
	assert_int_equal(strlen(mv->lines[5].text), 20000);
	mimeview_free(mv);
	buf_free(&msg);
}

/* bounded work: a 50 MB attachment is listed with its size, not decoded;
 * a text part over the limit is listed too */
static void test_big_parts(void **state)
{
	struct buf msg = BUF_INIT;
	struct mimeview *mv;
	size_t i, line = 76 / 4 * 3;

	buf_puts(&msg, "Subject: big\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
		 "Content-Type: application/octet-stream; name=big.bin\n"
		 "Content-Transfer-Encoding: base64\n\n");
	for (i = 0; i < 50u * 1024 * 1024 / line; i++)
		buf_puts(&msg, "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n");
	buf_puts(&msg, "--b\nContent-Type: text/plain\n\n");
	buf_reserve(&msg, 9u << 20);
	memset(msg.data + msg.len, 'x', 9u << 20);
	msg.len += 9u << 20;
	buf_puts(&msg, "\n--b--\n");
	mv = mimeview_parse(msg.data, msg.len, NULL);
	assert_int_equal(mv->nparts, 2);
	assert_int_equal(mv->parts[0].size, i * line);
	assert_false(mv->parts[0].shown);
	assert_false(mv->parts[1].shown);
	assert_int_equal(mv->nlines, 5);
	assert_string_equal(mv->lines[2].text,
			    "[-- Attachment #1: big.bin (application/octet-stream, 50M) --]");
	assert_string_equal(mv->lines[3].text, "[-- part 2 is too large to show here --]");
	assert_string_equal(mv->lines[4].text, "[-- Attachment #2 (text/plain, 9.0M) --]");
	mimeview_free(mv);
	buf_free(&msg);
}

/* deeply nested multiparts: shown down to a limit, then a note */
static void test_deep_nesting(void **state)
{
	struct buf msg = BUF_INIT;
	struct mimeview *mv;
	int i, notes = 0;
	size_t j;

	buf_puts(&msg, "Subject: deep\n");
	for (i = 0; i < 200; i++)
		buf_printf(&msg, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
	buf_puts(&msg, "Content-Type: text/plain\n\ndeep text\n");
	mv = mimeview_parse(msg.data, msg.len, NULL);
	for (j = 0; j < mv->nlines; j++) {
		assert_null(strstr(mv->lines[j].text, "deep text"));
		notes += strstr(mv->lines[j].text, "nested too deeply") != NULL;
	}
	assert_int_equal(notes, 1);
	mimeview_free(mv);
	buf_free(&msg);
}

/* found by fuzz_mimeview: libetpan's QP decoder read past an "=X" or "="
 * at the very end of the message (ASan: heap-buffer-overflow) */
static void test_qp_end(void **state)
{
	static const char *const ends[][2] = {
		{ "ab=C", "ab=C" }, { "ab=", "ab" }, { "ab=\n", "ab" }, { "ab=4", "ab=4" },
		{ "ab=41", "abA" },
	};
	const char *hdr = "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n";
	size_t i;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t n = strlen(hdr) + strlen(ends[i][0]);
		char *msg = xmalloc(n);	/* exactly, so that ASan sees a read past it */
		struct buf b = BUF_INIT;
		struct mimeview *mv;

		memcpy(msg, hdr, strlen(hdr));
		memcpy(msg + strlen(hdr), ends[i][0], strlen(ends[i][0]));
		mv = mimeview_parse(msg, n, NULL);
		assert_int_equal(mv->nlines, 2);
		assert_string_equal(mv->lines[1].text, ends[i][1]);
		assert_true(mimeview_part_data(msg, n, "1", &b));
		assert_string_equal(b.data, ends[i][1]);
		mimeview_free(mv);
		buf_free(&b);
		free(msg);
	}
}

/* 100000 nested message/rfc822 parts overflowed the stack in libetpan's
 * recursive parser: such a message is shown as text with a note */
static void test_too_many_parts(void **state)
{
	struct buf msg = BUF_INIT;
	struct mimeview *mv;
	int i;

	buf_puts(&msg, "Subject: deep\n");
	for (i = 0; i < 100000; i++)
		buf_puts(&msg, "Content-Type: message/rfc822\n\n");
	mv = mimeview_parse(msg.data, msg.len, NULL);
	assert_string_equal(mv->lines[2].text, "[-- too many MIME parts: shown as it is --]");
	assert_int_equal(mv->nparts, 0);
	mimeview_free(mv);
	assert_false(mimeview_part_data(msg.data, msg.len, "1", &msg));
	buf_free(&msg);
}

/* decoded octets by IMAP number; saving never overwrites */
static void test_part_data_save(void **state)
{
	char dir[] = "/tmp/test_mimeview.XXXXXX", *dest, *saved;
	struct buf b = BUF_INIT;
	size_t len, n;
	char *msg = corpus("forward.eml", &len), *m2 = corpus("rfc2231.eml", &n);

	assert_true(mimeview_part_data(msg, len, "2.1", &b));
	assert_string_equal(b.data, "Voil\xe0 le rapport.");
	buf_reset(&b);
	assert_true(mimeview_part_data(m2, n, "3", &b));
	assert_string_equal(b.data, "hello world");
	assert_false(mimeview_part_data(m2, n, "6", &b));
	assert_false(mimeview_part_data(m2, n, "3.1", &b));
	assert_false(mimeview_part_data(m2, n, "", &b));
	assert_non_null(mkdtemp(dir));
	dest = xasprintf("%s/out.txt", dir);
	assert_int_equal(mimeview_part_save(m2, n, "3", dest), 0);
	assert_int_equal(mimeview_part_save(m2, n, "2", dest), -EEXIST);
	assert_int_equal(mimeview_part_save(m2, n, "9", dest), -ENOENT);
	saved = read_file(dest, &len);
	assert_string_equal(saved, "hello world");
	unlink(dest);
	rmdir(dir);
	free(saved);
	free(dest);
	free(msg);
	free(m2);
	buf_free(&b);
}

/* the view command: %s quoted when needed, %t, %{param} only when safe,
 * test= run, entries with copiousoutput found too */
static void test_view_command(void **state)
{
	char path[] = "/tmp/test_mimeview.mc.XXXXXX";
	const char *mc = "image/png; false-viewer %s; test=false\n"
		"image/*; feh -- %s\n"
		"text/plain; less -c %{charset} %s\n"
		"application/pdf; zathura %t %s; needsterminal\n";
	struct mimeview_opts o = { .mailcap_path = path };
	int fd = mkstemp(path);
	char *c;

	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, mc, strlen(mc)), 0);
	close(fd);
	c = mimeview_part_view_command("image/png", "/tmp/a b.png", &o);
	assert_string_equal(c, "feh -- '/tmp/a b.png'");
	free(c);
	c = mimeview_part_view_command("application/pdf", "/tmp/x.pdf", &o);
	assert_string_equal(c, "zathura application/pdf /tmp/x.pdf");
	free(c);
	c = mimeview_part_view_command("text/plain; charset=iso-8859-2", "/tmp/t", &o);
	assert_string_equal(c, "less -c iso-8859-2 /tmp/t");
	free(c);
	assert_null(mimeview_part_view_command("text/plain; charset=$(rm -rf ~)", "/tmp/t", &o));
	assert_null(mimeview_part_view_command("text/plain", "/tmp/t", &o));
	assert_null(mimeview_part_view_command("video/mp4", "/tmp/t", &o));
	unlink(path);
}

/* headers: RFC 2047 in several charsets, unknown ones, hostile bytes */
static void test_decode_header(void **state)
{
	static const char *const cases[][2] = {
		{ "=?utf-8?q?a?=  =?utf-8?q?b?=", "ab" },
		{ "x =?ISO-8859-2?B?s+o=?= y", "x łę y" },
		{ "=?koi8-r?q?=F0=D2=C9=D7=C5=D4?=\r\n =?windows-1251?Q?=EC=E8=F0?=", "Приветмир" },
		{ "plain\n\tfolded", "plain\tfolded" },
		{ "=?utf-8?q?=1B[31mred?=", "^[[31mred" },
		{ "caf\xe9", "caf\xef\xbf\xbd" },
		{ "=?utf-8?q?bad_=FF?=", "bad \xef\xbf\xbd" },
		{ "=?x-unknown?q?abc?= =?utf-8*pl?q?=C5=BC?=", "abcż" },
		{ "a=?utf-8?q?b?=c \"=?utf-8?q?d?=\" =?bogus", "abc \"d\" =?bogus" },
		{ "  lead  =?utf-8?q?x?=  ", "  lead  x  " },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *d = mimeview_decode_header(cases[i][0]);
		char *want = xstrdup(cases[i][1]);
		char *t = strchr(want, '\t');
		if (t)
			*t = ' ';
		assert_string_equal(d, want);
		free(d);
		free(want);
	}
}

static void test_open_missing(void **state)
{
	struct buf err = BUF_INIT;

	assert_null(mimeview_open(CORPUS "no-such.eml", NULL, &err));
	assert_non_null(strstr(buf_cstr(&err), "no-such.eml"));
	buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qp_latin2),
		cmocka_unit_test(test_b64_koi8r),
		cmocka_unit_test(test_part_text),
		cmocka_unit_test(test_charset_aliases),
		cmocka_unit_test(test_swedish_utf8),
		cmocka_unit_test(test_rfc2231_names),
		cmocka_unit_test(test_flowed),
		cmocka_unit_test(test_flowed_width),
		cmocka_unit_test(test_flowed_delsp),
		cmocka_unit_test(test_html_builtin),
		cmocka_unit_test(test_html_external),
		cmocka_unit_test(test_html_external_refused),
		cmocka_unit_test(test_alternative),
		cmocka_unit_test(test_forwarded),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_headers_and_long_lines),
		cmocka_unit_test(test_big_parts),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_qp_end),
		cmocka_unit_test(test_too_many_parts),
		cmocka_unit_test(test_part_data_save),
		cmocka_unit_test(test_view_command),
		cmocka_unit_test(test_decode_header),
		cmocka_unit_test(test_open_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
