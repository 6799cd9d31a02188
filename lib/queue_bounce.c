/* queue_bounce.c - delivery status notifications (RFC 3464) queued as new
 * messages: multipart/report (RFC 6522) with a text for people, a
 * message/delivery-status part, and the original's header (or all of it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "crashpoint.h"
#include "fsutil.h"
#include "i18n.h"
#include "queue_int.h"
#include "rfc5322.h"
#include "xalloc.h"

#define BOUNCE_FOLD 76			/* fold report lines past this */
#define BOUNCE_FULL_MAX (10 * 1024 * 1024)	/* larger originals: headers only */

enum bounce_action { ACT_NONE, ACT_FAILED, ACT_DELAYED, ACT_DELIVERED };

/* bounce_action - what, if anything, to report about r (RFC 3461 4.1 NOTIFY) */
static enum bounce_action bounce_action(const struct queue_rcpt *r)
{
	unsigned notify = r->notify;

	if (notify & QUEUE_NOTIFY_NEVER)
		return ACT_NONE;
	if (r->state == QUEUE_FAILED && (notify == 0 || (notify & QUEUE_NOTIFY_FAILURE)))
		return ACT_FAILED;
	if (r->state == QUEUE_DEFERRED && (notify & QUEUE_NOTIFY_DELAY))
		return ACT_DELAYED;
	if (r->state == QUEUE_DELIVERED && (notify & QUEUE_NOTIFY_SUCCESS))
		return ACT_DELIVERED;
	return ACT_NONE;
}

/* bounce_put_clean - append s with control bytes turned into spaces, so that
 * nothing a peer sent can break a line of the report */
