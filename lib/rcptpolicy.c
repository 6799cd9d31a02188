/* rcptpolicy.c - who may send to whom (rcptpolicy.h).  The address forms old
 * MTAs took as routing (a%b@local, b!a@local, "a@b"@local, source routes)
 * never relay: they are refused outright. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "aliases.h"
#include "rcptpolicy.h"
#include "strlist.h"
#include "users.h"
#include "xalloc.h"

bool rcptpolicy_is_local(const struct rcpt_policy *pol, const char *domain)
{
	return domain == NULL || *domain == '\0' || strlist_has_nocase(pol->domains, domain);
}

/* rcptpolicy_cidr_parse - address bytes and family of "addr[/bits]" */
static bool rcptpolicy_cidr_parse(const char *s, unsigned char *bytes, int *family, int *bits)
{
	char host[64];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);

	if (len == 0 || len >= sizeof(host))
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	*family = strchr(host, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(*family, host, bytes) != 1)
		return false;
	*bits = slash ? atoi(slash + 1) : (*family == AF_INET ? 32 : 128);
	return *bits >= 0 && *bits <= (*family == AF_INET ? 32 : 128);
}

bool rcptpolicy_cidr_match(const char *ip, const char *cidr)
{
	unsigned char a[16], n[16];
	int fa, fn, ba, bn, i;

	if (!rcptpolicy_cidr_parse(ip, a, &fa, &ba) || !rcptpolicy_cidr_parse(cidr, n, &fn, &bn) ||
	    fa != fn)
		return false;
	for (i = 0; i < bn / 8; i++)
		if (a[i] != n[i])
			return false;
	return bn % 8 == 0 || ((a[i] ^ n[i]) & (0xff << (8 - bn % 8)) & 0xff) == 0;
}

/* rcptpolicy_may_relay - an authenticated session or a relay_networks client */
static bool rcptpolicy_may_relay(const struct rcpt_policy *pol, const char *auth, const char *ip)
{
	char **n;

	if (auth)
		return true;
	for (n = pol->relay_networks; ip && n && *n; n++)
		if (rcptpolicy_cidr_match(ip, *n))
			return true;
	return false;
}

static void rcptpolicy_target_add(struct rcpt_target **out, size_t *n, const char *addr,
			   enum rcpt_kind kind)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcasecmp((*out)[i].addr, addr) == 0)
			return;		/* each recipient once */
	*out = xreallocarray(*out, *n + 1, sizeof(**out));
	(*out)[*n] = (struct rcpt_target){ xstrdup(addr), kind, NULL, 0 };
	(*n)++;
}

void rcpt_targets_free(struct rcpt_target *t, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(t[i].addr);
		free(t[i].orcpt);
	}
	free(t);
}

/* rcptpolicy_local_user - the user a local part names (its +detail ignored), or NULL */
static const char *rcptpolicy_local_user(const struct rcpt_policy *pol, const char *local,
					 const char *addr)
{
	char *name = xstrdup(local), *plus, *p;
	const struct user *u;

	for (p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if ((plus = strchr(name, '+')) != NULL)
		*plus = '\0';
	u = users_find(pol->users, name);
	if (u == NULL)
		u = users_find_address(pol->users, addr);
	free(name);
	return u ? u->name : NULL;
}

/* rcptpolicy_local - a recipient in a local domain: an alias, a user, or postmaster
 * (RFC 5321 4.5.1: always accepted) */
static int rcptpolicy_local(const struct rcpt_policy *pol, const char *local, const char *domain,
			    const char *rcpt, struct rcpt_target **out, size_t *n, struct dsn *d)
{
	char **targets = pol->aliases ? aliases_expand(pol->aliases, local, d) : NULL;
	char **t;

	if (targets) {
		for (t = targets; *t; t++) {
			char *at = strrchr(*t, '@');
			bool local_target = at == NULL || rcptpolicy_is_local(pol, at + 1);
			char *full = at ? xstrdup(*t) : xasprintf("%s@%s", *t, domain ? domain : pol->domains[0]);
			rcptpolicy_target_add(out, n, full, local_target ? RCPT_LOCAL : RCPT_REMOTE);
			free(full);
		}
		strlist_free(targets);
		return 0;
	}
	if (d->status != DSN_OK)
		return -1;	/* an alias loop or a bad :include: */
	if (rcptpolicy_local_user(pol, local, rcpt) || strcasecmp(local, "postmaster") == 0) {
		rcptpolicy_target_add(out, n, rcpt, RCPT_LOCAL);
		return 0;
	}
	dsn_set(d, DSN_PERMFAIL, "5.1.1", "<%s>: Recipient address rejected: no such user here", rcpt);
	return -1;
}

int rcptpolicy_check(const struct rcpt_policy *pol, const char *rcpt, const char *auth,
		     const char *client_ip, struct rcpt_target **out, size_t *n, struct dsn *d)
{
	const char *at = strrchr(rcpt, '@');
	char *local = at ? xstrndup(rcpt, (size_t)(at - rcpt)) : xstrdup(rcpt);
	const char *domain = at ? at + 1 : NULL;
	int rc = -1;

	dsn_ok(d, "ok");
	if (strpbrk(local, "%!@\"") || (domain && (*domain == '\0' || *domain == '[' ||
						   domain[strlen(domain) - 1] == '.')))
		/* the routing forms of RFC 821 days, address literals, trailing
		 * dots: never relayed, whoever asks */
		dsn_set(d, DSN_PERMFAIL, "5.7.1", "<%s>: Relay access denied (address form)", rcpt);
	else if (rcptpolicy_is_local(pol, domain))
		rc = rcptpolicy_local(pol, local, domain, rcpt, out, n, d);
	else if (rcptpolicy_may_relay(pol, auth, client_ip)) {
		rcptpolicy_target_add(out, n, rcpt, RCPT_REMOTE);
		rc = 0;
	} else
		dsn_set(d, DSN_PERMFAIL, "5.7.1", "<%s>: Relay access denied", rcpt);
	free(local);
	return rc;
}
