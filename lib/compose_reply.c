/* compose_reply.c - replies (mutt's r, g and L) and forwards, derived
 * from the original message's bytes: recipients, subject, threading
 * fields, and its text quoted through lib/mimeview (the pager's decoder). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libetpan/libetpan.h>
#include "compose_int.h"
#include "i18n.h"
#include "mimeview.h"
#include "strlist.h"
#include "xalloc.h"

/* RFC 5322 3.6.4 allows any length; a thread of hundreds would push the
 * field past what servers take, so a long chain keeps its first id (the
 * thread's root) and the most recent ones, as GNKSA advises */
#define REFS_MAX	20
#define ID_MAX		250

/* own_addrs - the user's addresses: the identity's and the alternates */
static char **own_addrs(const struct compose_opts *o)
{
	struct ce_alist l = { 0 };
	char **r;

	ce_alist_add(&l, o->from, NULL);
	for (size_t i = 0; o->alternates && o->alternates[i]; i++)
		if (!ce_alist_add(&l, o->alternates[i], NULL) && !strlist_has_nocase(l.addrs, o->alternates[i]))
			l.addrs = strlist_add(l.addrs, o->alternates[i]);
	r = l.addrs;
	strlist_free(l.typed);
	return r;
}

/* field_list - the mailboxes of field name of orig, less skip and those
 * already in l */
static void field_list(struct ce_alist *l, const char *orig, size_t len, const char *name,
		       char *const *skip)
{
	char *v = ce_orig_field(orig, len, name);

	ce_alist_add(l, v, skip);
	free(v);
}

/* list_post - RFC 2369 3.4: the first mailto: URL of List-Post, without
 * its query; NULL with err when there is none or it says "NO" */
static char *list_post(const char *orig, size_t len, struct buf *err)
{
	char *v = ce_orig_field(orig, len, "List-Post"), *r = NULL;
	const char *p = v;

	if (v && strncasecmp(v, "NO", 2) == 0 && (v[2] == '\0' || v[2] == ' ' || v[2] == '('))
		buf_puts(err, _("the list does not take posts (List-Post: NO)"));
	for (; p && (p = strchr(p, '<')); p++) {
		if (strncasecmp(p + 1, "mailto:", 7) != 0)
			continue;
		size_t n = strcspn(p + 8, ">?");
		if (n && p[8 + n])
			r = xstrndup(p + 8, n);
		break;
	}
	if (!r && err->len == 0)
		buf_puts(err, _("the message has no List-Post address"));
	free(v);
	return r;
}

/* recipients - To and Cc of a reply of kind (RFC 5322 3.6.3: Reply-To,
 * else From; for a group reply Mail-Followup-To when present, as mutt
 * honours it, else all of To and Cc too, less the user's addresses) */
static int recipients(struct compose *c, const struct compose_opts *o,
		      enum compose_reply_kind kind, const char *orig, size_t len, struct buf *err)
{
	struct ce_alist to = { 0 }, cc = { 0 };
	char **own = own_addrs(o);
	int r = -1;

	ce_alist_add(&to, NULL, NULL);
	ce_alist_add(&cc, NULL, NULL);
	if (kind == COMPOSE_LIST) {
		char *lp = list_post(orig, len, err);
		if (!lp)
			goto out;
		ce_alist_add(&to, lp, NULL);
		free(lp);
	} else {
		char *mft = kind == COMPOSE_GROUP ? ce_orig_field(orig, len, "Mail-Followup-To") : NULL;
		char *rt = ce_orig_field(orig, len, "Reply-To");
		if (!ce_blank(mft)) {
			ce_alist_add(&to, mft, own);
		} else {
			if (!ce_blank(rt))
				ce_alist_add(&to, rt, own);
			else
				field_list(&to, orig, len, "From", own);
			if (kind == COMPOSE_GROUP) {
				field_list(&cc, orig, len, "To", own);
				field_list(&cc, orig, len, "Cc", own);
			}
		}
		free(mft);
		free(rt);
		/* a reply to one's own message goes to its recipients, and a
		 * note to oneself back to oneself */
		if (!to.addrs[0] && cc.addrs[0]) {
			struct ce_alist t = to;
			to = cc;
			cc = t;
		}
		if (!to.addrs[0])
			field_list(&to, orig, len, "To", own);
		if (!to.addrs[0])
			field_list(&to, orig, len, "From", NULL);
	}
	if (!to.addrs[0]) {
		buf_puts(err, _("the message has no address to reply to"));
		goto out;
	}
	c->to = ce_alist_join(&to);
	struct buf b = BUF_INIT;
	for (size_t i = 0; cc.addrs[i]; i++)
		if (!strlist_has_nocase(to.addrs, cc.addrs[i]))
			buf_printf(&b, "%s%s", b.len ? ", " : "", cc.typed[i]);
	c->cc = b.len ? buf_detach(&b) : NULL;
	buf_free(&b);
	r = 0;
out:
	ce_alist_free(&to);
	ce_alist_free(&cc);
	strlist_free(own);
	return r;
}

