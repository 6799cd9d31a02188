/* submit_int.h - what client/submit*.c share. */
#ifndef POCZTA_CLIENT_SUBMIT_INT_H
#define POCZTA_CLIENT_SUBMIT_INT_H
#include "buf.h"
#include "dsn.h"
#include "outbox.h"

/* The recipients of one submission by outcome. */
struct submit_split {
	size_t nsent;
	char **temp;		/* to the local queue */
	size_t ntemp;
	char **perm;		/* refused: left in the spool, failed */
	size_t nperm;
	struct buf why;		/* the refusals */
};

/* submit_msa - e to the MSA of o's configuration: smtpc_send's result,
 * with per (one per recipient) and session filled in; a local problem
 * (password, TLS context) is a permanent session failure */
int submit_msa(struct outbox *o, const struct outbox_entry *e, struct dsn *per,
	       struct dsn *session);
/* submit_password - the password of [client] submit_password_command (its
 * first line of output, run with argv, no shell) or submit_password_file
 * (which must be 0600 or stricter); newly allocated, NULL with err */
char *submit_password(const struct outbox_config *cfg, struct buf *err);

#endif
