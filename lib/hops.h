/* hops.h - a message's journey read back from its own trace fields: each
 * Received header (RFC 5321 4.4, the Time-stamp-line) becomes a hop with
 * the agent that wrote it, oldest first, for poczta-ctl trace and the
 * client's path view.  Works for headers written by poczta's agents and
 * by other servers (Postfix, Dovecot, Exim, Gmail): what a header does not
 * say is left NULL. */
#ifndef POCZTA_HOPS_H
#define POCZTA_HOPS_H
#include <stddef.h>
#include <time.h>

struct hop {
	char *from;		/* "from" clause: the sender's name and comment */
	char *by;		/* "by" clause: the receiving host */
	char *program;		/* the agent named in the by comment ("poczta-mta",
				 * "Postfix"), or NULL */
	char *protocol;		/* "with": ESMTPS, LMTP, IMAP, ... */
	char *tls;		/* "TLSv1.3", or NULL when not told or not used */
	char *id;		/* "id" clause */
	char *rcpt;		/* "for" clause, without the angle brackets */
	const char *role;	/* MSA, MTA, MDA or MRA as far as it can be told,
				 * else "?" */
	time_t when;		/* the date after ';', or (time_t)-1 */
};

struct hops {
	struct hop *hop;	/* oldest first: the last Received is hop 0 */
	size_t n;
	char *message_id;	/* the Message-ID field's value, or NULL */
	char *subject;
	char *return_path;	/* written by the delivering agent, or NULL */
	char *delivered_to;
	time_t date;		/* the Date field: when the author sent it, or -1 */
};

/* hops_parse - read the header section of msg (len bytes, LF or CRLF);
 * returns 0, or -1 when there is no header section at all */
int hops_parse(const char *msg, size_t len, struct hops *out);
void hops_free(struct hops *h);
/* hops_parse_received - one Received field's value (unfolded or not) */
void hops_parse_received(const char *value, struct hop *out);
void hop_free(struct hop *h);
/* hops_delay - "+1m05s", the time from prev to t ("-" when either is
 * unknown, "-3s" when the clocks disagree); out has 32 bytes or more */
void hops_delay(time_t prev, time_t t, char *out, size_t size);

#endif