static void bounce_put_clean(struct buf *out, const char *s)
{
	for (; s && *s; s++)
		buf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

/* bounce_field - "Name: value" folded at white space before BOUNCE_FOLD
 * columns (RFC 5322 2.2.3); a word too long for 998 is cut */
static void bounce_field(struct buf *out, const char *name, const char *value)
{
	struct buf v = BUF_INIT;
	size_t col = strlen(name) + 2, i = 0;

	bounce_put_clean(&v, value);
	buf_printf(out, "%s:", name);
	while (i < v.len) {
		size_t sp = i, wlen;
		while (sp < v.len && v.data[sp] == ' ')
			sp++;
		wlen = strcspn(v.data + sp, " ");
		if (wlen > 900)
			wlen = 900;
		if (col + 1 + wlen > BOUNCE_FOLD && col > strlen(name) + 2) {
			buf_puts(out, "\n");
			col = 0;
		}
		buf_putc(out, ' ');
		buf_append(out, v.data + sp, wlen);
		col += 1 + wlen;
		i = sp + strcspn(v.data + sp, " ");
	}
	buf_putc(out, '\n');
	buf_free(&v);
}

/* bounce_addr_type - RFC 6533: an address with 8-bit bytes is "utf-8" */
static const char *bounce_addr_type(const char *addr)
{
	for (; *addr; addr++)
		if ((unsigned char)*addr >= 0x80)
			return "utf-8";
	return "rfc822";
}

/* bounce_status - the rcpt's status code if its class fits the action; a
 * failure after retries ran out keeps its 4.x.x code (RFC 3463 3.5: 4.4.7
 * "delivery time expired" is reported as a persistent transient status) */
static const char *bounce_status(const struct queue_rcpt *r, enum bounce_action a)
{
	char want = a == ACT_FAILED ? '5' : a == ACT_DELAYED ? '4' : '2';
	const char *d = r->dsn;

	if (a == ACT_FAILED && strcmp(d, "4.4.7") == 0)
		return d;
	if (d[0] == want && d[1] == '.' && strspn(d + 2, "0123456789.") == strlen(d + 2) &&
	    strchr(d + 2, '.') != NULL)
		return d;
	return a == ACT_FAILED ? "5.0.0" : a == ACT_DELAYED ? "4.0.0" : "2.0.0";
}

/* bounce_human - the text/plain part: one paragraph, then each recipient */
static void bounce_human(struct buf *out, const struct queue_env *env,
			 const enum bounce_action *acts, const char *mta)
{
	static const char *const intro[] = {
		[ACT_FAILED] = "I'm sorry to have to inform you that your message could not\n"
			       "be delivered to one or more recipients. It's attached below.\n",
		[ACT_DELAYED] = "Your message could not be delivered yet to one or more\n"
				"recipients. The mail system will keep trying; you need not\n"
				"send it again.\n",
		[ACT_DELIVERED] = "Your message was delivered to the recipients below, as\n"
				  "you asked to be told.\n",
	};
	int a;
	size_t i;

	buf_printf(out, "This is the mail system at host %s.\n\n", mta);
	for (a = ACT_FAILED; a <= ACT_DELIVERED; a++) {
		bool any = false;
		for (i = 0; i < env->nrcpts; i++) {
			if ((int)acts[i] != a)
				continue;
			if (!any)
				buf_printf(out, "%s\n", intro[a]);
			any = true;
			buf_putc(out, '<');
			bounce_put_clean(out, env->rcpts[i].addr);
			buf_putc(out, '>');
			buf_puts(out, ": ");
			bounce_put_clean(out, env->rcpts[i].last ? env->rcpts[i].last
					 : bounce_status(&env->rcpts[i], acts[i]));
			buf_puts(out, "\n\n");
		}
	}
}

/* bounce_rcpt_block - the per-recipient fields (RFC 3464 2.3) */
static void bounce_rcpt_block(struct buf *out, const struct queue_rcpt *r,
			      enum bounce_action a, time_t now)
{
	static const char *const actions[] = { "", "failed", "delayed", "delivered" };
	struct buf v = BUF_INIT;
	char date[64];

	buf_putc(out, '\n');
	if (r->orcpt)
		bounce_field(out, "Original-Recipient", r->orcpt);
	buf_printf(&v, "%s; %s", bounce_addr_type(r->addr), r->addr);
	bounce_field(out, "Final-Recipient", v.data);
	buf_printf(out, "Action: %s\n", actions[a]);
	buf_printf(out, "Status: %s\n", bounce_status(r, a));
	if (r->last) {
		buf_reset(&v);
		buf_printf(&v, "smtp; %s", r->last);
		bounce_field(out, "Diagnostic-Code", v.data);
	}
	if (r->attempts > 0) {
		rfc5322_date(now, date, sizeof(date));
		buf_printf(out, "Last-Attempt-Date: %s\n", date);
	}
	buf_free(&v);
}

/* bounce_status_part - the message/delivery-status body (RFC 3464 2.2, 2.3) */
static void bounce_status_part(struct buf *out, const struct queue_env *env,
			       const enum bounce_action *acts, const char *mta, time_t now)
{
	char date[64];
	size_t i;

	buf_printf(out, "Reporting-MTA: dns; %s\n", mta);
	if (env->envid)
		bounce_field(out, "Original-Envelope-Id", env->envid);
	buf_printf(out, "X-Poczta-Queue-ID: %s\n", env->id);
	rfc5322_date(env->created, date, sizeof(date));
	buf_printf(out, "Arrival-Date: %s\n", date);
	for (i = 0; i < env->nrcpts; i++)
		if (acts[i] != ACT_NONE)
			bounce_rcpt_block(out, &env->rcpts[i], acts[i], now);
}

/* bounce_original - append the original's header, or all of it when full;
 * bare CRs and NULs are left out so that the report stays valid text */
static int bounce_original(struct queue *q, const struct queue_env *env, bool full,
			   struct buf *out, struct dsn *d)
{
	int fd = queue_data_fd(q, env->id, d);
	size_t len, n, i;
	char *text;

	if (fd < 0)
		return -1;
	text = read_fd(fd, &len);
	close(fd);
	if (text == NULL) {
		dsn_from_errno(d, errno, _("queue: read message %s"), env->id);
		return -1;
	}
	n = full ? len : rfc5322_header_end(text, len);
	for (i = 0; i < n; i++)
		if (text[i] != '\r' && text[i] != '\0')
			buf_putc(out, text[i]);
	if (n > 0 && text[n - 1] != '\n')
		buf_putc(out, '\n');
	free(text);
	return 0;
}

/* bounce_subject - the Subject: for the worst action reported */
static const char *bounce_subject(const enum bounce_action *acts, size_t n)
{
	bool delayed = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (acts[i] == ACT_FAILED)
			return "Undelivered Mail Returned to Sender";
		delayed |= acts[i] == ACT_DELAYED;
	}
	return delayed ? "Delayed Mail (still being retried)" : "Successful Mail Delivery Report";
}

/* bounce_headers - the report's own header, up to the first boundary line */
static void bounce_headers(struct buf *out, const struct queue_env *env,
			   const enum bounce_action *acts, const char *mta,
			   const char *boundary, time_t now, bool eight_bit)
{
	char date[64], mid[QUEUE_ID_MAX];
	struct buf to = BUF_INIT;

	rfc5322_date(now, date, sizeof(date));
	queue_id_make(mid);
	buf_printf(out, "From: Mail Delivery System <MAILER-DAEMON@%s>\n", mta);
	buf_printf(&to, "<%s>", env->sender);
	bounce_field(out, "To", to.data);
	buf_printf(out, "Subject: %s\n", bounce_subject(acts, env->nrcpts));
	buf_printf(out, "Date: %s\n", date);
	buf_printf(out, "Message-ID: <%s.dsn@%s>\n", mid, mta);
	buf_puts(out, "Auto-Submitted: auto-replied\n");	/* RFC 3834 5 */
	buf_puts(out, "MIME-Version: 1.0\n");
	buf_printf(out, "Content-Type: multipart/report; report-type=delivery-status;\n"
		   "\tboundary=\"%s\"\n", boundary);
	if (eight_bit)	/* RFC 6152: the report then needs 8BITMIME to travel */
		buf_puts(out, "Content-Transfer-Encoding: 8bit\n");
	buf_putc(out, '\n');
	buf_puts(out, "This is a MIME-encapsulated message.\n\n");
	buf_free(&to);
}

