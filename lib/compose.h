/* compose.h - a message as the user writes it, and as it is sent: the
 * editor's file (a header block, an empty line, the body, as mutt writes
 * it), replies and forwards derived from the original, and the finished
 * RFC 5322 / MIME message.  No curses and no network in it.
 *
 * Everything is UTF-8 inside; compose_build encodes: RFC 2047 for header
 * text, RFC 2231 for attachment file names, quoted-printable for a text
 * body that needs it (RFC 2045 6.7), base64 for binary attachments.
 * Messages out of compose_build use LF line ends (as the queue and the
 * Maildir store them; the SMTP client sends CRLF). */
#ifndef POCZTA_COMPOSE_H
#define POCZTA_COMPOSE_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "buf.h"

/* An attachment: a file read when the message is built (path), or bytes
 * already in memory (data: a forwarded message, a part of a recalled
 * draft). */
struct compose_att {
	char *path;		/* or NULL */
	char *data;		/* when path is NULL */
	size_t len;
	char *name;		/* the file name the recipient sees (basename of path by default) */
	char *type;		/* "image/png"; NULL: guessed by compose_guess_type at build time */
	char *description;	/* Content-Description, or NULL */
};

struct compose {
	char *from;		/* "Name <addr>" as typed, UTF-8 */
	char *to, *cc, *bcc;	/* address lists as typed, comma-separated, or NULL */
	char *reply_to;		/* or NULL */
	char *subject;		/* UTF-8, or NULL */
	char *in_reply_to;	/* "<id>" of the message replied to, or NULL */
	char *references;	/* "<id1> <id2> ...", or NULL */
	char *message_id;	/* "<id>"; made by compose_build when NULL */
	char *body;		/* UTF-8 text, LF line ends */
	struct compose_att *att;
	size_t natt;
	bool flowed;		/* send the text as format=flowed (RFC 3676) */
};

enum compose_reply_kind {
	COMPOSE_REPLY,		/* r: to Reply-To, else From */
	COMPOSE_GROUP,		/* g: and every other To/Cc, less the user's own addresses */
	COMPOSE_LIST,		/* L: to the List-Post address (RFC 2369 3.4); fails without one */
};

/* What a new message, reply or forward needs from the user's settings. */
struct compose_opts {
	const char *from;		/* the identity: "Name <addr>" */
	char *const *alternates;	/* the user's other addresses (NULL-terminated, or NULL) */
	const char *signature;		/* signature text (without "-- "), or NULL */
	const char *attribution;	/* "On %d, %n wrote:" — %d the original's date, %n its author's name (else address); NULL: none */
	const char *hostname;		/* right-hand side of made-up Message-IDs */
	time_t now;			/* for Date and Message-ID */
};

void compose_init(struct compose *c);
void compose_free(struct compose *c);

/* compose_new - an empty message from o->from with the signature under
 * "-- " (RFC 3676 4.3) */
void compose_new(struct compose *c, const struct compose_opts *o);
/* compose_reply - a reply of kind to the message orig (raw RFC 5322 bytes):
 * recipients (RFC 5322 3.6.3 and RFC 2369 for lists), "Re: " subject once,
 * In-Reply-To and References (RFC 5322 3.6.4), the attribution line and the
 * original's text quoted with "> " (its text/plain part, decoded, or the
 * HTML's text), then the signature.  0, or -1 with err (no List-Post for
 * COMPOSE_LIST, an unparsable original). */
int compose_reply(struct compose *c, const struct compose_opts *o, enum compose_reply_kind kind,
		  const char *orig, size_t len, struct buf *err);
/* compose_forward - a forward of orig: "Fwd: " subject; inline (a
 * "Forwarded message" block with its From, Date, Subject, To and its text)
 * or as a message/rfc822 attachment (RFC 2046 5.2.1) */
int compose_forward(struct compose *c, const struct compose_opts *o, bool as_attachment,
		    const char *orig, size_t len, struct buf *err);
/* compose_from_message - a message back into a compose: a postponed
 * draft or a message taken back from the outbox.  The first text/plain
 * part is the body (format=flowed joined back); every other part becomes
 * an in-memory attachment.  message_id is left NULL: built again, the
 * message gets a new one. */
int compose_from_message(struct compose *c, const char *msg, size_t len, struct buf *err);

/* compose_editor_text - the file the editor shows: From:, To:, Cc:, Bcc:,
 * Subject:, Reply-To: (always, even empty), then the empty line and the body */
void compose_editor_text(const struct compose *c, struct buf *out);
/* compose_editor_read - the edited file back: known fields replace the
 * compose's, unknown ones are an error naming the line, "Attach: PATH
 * [DESCRIPTION]" lines add attachments (as mutt's edit_headers does) */
int compose_editor_read(struct compose *c, const char *text, size_t len, struct buf *err);

/* compose_recipients - every address of To, Cc and Bcc (bare addr-specs,
 * duplicates removed), NULL-terminated and newly allocated; NULL with err
 * for an address list that does not parse or has no recipient */
char **compose_recipients(const struct compose *c, struct buf *err);
/* compose_sender - the addr-spec of From, for MAIL FROM; newly allocated,
 * NULL with err */
char *compose_sender(const struct compose *c, struct buf *err);

/* compose_build - the message to send: Date, Message-ID (set in c when it
 * was NULL), From, To, Cc, Reply-To, Subject, In-Reply-To, References,
 * MIME-Version and the body: text/plain; charset=utf-8 (us-ascii when it
 * is), 7bit / quoted-printable (lines over 78 octets, 8-bit text), or
 * multipart/mixed with the attachments.  Bcc is not in it.  A header line
 * stays under 78 octets (folded, RFC 5322 2.2.3).  0, or -1 with err (an
 * attachment that cannot be read, a header that does not parse). */
int compose_build(struct compose *c, const struct compose_opts *o, struct buf *out, struct buf *err);
/* compose_build_draft - compose_build with the Bcc field kept: a
 * postponed draft, which compose_from_message reads back whole */
int compose_build_draft(struct compose *c, const struct compose_opts *o, struct buf *out,
			struct buf *err);

/* compose_guess_type - the MIME type of a file from its name and its
 * first bytes: "text/plain" for UTF-8 text without NUL, known magic
 * numbers and file name extensions, else "application/octet-stream" */
const char *compose_guess_type(const char *name, const void *data, size_t len);

/* compose_att_add_file - an attachment from a file (checked readable now) */
int compose_att_add_file(struct compose *c, const char *path, const char *description,
			 struct buf *err);
/* compose_att_remove - drop attachment i */
void compose_att_remove(struct compose *c, size_t i);

#endif
