/* text.c - UTF-8 text cut and padded by terminal columns (text.h). */
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include "text.h"

/* text_next - decode one character at s; its byte length (0 at the end),
 * *w its columns and *ok whether it can be shown as it is */
static size_t text_next(const char *s, int *w, bool *ok)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;

	if (*s == '\0')
		return 0;
	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, strlen(s), &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*w = 1;
		*ok = false;
		return 1;
	}
	*w = wcwidth(wc);
	*ok = *w >= 0;
	if (*w < 0)
		*w = 1;
	return n;
}

int text_width(const char *s)
{
	int cols = 0, w;
	bool ok;
	size_t n;

	while ((n = text_next(s, &w, &ok)) > 0) {
		cols += w;
		s += n;
	}
	return cols;
}

int text_fit(struct buf *out, const char *s, int cols, int pad)
{
	int used = 0, w;
	bool ok;
	size_t n;

	while ((n = text_next(s, &w, &ok)) > 0 && used + w <= cols) {
		if (ok)
			buf_append(out, s, n);
		else
			buf_putc(out, '?');
		used += w;
		s += n;
	}
	while (pad && used < cols) {
		buf_putc(out, ' ');
		used++;
	}
	return used;
}

const char *text_skip(const char *s, int cols)
{
	int used = 0, w;
	bool ok;
	size_t n;

	while (used < cols && (n = text_next(s, &w, &ok)) > 0) {
		used += w;
		s += n;
	}
	return s;
}

void text_date(char *out, size_t size, long long when, long long now)
{
	time_t t = (time_t)when, n = (time_t)now;
	struct tm tm, tn;

	localtime_r(&t, &tm);
	localtime_r(&n, &tn);
	if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
		strftime(out, size, "%H:%M", &tm);
	else if (tm.tm_year == tn.tm_year)
		strftime(out, size, "%b %d", &tm);
	else
		strftime(out, size, "%Y-%m-%d", &tm);
}
