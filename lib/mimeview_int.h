/* mimeview_int.h - what the mimeview_*.c files share; not for other users. */
#ifndef POCZTA_MIMEVIEW_INT_H
#define POCZTA_MIMEVIEW_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <libetpan/libetpan.h>
#include "buf.h"
#include "mailcap.h"
#include "mimeview.h"

/* bounds on the work done to render one message */
#define MV_TEXT_MAX	(8u << 20)	/* a text part larger than this (encoded) is listed, not shown */
#define MV_DEPTH_MAX	24		/* nesting of multiparts and messages shown */
#define MV_FIELDS_MAX	2000		/* Content-Type fields in one message */
#define MV_HTML_TIMEOUT	10000		/* ms for a mailcap program */

/* the renderer's state while one message is walked */
struct mv_out {
	struct mimeview *mv;
	size_t lcap, pcap;
	const struct mimeview_opts *o;
	struct mailcap *mc;		/* loaded on first use */
	bool mc_loaded;
	int width;
};

/* mv_line - add one line of kind; text is valid UTF-8 of len bytes, in
 * which control characters are made visible and tabs expanded */
void mv_line(struct mv_out *out, enum mimeview_kind kind, int level, const char *text, size_t len);
/* mv_note - an MV_NOTE line "[-- ... --]" from a printf format */
void mv_note(struct mv_out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* mv_utf8_clean - append s to b with every invalid UTF-8 byte as U+FFFD;
 * returns how many were replaced */
size_t mv_utf8_clean(struct buf *b, const char *s, size_t n);
/* mv_to_utf8 - append len bytes in charset (NULL: us-ascii) to b as UTF-8:
 * 0 when all converted, the count of bytes shown as U+FFFD, or -1 when
 * the charset is unknown (then shown as UTF-8 where valid) */
long mv_to_utf8(struct buf *b, const char *data, size_t len, const char *charset);
/* mv_text - the lines of UTF-8 text: quote levels, the signature, and with
 * flowed the RFC 3676 paragraphs re-wrapped at out->width */
void mv_text(struct mv_out *out, const char *text, size_t len, bool flowed, bool delsp);
/* mv_html_strip - HTML (UTF-8) as plain text into b: tags removed,
 * entities decoded, paragraphs, line breaks and lists kept */
void mv_html_strip(struct buf *b, const char *html, size_t len);
/* mv_html - render an HTML part (UTF-8) into lines, through the mailcap
 * entry with copiousoutput unless no_external, else mv_html_strip */
void mv_html(struct mv_out *out, const char *html, size_t len);
/* mv_decode - the decoded body of a single part (or the text of a
 * message/rfc822 part) appended to b; false when there is none */
bool mv_decode(const struct mailmime *m, struct buf *b);
/* mv_mime_parse - libetpan's tree of a message into *top: 1, or 0 when
 * it failed, -1 when the message has more than MV_FIELDS_MAX parts */
int mv_mime_parse(const char *data, size_t len, struct mailmime **top);
/* mv_param - a Content-Type or Content-Disposition parameter, with RFC 2231
 * continuations and charset and RFC 2047 words decoded to UTF-8; NULL when
 * absent.  params holds struct mailmime_parameter.  Newly allocated. */
char *mv_param(clist *params, const char *name);
/* mv_headers - the header lines asked for, from the header section */
void mv_headers(struct mv_out *out, const char *hdr, size_t len, struct mimeview *mv);
/* mv_header_get - the raw (folded) value of the first field name in the
 * header section, or NULL; newly allocated */
char *mv_header_get(const char *hdr, size_t len, const char *name);

#endif
