/* agents.h - the model of the client's agents screen (no curses in it):
 * the chain MUA -> MSA -> MTA -> MDA -> MAA -> MRA, each agent's state
 * (running by its pid file, as poczta-ctl status finds it: lib/stackinfo.h),
 * address, queue length, last log line and last protocol lines (its trace,
 * lib/msg.h), read from the end of the log only. */
#ifndef POCZTA_CLIENT_AGENTS_H
#define POCZTA_CLIENT_AGENTS_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "conf.h"

struct outbox;

#define AGENTS_NBOX 6
#define AGENTS_PROTO 4			/* protocol lines kept per agent */
#define AGENTS_TAIL (64 * 1024)		/* bytes of a log read, from its end */
#define AGENTS_TEXT 240			/* bytes of a line kept */

enum agents_state { AGENTS_RUNNING, AGENTS_STOPPED, AGENTS_UNCONFIGURED };

/* One agent of the chain, as the screen shows it. */
struct agents_box {
	const char *role;	/* "MUA", "MSA", ... */
	const char *program;	/* "poczta-msa" */
	enum agents_state state;
	long pid;		/* when running */
	char *address;		/* where it listens, NULL: nowhere */
	long queue;		/* messages waiting (the MUA: in its outbox),
				 * -1: not shown */
	time_t last_time;	/* of its last log line, (time_t)-1: unknown */
	char *last_text;	/* that line after the role, NULL: none */
	char *proto[AGENTS_PROTO];	/* its last trace lines, oldest first */
	size_t nproto;
};

struct agents {
	struct agents_box box[AGENTS_NBOX];
};

/* One line of an agent's log, split up (agents_parse_line). */
struct agents_line {
	time_t when;		/* (time_t)-1 when the line has no time stamp */
	char role[8];
	bool proto;		/* a trace line: "C: ..." or "S: ..." */
	const char *text;	/* what follows the role, within the line */
	size_t len;
};

/* agents_load - where the stack stands now, per the configuration c: pid
 * files, the end of the log(s), the MTA's queue and, when ob is not NULL,
 * the client's outbox (outbox.h).  Bounded: at most AGENTS_TAIL bytes of
 * each log are read.  Free with agents_free. */
void agents_load(struct agents *a, const struct conf *c, struct outbox *ob);
void agents_free(struct agents *a);
/* agents_parse_line - split "STAMP PROGRAM[PID]: ROLE LEVEL: text" or
 * "... ROLE C: text" (the stamp and the program are optional, as on an
 * agent's standard error); false when line is not an agent's line */
bool agents_parse_line(const char *line, size_t len, struct agents_line *out);
/* agents_feed - take the log text (whole lines) into the boxes */
void agents_feed(struct agents *a, const char *text, size_t len);
/* agents_box - the box of role, NULL if none */
struct agents_box *agents_box(struct agents *a, const char *role);

#endif
