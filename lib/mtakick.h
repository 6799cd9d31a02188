/* mtakick.h - tell a running poczta-mta that new mail is in its queue. */
#ifndef POCZTA_MTAKICK_H
#define POCZTA_MTAKICK_H
#include <stdbool.h>

/* mtakick - send SIGUSR1 to the poczta-mta whose pid is in RUN_DIR/mta.pid
 * (settings_run_dir).  false when none runs: a stopped MTA finds the
 * message in the queue when it starts, as Postfix's pickup finds what
 * postdrop left, so that is no error for the caller. */
bool mtakick(const char *run_dir);
/* mtakick_reload - tell it (SIGUSR2) that envelopes changed (hold,
 * release, flush) and its queue manager must read them again */
bool mtakick_reload(const char *run_dir);

#endif
