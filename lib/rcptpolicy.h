/* rcptpolicy.h - who may send to whom, decided at RCPT time by poczta-mta,
 * poczta-msa and poczta-sendmail alike.  Mail for the local domains (and
 * their aliases) is taken from anyone; mail for anywhere else only from an
 * authenticated session or a relay_networks client. */
#ifndef POCZTA_RCPTPOLICY_H
#define POCZTA_RCPTPOLICY_H
#include <stdbool.h>
#include <stddef.h>
#include "dsn.h"

struct users;
struct aliases;

/* What the decision needs; the caller owns every field. */
struct rcpt_policy {
	char **domains;			/* local domains (settings_domains), never empty */
	const struct users *users;
	const struct aliases *aliases;	/* NULL: none */
	char **relay_networks;		/* CIDRs that may relay; NULL or empty: none */
};

enum rcpt_kind { RCPT_LOCAL, RCPT_REMOTE };

/* A final recipient: aliases expanded, with its kind and DSN parameters. */
struct rcpt_target {
	char *addr;
	enum rcpt_kind kind;
	char *orcpt;		/* RFC 3461 ORCPT as given, or NULL */
	unsigned notify;	/* QUEUE_NOTIFY_* bits, 0 for the default */
};

/* rcptpolicy_check - may the session (authenticated as auth, NULL if not,
 * from client address client_ip, NULL if local) send to rcpt?  0 and the
 * final recipients appended to *out (each once), or -1 with d saying why */
int rcptpolicy_check(const struct rcpt_policy *p, const char *rcpt, const char *auth,
		     const char *client_ip, struct rcpt_target **out, size_t *n, struct dsn *d);
/* rcptpolicy_is_local - whether domain (NULL or "": none) is a local one */
bool rcptpolicy_is_local(const struct rcpt_policy *p, const char *domain);
/* rcptpolicy_cidr_match - whether ip is inside cidr ("addr[/bits]") */
bool rcptpolicy_cidr_match(const char *ip, const char *cidr);
void rcpt_targets_free(struct rcpt_target *t, size_t n);

#endif
