/* addr.c - addresses: RFC 5322 3.4 address lists parsed with libetpan's
 * mailimf (groups, comments, display names, folding), the envelope sender,
 * recipients resolved as the MTA resolves them at RCPT (lib/rcptpolicy.c:
 * aliases, local users), and the From: field written for a local sender. */
#include <stdlib.h>
#include <string.h>
#include <libetpan/libetpan.h>
#include <openssl/evp.h>
#include "buf.h"
#include "i18n.h"
#include "sendmail.h"
#include "strlist.h"
#include "xalloc.h"

/* addr_ok - an addr-spec we can put in an envelope: no white space, no
 * control or bracket bytes that the lenient parser let through */
static bool addr_ok(const char *a)
{
	const char *p;

	if (*a == '\0' || strlen(a) > 254)
		return false;
	for (p = a; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || strchr("<>(),;\\", *p))
			return false;
	return true;
}

/* addr_group - the members of a group (RFC 5322 3.4: "name: a, b;") */
static int addr_group(const struct mailimf_group *g, char ***list)
{
	clistiter *it;

	if (g->grp_mb_list == NULL)
		return 0;		/* "undisclosed-recipients:;" */
	for (it = clist_begin(g->grp_mb_list->mb_list); it; it = clist_next(it)) {
		const struct mailimf_mailbox *mb = clist_content(it);
		if (!addr_ok(mb->mb_addr_spec))
			return -1;
		*list = strlist_add(*list, mb->mb_addr_spec);
	}
	return 0;
}

/* addr_collect - the addr-specs of a parsed list */
static int addr_collect(const struct mailimf_address_list *l, char ***list)
{
	clistiter *it;

	for (it = clist_begin(l->ad_list); it; it = clist_next(it)) {
		const struct mailimf_address *a = clist_content(it);
		if (a->ad_type == MAILIMF_ADDRESS_GROUP) {
			if (addr_group(a->ad_data.ad_group, list) < 0)
				return -1;
		} else if (!addr_ok(a->ad_data.ad_mailbox->mb_addr_spec))
			return -1;
		else
			*list = strlist_add(*list, a->ad_data.ad_mailbox->mb_addr_spec);
	}
	return 0;
}

/* addr_skip_cfws - the index past comments, folding white space and line
 * ends from i */
static size_t addr_skip_cfws(const char *text, size_t len, size_t i)
{
	size_t before;

	do {
		before = i;
		mailimf_cfws_parse(text, len, &i);
		while (i < len && (text[i] == '\r' || text[i] == '\n' || text[i] == ' ' ||
				   text[i] == '\t'))
			i++;
	} while (i != before && i < len);
	return i;
}

int addr_list_parse(const char *text, size_t len, char ***list, const char **why)
{
	struct mailimf_address_list *l = NULL;
	size_t i = addr_skip_cfws(text, len, 0), start = i;
	int rc = -1;

	*why = text + i;
	if (i == len)
		return 0;		/* an empty field, as Bcc: may be */
	if (mailimf_address_list_parse(text, len, &i, &l) != MAILIMF_NO_ERROR)
		return -1;
	/* the parser stops where it stops understanding ("a@x,,b@y"): what
	 * it did not read would be recipients lost without a word */
	i = addr_skip_cfws(text, len, i);
	if (i == len && addr_collect(l, list) == 0)
		rc = 0;
	*why = text + (i == len ? start : i);
	mailimf_address_list_free(l);
	return rc;
}

char *addr_qualify(const struct sm *sm, const char *addr)
{
	if (*addr == '\0' || strchr(addr, '@'))
		return xstrdup(addr);
	return xasprintf("%s@%s", addr, sm->domain);	/* as Postfix's myorigin */
}

char *addr_sender(const struct sm *sm, const char *arg)
{
	char **list = NULL, *r = NULL;
	const char *why;

	if (arg == NULL)
		return addr_qualify(sm, sm->user);
	if (strcmp(arg, "") == 0 || strcmp(arg, "<>") == 0)
		return xstrdup("");	/* the null sender (RFC 5321 4.5.5) */
	if (addr_list_parse(arg, strlen(arg), &list, &why) == 0 && strlist_len(list) == 1)
		r = addr_qualify(sm, list[0]);
	strlist_free(list);
	return r;
}

int addr_rcpt(struct sm *sm, struct sm_env *env, const char *addr, unsigned notify,
	      struct dsn *d)
{
	char *full = addr_qualify(sm, addr);
	size_t first = env->nrcpts, i;
	int rc = 0;

	if (sm->maildrop) {	/* the MTA resolves it at pickup, as this user's */
		env->rcpts = xreallocarray(env->rcpts, env->nrcpts + 1, sizeof(*env->rcpts));
		memset(&env->rcpts[env->nrcpts], 0, sizeof(*env->rcpts));
		env->rcpts[env->nrcpts++].addr = xstrdup(full);
	} else {
		/* the local user may send anywhere, as with Postfix's sendmail:
		 * rcptpolicy_check lets an authenticated name relay */
		rc = rcptpolicy_check(&sm->policy, full, sm->user, NULL, &env->rcpts, &env->nrcpts,
				      d);
	}

	for (i = first; i < env->nrcpts; i++)
		env->rcpts[i].notify = notify;
	free(full);
	return rc;
}

/* addr_atext - whether name can stand as a phrase of atoms (RFC 5322 3.2.3) */
static bool addr_atext(const char *name)
{
	const char *p;

	for (p = name; *p; p++)
		if (!(*p == ' ' || (*p > ' ' && *p < 0x7f && !strchr("()<>[]:;@\\,.\"", *p))))
			return false;
	return *name != ' ' && name[strlen(name) - 1] != ' ';
}

/* addr_encoded - name as RFC 2047 encoded words in UTF-8, each cut at a
 * character boundary and short enough for one line (RFC 2047 2, 5) */
static void addr_encoded(struct buf *b, const char *name)
{
	size_t n = strlen(name), i = 0;
	unsigned char out[80];

	while (i < n) {
		size_t take = n - i > 45 ? 45 : n - i;
		while (i + take < n && take > 0 && ((unsigned char)name[i + take] & 0xc0) == 0x80)
			take--;
		EVP_EncodeBlock(out, (const unsigned char *)name + i, (int)take);
		buf_printf(b, "%s=?UTF-8?B?%s?=", i ? " " : "", out);
		i += take;
	}
}

char *addr_from_field(const char *name, const char *addr)
{
	struct buf b = BUF_INIT;
	const char *p;
	bool ascii = true;

	if (name == NULL || *name == '\0')
		return xstrdup(addr);
	for (p = name; *p; p++)
		ascii &= (unsigned char)*p >= ' ' && (unsigned char)*p < 0x7f;
	if (!ascii)
		addr_encoded(&b, name);
	else if (addr_atext(name))
		buf_puts(&b, name);
	else {
		buf_putc(&b, '"');	/* RFC 5322 3.2.4: quoted-string */
		for (p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, *p);
		}
		buf_putc(&b, '"');
	}
	buf_printf(&b, " <%s>", addr);
	return buf_detach(&b);
}
