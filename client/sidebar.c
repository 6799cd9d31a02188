/* sidebar.c - folders and saved searches with their counts (sidebar.h). */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "sidebar.h"
#include "xalloc.h"

static void sidebar_add(struct sidebar *s, const char *name, const char *query, bool folder)
{
	s->items = xreallocarray(s->items, s->n + 1, sizeof(*s->items));
	s->items[s->n].name = xstrdup(name);
	s->items[s->n].query = xstrdup(query);
	s->items[s->n].folder = folder;
	s->items[s->n].unread = s->items[s->n].total = -1;
	s->items[s->n].counted = false;
	s->n++;
}

static int sidebar_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sidebar_utf8_put - append code point c as UTF-8 */
static void sidebar_utf8_put(struct buf *b, uint32_t c)
{
	if (c < 0x80) {
		buf_putc(b, (int)c);
	} else if (c < 0x800) {
		buf_putc(b, (int)(0xc0 | c >> 6));
		buf_putc(b, (int)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_putc(b, (int)(0xe0 | c >> 12));
		buf_putc(b, (int)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(b, (int)(0x80 | (c & 0x3f)));
	} else {
		buf_putc(b, (int)(0xf0 | c >> 18));
		buf_putc(b, (int)(0x80 | ((c >> 12) & 0x3f)));
		buf_putc(b, (int)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(b, (int)(0x80 | (c & 0x3f)));
	}
}

static int sidebar_b64(int c)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	const char *p = c ? strchr(set, c) : NULL;

	return p ? (int)(p - set) : -1;
}

/* sidebar_mutf7_run - decode the base64 run s (up to '-') as UTF-16BE;
 * its length, or -1 when it is bad */
static long sidebar_mutf7_run(const char *s, struct buf *out)
{
	uint32_t bits = 0, hi = 0, u;
	int nbits = 0, v;
	long i;

	for (i = 0; s[i] != '-'; i++) {
		if ((v = sidebar_b64(s[i])) < 0)
			return -1;
		bits = bits << 6 | (uint32_t)v;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		u = (bits >> nbits) & 0xffff;
		if (u >= 0xd800 && u < 0xdc00)
			hi = u;
		else if (u >= 0xdc00 && u < 0xe000 && hi) {
			sidebar_utf8_put(out, 0x10000 + ((hi - 0xd800) << 10) + (u - 0xdc00));
			hi = 0;
		} else
			sidebar_utf8_put(out, u);
	}
	return i;
}

char *sidebar_mutf7_decode(const char *s)
{
	struct buf b = BUF_INIT;
	long n;

	while (*s) {
		if (*s != '&') {
			buf_putc(&b, *s++);
		} else if (s[1] == '-') {
			buf_putc(&b, '&');
			s += 2;
		} else if ((n = sidebar_mutf7_run(s + 1, &b)) < 0) {
			buf_free(&b);
			return NULL;
		} else {
			s += n + 2;
		}
	}
	return buf_detach(&b);
}

/* sidebar_folders - the names of root's Maildir++ folders (".Name" with a
 * cur/ in it), sorted; a strlist-like array of n */
static char **sidebar_folders(const char *root, size_t *n)
{
	DIR *d = opendir(root);
	struct dirent *e;
	char **names = NULL, *p;
	struct stat st;

	*n = 0;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.' || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 || strcmp(e->d_name, ".notmuch") == 0)
			continue;
		p = xasprintf("%s/%s/cur", root, e->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			names = xreallocarray(names, *n + 1, sizeof(char *));
			names[(*n)++] = xstrdup(e->d_name);
		}
		free(p);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(names, *n, sizeof(char *), sidebar_cmp);
	return names;
}

void sidebar_load(struct sidebar *s, const char *root, const struct client_config *cfg)
{
	size_t i, n;
	char **names = sidebar_folders(root, &n);

	memset(s, 0, sizeof(*s));
	sidebar_add(s, "INBOX", "folder:\"\"", true);
	for (i = 0; i < n; i++) {
		char *shown = sidebar_mutf7_decode(names[i] + 1), *q, *dot;
		char *quoted = mbox_quote(names[i]);

		/* Maildir++ separates levels with '.'; show them with '/' */
		for (dot = shown; dot && (dot = strchr(dot, '.')) != NULL; dot++)
			*dot = '/';
		q = xasprintf("folder:%s", quoted);
		sidebar_add(s, shown ? shown : names[i] + 1, q, true);
		free(q);
		free(quoted);
		free(shown);
		free(names[i]);
	}
	free(names);
	for (i = 0; i < cfg->nsearches; i++)
		sidebar_add(s, cfg->searches[i].name, cfg->searches[i].query, false);
}

void sidebar_count(struct sidebar *s, struct mbox_db *db)
{
	sidebar_invalidate(s);
	while (sidebar_count_step(s, db))
		;
}

bool sidebar_count_step(struct sidebar *s, struct mbox_db *db)
{
	size_t i;

	for (i = 0; i < s->n && s->items[i].counted; i++)
		;
	if (i == s->n)
		return false;
	s->items[i].total = mbox_count(db, s->items[i].query, false);
	s->items[i].unread = mbox_count(db, s->items[i].query, true);
	s->items[i].counted = true;
	return sidebar_pending(s);
}

bool sidebar_pending(const struct sidebar *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!s->items[i].counted)
			return true;
	return false;
}

void sidebar_invalidate(struct sidebar *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		s->items[i].counted = false;
}

const struct sidebar_item *sidebar_find(const struct sidebar *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->items[i].name, name) == 0)
			return &s->items[i];
	return NULL;
}

void sidebar_free(struct sidebar *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->items[i].name);
		free(s->items[i].query);
	}
	free(s->items);
	memset(s, 0, sizeof(*s));
}
