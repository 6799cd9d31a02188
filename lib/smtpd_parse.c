/* smtpd_parse.c - the arguments of HELO/EHLO/LHLO, MAIL and RCPT: reverse-
 * and forward-paths (RFC 5321 4.1.2) and ESMTP parameters (RFC 5321
 * 4.1.1.11, RFC 1870 SIZE, RFC 6152 BODY).  Addresses are checked for
 * shape only; whether one is wanted is the hooks' decision. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "smtpd_int.h"

/* smtpd_parse_domain - one HELO/EHLO/LHLO argument: a domain or an address
 * literal (RFC 5321 4.1.1.1), printable ASCII without spaces */
bool smtpd_parse_domain(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++)
		if ((unsigned char)name[i] <= ' ' || (unsigned char)name[i] >= 0x7f)
			return false;
	return i > 0 && i <= 255;
}

/* smtpd_parse_close - the '>' that ends the path starting at p, or NULL.
 * Quoted local parts may hold spaces and '>' (RFC 5321 4.1.2
 * Quoted-string); no control bytes and, without SMTPUTF8, no 8-bit bytes. */
static char *smtpd_parse_close(char *p)
{
	bool quoted = false;

	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < ' ' || c >= 0x7f)
			return NULL;
		if (quoted && c == '\\') {
			if ((unsigned char)p[1] < ' ' || (unsigned char)p[1] >= 0x7f)
				return NULL;
			p++;
		} else if (c == '"') {
			quoted = !quoted;
		} else if (!quoted && c == '>') {
			return p;
		} else if (!quoted && (c == ' ' || c == '<')) {
			return NULL;
		}
	}
	return NULL;
}

/* smtpd_parse_addr - check the address inside <>, dropping a source route
 * ("@a,@b:user@host", RFC 5321 4.1.2: accepted and ignored); *addr moves */
static bool smtpd_parse_addr(char **addr, bool from, struct smtpd_rep *rep)
{
	const char *enh = from ? "5.1.7" : "5.1.3";	/* RFC 3463 bad address syntax */
	char *a = *addr, *colon;
	size_t len;

	if (*a == '@') {
		colon = strchr(a, ':');
		if (!colon) {
			smtpd_rep_set(rep, 501, enh, "Error: bad address syntax");
			return false;
		}
		a = colon + 1;
	}
	len = strlen(a);
	if (len == 0 && !from) {
		smtpd_rep_set(rep, 501, enh, "Error: empty recipient address");
		return false;
	}
	if (len + 2 > SMTPD_MAX_PATH) {
		smtpd_rep_set(rep, 501, enh, "Error: address too long");
		return false;
	}
	if (len > 0 && (a[0] == '@' || a[len - 1] == '@')) {
		smtpd_rep_set(rep, 501, enh, "Error: bad address syntax");
		return false;
	}
	*addr = a;
	return true;
}

bool smtpd_parse_path(char *arg, const char *kw, char **addr, char **params,
		      struct smtpd_rep *rep)
{
	bool from = strcmp(kw, "FROM") == 0;
	size_t kwlen = strlen(kw);
	char *p, *end;

	smtpd_rep_set(rep, 501, "5.5.4", "Syntax: %s %s:<address>", from ? "MAIL" : "RCPT", kw);
	if (strncasecmp(arg, kw, kwlen) != 0 || arg[kwlen] != ':')
		return false;
	p = arg + kwlen + 1;
	while (*p == ' ')	/* "MAIL FROM: <a@b>" as people type it */
		p++;
	if (*p != '<')
		return false;
	end = smtpd_parse_close(p + 1);
	if (!end) {
		smtpd_rep_set(rep, 501, from ? "5.1.7" : "5.1.3", "Error: bad address syntax");
		return false;
	}
	if (end[1] != '\0' && end[1] != ' ')
		return false;
	*end++ = '\0';
	while (*end == ' ')
		end++;
	*params = end;
	*addr = p + 1;
	return smtpd_parse_addr(addr, from, rep);
}

/* smtpd_parse_param - the next "KEY[=VALUE]" of params (RFC 5321 4.1.2
 * esmtp-param); false if it is malformed.  Returns through the pointers
 * where the key and value are and how long. */
