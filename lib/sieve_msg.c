/* sieve_msg.c - header fields and addresses of a message, read in place:
 * the message may be a large mmap, so nothing here copies more than one
 * field.  Every loop is bounded by the length given, never by a NUL. */
#include <stdlib.h>
#include <string.h>
#include <libetpan/libetpan.h>
#include "mimeguard.h"
#include "sieve_msg.h"
#include "xalloc.h"

/* msg_line_end - the end of the line starting at p: the offset of its LF,
 * or len */
static size_t msg_line_end(const char *data, size_t len, size_t p)
{
	const char *nl = memchr(data + p, '\n', len - p);

	return nl ? (size_t)(nl - data) : len;
}

/* msg_line_empty - whether the line [p, e) holds nothing but a CR */
static bool msg_line_empty(const char *data, size_t p, size_t e)
{
	return e == p || (e == p + 1 && data[p] == '\r');
}

size_t sieve_msg_body_start(const char *data, size_t len)
{
	size_t p = 0;

	while (p < len) {
		size_t e = msg_line_end(data, len, p);

		if (msg_line_empty(data, p, e) && e < len)
			return e + 1;
		if (msg_line_empty(data, p, e))
			return len;
		p = e + 1;
	}
	return len;
}

/* msg_field_end - the end of the field whose first line starts at p: the
 * start of the next line that is not a continuation (RFC 5322 2.2.3) */
static size_t msg_field_end(const char *data, size_t hlen, size_t p)
{
	size_t e = msg_line_end(data, hlen, p);

	while (e < hlen && e + 1 < hlen && (data[e + 1] == ' ' || data[e + 1] == '\t'))
		e = msg_line_end(data, hlen, e + 1);
	return e < hlen ? e + 1 : hlen;
}

bool sieve_msg_next_header(const char *data, size_t hlen, size_t *pos, struct sieve_hdr *h)
{
	while (*pos < hlen) {
		size_t p = *pos, e = msg_field_end(data, hlen, p);
		size_t first = msg_line_end(data, hlen, p);
		const char *colon = memchr(data + p, ':', first - p);

		*pos = e;
		if (!colon || colon == data + p || data[p] == ' ' || data[p] == '\t')
			continue;
		h->name = data + p;
		h->nlen = (size_t)(colon - h->name);
		while (h->nlen && (h->name[h->nlen - 1] == ' ' || h->name[h->nlen - 1] == '\t'))
			h->nlen--;
		h->value = colon + 1;
		h->vlen = (size_t)(data + e - h->value);
		return true;
	}
	return false;
}

void sieve_msg_unfold(const char *v, size_t n, struct buf *out)
{
	size_t i, start, end;

	buf_reset(out);
	buf_reserve(out, n);
	for (i = 0; i < n; i++)
		if (v[i] != '\r' && v[i] != '\n')
			buf_putc(out, v[i]);
	for (start = 0; start < out->len && (out->data[start] == ' ' || out->data[start] == '\t'); start++)
		;
	for (end = out->len; end > start && (out->data[end - 1] == ' ' || out->data[end - 1] == '\t'); end--)
		;
	out->len = end;
	out->data[end] = '\0';
	buf_consume(out, start);
}

/* RFC 5228 2.7.2: encoded words are decoded before comparing.  libetpan
 * only sees values that hold "=?", since it also squeezes blanks. */
void sieve_msg_decode(const char *v, size_t n, struct buf *out)
{
	char *res = NULL;
	size_t idx = 0;

	sieve_msg_unfold(v, n, out);
	if (!memmem(out->data ? out->data : "", out->len, "=?", 2))
		return;
	if (mailmime_encoded_phrase_parse("utf-8", out->data, out->len, &idx, "utf-8",
					  &res) == MAILIMF_NO_ERROR && idx == out->len) {
		buf_reset(out);
		buf_puts(out, res);
	}
	free(res);
}

/* msg_addr_add - append a copy of s to the NULL-terminated array *a */
static void msg_addr_add(char ***a, size_t *n, const char *s)
{
	*a = sieve_grow(*a, *n + 1, sizeof **a);
	(*a)[(*n)++] = xstrdup(s);
	(*a)[*n] = NULL;
}

/* msg_addr_group - the mailboxes of a group (RFC 5322 3.4) */
static void msg_addr_group(char ***a, size_t *n, struct mailimf_group *g)
{
	clistiter *it;

	if (!g->grp_mb_list)
		return;
	for (it = clist_begin(g->grp_mb_list->mb_list); it; it = clist_next(it)) {
		struct mailimf_mailbox *mb = clist_content(it);

		if (mb->mb_addr_spec)
			msg_addr_add(a, n, mb->mb_addr_spec);
	}
}

char **sieve_msg_addresses(const char *v, size_t len)
{
	struct mailimf_address_list *al = NULL;
	size_t idx = 0, n = 0;
	char **a = xcalloc(1, sizeof *a);
	char *scan = mimeguard_flatten(v, len);	/* comments nested to overflow the stack */
	clistiter *it;
	int rc = mailimf_address_list_parse(scan, len, &idx, &al);

	if (scan != v)
		free(scan);
	if (rc != MAILIMF_NO_ERROR) {
		free(a);
		return NULL;
	}
	for (it = clist_begin(al->ad_list); it; it = clist_next(it)) {
		struct mailimf_address *ad = clist_content(it);

		if (ad->ad_type == MAILIMF_ADDRESS_MAILBOX && ad->ad_data.ad_mailbox->mb_addr_spec)
			msg_addr_add(&a, &n, ad->ad_data.ad_mailbox->mb_addr_spec);
		else if (ad->ad_type == MAILIMF_ADDRESS_GROUP)
			msg_addr_group(&a, &n, ad->ad_data.ad_group);
	}
	mailimf_address_list_free(al);
	return a;
}

void sieve_msg_addresses_free(char **a)
{
	size_t i;

	for (i = 0; a && a[i]; i++)
		free(a[i]);
	free(a);
}

/* RFC 5228 2.7.4 (:localpart, :domain) and RFC 5233 4 (:user, :detail,
 * with "+" as the separator) */
bool sieve_msg_addr_part(const char *addr, enum sieve_part part, const char **p, size_t *n)
{
	const char *at = strrchr(addr, '@');
	size_t local = at ? (size_t)(at - addr) : strlen(addr);
	const char *plus = memchr(addr, '+', local);

	*p = addr;
	switch (part) {
	case SIEVE_PART_ALL:
		*n = strlen(addr);
		return true;
	case SIEVE_PART_LOCAL:
		*n = local;
		return true;
	case SIEVE_PART_DOMAIN:
		*p = at ? at + 1 : addr + local;
		*n = strlen(*p);
		return true;
	case SIEVE_PART_USER:
		*n = plus ? (size_t)(plus - addr) : local;
		return true;
	case SIEVE_PART_DETAIL:
		if (!plus)
			return false;
		*p = plus + 1;
		*n = local - (size_t)(plus + 1 - addr);
		return true;
	}
	return false;
}