/* is_reply - "Re:", "RE:", "re:", "Re[2]:" at the start of subject */
static bool is_reply(const char *s)
{
	if (strncasecmp(s, "re", 2) != 0)
		return false;
	s += 2;
	if (*s == '[') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
		if (*s++ != ']')
			return false;
	}
	return *s == ':';
}

/* subject - the original's subject decoded, with prefix unless has()
 * says it is there already */
static char *subject(const char *orig, size_t len, const char *prefix, bool (*has)(const char *))
{
	char *raw = ce_orig_field(orig, len, "Subject");
	char *d = mimeview_decode_header(raw ? raw : "");
	char *r = has(d) ? xstrdup(d) : xasprintf("%s%s", prefix, d);

	free(d);
	free(raw);
	return r;
}

/* msg_id - the first msg-id of raw ("<id>"), sane for a header: ASCII,
 * no white space, not over ID_MAX; newly allocated, or NULL */
static char *sane_id(const char *id)
{
	if (!id || !*id || strlen(id) > ID_MAX || !ce_ascii(id, strlen(id)) || strpbrk(id, " \t<>"))
		return NULL;
	return xasprintf("<%s>", id);
}

/* ids - the msg-ids of field name of orig, sane ones only */
static char **ids(const char *orig, size_t len, const char *name)
{
	char *v = ce_orig_field(orig, len, name), **r = xcalloc(1, sizeof(*r));
	clist *l = NULL;
	size_t i = 0;

	if (v && mailimf_msg_id_list_parse(v, strlen(v), &i, &l) == MAILIMF_NO_ERROR) {
		for (clistiter *c = clist_begin(l); c; c = clist_next(c)) {
			char *id = sane_id(clist_content(c));
			if (id)
				r = strlist_add(r, id);
			free(id);
		}
		for (clistiter *c = clist_begin(l); c; c = clist_next(c))
			mailimf_msg_id_free(clist_content(c));
		clist_free(l);
	}
	free(v);
	return r;
}

/* threading - RFC 5322 3.6.4: In-Reply-To is the parent's Message-ID;
 * References the parent's References (else its In-Reply-To when that
 * holds a single id) followed by the parent's Message-ID */
static void threading(struct compose *c, const char *orig, size_t len)
{
	char **mid = ids(orig, len, "Message-ID"), **refs = ids(orig, len, "References");
	struct buf b = BUF_INIT;
	size_t n;

	if (!refs[0]) {
		char **irt = ids(orig, len, "In-Reply-To");
		if (strlist_len(irt) == 1)
			refs = strlist_add(refs, irt[0]);
		strlist_free(irt);
	}
	if (mid[0]) {
		c->in_reply_to = xstrdup(mid[0]);
		refs = strlist_add(refs, mid[0]);
	}
	n = strlist_len(refs);
	for (size_t i = 0; i < n; i++) {
		if (n > REFS_MAX && i > 0 && i < n - (REFS_MAX - 1))
			continue;
		buf_printf(&b, "%s%s", b.len ? " " : "", refs[i]);
	}
	c->references = b.len ? buf_detach(&b) : NULL;
	buf_free(&b);
	strlist_free(mid);
	strlist_free(refs);
}

/* attribution - o->attribution with %n the author's name (else address),
 * %d the original's Date as it is given, %% a percent sign */
static void attribution(struct buf *out, const char *fmt, const char *orig, size_t len)
{
	char *from = ce_orig_field(orig, len, "From"), *date = ce_orig_field(orig, len, "Date");
	char *name = NULL;
	struct mailimf_mailbox *mb = NULL;
	size_t i = 0;

	if (from && mailimf_mailbox_parse(from, strlen(from), &i, &mb) == MAILIMF_NO_ERROR) {
		if (mb->mb_display_name && !ce_blank(mb->mb_display_name))
			name = mimeview_decode_header(mb->mb_display_name);
		else
			name = xstrdup(mb->mb_addr_spec);
		mailimf_mailbox_free(mb);
	} else if (from) {
		name = mimeview_decode_header(from);
	}
	for (const char *p = fmt; *p; p++) {
		if (*p != '%' || !p[1]) {
			buf_putc(out, *p);
			continue;
		}
		p++;
		if (*p == 'n')
			buf_puts(out, name ? name : "");
		else if (*p == 'd')
			buf_puts(out, date ? date : "");
		else if (*p == '%')
			buf_putc(out, '%');
		else
			buf_printf(out, "%%%c", *p);
	}
	buf_putc(out, '\n');
	free(name);
	free(from);
	free(date);
}

/* body_lines - the original's text as the pager decodes it (text/plain,
 * or the HTML's text; charset converted, flowed joined); quote: each
 * line behind "> " without the signature, else with its header block */
