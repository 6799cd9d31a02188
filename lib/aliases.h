/* aliases.h - the aliases(5) file: local aliases, lists, :include: and
 * forwarding.  Read by poczta-mta and poczta-sendmail (through
 * lib/rcptpolicy.c) and by the submission agent. */
#ifndef POCZTA_ALIASES_H
#define POCZTA_ALIASES_H
#include "dsn.h"

struct aliases;

/* aliases_load - read the file at path; NULL with d set when it cannot be
 * read or has an error.  Freed with aliases_free. */
struct aliases *aliases_load(const char *path, struct dsn *d);
/* aliases_expand - the targets of name (a local part), recursively, without
 * duplicates; NULL when name is no alias.  Newly allocated list. */
char **aliases_expand(const struct aliases *a, const char *name, struct dsn *d);
void aliases_free(struct aliases *a);
/* aliases_name - the name of entry i (0, 1, ... in file order), or NULL
 * past the last: to list them, as the client's address completion does */
const char *aliases_name(const struct aliases *a, size_t i);

#endif
