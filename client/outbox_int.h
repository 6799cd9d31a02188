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
bool outbox_alive(long pid);

#endif
