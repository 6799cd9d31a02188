/* mtakick.c - tell a running poczta-mta of new mail (mtakick.h): what
 * poczta-sendmail and poczta-msa do once a message is durable. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fsutil.h"
#include "msg.h"
#include "mtakick.h"
#include "xalloc.h"

/* mtakick_is_mta - whether pid is a running poczta-mta (not a stranger that
 * got a stale pid file's number) */
static bool mtakick_is_mta(long pid)
{
	char path[64], *comm;
	bool yes;

	if (access("/proc/self/comm", R_OK) < 0)
		return true;	/* no /proc here: trust the pid file */
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if ((comm = read_file(path, NULL)) == NULL)
		return false;
	yes = strncmp(comm, "poczta-mta", 10) == 0;
	free(comm);
	return yes;
}

/* mtakick_signal - sig to the running poczta-mta; whether it was told */
static bool mtakick_signal(const char *run_dir, int sig)
{
	char *path = xasprintf("%s/mta.pid", run_dir);
	char *text = read_file(path, NULL);
	long pid = text ? atol(text) : 0;
	bool told = pid > 0 && mtakick_is_mta(pid) && kill((pid_t)pid, sig) == 0;

	if (told)
		msg_debug("told poczta-mta pid=%ld", pid);
	free(text);
	free(path);
	return told;
}

bool mtakick(const char *run_dir)
{
	return mtakick_signal(run_dir, SIGUSR1);
}

bool mtakick_reload(const char *run_dir)
{
	return mtakick_signal(run_dir, SIGUSR2);
}
