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
#include <wchar.h>
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

int ctl_width(const char *s)
{
	mbstate_t st = { 0 };
	size_t n = strlen(s);
	int cols = 0;

	while (n > 0) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, n, &st);
		int w;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			cols++;		/* a byte the locale cannot read: one column */
			k = 1;
			memset(&st, 0, sizeof(st));
		} else if ((w = wcwidth(wc)) > 0) {
			cols += w;
		}
		s += k;
		n -= k;
	}
	return cols;
}

void ctl_put_padded(const char *s, int width)
{
	int pad = width - ctl_width(s);

	fputs(s, stdout);
	if (pad > 0)
		printf("%*s", pad, "");
}