/* bounce_has_8bit - whether b holds any byte with the high bit set */
static bool bounce_has_8bit(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if ((unsigned char)b->data[i] >= 0x80)
			return true;
	return false;
}

/* bounce_build - the whole report for env into out; *eight_bit tells
 * whether it needs an 8-bit transport */
static int bounce_build(struct queue *q, const struct queue_env *env,
			const enum bounce_action *acts, const char *mta,
			struct buf *out, bool *eight_bit, struct dsn *d)
{
	struct buf body = BUF_INIT;
	char boundary[2 * QUEUE_ID_MAX + 16], rnd[QUEUE_ID_MAX];
	time_t now = time(NULL);
	bool full = env->ret_full && env->size <= BOUNCE_FULL_MAX;

	queue_id_make(rnd);
	snprintf(boundary, sizeof(boundary), "=_poczta_%s_%s", env->id, rnd);
	buf_printf(&body, "--%s\nContent-Description: Notification\n"
		   "Content-Type: text/plain; charset=utf-8\n\n", boundary);
	bounce_human(&body, env, acts, mta);
	buf_printf(&body, "--%s\nContent-Description: Delivery report\n"
		   "Content-Type: message/delivery-status\n\n", boundary);
	bounce_status_part(&body, env, acts, mta, now);
	buf_printf(&body, "\n--%s\nContent-Description: %s\nContent-Type: %s\n\n", boundary,
		   full ? "Original message" : "Original message headers",
		   full ? "message/rfc822" : "text/rfc822-headers");
	if (bounce_original(q, env, full, &body, d) < 0) {
		buf_free(&body);
		return -1;
	}
	buf_printf(&body, "\n--%s--\n", boundary);
	*eight_bit = bounce_has_8bit(&body) || strcmp(bounce_addr_type(env->sender), "utf-8") == 0;
	bounce_headers(out, env, acts, mta, boundary, now, *eight_bit);
	buf_append(out, body.data, body.len);
	buf_free(&body);
	return 0;
}

/* bounce_queue - queue text as a new message from the null sender to to,
 * with NOTIFY=NEVER so that it can never cause another report */
static int bounce_queue(struct queue *q, const char *to, const struct buf *text,
			bool eight_bit, struct dsn *d)
{
	struct queue_rcpt r = { 0 };
	struct queue_env env = { 0 };
	struct queue_new *n = queue_new(q, d);

	if (n == NULL)
		return -1;
	if (queue_new_write(n, text->data, text->len, d) < 0) {
		queue_new_abort(n);
		return -1;
	}
	r.addr = (char *)to;
	r.notify = QUEUE_NOTIFY_NEVER;
	r.state = QUEUE_PENDING;
	env.sender = (char *)"";
	env.client = (char *)"local";
	env.protocol = (char *)"local";
	env.body_8bit = eight_bit;
	env.rcpts = &r;
	env.nrcpts = 1;
	return queue_new_commit(n, &env, d);
}

/* bounce_mark - the states after the report: failed ones bounced; a success
 * or delay notice is given once, so its NOTIFY bit is cleared (NEVER when
 * none is left, since 0 would mean the default, FAILURE) */
static bool bounce_mark(struct queue_env *env, const enum bounce_action *acts)
{
	bool changed = false;
	size_t i;

	for (i = 0; i < env->nrcpts; i++) {
		struct queue_rcpt *r = &env->rcpts[i];
		if (r->state == QUEUE_FAILED) {
			r->state = QUEUE_BOUNCED;
			changed = true;
		} else if (acts[i] == ACT_DELAYED || acts[i] == ACT_DELIVERED) {
			r->notify &= ~(unsigned)(acts[i] == ACT_DELAYED ? QUEUE_NOTIFY_DELAY
						 : QUEUE_NOTIFY_SUCCESS);
			if (r->notify == 0)
				r->notify = QUEUE_NOTIFY_NEVER;
			changed = true;
		}
	}
	return changed;
}

int queue_bounce(struct queue *q, struct queue_env *env, const char *reporting_mta,
		 struct dsn *d)
{
	enum bounce_action *acts = xcalloc(env->nrcpts + 1, sizeof(*acts));
	struct buf text = BUF_INIT, mta = BUF_INIT;
	bool any = false, eight_bit = false;
	size_t i;
	int rc = 0;

	for (i = 0; i < env->nrcpts; i++)
		any |= (acts[i] = bounce_action(&env->rcpts[i])) != ACT_NONE;
	/* no report to the null sender: a bounce of a bounce (RFC 5321 6.1) */
	if (any && env->sender && env->sender[0]) {
		bounce_put_clean(&mta, reporting_mta ? reporting_mta : "localhost");
		rc = bounce_build(q, env, acts, mta.data, &text, &eight_bit, d);
		if (rc == 0)
			rc = bounce_queue(q, env->sender, &text, eight_bit, d);
		crash_point("queue-bounce-queued");
	}
	/* the report is queued before the states say so: a crash in between
	 * sends it twice, never not at all */
	if (rc == 0 && bounce_mark(env, acts))
		rc = queue_update(q, env, d);
	buf_free(&text);
	buf_free(&mta);
	free(acts);
	return rc;
}
