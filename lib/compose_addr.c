/* compose_addr.c - the address fields as typed, parsed with libetpan
 * (RFC 5322 3.4) and written back for the header: display names encoded
 * where needed (RFC 2047 5 (3)), never the addr-spec. */
#include <stdlib.h>
#include <string.h>
#include <libetpan/libetpan.h>
#include "compose_int.h"
#include "i18n.h"
#include "strlist.h"
#include "xalloc.h"

/* addr_ok - an addr-spec we can send to: ASCII (RFC 2047 5: no encoded
 * words in one) with one '@' between a local part and a domain */
static bool addr_ok(const char *a)
{
	const char *at = strchr(a, '@');

	if (!ce_ascii(a, strlen(a)) || !at || at == a || !at[1] || strchr(at + 1, '@'))
		return false;
	for (; *a; a++)
		if ((unsigned char)*a <= ' ' || *a == 0x7f)
			return false;
	return true;
}

/* mailbox - one mailbox into out and addrs; false when its addr-spec is
 * bad.  A bare local part is qualified with domain, as Postfix appends
 * $myorigin: RFC 5322 3.4.1 wants a domain in the header, and the
 * submission agent takes its local domain's aliases and users. */
static bool mailbox(const struct mailimf_mailbox *mb, const char *domain, struct buf *out,
		    char ***addrs)
{
	const char *a = mb->mb_addr_spec;
	char *q = NULL;

	if (domain && !strchr(a, '@') && *a)
		a = q = xasprintf("%s@%s", a, domain);
	if (!addr_ok(a)) {
		free(q);
		return false;
	}
	if (out && mb->mb_display_name && !ce_blank(mb->mb_display_name)) {
		ce_phrase(out, mb->mb_display_name);
		buf_printf(out, " <%s>", a);
	} else if (out) {
		buf_puts(out, a);
	}
	if (addrs && !strlist_has_nocase(*addrs, a))
		*addrs = strlist_add(*addrs, a);
	free(q);
	return true;
}

/* address - a mailbox or a group (RFC 5322 3.4: display-name ":"
 * [group-list] ";") into out and addrs; the bad addr-spec in *bad */
static bool address(const struct mailimf_address *a, const char *domain, struct buf *out,
		    char ***addrs, const char **bad)
{
	if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
		*bad = a->ad_data.ad_mailbox->mb_addr_spec;
		return mailbox(a->ad_data.ad_mailbox, domain, out, addrs);
	}
	const struct mailimf_group *g = a->ad_data.ad_group;
	if (out) {
		ce_phrase(out, g->grp_display_name ? g->grp_display_name : "");
		buf_putc(out, ':');
	}
	bool first = true;
	for (clistiter *c = g->grp_mb_list ? clist_begin(g->grp_mb_list->mb_list) : NULL; c;
	     c = clist_next(c)) {
		const struct mailimf_mailbox *mb = clist_content(c);
		if (out)
			buf_puts(out, first ? " " : ", ");
		first = false;
		*bad = mb->mb_addr_spec;
		if (!mailbox(mb, domain, out, addrs))
			return false;
	}
	if (out)
		buf_putc(out, ';');
	return true;
}

int ce_addrlist(const char *field, const char *typed, const char *domain, struct buf *out,
		char ***addrs, struct buf *err)
{
	struct mailimf_address_list *l = NULL;
	size_t i = 0, n = strlen(typed);
	const char *bad = NULL;
	int r = -1;

	if (memchr(typed, '\0', n) != NULL || strpbrk(typed, "\r\n")) {
		buf_printf(err, _("%s: line breaks in an address list"), field);
		return -1;
	}
	if (mailimf_address_list_parse(typed, n, &i, &l) != MAILIMF_NO_ERROR) {
		/* L10N: %s is a header field such as "To", then the text typed */
		buf_printf(err, _("%s: not an address list: %s"), field, typed);
		return -1;
	}
	/* what libetpan left must be separators, or the rest did not parse */
	for (size_t k = i; k < n; k++) {
		if (typed[k] != ' ' && typed[k] != '\t' && typed[k] != ',') {
			buf_printf(err, _("%s: cannot parse the address list from \"%s\""), field,
				   typed + i);
			goto out;
		}
	}
	bool first = true;
	for (clistiter *c = clist_begin(l->ad_list); c; c = clist_next(c)) {
		if (out && !first)
			buf_puts(out, ", ");
		first = false;
		if (!address(clist_content(c), domain, out, addrs, &bad)) {
			buf_printf(err, _("%s: not a valid address: %s"), field, bad ? bad : "");
			goto out;
		}
	}
	r = 0;
out:
	mailimf_address_list_free(l);
	return r;
}

char *ce_domain(const struct compose *c)
{
	char **list = xcalloc(1, sizeof(*list)), *r = NULL;
	struct buf err = BUF_INIT;

	if (!ce_blank(c->from) && ce_addrlist("From", c->from, NULL, NULL, &list, &err) == 0 &&
	    list[0])
		r = xstrdup(strchr(list[0], '@') + 1);
	strlist_free(list);
	buf_free(&err);
	return r;
}

char **compose_recipients(const struct compose *c, struct buf *err)
{
	const char *names[] = { "To", "Cc", "Bcc" };
	const char *vals[] = { c->to, c->cc, c->bcc };
	char **list = xcalloc(1, sizeof(*list));
	char *domain = ce_domain(c);

	for (size_t i = 0; i < 3; i++) {
		if (ce_blank(vals[i]))
			continue;
		if (ce_addrlist(names[i], vals[i], domain, NULL, &list, err) < 0) {
			strlist_free(list);
			free(domain);
			return NULL;
		}
	}
	free(domain);
	if (!list[0]) {
		buf_puts(err, _("the message has no recipients"));
		strlist_free(list);
		return NULL;
	}
	return list;
}

char *compose_sender(const struct compose *c, struct buf *err)
{
	char **list = xcalloc(1, sizeof(*list));
	char *r = NULL;

	if (ce_blank(c->from))
		buf_puts(err, _("From: no sender address"));
	else if (ce_addrlist("From", c->from, NULL, NULL, &list, err) == 0 && list[0])
		r = xstrdup(list[0]);
	else if (list[0] == NULL && err->len == 0)
		buf_puts(err, _("From: no sender address"));
	strlist_free(list);
	return r;
}
