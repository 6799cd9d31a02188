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

/* ctl_self_dir - the directory of the running executable, or NULL */
static char *ctl_self_dir(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	path[n] = '\0';
	if ((slash = strrchr(path, '/')) == NULL)
		return NULL;
	*slash = '\0';
	return xstrdup(*path ? path : "/");
}

/* ctl_executable - dir/program when that is an executable file; newly
 * allocated or NULL */
static char *ctl_executable(const char *dir, const char *program)
{
	char *p = xasprintf("%s/%s", dir, program);
	struct stat st;

	if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
		return p;
	free(p);
	return NULL;
}

char *ctl_find_program(struct ctl *ctl, const char *program)
{
	char *p;

	if (ctl->self_dir == NULL)
		ctl->self_dir = ctl_self_dir();
	if (ctl->self_dir && (p = ctl_executable(ctl->self_dir, program)) != NULL)
		return p;
	if ((p = ctl_executable(POCZTA_SBINDIR, program)) != NULL)
		return p;
	return ctl_executable(POCZTA_BINDIR, program);
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

int ctl_make_maildir(const char *path)
{
	static const char *const subdirs[] = { "cur", "new", "tmp" };
	size_t i;
	int rc = mkdir_p(path, 0700);

	for (i = 0; rc == 0 && i < 3; i++) {
		char *d = xasprintf("%s/%s", path, subdirs[i]);
		rc = mkdir_p(d, 0700);
		free(d);
	}
	return rc;
}

void ctl_free(struct ctl *ctl)
{
	conf_free(ctl->conf);
	ctl->conf = NULL;
	x_free(&ctl->self_dir);
}
