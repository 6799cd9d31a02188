/* i18n.h - gettext for every string a person reads. */
#ifndef POCZTA_I18N_H
#define POCZTA_I18N_H
#include <libintl.h>
#define _(s) gettext(s)
#define N_(s) (s)
/* i18n_init - bind the "poczta" text domain; call once from main */
void i18n_init(void);
#endif
