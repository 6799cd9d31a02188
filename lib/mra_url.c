/* mra_url.c - account URLs for poczta-ctl account add (mra_url.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "i18n.h"
#include "mra_url.h"
#include "xalloc.h"


/* mra_url_decode - %XX escapes of a URL part (RFC 3986 2.1); NULL when
 * one is malformed or gives a control character */
static char *mra_url_decode(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			char hex[3];
			if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2]))
				goto bad;
			hex[0] = s[i + 1], hex[1] = s[i + 2], hex[2] = '\0';
			c = (int)strtol(hex, NULL, 16);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			goto bad;
		buf_putc(&b, c);
	}
	return buf_detach(&b);
bad:
	buf_free(&b);
	return NULL;
}

/* mra_url_parse - imap[s]://user@host[:port][/FOLDER[,FOLDER...]]
 * [?tls=starttls|none] and pop3[s]://user@host[:port][?tls=...]; false
 * with err */
bool mra_url_parse(const char *url, struct mra_url *u, struct buf *err)
{
	const char *p, *at, *end, *colon, *q, *hostp;

	memset(u, 0, sizeof(*u));
	if (strncmp(url, "imap://", 7) == 0)
		u->type = "imap", u->tls = "starttls", p = url + 7;
	else if (strncmp(url, "imaps://", 8) == 0)
		u->type = "imap", u->tls = "implicit", p = url + 8;
	else if (strncmp(url, "pop3://", 7) == 0)
		u->type = "pop3", u->tls = "starttls", p = url + 7;
	else if (strncmp(url, "pop3s://", 8) == 0)
		u->type = "pop3", u->tls = "implicit", p = url + 8;
	else {
		buf_printf(err, _("the URL must start with imap://, imaps://, pop3:// or pop3s://"));
		return false;
	}
	end = p + strcspn(p, "/?");
	at = memchr(p, '@', (size_t)(end - p));
	if (at == NULL || at == p) {
		buf_printf(err, _("the URL must name the user: imap://USER@HOST"));
		return false;
	}
	u->user = mra_url_decode(p, (size_t)(at - p));
	hostp = at + 1;
	if (*hostp == '[') {	/* RFC 3986 3.2.2: an IPv6 literal */
		const char *rb = memchr(hostp, ']', (size_t)(end - hostp));
		if (rb == NULL) {
			buf_printf(err, _("bad user or host in the URL"));
			return false;
		}
		u->host = xstrndup(hostp + 1, (size_t)(rb - hostp - 1));
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
		if (rb + 1 < end && colon == NULL) {
			buf_printf(err, _("bad user or host in the URL"));
			return false;
		}
	} else {
		colon = memchr(hostp, ':', (size_t)(end - hostp));
		u->host = xstrndup(hostp, (size_t)((colon ? colon : end) - hostp));
	}
	if (colon) {
		u->port = xstrndup(colon + 1, (size_t)(end - colon - 1));
		if (u->port[0] == '\0' || strspn(u->port, "0123456789") != strlen(u->port) ||
		    strlen(u->port) > 5 || atoi(u->port) < 1 || atoi(u->port) > 65535) {
			buf_printf(err, _("bad port in the URL"));
			return false;
		}
	}
	if (u->user == NULL || u->host[0] == '\0' || strspn(u->host, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") != strlen(u->host)) {
		buf_printf(err, _("bad user or host in the URL"));
		return false;
	}
	q = strchr(end, '?');
	if (*end == '/' && end[1] != '\0' && end[1] != '?') {
		if (strcmp(u->type, "pop3") == 0) {
			buf_printf(err, _("a POP3 account has no folders"));
			return false;
		}
		u->folders = mra_url_decode(end + 1, (size_t)((q ? q : end + strlen(end)) - end - 1));
		if (u->folders == NULL) {
			buf_printf(err, _("bad folder in the URL"));
			return false;
		}
	}
	if (q && strcmp(q, "?tls=starttls") == 0)
		u->tls = "starttls";
	else if (q && strcmp(q, "?tls=none") == 0)
		u->tls = "none";
	else if (q) {
		buf_printf(err, _("the URL may end only with ?tls=starttls or ?tls=none"));
		return false;
	}
	return true;
}

void mra_url_free(struct mra_url *u)
{
	free(u->user), free(u->host), free(u->port), free(u->folders);
}

