/* opts.c - the sendmail command line.  The options are those Postfix's
 * sendmail(1) documents, with its getopt string, and without permuting the
 * arguments: recipients come after the options ("--" ends them, so that an
 * address starting with "-" is never taken for one).  What poczta has no use
 * for is accepted and ignored, as Postfix does; the daemon modes are refused. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include "i18n.h"
#include "queue.h"
#include "sendmail.h"
#include "strlist.h"

/* opts_mode - -bX: the mode, or an exit status for one we refuse */
static int opts_mode(struct sm_opts *o, const char *arg)
{
	switch (arg[0]) {
	case 'm': o->mode = SM_ENQUEUE; return 0;
	case 's': o->mode = SM_SMTP; return 0;
	case 'p': o->mode = SM_MAILQ; return 0;
	case 'i': case 'h': case 'H':	/* aliases are read as they are; no host status */
		o->mode = SM_NOTHING;
		return 0;
	case 'd': case 'D': case 'l':
		fprintf(stderr, _("poczta-sendmail: -b%c: poczta-sendmail is no daemon; "
				  "start poczta-mta with \"poczta-ctl up\"\n"), arg[0]);
		return EX_USAGE;
	default:
		fprintf(stderr, _("poczta-sendmail: -b%s: mode not supported\n"), arg);
		return EX_USAGE;
	}
}

/* opts_notify - -N never | success,delay,failure: RFC 3461 NOTIFY bits */
static int opts_notify(struct sm_opts *o, const char *arg)
{
	char **words = strlist_split(arg, ","), **w;
	int rc = 0;

	o->notify = 0;
	for (w = words; w && *w; w++) {
		if (strcasecmp(*w, "never") == 0)
			o->notify |= QUEUE_NOTIFY_NEVER;
		else if (strcasecmp(*w, "success") == 0)
			o->notify |= QUEUE_NOTIFY_SUCCESS;
		else if (strcasecmp(*w, "delay") == 0)
			o->notify |= QUEUE_NOTIFY_DELAY;
		else if (strcasecmp(*w, "failure") == 0)
			o->notify |= QUEUE_NOTIFY_FAILURE;
		else
			rc = EX_USAGE;
	}
	strlist_free(words);
	if (rc || ((o->notify & QUEUE_NOTIFY_NEVER) && o->notify != QUEUE_NOTIFY_NEVER)) {
		fprintf(stderr, _("poczta-sendmail: -N %s: say never, or any of success, delay "
				  "and failure\n"), arg);
		return EX_USAGE;
	}
	return 0;
}

/* opts_text - -V and -B: their argument, checked */
static int opts_text(struct sm_opts *o, int ch, const char *arg)
{
	const char *p;

	if (ch == 'B') {
		if (strcasecmp(arg, "8BITMIME") != 0 && strcasecmp(arg, "7BIT") != 0) {
			fprintf(stderr, _("poczta-sendmail: -B %s: say 7BIT or 8BITMIME\n"), arg);
			return EX_USAGE;
		}
		o->body_8bit = strcasecmp(arg, "8BITMIME") == 0;
		return 0;
	}
	for (p = arg; *p; p++)		/* RFC 3461 4.4: ENVID is printable US-ASCII */
		if (*p <= ' ' || *p > '~' || *p == '+' || *p == '=')
			break;
	if (*arg == '\0' || *p || strlen(arg) > 100) {
		fprintf(stderr, _("poczta-sendmail: -V %s: not a valid envelope id\n"), arg);
		return EX_USAGE;
	}
	o->envid = arg;
	return 0;
}

/* opts_o - -oX: -oi is -i; the rest (-oem, -odb, -oQ/dir, -om ...) is ignored */
static void opts_o(struct sm_opts *o, const char *arg)
{
	if (strcmp(arg, "i") == 0)
		o->dot_ends = false;
}

/* opts_q - -q flushes the queue; -qINTERVAL, -qR, -qI... act as -q */
static void opts_q(struct sm_opts *o, const char *arg)
{
	if (arg == NULL || arg[0] == 'I' || arg[0] == 'R' || arg[0] == 'S')
		o->mode = SM_FLUSH;
	/* -q30m, a queue run interval: the MTA retries by itself */
}

/* opts_one - one option; 0 or an exit status */
static int opts_one(struct sm_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 't': o->extract = true; return 0;
	case 'i': o->dot_ends = false; return 0;
	case 'f': case 'r': o->sender = arg; return 0;
	case 'F': o->full_name = arg; return 0;
	case 'C': o->config = arg; return 0;
	case 'v': o->verbose++; return 0;
	case 'b': return opts_mode(o, arg);
	case 'o': opts_o(o, arg); return 0;
	case 'q': opts_q(o, arg); return 0;
	case 'N': return opts_notify(o, arg);
	case 'R': o->ret_full = strcasecmp(arg, "full") == 0; return 0;
	case 'V': case 'B': return opts_text(o, ch, arg);
	case 'I': o->mode = SM_NOTHING; return 0;
	/* accepted and ignored, as Postfix documents: -A -G -L -O -U -X -c -e
	 * -h -m -n -p -x */
	case 'A': case 'G': case 'L': case 'O': case 'U': case 'X': case 'c': case 'e':
	case 'h': case 'm': case 'n': case 'p': case 'x':
		return 0;
	default:
		return EX_USAGE;
	}
}

int opts_parse(struct sm_opts *o, int argc, char **argv)
{
	/* the one long option, as every poczta agent has it; sendmail's own
	 * options stay single letters */
	static const struct option longopts[] = {
		{ "trace", no_argument, NULL, 1 }, { "help", no_argument, NULL, 2 },
		{ NULL, 0, NULL, 0 }
	};
	int ch, rc;

	memset(o, 0, sizeof(*o));
	o->mode = SM_ENQUEUE;
	o->dot_ends = true;
	o->full_name = getenv("NAME");
	opterr = 1;
	/* "+": stop at the first recipient, as Postfix does on Linux */
	while ((ch = getopt_long(argc, argv, "+A:B:C:F:GIL:N:O:R:UV:X:b:ce:f:h:imno:p:q::r:tvx",
				 longopts, NULL)) != -1) {
		if (ch == '?')
			return EX_USAGE;
		if (ch == 1) {
			o->trace = true;
			continue;
		}
		if (ch == 2)
			return -1;	/* --help */
		if ((rc = opts_one(o, ch, optarg)) != 0)
			return rc;
	}
	o->rcpts = argv + optind;
	o->nrcpts = argc - optind;
	return 0;
}
