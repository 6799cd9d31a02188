/* demo_mail.c - sample mail for poczta --demo, generated at run time. */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demo.h"
#include "dsn.h"
#include "maildir.h"
#include "sasl.h"
#include "xalloc.h"

#define DEMO_DOMAIN "poczta.test"

/* demo_b64_lines - base64 of n bytes in lines of 76 (RFC 2045 6.8) */
static void demo_b64_lines(struct buf *out, const void *p, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	sasl_b64_encode(p, n, &b);
	for (i = 0; i < b.len; i += 76) {
		buf_append(out, b.data + i, b.len - i < 76 ? b.len - i : 76);
		buf_putc(out, '\n');
	}
	buf_free(&b);
}

/* demo_qp - quoted-printable of s (RFC 2045 6.7), soft breaks before 76 */
static void demo_qp(struct buf *out, const char *s)
{
	int col = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n') {
			buf_putc(out, '\n');
			col = 0;
			continue;
		}
		if (col > 72) {
			buf_puts(out, "=\n");
			col = 0;
		}
		if (c >= 128 || c == '=') {
			buf_printf(out, "=%02X", c);
			col += 3;
		} else {
			buf_putc(out, c);
			col++;
		}
	}
}

/* demo_iconv - utf8 in charset; newly allocated (the text is our own) */
static char *demo_iconv(const char *utf8, const char *charset)
{
	iconv_t cd = iconv_open(charset, "UTF-8");
	size_t inleft = strlen(utf8), outleft = inleft * 4 + 1;
	char *out = xcalloc(1, outleft + 1), *in = (char *)utf8, *o = out;

	if (cd == (iconv_t)-1) {
		free(out);
		return xstrdup(utf8);
	}
	iconv(cd, &in, &inleft, &o, &outleft);
	iconv_close(cd);
	return out;
}

/* demo_word - an RFC 2047 encoded word of utf8 in charset, B or Q */
static void demo_word(struct buf *out, const char *utf8, const char *charset, char enc)
{
	char *t = demo_iconv(utf8, charset), *p;

	buf_printf(out, "=?%s?%c?", charset, enc);
	if (enc == 'B') {
		sasl_b64_encode(t, strlen(t), out);
	} else {
		for (p = t; *p; p++) {
			unsigned char c = (unsigned char)*p;
			if (c == ' ')
				buf_putc(out, '_');
			else if (c >= 128 || strchr("=?_\t", c))
				buf_printf(out, "=%02X", c);
			else
				buf_putc(out, c);
		}
	}
	buf_puts(out, "?=");
	free(t);
}

struct demo_ctx {
	struct demo_message *m;
	size_t n;
	time_t now;
};

/* demo_start - a new message with the common headers; subject is already
 * encoded when it needs to be */
static struct buf *demo_start(struct demo_ctx *c, const char *folder, const char *flags,
			      const char *from, const char *subject, int hours_ago,
			      int id, int parent, int root)
{
	struct demo_message *m;
	char date[64];
	time_t t = c->now - (time_t)hours_ago * 3600;
	struct tm tm;

	c->m = xreallocarray(c->m, c->n + 1, sizeof(*c->m));
	m = &c->m[c->n++];
	m->folder = folder;
	m->flags = flags;
	buf_init(&m->text);
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_printf(&m->text, "Return-Path: <demo@%s>\nFrom: %s\nTo: Anna Nowak <user@%s>\n"
		   "Subject: %s\nDate: %s\nMessage-ID: <demo-%d@%s>\n",
		   DEMO_DOMAIN, from, DEMO_DOMAIN, subject, date, id, DEMO_DOMAIN);
	if (parent) {	/* RFC 5322 3.6.4 */
		buf_printf(&m->text, "In-Reply-To: <demo-%d@%s>\nReferences:", parent, DEMO_DOMAIN);
		if (root && root != parent)
			buf_printf(&m->text, " <demo-%d@%s>", root, DEMO_DOMAIN);
		buf_printf(&m->text, " <demo-%d@%s>\n", parent, DEMO_DOMAIN);
	}
	buf_puts(&m->text, "MIME-Version: 1.0\n");
	return &m->text;
}

/* demo_text - a single text/plain body in charset, quoted-printable */
static void demo_text(struct buf *b, const char *utf8, const char *charset)
{
	char *t = demo_iconv(utf8, charset);

	buf_printf(b, "Content-Type: text/plain; charset=%s\n"
		   "Content-Transfer-Encoding: quoted-printable\n\n", charset);
	demo_qp(b, t);
	free(t);
}

static const char demo_pl[] =
	"Cześć Anno,\n\nczy możemy się spotkać w środę o 10:00? Przyniosę dokumenty\n"
	"i zażółć gęślą jaźń, jak zawsze.\n\nPozdrawiam,\nŁukasz\n";
