/* imapmsg_addr.c - the address lists of an ENVELOPE (RFC 3501 7.4.2) read
 * leniently, as Dovecot reads them.  libetpan's mailimf_address_list_parse
 * refuses a whole list for one address it cannot read and drops source
 * routes; a client shown the envelope wants every address it can get, so
 * here each address of RFC 5322 3.4 is read on its own, and what is missing
 * is named MISSING_MAILBOX or MISSING_DOMAIN (Dovecot's words). */
#include <string.h>
#include "imapmsg_int.h"

/* A cursor over one unfolded field value. */
struct addr_in {
	const char *s;
};

/* addr_cfws - past blanks and comments (RFC 5322 3.2.2) */
static void addr_cfws(struct addr_in *in)
{
	int depth;

	for (;;) {
		while (*in->s == ' ' || *in->s == '\t' || *in->s == '\r' || *in->s == '\n')
			in->s++;
		if (*in->s != '(')
			return;
		depth = 0;
		do {
			if (*in->s == '\\' && in->s[1])
				in->s++;
			else if (*in->s == '(')
				depth++;
			else if (*in->s == ')')
				depth--;
			in->s++;
		} while (*in->s && depth > 0);
	}
}

/* addr_word - an atom (with dots: RFC 5322 3.2.3 dot-atom and obs-phrase)
 * or a quoted-string without its quotes, appended to out; false if none */
static bool addr_word(struct addr_in *in, struct buf *out)
{
	const char *b;

	addr_cfws(in);
	if (*in->s == '"') {
		for (in->s++; *in->s && *in->s != '"'; in->s++) {
			if (*in->s == '\\' && in->s[1])
				in->s++;
			buf_putc(out, *in->s);
		}
		if (*in->s == '"')
			in->s++;
		return true;
	}
	for (b = in->s; *in->s && !strchr("()<>[]:;@\\,\" \t\r\n", *in->s); in->s++)
		;
	buf_append(out, b, (size_t)(in->s - b));
	return in->s > b;
}

/* addr_phrase - words joined by one space (RFC 5322 3.2.5) */
static void addr_phrase(struct addr_in *in, struct buf *out)
{
	size_t mark = out->len;

	while (addr_word(in, out))
		buf_putc(out, ' ');
	if (out->len > mark)
		out->len--;
	buf_putc(out, '\0');
	out->len--;
	addr_cfws(in);
}

/* addr_comment_name - the text of the comment after an addr-spec, the
 * name in the old "user@host (Name)" form, into name */
static void addr_comment_name(const char *s, struct buf *name)
{
	const char *open = s, *close;

	if (!name)
		return;
	while (*open == ' ' || *open == '\t')
		open++;
	if (*open != '(' || !(close = strchr(open, ')')))
		return;
	buf_append(name, open + 1, (size_t)(close - open - 1));
	buf_putc(name, '\0');
	name->len--;
}

/* addr_domain_named - addr_domain, and the name a comment after it gives */
static void addr_domain_named(struct addr_in *in, struct buf *out, struct buf *name)
{
	const char *b;

	addr_cfws(in);
	b = in->s;
	if (*in->s == '[') {
		for (; *in->s && *in->s != ']'; in->s++)
			;
		if (*in->s == ']')
			in->s++;
		buf_append(out, b, (size_t)(in->s - b));
	} else {
		addr_word(in, out);
	}
	buf_putc(out, '\0');
	out->len--;
	if (name)
		addr_comment_name(in->s, name);
	addr_cfws(in);
}

/* addr_put - (name adl mailbox host), NIL for an empty name or route */
static void addr_put(struct buf *out, const char *name, const char *route, const char *local,
		     const char *domain)
{
	buf_putc(out, '(');
	imapmsg_nstring(out, *name ? name : NULL, IMAPMSG_STR_ENV);
	buf_putc(out, ' ');
	imapmsg_nstring(out, *route ? route : NULL, IMAPMSG_STR_ENV);
	buf_putc(out, ' ');
	imapmsg_nstring(out, *local ? local : "MISSING_MAILBOX", IMAPMSG_STR_ENV);
	buf_putc(out, ' ');
	imapmsg_nstring(out, *domain ? domain : "MISSING_DOMAIN", IMAPMSG_STR_ENV);
	buf_putc(out, ')');
}

/* addr_spec_raw - local-part ["@" domain] (RFC 5322 3.4.1), and into
 * name (may be NULL) what a comment after it gives */
