/* rfc5322.c - small pieces of RFC 5322. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "rfc5322.h"

void rfc5322_date(time_t t, char *out, size_t size)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(out, size, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec, off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
		 (off < 0 ? -off : off) % 60);
}

size_t rfc5322_header_end(const char *msg, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(msg + i, '\n', len - i);
		size_t line = nl ? (size_t)(nl - (msg + i)) : len - i;
		if (line == 0 || (line == 1 && msg[i] == '\r'))
			return i + line + (nl ? 1 : 0);
		i += line + (nl ? 1 : 0);
	}
	return len;
}

/* rfc5322_value_eq - compare a field body (from p, up to end, possibly folded)
 * with value, ignoring surrounding white space and ASCII case */
static bool rfc5322_value_eq(const char *p, const char *end, const char *value)
{
	size_t vlen = strlen(value);

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	return (size_t)(end - p) == vlen && strncasecmp(p, value, vlen) == 0;
}

bool rfc5322_has_field_value(const char *hdr, size_t len, const char *name, const char *value)
{
	size_t nlen = strlen(name), i = 0;

	while (i < len) {
		const char *line = hdr + i, *end = hdr + len, *nl;
		/* the field runs to the first line end not followed by folding space */
		for (nl = memchr(line, '\n', len - i); nl && nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t');
		     nl = memchr(nl + 1, '\n', (size_t)(end - nl - 1)))
			;
		end = nl ? nl + 1 : end;
		if ((size_t)(end - line) > nlen && line[nlen] == ':' &&
		    strncasecmp(line, name, nlen) == 0 && rfc5322_value_eq(line + nlen + 1, end, value))
			return true;
		i = (size_t)(end - hdr);
	}
	return false;
}
