/* mstore_cache.c - the per-folder cache of what is expensive to compute
 * about a message: ENVELOPE, BODYSTRUCTURE and BODY (RFC 3501 7.4.2), in
 * FOLDER/poczta-cache.  A message's bytes never change under its UID, so
 * an entry is right for as long as the UID exists; entries of UIDs no
 * longer in the folder are dropped when the file is written again.
 *
 * The file is a sequence of records, each a line "uid len len len" and
 * then the three texts back to back (they may hold CR LF inside literals).
 * It is replaced whole with atomic_write_file; two sessions writing at
 * once lose nothing but work (the loser's entries are computed again). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fsutil.h"
#include "mstore.h"
#include "xalloc.h"

#define MSTORE_CACHE_MAX (256u << 20)	/* a bigger file is not read */

struct mstore_cache_entry {
	uint32_t uid;
	char *text[MSTORE_CACHE_KINDS];
	size_t len[MSTORE_CACHE_KINDS];
	unsigned borrowed;	/* bit k: text[k] points into the file read */
};

/* e[0..nsorted) is sorted by UID; the few added since follow unsorted and
 * are merged in when there are MSTORE_CACHE_LOOSE of them */
#define MSTORE_CACHE_LOOSE 256
struct mstore_cache {
	struct mstore_cache_entry *e;
	size_t n, nsorted, cap;
	bool dirty;
	char *data;		/* the file as read: the texts loaded stay in it */
};

static int mstore_cache_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct mstore_cache_entry *)a)->uid;
	uint32_t y = ((const struct mstore_cache_entry *)b)->uid;
	return x < y ? -1 : x > y;
}

static void mstore_cache_sort(struct mstore_cache *c)
{
	if (c->nsorted < c->n)
		qsort(c->e, c->n, sizeof(*c->e), mstore_cache_cmp);
	c->nsorted = c->n;
}

static struct mstore_cache_entry *mstore_cache_add(struct mstore_cache *c, uint32_t uid)
{
	if (c->n - c->nsorted >= MSTORE_CACHE_LOOSE)
		mstore_cache_sort(c);
	if (c->n == c->cap) {	/* room ahead: no reallocation per entry */
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->e = xreallocarray(c->e, c->cap, sizeof(*c->e));
	}
	memset(&c->e[c->n], 0, sizeof(c->e[c->n]));
	c->e[c->n].uid = uid;
	if (c->nsorted == c->n && (c->n == 0 || c->e[c->n - 1].uid < uid))
		c->nsorted++;	/* in order: stays in the sorted part */
	return &c->e[c->n++];
}

/* mstore_cache_find - the entry of uid, or NULL */
static struct mstore_cache_entry *mstore_cache_find(struct mstore_cache *c, uint32_t uid)
{
	struct mstore_cache_entry key = { .uid = uid }, *e = NULL;
	size_t i;

	if (c->nsorted)
		e = bsearch(&key, c->e, c->nsorted, sizeof(*c->e), mstore_cache_cmp);
	for (i = c->nsorted; i < c->n && !e; i++)
		if (c->e[i].uid == uid)
			e = &c->e[i];
	return e;
}

struct mstore_cache *mstore_cache_load(const char *dir)
{
	struct mstore_cache *c = xcalloc(1, sizeof(*c));
	char *path = xasprintf("%s/poczta-cache", dir), *data;
	size_t len = 0, pos = 0, k;

	data = read_file(path, &len);
	free(path);
	c->data = data;
	while (data && len < MSTORE_CACHE_MAX && pos < len) {
		unsigned long long uid, l[MSTORE_CACHE_KINDS];
		char *nl = memchr(data + pos, '\n', len - pos);
		size_t total = 0;
		if (nl == NULL || sscanf(data + pos, "%llu %llu %llu %llu", &uid, &l[0], &l[1], &l[2]) != 4)
			break;	/* a damaged tail: what came before stays */
		pos = (size_t)(nl - data) + 1;
		for (k = 0; k < MSTORE_CACHE_KINDS; k++)
			total += l[k] < len ? (size_t)l[k] : len;
		if (uid == 0 || uid > UINT32_MAX || total > len - pos)
			break;
		struct mstore_cache_entry *e = mstore_cache_add(c, (uint32_t)uid);
		for (k = 0; k < MSTORE_CACHE_KINDS; k++) {
			e->text[k] = l[k] ? data + pos : NULL;
			e->len[k] = (size_t)l[k];
			pos += (size_t)l[k];
		}
		e->borrowed = (1u << MSTORE_CACHE_KINDS) - 1;
	}
	return c;
}

const char *mstore_cache_get(struct mstore_cache *c, uint32_t uid, int kind, size_t *len)
{
	struct mstore_cache_entry *e = mstore_cache_find(c, uid);

	if (e == NULL || e->text[kind] == NULL)
		return NULL;
	*len = e->len[kind];
	return e->text[kind];
}

void mstore_cache_put(struct mstore_cache *c, uint32_t uid, int kind, const char *text, size_t len)
{
	struct mstore_cache_entry *e = mstore_cache_find(c, uid);

	if (e == NULL)
		e = mstore_cache_add(c, uid);
	if (!(e->borrowed & (1u << kind)))
		free(e->text[kind]);
	e->borrowed &= ~(1u << kind);
	e->text[kind] = xmemdup(text, len ? len : 1);
	e->len[kind] = len;
	c->dirty = true;
}

int mstore_cache_save(struct mstore_cache *c, const struct mstore_box *b)
{
	struct buf out = BUF_INIT;
	char *path;
	size_t i, j = 0, k;
	int rc;

	if (!c->dirty)
		return 0;
	mstore_cache_sort(c);
	for (i = 0; i < c->n; i++) {	/* only UIDs still in the folder */
		const struct mstore_cache_entry *e = &c->e[i];
		while (j < b->n && b->msgs[j].uid < e->uid)
			j++;
		if (j == b->n || b->msgs[j].uid != e->uid)
			continue;
		buf_printf(&out, "%" PRIu32 " %zu %zu %zu\n", e->uid, e->len[0], e->len[1], e->len[2]);
		for (k = 0; k < MSTORE_CACHE_KINDS; k++)
			if (e->len[k])
				buf_append(&out, e->text[k], e->len[k]);
	}
	path = xasprintf("%s/poczta-cache", b->path);
	rc = atomic_write_file(path, out.data ? out.data : "", out.len, 0600);
	free(path);
	buf_free(&out);
	c->dirty = false;
	return rc;
}

void mstore_cache_free(struct mstore_cache *c)
{
	size_t i, k;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		for (k = 0; k < MSTORE_CACHE_KINDS; k++)
			if (!(c->e[i].borrowed & (1u << k)))
				free(c->e[i].text[k]);
	free(c->e);
	free(c->data);
	free(c);
}
