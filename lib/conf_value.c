/* conf_value.c - the value types of poczta.conf: parsing and checking one
 * value against its declared type.  No state; shared with the command lines. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "buf.h"
#include "conf.h"
#include "i18n.h"
#include "xalloc.h"

/* conf_parse_int - a decimal integer >= 0 with no sign, spaces or junk */
bool conf_parse_int(const char *s, long long *out)
{
	long long v = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (LLONG_MAX - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

bool conf_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	int i;

	if (s == NULL)
		return false;
	for (i = 0; yes[i]; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* conf_parse_scaled - digits and an optional one-letter unit from units, each
 * unit's factor in factors; the result must not overflow */
static bool conf_parse_scaled(const char *s, const char *units,
			      const unsigned long long *factors,
			      unsigned long long max, unsigned long long *out)
{
	char digits[32];
	size_t n = 0;
	long long v;
	unsigned long long f = 1;
	const char *u;

	if (s == NULL)
		return false;
	while (s[n] >= '0' && s[n] <= '9' && n < sizeof(digits) - 1) {
		digits[n] = s[n];
		n++;
	}
	digits[n] = '\0';
	if (!conf_parse_int(digits, &v))
		return false;
	if (s[n] != '\0') {
		if (s[n + 1] != '\0' || (u = strchr(units, tolower((unsigned char)s[n]))) == NULL)
			return false;
		f = factors[u - units];
	}
	if ((unsigned long long)v > max / f)
		return false;
	*out = (unsigned long long)v * f;
	return true;
}

bool conf_parse_size(const char *s, unsigned long long *out)
{
	static const unsigned long long f[] = { 1ULL << 10, 1ULL << 20, 1ULL << 30 };

	return conf_parse_scaled(s, "kmg", f, ULLONG_MAX, out);
}

bool conf_parse_duration(const char *s, long long *out)
{
	static const unsigned long long f[] = { 1, 60, 3600, 86400 };
	unsigned long long v;

	if (!conf_parse_scaled(s, "smhd", f, LLONG_MAX, &v))
		return false;
	*out = (long long)v;
	return true;
}

/* conf_endpoint_host_ok - a host name, an IPv4 address or "*" */
static bool conf_endpoint_host_ok(const char *h)
{
	if (*h == '\0')
		return false;
	if (strcmp(h, "*") == 0)
		return true;
	for (; *h; h++)
		if (!isalnum((unsigned char)*h) && *h != '.' && *h != '-' && *h != '_')
			return false;
	return true;
}

/* conf_endpoint_port - the decimal port after the last colon */
static bool conf_endpoint_port(const char *s, unsigned *port)
{
	long long v;

	if (!conf_parse_int(s, &v) || v < 1 || v > 65535)
		return false;
	*port = (unsigned)v;
	return true;
}

bool conf_parse_endpoint(const char *s, struct conf_endpoint *out)
{
	const char *colon, *close;
	size_t hl;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return false;
	if (strncmp(s, "unix:", 5) == 0) {
		out->is_unix = true;
		if (s[5] == '\0' || strlen(s + 5) >= sizeof(out->path))
			return false;
		strcpy(out->path, s + 5);
		return true;
	}
	if (*s == '[') {
		unsigned char a6[16];
		close = strchr(s, ']');
		if (close == NULL || close[1] != ':' || (hl = (size_t)(close - s - 1)) >= 64)
			return false;
		memcpy(out->host, s + 1, hl);
		return inet_pton(AF_INET6, out->host, a6) == 1 &&
		       conf_endpoint_port(close + 2, &out->port);
	}
	colon = strrchr(s, ':');
	if (colon == NULL || (hl = (size_t)(colon - s)) >= sizeof(out->host))
		return false;
	memcpy(out->host, s, hl);
	return conf_endpoint_host_ok(out->host) && conf_endpoint_port(colon + 1, &out->port);
}

/* conf_split_list - the items of a comma-separated list, trimmed; NULL if an
 * item is empty or has a space inside.  Newly allocated, NULL-terminated. */
char **conf_split_list(const char *s, size_t *n)
{
	char **v = xcalloc(1, sizeof(*v));
	size_t count = 0;
	const char *p = s, *end, *a, *b;

	while (*s != '\0') {	/* "" is the empty list */
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		for (a = p; a < end && isspace((unsigned char)*a); a++);
		for (b = end; b > a && isspace((unsigned char)b[-1]); b--);
		if (a == b || memchr(a, ' ', (size_t)(b - a)) || memchr(a, '\t', (size_t)(b - a))) {
			conf_list_free(v);
			return NULL;
		}
		v = xreallocarray(v, count + 2, sizeof(*v));
		v[count++] = xstrndup(a, (size_t)(b - a));
		v[count] = NULL;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	if (n)
		*n = count;
	return v;
}

void conf_list_free(char **list)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; list[i]; i++)
		free(list[i]);
	free(list);
}

/* conf_check_enum - whether value is one of "a|b|c" */
static bool conf_check_enum(const char *choices, const char *value)
{
	size_t n = strlen(value);
	const char *p = choices;

	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, value, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

/* conf_check_typed - the check for each type; false when value is bad */
static bool conf_check_typed(const struct conf_option *opt, const char *value)
{
	long long ll;
	unsigned long long ull;
	bool b;
	struct conf_endpoint ep;
	char **list;

	switch (opt->type) {
	case CONF_STRING: return true;
	case CONF_PATH: return *value != '\0';
	case CONF_INT: return conf_parse_int(value, &ll);
	case CONF_BOOL: return conf_parse_bool(value, &b);
	case CONF_SIZE: return conf_parse_size(value, &ull);
	case CONF_DURATION: return conf_parse_duration(value, &ll);
	case CONF_ENDPOINT: return conf_parse_endpoint(value, &ep);
	case CONF_ENUM: return conf_check_enum(opt->choices, value);
	case CONF_LIST:
		list = conf_split_list(value, NULL);
		conf_list_free(list);
		return list != NULL;
	}
	return false;
}

/* conf_type_expect - what a value of type t looks like, for error messages */
static const char *conf_type_expect(enum conf_type t)
{
	switch (t) {
	case CONF_STRING: return _("text");
	case CONF_PATH: return _("a path");
	case CONF_INT: return _("a whole number");
	case CONF_BOOL: return _("yes or no");
	case CONF_SIZE: return _("a size such as 512k, 10m or 1g");
	case CONF_DURATION: return _("a duration such as 30s, 5m, 2h or 1d");
	case CONF_ENDPOINT: return _("host:port, [address]:port or unix:/path");
	case CONF_LIST: return _("a comma-separated list of words");
	case CONF_ENUM: return _("one of");
	}
	return "?";
}

const char *conf_type_name(enum conf_type t)
{
	static const char *const names[] = { "string", "path", "int", "bool", "size",
		"duration", "endpoint", "list", "enum" };

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

bool conf_check_value(const struct conf_option *opt, const char *value,
		      struct buf *why)
{
	if (conf_check_typed(opt, value))
		return true;
	if (why == NULL)
		return false;
	/* L10N: the value, then what was expected: bad value "x": expected yes or no */
	buf_printf(why, _("bad value \"%s\": expected %s"), value, conf_type_expect(opt->type));
	if (opt->type == CONF_ENUM)
		buf_printf(why, " %s", opt->choices ? opt->choices : "");
	return false;
}
