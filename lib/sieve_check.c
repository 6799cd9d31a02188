/* sieve_check.c - what a folder name, a redirect address, a variable name
 * and a header name may be; checked at compile time for constants and at
 * run time for strings built from variables. */
#include <stdlib.h>
#include <string.h>
#include <libetpan/libetpan.h>
#include "sieve_int.h"
#include "xalloc.h"

#define SIEVE_MAX_FOLDER 512

/* sieve_check_folder - a folder name the delivery agent can use safely: not
 * empty, no control characters, and nothing that could climb out of the
 * Maildir (a leading "/" or ".", or ".." anywhere) */
bool sieve_check_folder(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = strlen(name);

	if (n == 0 || n > SIEVE_MAX_FOLDER || name[0] == '/' || name[0] == '.')
		return false;
	if (strstr(name, ".."))
		return false;
	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* sieve_check_address - RFC 5228 4.2: redirect takes one RFC 5322 mailbox;
 * returns its addr-spec, newly allocated, or NULL */
char *sieve_check_address(const char *text)
{
	struct mailimf_mailbox *mb = NULL;
	size_t len = strlen(text), idx = 0;
	char *addr = NULL;

	if (mailimf_mailbox_parse(text, len, &idx, &mb) != MAILIMF_NO_ERROR)
		return NULL;
	while (idx < len && (text[idx] == ' ' || text[idx] == '\t'))
		idx++;
	if (idx == len && mb->mb_addr_spec && strchr(mb->mb_addr_spec, '@') &&
	    mb->mb_addr_spec[0] != '@' && !strchr(mb->mb_addr_spec, '\n'))
		addr = xstrdup(mb->mb_addr_spec);
	mailimf_mailbox_free(mb);
	if (addr && addr[strlen(addr) - 1] == '@')
		x_free(&addr);
	return addr;
}

/* sieve_check_varname - RFC 5229 3: identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_") */
bool sieve_check_varname(const char *name)
{
	const char *p = name;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
		return false;
	for (p++; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/* sieve_check_header_name - RFC 5322 3.6.8: field-name = 1*ftext */
bool sieve_check_header_name(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (!*p)
		return false;
	for (; *p; p++)
		if (*p < 33 || *p > 126 || *p == ':')
			return false;
	return true;
}

void sieve_strlist_free(struct sieve_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	x_free(&l->v);
	l->n = 0;
}
