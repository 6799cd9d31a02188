/* aliases.c - the aliases(5) file: "name: target, target", continuation
 * lines start with white space, "#" starts a comment line.  A target is a
 * local name (itself perhaps an alias), an address, or ":include:FILE" whose
 * words are more targets.  Commands and files as targets are not supported:
 * they are refused when the file is read, so that nothing built from mail
 * data ever reaches a shell. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "buf.h"
#include "fsutil.h"
#include "aliases.h"
#include "strlist.h"
#include "xalloc.h"

#define ALIASES_DEPTH 10	/* nested aliases or includes */

struct alias {
	char *name;
	char **targets;
};

struct aliases {
	struct alias *a;
	size_t n;
};

/* aliases_add - one "name: targets" entry (targets still comma-separated) */
static int aliases_add(struct aliases *al, const char *path, int line, const char *entry,
		       struct dsn *d)
{
	const char *colon = strchr(entry, ':');
	char *name;
	char **t;

	if (colon == NULL || colon == entry) {
		dsn_set(d, DSN_TEMPFAIL, "4.3.5", "%s:%d: no \"name:\" at the start", path, line);
		return -1;
	}
	name = xstrndup(entry, (size_t)(colon - entry));
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	t = strlist_split(colon + 1, ",\n");
	for (char **x = t; *x; x++)
		if (**x == '|' || **x == '/') {
			dsn_set(d, DSN_TEMPFAIL, "4.3.5", "%s:%d: %s: commands and files are not supported",
				path, line, name);
			free(name);
			strlist_free(t);
			return -1;
		}
	al->a = xreallocarray(al->a, al->n + 1, sizeof(*al->a));
	al->a[al->n].name = name;
	al->a[al->n++].targets = t;
	return 0;
}

struct aliases *aliases_load(const char *path, struct dsn *d)
{
	struct aliases *al = xcalloc(1, sizeof(*al));
	char *text = read_file(path, NULL), *save = NULL, *line;
	struct buf entry = BUF_INIT;
	int lineno = 0, start = 0, rc = 0;

	if (text == NULL) {
		dsn_from_errno(d, errno, "aliases %s", path);
		aliases_free(al);
		return NULL;
	}
	for (line = strtok_r(text, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (*line == '#' || strspn(line, " \t\r") == strlen(line))
			continue;
		if (*line == ' ' || *line == '\t') {	/* continuation */
			buf_printf(&entry, ",%s", line);
			continue;
		}
		if (entry.len)
			rc = aliases_add(al, path, start, buf_cstr(&entry), d);
		buf_reset(&entry);
		buf_puts(&entry, line);
		start = lineno;
	}
	if (rc == 0 && entry.len)
		rc = aliases_add(al, path, start, buf_cstr(&entry), d);
	buf_free(&entry);
	free(text);
	if (rc < 0) {
		aliases_free(al);
		return NULL;
	}
	return al;
}

static const struct alias *aliases_find(const struct aliases *al, const char *name)
{
	size_t i;
	for (i = 0; i < al->n; i++)
		if (strcasecmp(al->a[i].name, name) == 0)
			return &al->a[i];
	return NULL;
}

static int aliases_walk(const struct aliases *al, const char *name, char ***out, int depth,
			struct dsn *d);

/* aliases_target - one target: an include, a further alias, or a final one */
static int aliases_target(const struct aliases *al, const char *self, const char *t,
			  char ***out, int depth, struct dsn *d)
{
	if (strncasecmp(t, ":include:", 9) == 0) {
		char *text = read_file(t + 9, NULL);
		char **words;
		int rc = 0;
		if (text == NULL) {
			dsn_from_errno(d, errno, ":include:%s", t + 9);
			return -1;
		}
		words = strlist_split(text, ",\n");
		for (char **w = words; *w && rc == 0; w++)
			if (**w != '#')
				rc = aliases_target(al, self, *w, out, depth + 1, d);
		strlist_free(words);
		free(text);
		return rc;
	}
	if (strchr(t, '@') == NULL && strcasecmp(t, self) != 0 && aliases_find(al, t))
		return aliases_walk(al, t, out, depth + 1, d);
	if (!strlist_has_nocase(*out, t))
		*out = strlist_add(*out, t);
	return 0;
}

static int aliases_walk(const struct aliases *al, const char *name, char ***out, int depth,
			struct dsn *d)
{
	const struct alias *a = aliases_find(al, name);
	char **t;

	if (depth > ALIASES_DEPTH) {
		dsn_set(d, DSN_PERMFAIL, "5.4.6", "alias %s: nested too deeply (a loop?)", name);
		return -1;
	}
	for (t = a->targets; *t; t++)
		if (aliases_target(al, a->name, *t, out, depth, d) < 0)
			return -1;
	return 0;
}

char **aliases_expand(const struct aliases *al, const char *name, struct dsn *d)
{
	char **out;

	dsn_ok(d, "ok");
	if (aliases_find(al, name) == NULL)
		return NULL;
	out = xcalloc(1, sizeof(char *));
	if (aliases_walk(al, name, &out, 0, d) < 0) {
		strlist_free(out);
		return NULL;
	}
	return out;
}

void aliases_free(struct aliases *al)
{
	size_t i;
	if (al == NULL)
		return;
	for (i = 0; i < al->n; i++) {
		free(al->a[i].name);
		strlist_free(al->a[i].targets);
	}
	free(al->a);
	free(al);
}

const char *aliases_name(const struct aliases *al, size_t i)
{
	return al && i < al->n ? al->a[i].name : NULL;
}
