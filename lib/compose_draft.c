/* compose_draft.c - a message back into a compose: a postponed draft or a
 * message taken back from the outbox, as compose_build wrote it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libetpan/libetpan.h>
#include "compose_int.h"
#include "mimeview.h"
#include "xalloc.h"

/* addr_field - an address field decoded to what the user typed; a field
 * that does not parse is kept decoded as it is, for the user to mend */
static char *addr_field(const char *msg, size_t len, const char *name)
{
	char *raw = ce_orig_field(msg, len, name), *r;
	struct ce_alist l = { 0 };

	if (!raw)
		return NULL;
	if (ce_alist_add(&l, raw, NULL))
		r = ce_alist_join(&l);
	else
		r = mimeview_decode_header(raw);
	ce_alist_free(&l);
	free(raw);
	return r;
}

/* top_part - part k (1-based, RFC 3501 6.4.5 numbering) of the message's
 * top level: the body itself for a single part */
static struct mailmime *top_part(struct mailmime *m, int k)
{
	if (m && m->mm_type == MAILMIME_MESSAGE)
		m = m->mm_data.mm_message.mm_msg_mime;
	if (!m)
		return NULL;
	if (m->mm_type != MAILMIME_MULTIPLE)
		return k == 1 ? m : NULL;
	for (clistiter *c = clist_begin(m->mm_data.mm_multipart.mm_mp_list); c; c = clist_next(c))
		if (--k == 0)
			return clist_content(c);
	return NULL;
}

/* flowed - whether part id has format=flowed (RFC 3676 4.1) */
static bool flowed(const char *msg, size_t len, const char *id)
{
	struct mailmime *m = NULL;
	size_t i = 0;
	bool r = false;

	if (mailmime_parse(msg, len, &i, &m) != MAILIMF_NO_ERROR)
		return false;
	struct mailmime *p = top_part(m, atoi(id));
	clist *params = p && p->mm_content_type ? p->mm_content_type->ct_parameters : NULL;
	for (clistiter *c = params ? clist_begin(params) : NULL; c; c = clist_next(c)) {
		const struct mailmime_parameter *pa = clist_content(c);
		if (strcasecmp(pa->pa_name, "format") == 0 && strcasecmp(pa->pa_value, "flowed") == 0)
			r = true;
	}
	mailmime_free(m);
	return r;
}

/* body - the text of part pt as UTF-8 with LF line ends, flowed text
 * joined back into the lines the user wrote */
static void body(struct compose *c, const char *msg, size_t len, const struct mimeview_part *pt)
{
	struct buf u = BUF_INIT, t = BUF_INIT;

	mimeview_part_text(msg, len, pt, &u);
	/* quoted-printable text comes back with CRLF (RFC 2046 4.1.1) */
	for (size_t i = 0; i < u.len; i++)
		if (!(u.data[i] == '\r' && i + 1 < u.len && u.data[i + 1] == '\n'))
			buf_putc(&t, u.data[i]);
	c->flowed = flowed(msg, len, pt->id);
	if (c->flowed) {
		buf_reset(&u);
		ce_unflow(&u, t.data ? t.data : "", t.len);
		c->body = buf_detach(&u);
	} else {
		c->body = buf_detach(&t);
	}
	buf_free(&u);
	buf_free(&t);
}

int compose_from_message(struct compose *c, const char *msg, size_t len, struct buf *err)
{
	struct mimeview_opts mo = { .no_external = true };
	struct mimeview *mv;
	size_t text = (size_t)-1;

	compose_free(c);
	if (!ce_parseable(msg, len, err))
		return -1;
	c->from = addr_field(msg, len, "From");
	c->to = addr_field(msg, len, "To");
	c->cc = addr_field(msg, len, "Cc");
	c->bcc = addr_field(msg, len, "Bcc");
	c->reply_to = addr_field(msg, len, "Reply-To");
	char *raw = ce_orig_field(msg, len, "Subject");
	c->subject = raw ? mimeview_decode_header(raw) : NULL;
	free(raw);
	/* a new Message-ID when it is built again: a draft may be saved and
	 * sent more than once */
	c->in_reply_to = ce_orig_field(msg, len, "In-Reply-To");
	c->references = ce_orig_field(msg, len, "References");
	mv = mimeview_parse(msg, len, &mo);
	for (size_t i = 0; i < mv->nparts && text == (size_t)-1; i++)
		if (mv->parts[i].depth == 0 && !mv->parts[i].attachment &&
		    strcmp(mv->parts[i].type, "text/plain") == 0)
			text = i;
	if (text != (size_t)-1)
		body(c, msg, len, &mv->parts[text]);
	else
		c->body = xstrdup("");
	for (size_t i = 0; i < mv->nparts; i++) {
		const struct mimeview_part *pt = &mv->parts[i];
		struct buf d = BUF_INIT;
		if (i == text || pt->depth > 0 || strncmp(pt->type, "multipart/", 10) == 0 ||
		    !mimeview_part_data(msg, len, pt->id, &d)) {
			buf_free(&d);
			continue;
		}
		ce_att_part(c, &d, pt);
	}
	mimeview_free(mv);
	return 0;
}