static void body_lines(struct buf *out, const char *orig, size_t len, bool quote)
{
	static const char *const none[] = { NULL };
	static const char *const fwd[] = { "From", "Date", "Subject", "To", "Cc", NULL };
	struct mimeview_opts mo = { .headers = quote ? none : fwd, .width = 72, .no_external = true };
	struct mimeview *mv = mimeview_parse(orig, len, &mo);
	size_t i = 0, n = mv->nlines;

	while (i < n && mv->lines[i].kind == MV_HEADER) {
		buf_printf(out, "%s\n", mv->lines[i].text);
		i++;
	}
	if (!quote)
		buf_putc(out, '\n');
	/* from the first line with text to the last, leaving out what is
	 * not the author's text */
	while (n > i && (mv->lines[n - 1].kind == MV_ATTACHMENT || mv->lines[n - 1].kind == MV_NOTE ||
			 (quote && mv->lines[n - 1].kind == MV_SIGNATURE) || !*mv->lines[n - 1].text))
		n--;
	while (i < n && !*mv->lines[i].text)
		i++;
	for (; i < n; i++) {
		const struct mimeview_line *l = &mv->lines[i];
		if (l->kind == MV_ATTACHMENT || l->kind == MV_NOTE)
			continue;
		if (quote)
			buf_puts(out, !*l->text ? ">" : l->text[0] == '>' ? ">" : "> ");
		buf_printf(out, "%s\n", l->text);
	}
	mimeview_free(mv);
}

int compose_reply(struct compose *c, const struct compose_opts *o, enum compose_reply_kind kind,
		  const char *orig, size_t len, struct buf *err)
{
	struct buf b = BUF_INIT;

	compose_free(c);
	if (!ce_parseable(orig, len, err) || recipients(c, o, kind, orig, len, err) < 0) {
		compose_free(c);
		return -1;
	}
	c->from = o->from ? xstrdup(o->from) : NULL;
	c->subject = subject(orig, len, "Re: ", is_reply);
	threading(c, orig, len);
	if (o->attribution && *o->attribution)
		attribution(&b, o->attribution, orig, len);
	body_lines(&b, orig, len, true);
	buf_putc(&b, '\n');
	if (o->signature && *o->signature) {
		buf_putc(&b, '\n');
		ce_sigblock(&b, o->signature);
	}
	c->body = buf_detach(&b);
	return 0;
}

/* is_fwd - "Fwd:" already at the start */
static bool is_fwd(const char *s)
{
	return strncasecmp(s, "fwd:", 4) == 0;
}

/* forward_parts - the original's attachments (the parts the pager does
 * not show, at its top level) as in-memory attachments */
static void forward_parts(struct compose *c, const char *orig, size_t len)
{
	struct mimeview_opts mo = { .no_external = true };
	struct mimeview *mv = mimeview_parse(orig, len, &mo);

	for (size_t i = 0; i < mv->nparts; i++) {
		const struct mimeview_part *pt = &mv->parts[i];
		struct buf d = BUF_INIT;
		if (pt->shown || pt->depth > 0 || strncmp(pt->type, "multipart/", 10) == 0 ||
		    !mimeview_part_data(orig, len, pt->id, &d)) {
			buf_free(&d);
			continue;
		}
		ce_att_part(c, &d, pt);
	}
	mimeview_free(mv);
}

int compose_forward(struct compose *c, const struct compose_opts *o, bool as_attachment,
		    const char *orig, size_t len, struct buf *err)
{
	struct buf b = BUF_INIT;

	compose_free(c);
	if (!ce_parseable(orig, len, err))
		return -1;
	c->from = o->from ? xstrdup(o->from) : NULL;
	c->subject = subject(orig, len, "Fwd: ", is_fwd);
	buf_putc(&b, '\n');
	if (as_attachment) {
		/* RFC 2046 5.2.1: the message whole, as message/rfc822 */
		c->att = xcalloc(1, sizeof(*c->att));
		c->natt = 1;
		c->att[0].data = xmemdup(orig, len);
		c->att[0].len = len;
		c->att[0].type = xstrdup("message/rfc822");
		char *raw = ce_orig_field(orig, len, "Subject");
		c->att[0].description = raw ? mimeview_decode_header(raw) : NULL;
		free(raw);
	} else {
		/* L10N: the line before a forwarded message's header and text */
		buf_printf(&b, "%s\n", _("-------- Forwarded message --------"));
		body_lines(&b, orig, len, false);
		/* L10N: the line after a forwarded message's text */
		buf_printf(&b, "%s\n", _("-------- End of forwarded message --------"));
		forward_parts(c, orig, len);
	}
	if (o->signature && *o->signature) {
		buf_putc(&b, '\n');
		ce_sigblock(&b, o->signature);
	}
	c->body = buf_detach(&b);
	return 0;
}
