/* policy.c - who may send to whom.  Mail for the local domains (and their
 * aliases) is taken from anyone; mail for anywhere else only from an
 * authenticated session or a relay_networks client.  The address forms old
 * MTAs took as routing (a%b@local, b!a@local, "a@b"@local, source routes)
 * never relay: they are refused outright. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "conf.h"
#include "mta.h"
#include "strlist.h"
#include "users.h"
#include "xalloc.h"

bool mta_is_local_domain(const struct mta *m, const char *domain)
{
	return domain == NULL || *domain == '\0' || strlist_has_nocase(m->domains, domain);
}

/* mta_cidr_parse - address bytes and family of "addr[/bits]" */
static bool mta_cidr_parse(const char *s, unsigned char *bytes, int *family, int *bits)
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

bool mta_cidr_match(const char *ip, const char *cidr)
{
	unsigned char a[16], n[16];
	int fa, fn, ba, bn, i;

	if (!mta_cidr_parse(ip, a, &fa, &ba) || !mta_cidr_parse(cidr, n, &fn, &bn) || fa != fn)
		return false;
	for (i = 0; i < bn / 8; i++)
		if (a[i] != n[i])
			return false;
	return bn % 8 == 0 || ((a[i] ^ n[i]) & (0xff << (8 - bn % 8)) & 0xff) == 0;
}

/* mta_may_relay - an authenticated session or a relay_networks client */
static bool mta_may_relay(const struct mta *m, const char *auth, const char *ip)
{
	char **n;

	if (auth)
		return true;
	for (n = m->relay_networks; ip && n && *n; n++)
		if (mta_cidr_match(ip, *n))
			return true;
	return false;
}

static void mta_target_add(struct mta_target **out, size_t *n, const char *addr,
			   enum mta_rcpt_kind kind)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcasecmp((*out)[i].addr, addr) == 0)
			return;		/* each recipient once */
	*out = xreallocarray(*out, *n + 1, sizeof(**out));
	(*out)[*n] = (struct mta_target){ xstrdup(addr), kind, NULL, 0 };
	(*n)++;
}

void mta_targets_free(struct mta_target *t, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(t[i].addr);
		free(t[i].orcpt);
	}
	free(t);
}

/* mta_local_user - the user a local part names (its +detail ignored), or NULL */
static const char *mta_local_user(const struct mta *m, const char *local, const char *addr)
{
	char *name = xstrdup(local), *plus, *p;
	const struct user *u;

	for (p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if ((plus = strchr(name, '+')) != NULL)
		*plus = '\0';
	u = users_find(m->users, name);
	if (u == NULL)
		u = users_find_address(m->users, addr);
	free(name);
	return u ? u->name : NULL;
}

/* mta_local - a recipient in a local domain: an alias, a user, or postmaster
 * (RFC 5321 4.5.1: always accepted) */
static int mta_local(struct mta *m, const char *local, const char *domain, const char *rcpt,
		     struct mta_target **out, size_t *n, struct dsn *d)
{
	char **targets = m->aliases ? aliases_expand(m->aliases, local, d) : NULL;
	char **t;

	if (targets) {
		for (t = targets; *t; t++) {
			char *at = strrchr(*t, '@');
			bool local_target = at == NULL || mta_is_local_domain(m, at + 1);
			char *full = at ? xstrdup(*t) : xasprintf("%s@%s", *t, domain ? domain : m->domains[0]);
			mta_target_add(out, n, full, local_target ? MTA_LOCAL : MTA_REMOTE);
			free(full);
		}
		strlist_free(targets);
		return 0;
	}
	if (d->status != DSN_OK)
		return -1;	/* an alias loop or a bad :include: */
	if (mta_local_user(m, local, rcpt) || strcasecmp(local, "postmaster") == 0) {
		mta_target_add(out, n, rcpt, MTA_LOCAL);
		return 0;
	}
	dsn_set(d, DSN_PERMFAIL, "5.1.1", "<%s>: Recipient address rejected: no such user here", rcpt);
	return -1;
}

int mta_policy_rcpt(struct mta *m, const char *rcpt, const char *auth, const char *client_ip,
		    struct mta_target **out, size_t *n, struct dsn *d)
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
	else if (mta_is_local_domain(m, domain))
		rc = mta_local(m, local, domain, rcpt, out, n, d);
	else if (mta_may_relay(m, auth, client_ip)) {
		mta_target_add(out, n, rcpt, MTA_REMOTE);
		rc = 0;
	} else
		dsn_set(d, DSN_PERMFAIL, "5.7.1", "<%s>: Relay access denied", rcpt);
	free(local);
	return rc;
}