static const char demo_ru[] =
	"Здравствуйте, Анна!\n\nСъешь же ещё этих мягких французских булок, да выпей чаю.\n"
	"Встреча в пятницу в 15:00.\n\n-- \nИван Петров\n";
static const char demo_sv[] =
	"Hej Anna!\n\nFlygande bäckasiner söka hwila på mjuka tuvor.\n"
	"Välkommen på kräftskiva på fredag, ta med snaps och sångbok.\n\n"
	"Det här är en lång rad som inte är flödande text, och som därför bryts av "
	"läsaren när den inte ryms i fönstret: hela vägen till slutet.\n\nMvh\nÅsa\n";

/* demo_threads - three conversations in three languages and charsets */
static void demo_threads(struct demo_ctx *c)
{
	struct buf s = BUF_INIT, *b;

	demo_word(&s, "Spotkanie w środę", "ISO-8859-2", 'Q');
	b = demo_start(c, NULL, "", "=?UTF-8?Q?=C5=81ukasz_W=C3=B3jcik?= <lukasz@example.pl>",
		       buf_cstr(&s), 30, 1, 0, 0);
	demo_text(b, demo_pl, "ISO-8859-2");
	b = demo_start(c, NULL, "S", "Anna Nowak <user@" DEMO_DOMAIN ">", "Re: Spotkanie w środę",
		       29, 2, 1, 1);
	buf_puts(b, "Content-Type: text/plain; charset=utf-8; format=flowed\n"
		 "Content-Transfer-Encoding: 8bit\n\nTak, pasuje mi. Do zobaczenia!\n\n"
		 "> czy możemy się spotkać w środę o 10:00?\n");
	b = demo_start(c, NULL, "", "=?UTF-8?Q?=C5=81ukasz_W=C3=B3jcik?= <lukasz@example.pl>",
		       "Re: Spotkanie w =?UTF-8?Q?=C5=9Brod=C4=99?=", 5, 3, 2, 1);
	demo_text(b, "Świetnie, dziękuję!\n\n> Tak, pasuje mi.\n", "UTF-8");
	buf_reset(&s);
	demo_word(&s, "Привет из Москвы", "KOI8-R", 'B');
	b = demo_start(c, NULL, "", "=?UTF-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@example.ru>",
		       buf_cstr(&s), 50, 4, 0, 0);
	demo_text(b, demo_ru, "KOI8-R");
	b = demo_start(c, NULL, "S", "Anna Nowak <user@" DEMO_DOMAIN ">",
		       "Re: =?UTF-8?B?0J/RgNC40LLQtdGCINC40Lcg0JzQvtGB0LrQstGL?=", 48, 5, 4, 4);
	demo_text(b, "Спасибо, Иван! До пятницы.\n", "UTF-8");
	buf_reset(&s);
	demo_word(&s, "Kräftskiva på fredag", "ISO-8859-1", 'Q');
	b = demo_start(c, NULL, "", "=?ISO-8859-1?Q?=C5sa_Lindstr=F6m?= <asa@example.se>",
		       buf_cstr(&s), 3, 6, 0, 0);
	demo_text(b, demo_sv, "ISO-8859-1");
	buf_free(&s);
}

/* demo_mime - a multipart with attachments, an HTML mail, an alternative */
static void demo_mime(struct demo_ctx *c)
{
	static const unsigned char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
	static const char csv[] = "miasto;temperatura\nWarszawa;21\nKraków;23\n";
	struct buf *b;

	b = demo_start(c, NULL, "", "Ewa Zielińska <ewa@example.pl>",
		       "Faktura i raport =?UTF-8?Q?kwarta=C5=82u?=", 8, 10, 0, 0);
	buf_puts(b, "Content-Type: multipart/mixed; boundary=\"demo-b1\"\n\n"
		 "This is a MIME message.\n--demo-b1\n");
	demo_text(b, "W załączniku faktura oraz raport z pomiarów.\n", "UTF-8");
	buf_puts(b, "--demo-b1\nContent-Type: application/pdf\n"
		 "Content-Disposition: attachment; filename*=UTF-8''faktura-%C5%BC%C3%B3%C5%82ta.pdf\n"
		 "Content-Transfer-Encoding: base64\n\n");
	demo_b64_lines(b, pdf, sizeof(pdf) - 1);
	buf_puts(b, "--demo-b1\nContent-Type: text/csv; charset=utf-8\n"
		 "Content-Disposition: attachment; filename=\"pomiary.csv\"\n"
		 "Content-Transfer-Encoding: base64\n\n");
	demo_b64_lines(b, csv, sizeof(csv) - 1);
	buf_puts(b, "--demo-b1--\n");
	b = demo_start(c, NULL, "", "Newsletter <news@example.org>", "Weekly news (HTML only)",
		       12, 11, 0, 0);
	buf_puts(b, "Content-Type: text/html; charset=utf-8\n\n<html><body><h1>Weekly news</h1>"
		 "<p>Hello <b>Anna</b>, this week: <i>poczta</i> reads HTML mail.</p>"
		 "<ul><li>item one</li><li>item two</li></ul></body></html>\n");
	b = demo_start(c, NULL, "S", "Olle Berg <olle@example.se>", "Both plain and HTML", 70, 12,
		       0, 0);
	buf_puts(b, "Content-Type: multipart/alternative; boundary=\"demo-b2\"\n\n--demo-b2\n"
		 "Content-Type: text/plain; charset=utf-8\n\nThe plain text version.\n"
		 "--demo-b2\nContent-Type: text/html; charset=utf-8\n\n"
		 "<p>The <b>HTML</b> version.</p>\n--demo-b2--\n");
}

