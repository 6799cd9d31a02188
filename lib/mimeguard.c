/* mimeguard.c - keeping libetpan's recursive parsers within the stack. */
#include <string.h>
#include <strings.h>
#include "mimeguard.h"
#include "xalloc.h"

char *mimeguard_flatten(const char *data, size_t len)
{
	char *scan = (char *)data;
	size_t i, depth = 0;

	for (i = 0; i < len; i++) {
		char c = data[i];

		if (c == '\n' && (i + 1 == len || (data[i + 1] != ' ' && data[i + 1] != '\t')))
			depth = 0;	/* a new field: no comment goes on */
		else if (c == '\\')
			i++;		/* quoted-pair: the next octet is text */
		else if (c == ')' && depth)
			depth--;
		else if (c == '(' && depth < MIMEGUARD_MAX_COMMENT)
			depth++;
		else if (c == '(') {
			if (scan == data) {
				scan = xmalloc(len + 1);
				memcpy(scan, data, len);
				scan[len] = '\0';
			}
			scan[i] = ' ';
		}
	}
	return scan;
}

bool mimeguard_too_deep(const char *s, size_t n, size_t limit)
{
	static const char ct[] = "content-type";
	const char *e = s + n, *p = s, *v;
	size_t count = 0;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e;

		if ((size_t)(le - p) > sizeof ct && strncasecmp(p, ct, sizeof ct - 1) == 0) {
			for (v = p + sizeof ct - 1; v < le && (*v == ' ' || *v == '\t'); v++)
				;
			if (v < le && *v == ':' && ++count > limit)
				return true;
		}
		p = le + 1;
	}
	return false;
}