static void addr_spec_raw(struct addr_in *in, struct buf *local, struct buf *domain,
			  struct buf *name)
{
	while (addr_word(in, local)) {
		if (name)
			addr_comment_name(in->s, name);
		addr_cfws(in);
	}
	buf_putc(local, '\0');
	local->len--;
	if (*in->s == '@') {
		in->s++;
		addr_domain_named(in, domain, name);
	}
}

/* addr_angle - "<" [route ":"] addr-spec ">" (RFC 5322 3.4, 4.4
 * obs-route); in->s is past "<" */
static void addr_angle(struct addr_in *in, struct buf *route, struct buf *local,
		       struct buf *domain)
{
	const char *colon = strchr(in->s, ':'), *gt = strchr(in->s, '>');

	addr_cfws(in);
	if (*in->s == '@' && colon && (!gt || colon < gt)) {
		for (; in->s < colon; in->s++)
			if (!strchr(" \t\r\n", *in->s))
				buf_putc(route, *in->s);
		in->s++;
	}
	buf_putc(route, '\0');
	route->len--;
	addr_spec_raw(in, local, domain, NULL);
	if (*in->s == '>') {
		in->s++;
	} else if (!strchr(in->s, '>')) {	/* never closed: Dovecot's word */
		buf_reset(domain);
		buf_puts(domain, "SYNTAX_ERROR");
	}
}

/* addr_mailbox - one mailbox, or the name of a group when it is followed
 * by ":" (then *group is set and nothing is written); false if there was
 * nothing before the next "," */
static bool addr_mailbox(struct addr_in *in, struct buf *out, struct buf *group)
{
	struct buf name = BUF_INIT, route = BUF_INIT, local = BUF_INIT, domain = BUF_INIT;
	const char *start = in->s;
	bool any = true;

	addr_phrase(in, &name);
	buf_putc(&route, '\0');
	route.len--;
	if (*in->s == ':' && group) {
		in->s++;
		buf_append(group, name.data, name.len);
		buf_putc(group, '\0');
	} else if (*in->s == '<') {
		in->s++;
		addr_angle(in, &route, &local, &domain);
		addr_put(out, buf_cstr(&name), buf_cstr(&route), buf_cstr(&local), buf_cstr(&domain));
	} else {
		in->s = start;
		addr_cfws(in);
		buf_reset(&name);
		addr_spec_raw(in, &local, &domain, &name);
		any = local.len || domain.len;
		if (any)
			addr_put(out, buf_cstr(&name), "", buf_cstr(&local), buf_cstr(&domain));
		else if (*in->s == ',')	/* an empty address between commas */
			addr_put(out, "", "", "", "");
	}
	buf_free(&name);
	buf_free(&route);
	buf_free(&local);
	buf_free(&domain);
	return any;
}

/* addr_skip - past what is left of this address, up to stop or "," */
static void addr_skip(struct addr_in *in, char stop)
{
	struct buf junk = BUF_INIT;

	while (*in->s && *in->s != ',' && *in->s != stop) {
		const char *at = in->s;

		if (!addr_word(in, &junk))
			addr_cfws(in);
		if (in->s == at)
			in->s++;
	}
	buf_free(&junk);
}

bool imapmsg_addresses(const char *value, struct buf *out)
{
	struct addr_in in = { value };
	struct buf group = BUF_INIT;
	size_t start = out->len;

	buf_putc(out, '(');
	while (*in.s) {
		buf_reset(&group);
		addr_mailbox(&in, out, &group);
		if (group.len) {	/* RFC 3501 7.4.2: group start, members, end */
			buf_puts(out, "(NIL NIL ");
			imapmsg_nstring(out, buf_cstr(&group), IMAPMSG_STR_ENV);
			buf_puts(out, " NIL)");
			while (*in.s && *in.s != ';') {
				addr_mailbox(&in, out, NULL);
				addr_skip(&in, ';');
				if (*in.s == ',')
					in.s++;
			}
			buf_puts(out, "(NIL NIL NIL NIL)");
			if (*in.s == ';')
				in.s++;
		}
		addr_skip(&in, '\0');
		if (*in.s == ',')
			in.s++;
	}
	buf_free(&group);
	if (out->len == start + 1) {
		out->len = start;
		out->data[start] = '\0';
		return false;
	}
	buf_putc(out, ')');
	return true;
}
