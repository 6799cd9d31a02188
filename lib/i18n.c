/* i18n.c - gettext set-up shared by every program. */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "i18n.h"

/* i18n_build_dir - TOP/po/build when the program runs uninstalled from a
 * build tree's TOP/bin/ (as the README's quick start runs bin/poczta), so
 * that LANG alone picks its language there too; NULL otherwise */
static const char *i18n_build_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	*slash = '\0';			/* TOP/bin */
	if ((slash = strrchr(exe, '/')) == NULL || strcmp(slash, "/bin") != 0)
		return NULL;
	*slash = '\0';			/* TOP */
	if ((size_t)snprintf(dir, sizeof(dir), "%s/po/build", exe) >= sizeof(dir) ||
	    stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return NULL;
	return dir;
}

void i18n_init(void)
{
	const char *dir = getenv("POCZTA_LOCALEDIR");

	setlocale(LC_ALL, "");
	if (dir == NULL || *dir == '\0')
		dir = i18n_build_dir();
	bindtextdomain("poczta", dir ? dir : POCZTA_LOCALEDIR);
	bind_textdomain_codeset("poczta", "UTF-8");
	textdomain("poczta");
}
