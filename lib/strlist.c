/* strlist.c - NULL-terminated arrays of strings. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "strlist.h"
#include "xalloc.h"

size_t strlist_len(char *const *list)
{
	size_t n = 0;
	while (list && list[n])
		n++;
	return n;
}

char **strlist_add(char **list, const char *s)
{
	size_t n = strlist_len(list);
	list = xreallocarray(list, n + 2, sizeof(*list));
	list[n] = xstrdup(s);
	list[n + 1] = NULL;
	return list;
}

char **strlist_split(const char *s, const char *seps)
{
	char **list = xcalloc(1, sizeof(*list));

	while (s && *s) {
		size_t n = strcspn(s, seps), start = 0, end = n;
		while (start < end && (s[start] == ' ' || s[start] == '\t'))
			start++;
		while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
			end--;
		if (end > start) {
			char *w = xstrndup(s + start, end - start);
			list = strlist_add(list, w);
			free(w);
		}
		s += n;
		if (*s)
			s++;
	}
	return list;
}

bool strlist_has_nocase(char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (strcasecmp(*list, s) == 0)
			return true;
	return false;
}

void strlist_free(char **list)
{
	char **p;
	for (p = list; p && *p; p++)
		free(*p);
	free(list);
}
