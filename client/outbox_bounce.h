/* outbox_bounce.h - bounces linked to the messages they are about, for the
 * outbox screen (no curses): a delivery status notification in the INBOX
 * (RFC 3464: multipart/report; report-type=delivery-status) names its
 * original by the Message-ID in its text/rfc822-headers or message/rfc822
 * part; the sent copy with that Message-ID is found through notmuch. */
#ifndef POCZTA_CLIENT_OUTBOX_BOUNCE_H
#define POCZTA_CLIENT_OUTBOX_BOUNCE_H
#include <stddef.h>
#include "buf.h"
#include "mbox.h"

struct outbox_bounce {
	char *file;		/* the bounce */
	char *sent;		/* the original's copy in Sent, or NULL */
	char *subject;		/* the original's (or the bounce's) subject */
	char *rcpts;		/* Final-Recipient addresses, ", "-separated */
	char *diagnostic;	/* Diagnostic-Code, else Status */
};

/* outbox_bounce_parse - a bounce's original Message-ID ("<...>"),
 * recipients and diagnostic, from its bytes; 0, or -1 when it is not a
 * delivery status notification naming its original */
int outbox_bounce_parse(const char *data, size_t len, char **msgid, struct outbox_bounce *b);
/* outbox_bounces - the bounces still in the inbox (tag:inbox) about
 * messages sent from here (a copy in the folder sent); *n their count */
struct outbox_bounce *outbox_bounces(struct mbox_db *db, const char *sent, size_t *n);
void outbox_bounces_free(struct outbox_bounce *v, size_t n);

#endif
