/* mta.h - poczta-mta, the transfer agent: shared declarations of its parts.
 *
 *   main.c     command line: serve, and the queue commands
 *   serve.c    the daemon: listener, group committer, queue manager
 *   (the SMTP session is lib/smtpsrv.c, shared with poczta-msa; who may
 *   send to whom is lib/rcptpolicy.c, with the aliases of lib/aliases.c)
 *   qmgr.c     the queue manager: which message is due, workers, retries
 *   deliver.c  one message's delivery: local (MDA) and remote (SMTP)
 *   relay.c    remote recipients: relayhost or MX, through lib/smtpc
 *   lmtpc.c    the LMTP client that hands local mail to poczta-mda
 *   cli.c      poczta-mta queue | flush | hold | release | delete | bounce */
#ifndef POCZTA_MTA_H
#define POCZTA_MTA_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include "dsn.h"
#include "rcptpolicy.h"

struct conf;
struct queue;
struct users;
struct aliases;
struct tls_server;
struct tls_client;

/* Everything the agent needs from the configuration, read once. */
struct mta {
	const struct conf *conf;
	char *config_path;
	char *hostname;
	struct rcpt_policy policy;	/* domains, users, aliases, relay_networks */
	struct users *users;
	struct aliases *aliases;
	struct queue *queue;
	char *queue_dir;
	char *maildrop_dir;	/* DATA_DIR/maildrop: local users' mail (lib/maildrop.h) */
	bool fresh;		/* a worker's message now was never handed to the MDA
				 * before (qmgr.c): its LMTP MAIL says XFRESH */
	struct tls_server *tls;		/* NULL: no STARTTLS offered */
	unsigned long long max_size;
	size_t max_rcpts;
	int max_errors;
	int timeout_ms;
	long long retry_min, retry_max, lifetime;
	int concurrency;
	char *mda;			/* the poczta-mda program */
	char *local_lmtp;		/* "host:port" or "unix:/path"; NULL: pipe */
	pid_t qmgr_pid;			/* told of new mail with SIGUSR1 */
	struct lmtpc *lmtp;		/* a delivery worker's kept LMTP connection */
};

/* serve.c */
int mta_serve(struct mta *m);

/* qmgr.c */
void qmgr_run(struct mta *m);

/* deliver.c */
void mta_deliver_message(struct mta *m, const char *id);

/* relay.c */
/* mta_relay - remote recipients of one domain, by the relayhost or the
 * domain's MX hosts; rcpts[k] is env->rcpts[idx[k]]; one outcome per
 * recipient in out */
struct queue_env;
void mta_relay(struct mta *m, const struct queue_env *env, const char *domain,
	       const size_t *idx, char **rcpts, size_t n, int fd, struct dsn *out);

/* lmtpc.c */
/* lmtpc_deliver - id names the delivery (XDELIVERY=, when the server
 * announces it) so that the MDA stores it once even when a crash makes us
 * send it again; fresh: it was never sent before, so the MDA need not look
 * for an earlier copy (XFRESH); returns 1 when it was named, 0 when not, -1 when the server
 * was not reached.  *conn is the connection kept from the last call (NULL at
 * first), reused, replaced or left NULL; lmtpc_close ends it. */
struct lmtpc;
int lmtpc_deliver(struct lmtpc **conn, const char *endpoint, const char *helo, const char *id,
		  bool fresh, const char *sender, char *const *rcpts, size_t n, int data_fd,
		  struct dsn *per_rcpt);
void lmtpc_close(struct lmtpc **conn);

/* cli.c */
int mta_cli(struct mta *m, int argc, char **argv);

#endif
