/* smtpd_parse.c - the arguments of HELO/EHLO/LHLO, MAIL, RCPT and BDAT:
 * reverse- and forward-paths (RFC 5321 4.1.2, with RFC 6531 3.3's UTF-8),
 * ESMTP parameters (RFC 5321 4.1.1.11, RFC 1870 SIZE, RFC 6152 BODY,
 * RFC 6531 SMTPUTF8) and BDAT's size (RFC 3030 2).  Addresses are checked
 * for shape only; whether one is wanted is the hooks' decision. */
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
 * Quoted-string); no control bytes.  Bytes over 0x7f pass here: whether
 * they are UTF-8 and allowed is decided on the whole address. */
static char *smtpd_parse_close(char *p)
{
	bool quoted = false;

	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < ' ' || c == 0x7f)
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

bool smtpd_parse_8bit(const char *addr)
{
	for (; *addr; addr++)
		if ((unsigned char)*addr >= 0x80)
			return true;
	return false;
}

/* smtpd_parse_utf8 - whether s is well-formed UTF-8 (RFC 3629 4: no
 * overlong forms, no surrogates, nothing over U+10FFFF) without C0 or C1
 * controls or DEL, which no address holds (RFC 6531 3.3) */
static bool smtpd_parse_utf8(const char *str)
{
	const unsigned char *p = (const unsigned char *)str;
	unsigned char c, lo, hi;
	size_t n, i;

	for (; (c = *p) != '\0'; p += n + 1) {
		n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2
			: c >= 0xf0 && c <= 0xf4 ? 3 : 4;
		if (n == 4 || c < 0x20 || c == 0x7f)
			return false;	/* a stray continuation, C0, F5-FF, DEL */
		lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : c == 0xc2 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
		for (i = 1; i <= n; i++) {	/* stops at the NUL: it is < 0x80 */
			if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf))
				return false;
		}
	}
	return true;
}

/* smtpd_parse_addr - check the address inside <>, dropping a source route
 * ("@a,@b:user@host", RFC 5321 4.1.2: accepted and ignored); *addr moves */
