/* progress.c - what a fetch shows: a progress line on a terminal (messages
 * and bytes per account), one summary line per account otherwise, nothing
 * but errors with --quiet (cron). */
#include <stdio.h>
#include "i18n.h"
#include "msg.h"
#include "mra.h"

void mra_progress(struct mra *m, const struct mra_account *a, const struct mra_stats *st)
{
	if (!m->progress)
		return;
	/* L10N: progress line: account, messages done/total, KiB done/total */
	fprintf(stderr, _("\r%s: %lu/%lu messages, %llu/%llu KiB "), a->name, st->done, st->total,
		st->bytes / 1024, st->total_bytes / 1024);
	fflush(stderr);
}

void mra_summary(struct mra *m, const struct mra_account *a, const struct mra_stats *st,
		 const char *error)
{
	if (m->progress && st->total > 0)
		fputc('\n', stderr);
	if (error) {
		msg_warnx("account=%s fetched=%lu error=\"%s\"", a->name, st->done, error);
		return;
	}
	if (!m->quiet) {
		/* L10N: account, messages, KiB, messages deleted on the server */
		if (st->refused == 0)
			printf(_("%s: %lu messages (%llu KiB) fetched, %lu deleted on the server\n"),
			       a->name, st->done, st->bytes / 1024, st->deleted);
		else
			/* L10N: the same, and the messages poczta-mda refused */
			printf(_("%s: %lu messages (%llu KiB) fetched, %lu deleted on the server, "
				 "%lu refused by poczta-mda and kept there\n"), a->name, st->done,
			       st->bytes / 1024, st->deleted, st->refused);
		fflush(stdout);
	}
	msg_debug("account=%s fetched=%lu bytes=%llu deleted=%lu refused=%lu", a->name, st->done,
		  st->bytes, st->deleted, st->refused);
}
