/* ctl.h - poczta-ctl: makes sandboxes, starts, stops and shows the local
 * stack, manages users and checks the configuration.  Each command is a
 * handler in the table of main.c; this header is what they share. */
#ifndef POCZTA_CTL_H
#define POCZTA_CTL_H
#include <stdbool.h>
#include <sys/types.h>
#include "buf.h"
#include "conf.h"

/* What every command may need; filled in as it is needed. */
struct ctl {
	const char *conf_arg;	/* -c FILE, NULL when not given */
	struct conf *conf;	/* loaded by ctl_load_conf */
};

/* A command: argv[0] is its name, options follow (getopt restarted). */
typedef int ctl_handler(struct ctl *ctl, int argc, char **argv);

/* ctl.c */
/* ctl_load_conf - locate and load the configuration into ctl->conf; prints
 * every error and returns false when there are any */
bool ctl_load_conf(struct ctl *ctl, bool quiet);
/* ctl_conf_option - handle the -c FILE every command takes */
void ctl_conf_option(struct ctl *ctl, const char *arg);
/* ctl_usage_error - print "poczta-ctl CMD: what" and the command's usage;
 * returns EX_USAGE */
int ctl_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ctl_free(struct ctl *ctl);
/* ctl_width - the columns a UTF-8 string takes on a terminal (wcwidth):
 * translated table headings line up in any language */
int ctl_width(const char *s);
/* ctl_put_padded - s on stdout, padded with spaces to width columns */
void ctl_put_padded(const char *s, int width);

/* the commands */
int init_cmd(struct ctl *ctl, int argc, char **argv);
int stack_up(struct ctl *ctl, int argc, char **argv);
int stack_down(struct ctl *ctl, int argc, char **argv);
int stack_status(struct ctl *ctl, int argc, char **argv);
int check_cmd(struct ctl *ctl, int argc, char **argv);
int usercmd_adduser(struct ctl *ctl, int argc, char **argv);
int usercmd_passwd(struct ctl *ctl, int argc, char **argv);
int reindex_cmd(struct ctl *ctl, int argc, char **argv);
int trace_cmd(struct ctl *ctl, int argc, char **argv);
int account_cmd(struct ctl *ctl, int argc, char **argv);

/* proc.c - processes of the stack (found by pid file: lib/stackinfo.h) */
int proc_write_pid(const char *path, pid_t pid);
/* proc_spawn - start argv detached (new session, stdin /dev/null, stdout
 * and stderr appended to log); the pid, or -1 with err saying why */
pid_t proc_spawn(char *const argv[], const char *log, struct buf *err);
/* proc_stop - SIGTERM, wait up to timeout_ms, then SIGKILL; true if it ended */
bool proc_stop(pid_t pid, int timeout_ms);
/* proc_log_tail - the last lines of the file path, appended to out */
void proc_log_tail(const char *path, int lines, struct buf *out);

/* net.c */
/* net_accepts - whether something accepts a connection at ep now */
bool net_accepts(const struct conf_endpoint *ep);

#endif
