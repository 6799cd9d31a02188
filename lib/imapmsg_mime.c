/* imapmsg_mime.c - header values as the message wrote them.  IMAP repeats
 * a part's type, subtype, parameters and disposition with their case
 * (Dovecot and clients compare them case-insensitively, and show them), so
 * these are split here rather than with libetpan's mailmime_content_parse,
 * which turns types into enums and parameters into fixed fields. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imapmsg_int.h"
#include "sieve_msg.h"
#include "xalloc.h"

bool imapmsg_field(const char *hdr, size_t len, const char *name, struct buf *out)
{
	size_t pos = 0, n = strlen(name);
	struct sieve_hdr h;

	while (sieve_msg_next_header(hdr, len, &pos, &h))
		if (h.nlen == n && strncasecmp(h.name, name, n) == 0) {
			if (out)
				sieve_msg_unfold(h.value, h.vlen, out);
			return true;
		}
	return false;
}

/* skip_cfws - past blanks and comments (RFC 5322 3.2.2), nested */
static const char *skip_cfws(const char *s)
{
	for (;;) {
		int depth = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != '(')
			return s;
		do {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '(')
				depth++;
			else if (*s == ')')
				depth--;
			s++;
		} while (*s && depth > 0);
	}
}

/* get_token - a token (RFC 2045 5.1: no blanks, CTLs or tspecials) */
static char *get_token(const char **sp)
{
	const char *s = skip_cfws(*sp), *b = s;

	while ((unsigned char)*s > ' ' && *s != 127 && !strchr("()<>@,;:\\\"/[]?=", *s))
		s++;
	if (s == b)
		return NULL;
	*sp = skip_cfws(s);
	return xstrndup(b, (size_t)(s - b));
}

/* get_value - a token or a quoted-string, unquoted */
static char *get_value(const char **sp)
{
	const char *s = skip_cfws(*sp);
	struct buf b = BUF_INIT;

	if (*s != '"')
		return get_token(sp);
	for (s++; *s && *s != '"'; s++) {
		if (*s == '\\' && s[1])
			s++;
		buf_putc(&b, *s);
	}
	if (*s == '"')
		s++;
	*sp = skip_cfws(s);
	buf_putc(&b, '\0');
	b.len--;
	return buf_detach(&b);
}

void imapmsg_ctype_free(struct imapmsg_ctype *ct)
{
	size_t i;

	for (i = 0; i < ct->nparams; i++) {
		free(ct->params[i].name);
		free(ct->params[i].value);
	}
	free(ct->params);
	free(ct->type);
	free(ct->subtype);
	memset(ct, 0, sizeof *ct);
}

/* cont_index - for a continued parameter "name*N" or "name*N*" (RFC 2231
 * 3 and 4), the length of name, N in *n and whether it is encoded */
static size_t cont_index(const char *p, unsigned long *n, bool *enc)
{
	const char *star = strchr(p, '*'), *d;

	if (!star || star == p || !isdigit((unsigned char)star[1]))
		return 0;
	for (d = star + 1; isdigit((unsigned char)*d); d++)
		;
	if (*d && strcmp(d, "*") != 0)
		return 0;
	*n = strtoul(star + 1, NULL, 10);
	*enc = *d == '*';
	return (size_t)(star - p);
}

/* cont_append - a segment of a continued value; an unencoded segment of
 * an encoded value is %-encoded (RFC 2231 4: attribute-char) */
static void cont_append(struct buf *b, const char *v, bool encode)
{
	for (; *v; v++) {
		if (encode && !isalnum((unsigned char)*v) && !strchr("!#$&+-.^_`|~", *v))
			buf_printf(b, "%%%02X", (unsigned char)*v);
		else
			buf_putc(b, *v);
	}
}

/* ctype_merge - RFC 2231 3: join "name*0", "name*1"... into one "name"
 * ("name*" when encoded), after the other parameters, as Dovecot does */
static void ctype_merge(struct imapmsg_ctype *ct)
{
	struct imapmsg_param *out = xcalloc(ct->nparams + 1, sizeof *out);
	size_t i, j, k, nout = 0, bl, l;
	unsigned long n, want;
	bool enc, any;

	for (i = 0; i < ct->nparams; i++)
		if (!cont_index(ct->params[i].name, &n, &enc))
			out[nout++] = ct->params[i], ct->params[i].name = NULL;
	for (i = 0; i < ct->nparams; i++) {
		struct buf v = BUF_INIT;

		if (!ct->params[i].name || !(bl = cont_index(ct->params[i].name, &n, &enc)))
			continue;
		any = false;
		for (j = i; j < ct->nparams; j++)	/* an encoded segment makes it name* */
			if (ct->params[j].name && cont_index(ct->params[j].name, &n, &enc) == bl &&
			    !strncasecmp(ct->params[j].name, ct->params[i].name, bl))
				any |= enc;
		for (want = 0, k = 0; k < ct->nparams; want++, k = 0) {
			for (; k < ct->nparams; k++)
				if (ct->params[k].name && (l = cont_index(ct->params[k].name, &n, &enc)) == bl &&
				    n == want && !strncasecmp(ct->params[k].name, ct->params[i].name, bl))
					break;
			if (k == ct->nparams)
				break;
			cont_append(&v, ct->params[k].value, any && !enc);
		}
		out[nout].name = xasprintf("%.*s%s", (int)bl, ct->params[i].name, any ? "*" : "");
		buf_putc(&v, '\0');
		out[nout++].value = buf_detach(&v);
		for (j = ct->nparams; j-- > i;)	/* drop the segments of this name */
			if (ct->params[j].name && cont_index(ct->params[j].name, &n, &enc) == bl &&
			    !strncasecmp(ct->params[j].name, out[nout - 1].name, bl)) {
				x_free(&ct->params[j].name);
				x_free(&ct->params[j].value);
			}
	}
	free(ct->params);
	ct->params = out;
	ct->nparams = nout;
}

/* RFC 2045 5.1 and RFC 2183 2: type ["/" subtype] *(";" name "=" value);
 * a parameter that does not parse ends the list, as in Dovecot */
bool imapmsg_ctype_parse(const char *s, bool want_sub, struct imapmsg_ctype *ct)
{
	memset(ct, 0, sizeof *ct);
	if (!(ct->type = get_token(&s)))
		return false;
	if (want_sub) {
		if (*s++ != '/' || !(ct->subtype = get_token(&s))) {
			imapmsg_ctype_free(ct);
			return false;
		}
	}
	while (*s == ';') {
		char *name, *value;

		s++;
		if (!(name = get_token(&s)))
			break;
		if (*s != '=') {
			free(name);
			break;
		}
		s++;
		if (!(value = get_value(&s))) {
			free(name);
			break;
		}
		ct->params = xreallocarray(ct->params, ct->nparams + 1, sizeof *ct->params);
		ct->params[ct->nparams].name = name;
		ct->params[ct->nparams++].value = value;
	}
	ctype_merge(ct);
	return true;
}
