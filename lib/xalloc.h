/* xalloc.h - allocation that never fails: on exhaustion the program aborts. */
#ifndef POCZTA_XALLOC_H
#define POCZTA_XALLOC_H
#include <stddef.h>
#include <stdarg.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray - resize to nmemb*size, aborting on overflow */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);
/* xasprintf - a newly allocated formatted string; the caller frees it */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* x_free - free *pp and set it to NULL; pp is a pointer to any pointer */
void x_free_(void **pp);
#define x_free(pp) x_free_((void **)(pp))

#endif
