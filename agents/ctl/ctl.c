/* ctl.c - what poczta-ctl's commands share: the configuration, finding the
 * other programs, usage errors, Maildirs. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>
#include "config.h"
#include "conf.h"
#include "ctl.h"
#include "fsutil.h"
#include "i18n.h"
#include "msg.h"
#include "xalloc.h"

void ctl_conf_option(struct ctl *ctl, const char *arg)
{
	ctl->conf_arg = arg;
}

bool ctl_load_conf(struct ctl *ctl, bool quiet)
{
	struct buf errors = BUF_INIT;
	char *path = conf_locate(ctl->conf_arg);
	bool ok;

	conf_free(ctl->conf);
	ctl->conf = conf_load(path, poczta_conf_schema, &errors);
	ok = ctl->conf != NULL && conf_error_count(ctl->conf) == 0;
	if (!quiet || !ok)
		fputs(buf_cstr(&errors), stderr);
	buf_free(&errors);
	free(path);
	return ok;
}

int ctl_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("poczta-ctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, _("\nusage: poczta-ctl %s\n"), usage);
	return EX_USAGE;
}

void ctl_free(struct ctl *ctl)
{
	conf_free(ctl->conf);
	ctl->conf = NULL;
}