static bool smtpd_parse_addr(char **addr, bool from, struct smtpd_rep *rep)
{
	const char *enh = from ? "5.1.7" : "5.1.3";	/* RFC 3463 bad address syntax */
	char *a = *addr, *colon;
	size_t len;

	if (!smtpd_parse_utf8(a)) {
		smtpd_rep_set(rep, 501, enh, "Error: bad UTF-8 in address");
		return false;
	}
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

/* smtpd_xtext_ok - RFC 3461 4: xtext, "+XX" hex escapes, at most max bytes */
static bool smtpd_xtext_ok(const char *v, size_t n, size_t max)
{
	size_t i;

	if (!v || n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (v[i] == '+' && !(i + 2 < n && isxdigit((unsigned char)v[i + 1]) &&
				     isxdigit((unsigned char)v[i + 2])))
			return false;
	return true;
}

/* smtpd_word_in - whether v is one of the "|"-separated words, any case */
static bool smtpd_word_in(const char *v, size_t n, const char *words)
{
	while (*words) {
		size_t w = strcspn(words, "|");
		if (w == n && strncasecmp(v, words, n) == 0)
			return true;
		words += w + (words[w] == '|');
	}
	return false;
}

static bool smtpd_check_size(const struct smtpd *s, const char *v, size_t n, struct smtpd_rep *rep)
{
	return smtpd_parse_size(s, v, n, rep);
}

static bool smtpd_check_body(const struct smtpd *s, const char *v, size_t n, struct smtpd_rep *rep)
{
	return smtpd_parse_body(v, n, rep);
}

/* RFC 6531 3.4: SMTPUTF8 takes no value */
static bool smtpd_check_smtputf8(const struct smtpd *s, const char *v, size_t n,
				 struct smtpd_rep *rep)
{
	if (!v)
		return true;
	smtpd_rep_set(rep, 501, "5.5.4", "Error: SMTPUTF8 takes no value");
	return false;
}

/* RFC 3461 4.3: RET=FULL or HDRS */
static bool smtpd_check_ret(const struct smtpd *s, const char *v, size_t n, struct smtpd_rep *rep)
{
	if (v && smtpd_word_in(v, n, "FULL|HDRS"))
		return true;
	smtpd_rep_set(rep, 501, "5.5.4", "Error: RET must be FULL or HDRS");
	return false;
}

/* RFC 3461 4.4: ENVID=xtext, at most 100 characters */
static bool smtpd_check_envid(const struct smtpd *s, const char *v, size_t n, struct smtpd_rep *rep)
{
	if (smtpd_xtext_ok(v, n, 100))
		return true;
	smtpd_rep_set(rep, 501, "5.5.4", "Error: bad ENVID");
	return false;
}

/* XDELIVERY=id (LMTP only): poczta-mta names the delivery, so that a
 * repeated one after a crash is recognised (letters, digits, "._-") */
static bool smtpd_check_xdelivery(const struct smtpd *s, const char *v, size_t n, struct smtpd_rep *rep)
{
	size_t i;

	for (i = 0; v && i < n && (isalnum((unsigned char)v[i]) || strchr("._-", v[i])); i++)
		;
	if (v && n > 0 && n <= 64 && i == n)
		return true;
	smtpd_rep_set(rep, 501, "5.5.4", "Error: bad XDELIVERY");
	return false;
}

/* XFRESH (LMTP only, with XDELIVERY): the client has never handed this
 * delivery over before, so it cannot be in the Maildir already and the
 * server may skip looking (poczta-mra, for UIDs above its durable mark of
 * what it ever sent); takes no value */
static bool smtpd_check_xfresh(const struct smtpd *s, const char *v, size_t n, struct smtpd_rep *rep)
{
	(void)n;
	if (v == NULL)
		return true;
	smtpd_rep_set(rep, 501, "5.5.4", "Error: XFRESH takes no value");
	return false;
}

/* RFC 4954 5: AUTH=<> or AUTH=xtext, wherever AUTH is offered.  Taken
 * and not acted on: who submitted a message is what our own AUTH says, not
 * what a client claims (RFC 4954 5 lets a server treat it as <>) */
static bool smtpd_check_auth(const struct smtpd *s, const char *v, size_t n, struct smtpd_rep *rep)
{
	if (!smtpd_auth_offered(s)) {
		smtpd_rep_set(rep, 555, "5.5.4", "Error: unsupported parameter AUTH");
		return false;
	}
	if (v && ((n == 2 && memcmp(v, "<>", 2) == 0) || smtpd_xtext_ok(v, n, 500)))
		return true;
	smtpd_rep_set(rep, 501, "5.5.4", "Error: bad AUTH parameter");
	return false;
}

/* RFC 3461 4.1: NOTIFY=NEVER, or a list of SUCCESS, FAILURE, DELAY */
static bool smtpd_check_notify(const struct smtpd *s, const char *v, size_t n, struct smtpd_rep *rep)
{
	size_t i = 0, words = 0;
	bool never = false;

	while (v && i < n) {
		size_t w = strcspn(v + i, ",");
		if (w > n - i)
			w = n - i;
		if (smtpd_word_in(v + i, w, "NEVER"))
			never = true;
		else if (!smtpd_word_in(v + i, w, "SUCCESS|FAILURE|DELAY"))
			break;
		words++;
		i += w + 1;
	}
	if (v && i >= n && words > 0 && !(never && words > 1))
		return true;
	smtpd_rep_set(rep, 501, "5.5.4", "Error: bad NOTIFY");
	return false;
}

/* RFC 3461 4.2: ORCPT=addr-type;xtext */
static bool smtpd_check_orcpt(const struct smtpd *s, const char *v, size_t n, struct smtpd_rep *rep)
{
	const char *semi = v ? memchr(v, ';', n) : NULL;

	if (semi && semi > v && smtpd_xtext_ok(semi + 1, n - (size_t)(semi - v) - 1, 500))
		return true;
	smtpd_rep_set(rep, 501, "5.5.4", "Error: bad ORCPT");
	return false;
}

/* The ESMTP parameters we know, for MAIL and RCPT, and where they apply. */
static const struct smtpd_param {
	const char *name;
	bool rcpt;		/* a RCPT parameter (else MAIL) */
	bool lmtp_only;
	bool (*check)(const struct smtpd *, const char *, size_t, struct smtpd_rep *);
} smtpd_params[] = {
	{ "SIZE", false, false, smtpd_check_size },	/* RFC 1870 */
	{ "BODY", false, false, smtpd_check_body },	/* RFC 6152 */
	{ "RET", false, false, smtpd_check_ret },	/* RFC 3461 */
	{ "ENVID", false, false, smtpd_check_envid },
	{ "SMTPUTF8", false, false, smtpd_check_smtputf8 },	/* RFC 6531 */
	{ "XDELIVERY", false, true, smtpd_check_xdelivery },
	{ "XFRESH", false, true, smtpd_check_xfresh },
	{ "AUTH", false, false, smtpd_check_auth },	/* RFC 4954 5 */
	{ "NOTIFY", true, false, smtpd_check_notify },
	{ "ORCPT", true, false, smtpd_check_orcpt },
};
#define SMTPD_NPARAMS (sizeof(smtpd_params) / sizeof(smtpd_params[0]))

/* smtpd_parse_params - check every parameter of MAIL (rcpt false) or RCPT;
 * seen[] tells which of smtpd_params were given */
static bool smtpd_parse_params(const struct smtpd *s, const char *p, bool rcpt,
			       bool seen[], struct smtpd_rep *rep)
{
	const char *val;
	size_t klen, vlen, i;

	for (; *p; p += strspn(p, " ")) {
		if (!smtpd_parse_param(p, &klen, &val, &vlen)) {
			smtpd_rep_set(rep, 501, "5.5.4", "Error: bad parameter syntax");
			return false;
		}
		for (i = 0; i < SMTPD_NPARAMS; i++)
			if (smtpd_params[i].rcpt == rcpt && strlen(smtpd_params[i].name) == klen &&
			    strncasecmp(p, smtpd_params[i].name, klen) == 0 &&
			    (!smtpd_params[i].lmtp_only || s->mode == SMTPD_LMTP))
				break;
		if (i == SMTPD_NPARAMS) {
			/* RFC 5321 4.1.1.11: 555 for a parameter not recognized */
			smtpd_rep_set(rep, 555, "5.5.4", "Error: unsupported parameter %.*s", (int)klen, p);
			return false;
		}
		if (seen[i]) {
			smtpd_rep_set(rep, 501, "5.5.4", "Error: duplicate %.*s parameter", (int)klen, p);
			return false;
		}
		seen[i] = true;
		if (!smtpd_params[i].check(s, val, vlen, rep))
			return false;
		p += klen + (val ? vlen + 1 : 0);
	}
	return true;
}

bool smtpd_parse_mail_params(const struct smtpd *s, const char *p, bool *utf8,
			     struct smtpd_rep *rep)
{
	bool seen[SMTPD_NPARAMS] = { false };
	size_t i;

	if (!smtpd_parse_params(s, p, false, seen, rep))
		return false;
	for (i = 0; i < SMTPD_NPARAMS; i++)
		if (smtpd_params[i].check == smtpd_check_smtputf8)
			*utf8 = seen[i];
	return true;
}

bool smtpd_parse_rcpt_params(const struct smtpd *s, const char *p, struct smtpd_rep *rep)
{
	bool seen[SMTPD_NPARAMS] = { false };

	return smtpd_parse_params(s, p, true, seen, rep);
}

bool smtpd_parse_bdat(const char *arg, unsigned long long *size, bool *last)
{
	size_t n = strspn(arg, "0123456789"), i;
	const char *p = arg + n;

	if (n == 0 || n > SMTPD_BDAT_DIGITS)
		return false;
	*size = 0;
	for (i = 0; i < n; i++)
		*size = *size * 10 + (unsigned)(arg[i] - '0');
	*last = false;
	if (*p == '\0')
		return true;
	if (*p != ' ')
		return false;
	p += strspn(p, " ");
	*last = strcasecmp(p, "LAST") == 0;	/* RFC 3030 2: end-marker */
	return *last;
}