static bool smtpd_parse_param(const char *p, size_t *klen, const char **val, size_t *vlen)
{
	size_t i;

	*klen = strcspn(p, "= ");
	for (i = 0; i < *klen; i++)
		if (!isalnum((unsigned char)p[i]) && !(i > 0 && p[i] == '-'))
			return false;
	*val = NULL;
	*vlen = 0;
	if (p[*klen] != '=')
		return *klen > 0;
	*val = p + *klen + 1;
	*vlen = strcspn(*val, " ");
	for (i = 0; i < *vlen; i++)
		if ((*val)[i] == '=' || (unsigned char)(*val)[i] < 33 || (unsigned char)(*val)[i] > 126)
			return false;
	return *klen > 0 && *vlen > 0;
}

/* smtpd_parse_size - RFC 1870 6: SIZE=digits, refused with 552 when over
 * the limit we announced */
static bool smtpd_parse_size(const struct smtpd *s, const char *v, size_t n, struct smtpd_rep *rep)
{
	unsigned long long size = 0;
	size_t i;

	if (!v || n == 0 || n > 20) {
		smtpd_rep_set(rep, 501, "5.5.4", "Error: bad SIZE parameter");
		return false;
	}
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)v[i])) {
			smtpd_rep_set(rep, 501, "5.5.4", "Error: bad SIZE parameter");
			return false;
		}
		size = size > (~0ULL - 9) / 10 ? ~0ULL : size * 10 + (unsigned)(v[i] - '0');
	}
	if (s->lim.max_message && size > s->lim.max_message) {
		smtpd_rep_set(rep, 552, "5.3.4", "Message size exceeds fixed maximum message size");
		return false;
	}
	return true;
}

/* smtpd_parse_body - RFC 6152: BODY=7BIT or BODY=8BITMIME (no BINARYMIME
 * without CHUNKING, RFC 3030) */
static bool smtpd_parse_body(const char *v, size_t n, struct smtpd_rep *rep)
{
	if (v && ((n == 4 && strncasecmp(v, "7BIT", 4) == 0)
		  || (n == 8 && strncasecmp(v, "8BITMIME", 8) == 0)))
		return true;
	smtpd_rep_set(rep, 501, "5.5.4", "Error: BODY must be 7BIT or 8BITMIME");
	return false;
}

bool smtpd_parse_mail_params(const struct smtpd *s, const char *p, struct smtpd_rep *rep)
{
	bool seen_size = false, seen_body = false, *seen;
	const char *val;
	size_t klen, vlen;

	for (; *p; p += strspn(p, " ")) {
		if (!smtpd_parse_param(p, &klen, &val, &vlen)) {
			smtpd_rep_set(rep, 501, "5.5.4", "Error: bad parameter syntax");
			return false;
		}
		if (klen == 4 && strncasecmp(p, "SIZE", 4) == 0)
			seen = &seen_size;
		else if (klen == 4 && strncasecmp(p, "BODY", 4) == 0)
			seen = &seen_body;
		else {
			/* RFC 5321 4.1.1.11: 555 for a parameter not recognized */
			smtpd_rep_set(rep, 555, "5.5.4", "Error: unsupported parameter %.*s", (int)klen, p);
			return false;
		}
		if (*seen) {
			smtpd_rep_set(rep, 501, "5.5.4", "Error: duplicate %.*s parameter", (int)klen, p);
			return false;
		}
		*seen = true;
		if (seen == &seen_size ? !smtpd_parse_size(s, val, vlen, rep) : !smtpd_parse_body(val, vlen, rep))
			return false;
		p += klen + (val ? vlen + 1 : 0);
	}
	return true;
}

bool smtpd_parse_rcpt_params(const struct smtpd *s, const char *p, struct smtpd_rep *rep)
{
	const char *val;
	size_t klen, vlen;

	if (!*p)
		return true;
	if (!smtpd_parse_param(p, &klen, &val, &vlen)) {
		smtpd_rep_set(rep, 501, "5.5.4", "Error: bad parameter syntax");
		return false;
	}
	smtpd_rep_set(rep, 555, "5.5.4", "Error: unsupported parameter %.*s", (int)klen, p);
	return false;
}
