/* progpath.c - finding the other poczta programs. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "progpath.h"
#include "xalloc.h"

/* progpath_self_dir - the directory of the running program, newly allocated */
static char *progpath_self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	return xstrdup(buf);
}

char *progpath_find(const char *name)
{
	char *self = progpath_self_dir();
	const char *dirs[] = { self, POCZTA_SBINDIR, POCZTA_BINDIR };
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *p;
		if (dirs[i] == NULL)
			continue;
		p = xasprintf("%s/%s", dirs[i], name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0) {
			free(self);
			return p;
		}
		free(p);
	}
	free(self);
	return NULL;
}
