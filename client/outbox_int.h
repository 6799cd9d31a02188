/* outbox_int.h - what client/outbox*.c and client/submit*.c share. */
#ifndef POCZTA_CLIENT_OUTBOX_INT_H
#define POCZTA_CLIENT_OUTBOX_INT_H
#include <stdbool.h>
#include <sys/types.h>
#include "outbox.h"

struct outbox {
	const struct outbox_config *cfg;
	int lockfd;			/* SPOOL/.lock */
	struct outbox_kid {
		pid_t pid;
		char *id;
	} *kids;			/* submissions under way */
	size_t nkids;
};

bool outbox_id_ok(const char *id);
/* outbox_lock_reopen - the lock file opened anew: a forked child must not
 * share the parent's open file description, with which flock would not
 * keep the two apart; 0 or -1 */
int outbox_lock_reopen(struct outbox *o);
bool outbox_alive(long pid);

#endif
