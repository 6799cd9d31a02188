/* compose_orig.c - what replies, forwards and recalled drafts take from
 * an existing message: its header fields and its address lists, decoded
 * to what a user would type. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libetpan/libetpan.h>
#include "compose_int.h"
#include "i18n.h"
#include "mimeview.h"
#include "rfc5322.h"
#include "strlist.h"
#include "xalloc.h"

char *ce_orig_field(const char *msg, size_t len, const char *name)
{
	size_t hlen = rfc5322_header_end(msg, len), nlen = strlen(name);
	const char *p = msg, *end = msg + hlen;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl + 1 : end;

		if ((size_t)(le - p) > nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
			struct buf b = BUF_INIT;
			const char *v = p + nlen + 1;
			/* RFC 5322 2.2.3: unfolding removes the line breaks */
			for (;;) {
				for (; v < le; v++)
					if (*v != '\r' && *v != '\n')
						buf_putc(&b, *v);
				if (le >= end || (*le != ' ' && *le != '\t'))
					break;
				v = le;
				nl = memchr(v, '\n', (size_t)(end - v));
				le = nl ? nl + 1 : end;
			}
			char *s = b.data ? b.data : xstrdup(""), *t = s;
			size_t n = strlen(s);
			while (*t == ' ' || *t == '\t')
				t++, n--;
			while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
				n--;
			char *r = xstrndup(t, n);
			free(s);
			return r;
		}
		p = le;
	}
	return NULL;
}

/* typed - "Name <addr>" as a user types it: the name quoted when it has
 * characters special in an address list (RFC 5322 3.2.3) */
static char *typed(const char *name, const char *addr)
{
	struct buf b = BUF_INIT;

	if (!name || !*name)
		return xstrdup(addr);
	if (strpbrk(name, "()<>[]:;@\\,.\"")) {
		buf_putc(&b, '"');
		for (const char *p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, *p);
		}
		buf_putc(&b, '"');
	} else {
		buf_puts(&b, name);
	}
	buf_printf(&b, " <%s>", addr);
	return buf_detach(&b);
}

static void alist_mailbox(struct ce_alist *l, const struct mailimf_mailbox *mb, char *const *skip)
{
	const char *a = mb->mb_addr_spec;

	if (!a || !*a || strlist_has_nocase(l->addrs, a) || (skip && strlist_has_nocase(skip, a)))
		return;
	char *name = mb->mb_display_name ? mimeview_decode_header(mb->mb_display_name) : NULL;
	char *t = typed(name, a);
	l->typed = strlist_add(l->typed, t);
	l->addrs = strlist_add(l->addrs, a);
	free(t);
	free(name);
}

bool ce_alist_add(struct ce_alist *l, const char *raw, char *const *skip)
{
	struct mailimf_address_list *al = NULL;
	size_t i = 0;

	if (!l->typed) {
		l->typed = xcalloc(1, sizeof(char *));
		l->addrs = xcalloc(1, sizeof(char *));
	}
	if (!raw || ce_blank(raw))
		return true;
	if (mailimf_address_list_parse(raw, strlen(raw), &i, &al) != MAILIMF_NO_ERROR)
		return false;
	for (clistiter *c = clist_begin(al->ad_list); c; c = clist_next(c)) {
		const struct mailimf_address *a = clist_content(c);
		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			alist_mailbox(l, a->ad_data.ad_mailbox, skip);
			continue;
		}
		const struct mailimf_mailbox_list *ml = a->ad_data.ad_group->grp_mb_list;
		for (clistiter *g = ml ? clist_begin(ml->mb_list) : NULL; g; g = clist_next(g))
			alist_mailbox(l, clist_content(g), skip);
	}
	mailimf_address_list_free(al);
	return true;
}

char *ce_alist_join(const struct ce_alist *l)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; l->typed && l->typed[i]; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", l->typed[i]);
	return b.len ? buf_detach(&b) : NULL;
}

void ce_alist_free(struct ce_alist *l)
{
	strlist_free(l->typed);
	strlist_free(l->addrs);
	l->typed = l->addrs = NULL;
}

void ce_sigblock(struct buf *out, const char *signature)
{
	if (!signature || !*signature)
		return;
	/* RFC 3676 4.3: the separator is "-- " alone on its line */
	buf_printf(out, "-- \n%s", signature);
	if (signature[strlen(signature) - 1] != '\n')
		buf_putc(out, '\n');
}

bool ce_parseable(const char *msg, size_t len, struct buf *err)
{
	struct mailimf_fields *f = NULL;
	size_t i = 0;
	bool ok = len > 0 && mailimf_fields_parse(msg, len, &i, &f) == MAILIMF_NO_ERROR && f &&
		!clist_isempty(f->fld_list);

	if (f)
		mailimf_fields_free(f);
	if (!ok)
		buf_puts(err, _("the message has no header"));
	return ok;
}

void ce_att_part(struct compose *c, struct buf *data, const struct mimeview_part *pt)
{
	struct compose_att *a;

	c->att = xreallocarray(c->att, c->natt + 1, sizeof(*c->att));
	a = &c->att[c->natt++];
	memset(a, 0, sizeof(*a));
	a->len = data->len;
	a->data = buf_detach(data);
	a->name = pt->filename ? xstrdup(pt->filename) : NULL;
	a->type = xstrdup(pt->type);
	a->description = pt->description ? xstrdup(pt->description) : NULL;
}
