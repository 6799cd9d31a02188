/* stackinfo.h - the local stack's agents as poczta-ctl runs them: which
 * programs, where each listens (from poczta.conf), where its pid file and
 * log are, and whether it runs now.  Shared by poczta-ctl (up, down,
 * status) and the client's agents screen, so that both see the same. */
#ifndef POCZTA_STACKINFO_H
#define POCZTA_STACKINFO_H
#include <stdbool.h>
#include <sys/types.h>
#include "conf.h"

/* An agent of the stack: it is configured when [section] address_key is
 * set, which is also where it listens; it runs as program -c FILE args...
 * An agent without address_key listens nowhere: poczta-mra watch is
 * configured when some [account] says watch = yes. */
struct stackinfo_agent {
	const char *name;
	const char *program;
	const char *role;
	const char *section;
	const char *address_key;
	const char *args[4];
};

/* in the order they are started (and stopped in reverse) */
extern const struct stackinfo_agent stackinfo_agents[];
#define STACKINFO_NAGENTS 5

/* stackinfo_find - the agent whose role is role ("MTA"), NULL if none */
const struct stackinfo_agent *stackinfo_find(const char *role);
/* stackinfo_address - where a listens per c (borrowed from c, or for the
 * MRA "IDLE: NAME,..." in a static buffer); NULL when not configured */
const char *stackinfo_address(const struct conf *c, const struct stackinfo_agent *a);
/* stackinfo_pid_file - DATA_DIR/run/NAME.pid; newly allocated */
char *stackinfo_pid_file(const struct conf *c, const struct stackinfo_agent *a);
/* stackinfo_log_path - where a's output goes: [global] log_file, else
 * DATA_DIR/run/NAME.log; newly allocated */
char *stackinfo_log_path(const struct conf *c, const struct stackinfo_agent *a);
/* stackinfo_read_pid - the pid in path, 0 when missing or malformed */
/* stackinfo_client_log_path - the same for the client (poczta.log) */
char *stackinfo_client_log_path(const struct conf *c);
pid_t stackinfo_read_pid(const char *path);
/* stackinfo_alive - whether pid runs (and is not a zombie) and, when /proc
 * says, runs program ("" for any) */
bool stackinfo_alive(pid_t pid, const char *program);
/* stackinfo_running - a's pid when it runs now, else 0 */
pid_t stackinfo_running(const struct conf *c, const struct stackinfo_agent *a);

#endif
