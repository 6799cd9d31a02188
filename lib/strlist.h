/* strlist.h - NULL-terminated arrays of strings. */
#ifndef POCZTA_STRLIST_H
#define POCZTA_STRLIST_H
#include <stdbool.h>
#include <stddef.h>

/* strlist_split - the non-empty words of s separated by any byte of seps,
 * trimmed of spaces and tabs; newly allocated, free with strlist_free */
char **strlist_split(const char *s, const char *seps);
/* strlist_add - append a copy of s; returns the (reallocated) list */
char **strlist_add(char **list, const char *s);
size_t strlist_len(char *const *list);
/* strlist_has_nocase - whether s is in list, ignoring ASCII case */
bool strlist_has_nocase(char *const *list, const char *s);
void strlist_free(char **list);

#endif
