/* mimeview.h - one message made readable for the client's pager, with no
 * curses in it: headers decoded (RFC 2047), the MIME tree walked with
 * libetpan (mailmime_parse), text parts decoded (quoted-printable, base64)
 * and converted from their charset to UTF-8 with iconv, format=flowed
 * (RFC 3676) joined and re-wrapped, text/html rendered through mailcap
 * (RFC 1524, e.g. "w3m -dump" with copiousoutput) or a built-in stripper,
 * attachments listed with their RFC 2231 / RFC 2047 file names.  Malformed
 * input never fails: what cannot be decoded is shown raw, with a note. */
#ifndef POCZTA_MIMEVIEW_H
#define POCZTA_MIMEVIEW_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"

struct mimeview_part {
	char *id;		/* IMAP part number, "1", "2.1" (RFC 3501 6.4.5) */
	char *type;		/* lowercase "text/plain" */
	char *filename;		/* decoded UTF-8, or NULL */
	char *charset;		/* lowercase, or NULL */
	char *description;	/* Content-Description decoded, or NULL */
	size_t size;		/* decoded octets */
	int depth;		/* 0 for the top level */
	bool attachment;	/* listed as an attachment rather than shown */
	bool shown;		/* rendered into the lines */
};

enum mimeview_kind {
	MV_HEADER,		/* "Subject: ..." */
	MV_BODY,		/* ordinary text */
	MV_QUOTE,		/* quoted text ("> "), see quote_level */
	MV_SIGNATURE,		/* after "-- " */
	MV_ATTACHMENT,		/* "[-- Attachment #2: file.pdf (application/pdf, 12K) --]" */
	MV_NOTE,		/* "[-- text/html rendered by w3m --]", decoding problems */
};

struct mimeview_line {
	char *text;		/* UTF-8, no newline; control characters made
				 * visible, tabs expanded to 8 columns */
	enum mimeview_kind kind;
	int quote_level;	/* MV_QUOTE: how many ">" */
};

struct mimeview {
	char *from, *to, *cc, *subject, *date, *message_id;	/* decoded, or NULL */
	struct mimeview_part *parts;
	size_t nparts;
	struct mimeview_line *lines;	/* headers (the ones asked for), a blank line, the body */
	size_t nlines;
};

struct mimeview_opts {
	const char *const *headers;	/* header names to show, in order, NULL-
					 * terminated; NULL: From To Cc Date Subject */
	int width;		/* re-wrap flowed text at this many columns; 0: 78 */
	bool prefer_html;	/* multipart/alternative: the HTML part */
	const char *mailcap_path;	/* ':'-separated mailcap files; NULL:
					 * $MAILCAPS, else ~/.mailcap:/etc/mailcap */
	bool no_external;	/* never run a mailcap program (tests, --safe) */
};

/* mimeview_parse - render len bytes of a message (LF or CRLF line ends) */
struct mimeview *mimeview_parse(const char *data, size_t len, const struct mimeview_opts *o);
/* mimeview_open - the same from a file; NULL with the reason in err
 * (translated) when the file cannot be read */
struct mimeview *mimeview_open(const char *path, const struct mimeview_opts *o, struct buf *err);
void mimeview_free(struct mimeview *mv);

/* mimeview_part_data - append the decoded octets of part id to out;
 * false when there is no such part */
bool mimeview_part_data(const char *data, size_t len, const char *id, struct buf *out);
/* mimeview_part_text - the same for a text part pt, converted from its
 * charset to UTF-8 (bytes not valid there as U+FFFD); false when there is
 * no such part */
bool mimeview_part_text(const char *data, size_t len, const struct mimeview_part *pt,
			struct buf *out);
/* mimeview_part_save - write the decoded part to dest, never overwriting
 * (O_CREAT|O_EXCL), fsync'ed; 0 or -errno (-EEXIST when dest exists) */
int mimeview_part_save(const char *data, size_t len, const char *id, const char *dest);
/* mimeview_part_view_command - the mailcap "view" command for the part's
 * type with %s replaced by file (a temporary file the caller made, with a
 * name built from nothing in the message); NULL when mailcap has none.
 * The caller runs it; newly allocated. */
char *mimeview_part_view_command(const char *type, const char *file, const struct mimeview_opts *o);

/* mimeview_decode_header - a header value decoded to UTF-8 (RFC 2047
 * encoded words in any charset; unfolded); newly allocated */
char *mimeview_decode_header(const char *raw);

#endif
