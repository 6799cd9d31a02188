/* main.c - poczta-index: adds delivered mail to the notmuch index in batches.
 *
 *   poczta-index [--wait MS] --drain SPOOL
 *   poczta-index --rescan MAILDIR [--tags TAG,TAG]
 *
 * The delivery agents never link notmuch (loading Xapian would cost every
 * delivery milliseconds); they leave notes and start this program. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include "buf.h"
#include "config.h"
#include "i18n.h"
#include "index.h"
#include "msg.h"
#include "strlist.h"

static _Noreturn void usage(int status)
{
	fprintf(status ? stderr : stdout, "%s",
		_("usage: poczta-index [--wait MS] --drain SPOOL\n"
		  "       poczta-index --rescan MAILDIR [--tags TAG,TAG]\n"));
	exit(status);
}

/* rescan - index what the Maildir has and the index lacks */
static int rescan(const char *maildir, const char *tags)
{
	char **t = strlist_split(tags, ",");
	struct buf err = BUF_INIT;
	int n = index_rescan(maildir, t, &err);

	strlist_free(t);
	if (n < 0) {
		msg_warnx("%s", buf_cstr(&err));
		buf_free(&err);
		return EX_TEMPFAIL;
	}
	printf(_("%s: %d messages added to the index\n"), maildir, n);
	buf_free(&err);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "wait", required_argument, NULL, 'w' }, { "drain", required_argument, NULL, 'd' },
		{ "rescan", required_argument, NULL, 'r' }, { "tags", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *drain = NULL, *scan = NULL, *tags = "inbox,unread";
	int wait_ms = 0, c;

	i18n_init();
	msg_init("poczta-index", "MDA");
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'w': wait_ms = atoi(optarg); break;
		case 'd': drain = optarg; break;
		case 'r': scan = optarg; break;
		case 't': tags = optarg; break;
		case 'h': usage(0);
		case 'V': printf("poczta-index %s\n", POCZTA_VERSION); return 0;
		default: usage(EX_USAGE);
		}
	}
	if (optind != argc || (drain == NULL) == (scan == NULL) || wait_ms < 0)
		usage(EX_USAGE);
	if (scan)
		return rescan(scan, tags);
	return index_run(drain, wait_ms) < 0 ? EX_TEMPFAIL : 0;
}
