/* progpath.h - where another poczta program is: beside the running one first
 * (the build tree's bin/, or one installation directory), then the installed
 * sbin and bin directories. */
#ifndef POCZTA_PROGPATH_H
#define POCZTA_PROGPATH_H

/* progpath_find - the path of program name, newly allocated; NULL if none is
 * executable */
char *progpath_find(const char *name);

#endif
