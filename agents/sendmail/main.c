/* main.c - poczta-sendmail: the sendmail command line.
 *
 *   poczta-sendmail [-t] [-i|-oi] [-f SENDER] [-F NAME] [-bm|-bs] [-C FILE] [-v] [--trace]
 *                   [--] [RECIPIENT...]
 *   poczta-sendmail -bp | -q            (poczta-mta queue | flush) */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <unistd.h>
#include "conf.h"
#include "i18n.h"
#include "msg.h"
#include "progpath.h"
#include "sendmail.h"

static _Noreturn void usage(int status)
{
	fprintf(stderr, "%s",
		_("usage: poczta-sendmail [-t] [-i] [-f SENDER] [-F NAME] [-bm | -bs] [-C FILE] "
		  "[-v] [--trace] [--] [RECIPIENT...]\n"
		  "       poczta-sendmail -bp | -q\n"));
	exit(status);
}

/* main_mta - -bp and -q: what poczta-mta queue and flush do */
static int main_mta(const struct sm_opts *o)
{
	char *mta = progpath_find("poczta-mta");
	char *conf = conf_locate(o->config);

	if (mta == NULL) {
		msg_warnx("%s", _("poczta-mta is not installed"));
		return EX_UNAVAILABLE;
	}
	execl(mta, "poczta-mta", "-c", conf, o->mode == SM_MAILQ ? "queue" : "flush", (char *)NULL);
	msg_warn("%s", mta);
	free(mta);
	free(conf);
	return EX_OSERR;
}

int main(int argc, char **argv)
{
	struct sm_opts o;
	struct sm sm;
	int rc;

	i18n_init();
	msg_init("poczta-sendmail", "MSA");
	if ((rc = opts_parse(&o, argc, argv)) != 0)
		usage(rc < 0 ? EXIT_SUCCESS : rc);	/* rc < 0: --help */
	msg_set_quiet(o.verbose == 0);	/* cron and git read our stderr */
	msg_set_verbose(o.verbose > 1 ? o.verbose - 1 : 0);
	if (o.mode == SM_NOTHING)
		return 0;
	if (o.mode == SM_MAILQ || o.mode == SM_FLUSH)
		return main_mta(&o);
	setup_load(&sm, o.config);
	/* the local side of the MSA: [msa] trace switches it on too */
	if (o.trace || conf_get_bool(sm.conf, "msa", NULL, "trace"))
		msg_set_trace(true);
	rc = o.mode == SM_SMTP ? bs_run(&sm, &o) : enqueue_run(&sm, &o);
	setup_free(&sm);
	return rc;
}
