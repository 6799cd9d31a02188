/* text.h - UTF-8 text measured in terminal columns (wcwidth), with no
 * curses in it: what the index and the pager cut and pad. */
#ifndef POCZTA_CLIENT_TEXT_H
#define POCZTA_CLIENT_TEXT_H
#include <stddef.h>
#include "buf.h"

/* text_width - the columns s takes; a non-printable or invalid character
 * counts as one column (it is shown as "?") */
int text_width(const char *s);
/* text_fit - append to out the longest prefix of s that fits in cols
 * columns, then spaces up to exactly cols when pad is set; characters
 * that cannot be shown become "?".  Returns the columns appended. */
int text_fit(struct buf *out, const char *s, int cols, int pad);
/* text_skip - s with its first cols columns left out (a wide character
 * cut in two is left out whole); a pointer into s */
const char *text_skip(const char *s, int cols);
/* text_date - a short date for the index: "14:05" today, "Mar 03" this
 * year, "2023-03-03" before; written into out (at least 11 bytes) */
void text_date(char *out, size_t size, long long when, long long now);

#endif
