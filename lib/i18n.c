/* i18n.c - gettext set-up shared by every program. */
#include <locale.h>
#include <stdlib.h>
#include "config.h"
#include "i18n.h"

void i18n_init(void)
{
	const char *dir = getenv("POCZTA_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain("poczta", dir && *dir ? dir : POCZTA_LOCALEDIR);
	bind_textdomain_codeset("poczta", "UTF-8");
	textdomain("poczta");
}