/* demo_fillers - ordinary mail to scroll through, some in a list folder */
static void demo_fillers(struct demo_ctx *c)
{
	static const char *const who[] = {
		"Jan Kowalski <jan@example.pl>", "Maria Ivanova <maria@example.ru>",
		"Erik Svensson <erik@example.se>", "Debian Announce <announce@lists.debian.org>",
	};
	static const char *const what[] = {
		"Status update", "Lunch?", "Build report", "Meeting notes", "Question about the queue",
		"Holiday plans", "New release", "Re: the plan",
	};
	struct buf *b;
	int i;

	for (i = 0; i < 28; i++) {
		bool list = i % 4 == 3;
		char subj[80];

		snprintf(subj, sizeof(subj), "%s #%d", what[i % 8], i + 1);
		b = demo_start(c, list ? "Lists" : (i % 7 == 5 ? "Praca" : NULL),
			       i % 3 ? "S" : "", who[i % 4], subj, 80 + i * 9, 100 + i, 0, 0);
		if (list)	/* RFC 2919 and RFC 2369 3.4: what L (list reply) uses */
			buf_puts(b, "List-Id: Debian Announcements <debian-announce.lists.debian.org>\n"
				 "List-Post: <mailto:debian-announce@lists.debian.org>\n");
		buf_printf(b, "Content-Type: text/plain; charset=us-ascii\n\n"
			   "Message %d of the demo.\n\nLine two of the body.\n", i + 1);
	}
	b = demo_start(c, NULL, "", "=?UTF-8?B?5bGx55Sw5aSq6YOO?= <yamada@example.jp>",
		       "=?UTF-8?B?5pel5pys6Kqe44Go57W15paH5a2X8J+YgCB3aWRl?=", 20, 201, 0, 0);
	buf_puts(b, "Content-Type: text/plain; charset=utf-8\n\n"
		 "Wide characters take two columns: 日本語, 😀.\n");
	b = demo_start(c, "Zażółć", "", "Jan Kowalski <jan@example.pl>",
		       "A folder with a Polish name", 1, 200, 0, 0);
	buf_puts(b, "Content-Type: text/plain; charset=utf-8\n\nIn the folder Zażółć.\n");
}

size_t demo_mail(struct demo_message **out, time_t now)
{
	struct demo_ctx c = { NULL, 0, now };

	demo_threads(&c);
	demo_mime(&c);
	demo_fillers(&c);
	*out = c.m;
	return c.n;
}

void demo_mail_free(struct demo_message *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_free(&m[i].text);
	free(m);
}

int demo_write(const char *root, struct demo_message *m, size_t n, struct buf *err)
{
	struct maildir_tmp t;
	struct dsn d;
	char *dir;
	size_t i;
	int r = 0;

	if (maildir_create(root, &d) < 0) {
		buf_printf(err, "%s", d.text);
		return -1;
	}
	for (i = 0; i < n && r == 0; i++) {
		dir = maildir_folder_path(root, m[i].folder, true, &d);
		if (dir == NULL || maildir_tmp_open(&t, root, &d) < 0) {
			buf_printf(err, "%s", d.text);
			free(dir);
			return -1;
		}
		if (maildir_tmp_write(&t, m[i].text.data, m[i].text.len, &d) < 0 ||
		    maildir_tmp_sync(&t, &d) < 0 ||
		    maildir_tmp_link(&t, dir, *m[i].flags ? m[i].flags : NULL, NULL, &d) < 0) {
			buf_printf(err, "%s", d.text);
			r = -1;
		}
		maildir_tmp_close(&t);
		free(dir);
	}
	return r;
}
