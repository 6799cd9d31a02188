/* msa.h - poczta-msa, the submission agent (RFC 6409): shared declarations
 * of its parts.
 *
 *   main.c     command line, the configuration read once
 *   serve.c    the listeners: STARTTLS on [msa] listen, implicit TLS on
 *              [msa] listen_tls (RFC 8314), SIGHUP reloads the certificate
 *   auth.c     AUTH: the users file, failures slowed down per client
 *              address across sessions, whose addresses a user may send as
 *
 * The SMTP session itself is lib/smtpsrv.c, the same as poczta-mta's. */
#ifndef POCZTA_MSA_H
#define POCZTA_MSA_H
#include <stdbool.h>
#include <stddef.h>
#include "dsn.h"
#include "rcptpolicy.h"

struct conf;
struct queue;
struct users;
struct aliases;
struct tls_server;
struct msa_throttle;

/* Everything the agent needs from the configuration, read once. */
struct msa {
	const struct conf *conf;
	char *hostname;
	char *users_file;
	struct users *users;		/* re-read at each AUTH: passwd applies at once */
	struct aliases *aliases;	/* [mta] aliases, expanded as the MTA does */
	struct rcpt_policy policy;
	struct queue *queue;
	char *run_dir;			/* where mta.pid is: mtakick */
	struct tls_server *tls;
	unsigned long long max_size;
	size_t max_rcpts;
	int max_errors;
	int max_auth_failures;
	int timeout_ms;
	bool auth_in_clear;
	long long auth_delay_ms;	/* per failure from the address */
	long long auth_delay_max_ms;
	long long auth_window;		/* seconds a failure is remembered */
	struct msa_throttle *throttle;	/* shared by every session (MAP_SHARED) */
};

/* auth.c */
/* msa_throttle_new - the table of failures per client address, in memory
 * shared with every process forked after it; NULL with errno */
struct msa_throttle *msa_throttle_new(void);
void msa_throttle_free(struct msa_throttle *t);
/* msa_throttle_fail - one more failure from ip now; the count of failures
 * from ip within window seconds, this one included */
unsigned msa_throttle_fail(struct msa_throttle *t, const char *ip, long long window);
/* msa_auth - the session's auth hook (smtpsrv.h): the users file's hash,
 * compared in constant time; a failure waits auth_delay times the failures
 * from ip before it is answered */
void msa_auth(void *ctx, const char *ip, const char *user, const char *pass, struct dsn *out);
/* msa_sender_ok - whether user may send as addr: user or user+detail at a
 * local domain, or an address the users file lists for user */
bool msa_sender_ok(void *ctx, const char *user, const char *addr);

/* serve.c */
int msa_serve(struct msa *m);

#endif
