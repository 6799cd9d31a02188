/* addrbook.h - address completion for To/Cc: the addresses the notmuch
 * index has seen (as `notmuch address` finds them: the From of mail
 * received, the To/Cc of mail sent, most frequent first) and the local
 * aliases file. */
#ifndef POCZTA_ADDRBOOK_H
#define POCZTA_ADDRBOOK_H
#include <stddef.h>

/* addrbook_complete - up to max completions of prefix (matched against
 * the start of the name's words and of the address, case-insensitively,
 * UTF-8 aware), as "Name <addr>" or "addr", most used first, aliases
 * first of all; db_path is the Maildir root holding .notmuch (NULL: no
 * index), aliases_path an aliases(5) file (NULL: none).  A NULL-terminated,
 * newly allocated list (free with addrbook_free); never NULL. */
char **addrbook_complete(const char *db_path, const char *aliases_path, const char *prefix,
			 size_t max);
void addrbook_free(char **list);

#endif
