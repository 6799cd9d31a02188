/* addrbook.c - address completion: the aliases file's names, then the
 * addresses the notmuch index has seen (as `notmuch address
 * --output=sender --output=recipients --deduplicate=address` lists them),
 * most used first.  The index is asked only for messages whose From or
 * To/Cc has a word starting like the prefix, newest first and at most
 * AB_SCAN_MAX of them, so the time stays bounded on a large mailbox. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libetpan/libetpan.h>
#include <notmuch.h>
#include "addrbook.h"
#include "aliases.h"
#include "buf.h"
#include "mimeview.h"
#include "strlist.h"
#include "xalloc.h"

#define AB_SCAN_MAX	2000	/* messages read for one completion */
#define AB_ADDRS_MAX	20000	/* distinct addresses kept while reading */

struct ab_entry {
	char *name;		/* decoded, or NULL */
	char *addr;
	unsigned count;
	size_t seen;		/* order first seen: newest mail first */
};

struct ab {
	const char *prefix;	/* folded */
	struct ab_entry *e;
	size_t n;
};

/* fold_cp - lower case for the scripts our users write in (Latin-1,
 * Latin Extended-A, Greek, Cyrillic), without the locale's help */
static uint32_t fold_cp(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3a9) || (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177))
		return c | 1;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) && (c & 1))
		return c + 1;
	return c;
}

/* fold - s case-folded, as UTF-8 (invalid bytes kept); newly allocated */
static char *fold(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	struct buf b = BUF_INIT;

	while (*s) {
		uint32_t c = *s;
		size_t l = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 0;
		bool ok = l > 0;
		for (size_t k = 1; ok && k < l; k++)
			ok = (s[k] & 0xc0) == 0x80;
		if (!ok) {
			buf_putc(&b, *s++);
			continue;
		}
		if (l == 2)
			c = ((c & 0x1f) << 6) | (s[1] & 0x3f);
		else if (l == 3)
			c = ((c & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		c = fold_cp(c);
		if (c < 0x80) {
			buf_putc(&b, (int)c);
		} else if (c < 0x800) {
			buf_putc(&b, (int)(0xc0 | (c >> 6)));
			buf_putc(&b, (int)(0x80 | (c & 0x3f)));
		} else {
			buf_putc(&b, (int)(0xe0 | (c >> 12)));
			buf_putc(&b, (int)(0x80 | ((c >> 6) & 0x3f)));
			buf_putc(&b, (int)(0x80 | (c & 0x3f)));
		}
		s += l;
	}
	return buf_detach(&b);
}

/* word_start - whether folded prefix p starts s or one of its words */
static bool word_start(const char *s, const char *p)
{
	char *f = fold(s);
	size_t n = strlen(p);
	bool r = false;

	for (const char *x = f; *x && !r; x++)
		if ((x == f || strchr(" \t\"'(<.,-_", x[-1])) && strncmp(x, p, n) == 0)
			r = true;
	free(f);
	return r;
}

/* matches - the prefix starts the address or a word of the name */
static bool matches(const char *prefix, const char *name, const char *addr)
{
	char *fa = fold(addr);
	bool r = strncmp(fa, prefix, strlen(prefix)) == 0 || (name && word_start(name, prefix));

	free(fa);
	return r;
}

static void ab_add(struct ab *ab, const char *name, const char *addr)
{
	for (size_t i = 0; i < ab->n; i++) {
		if (strcasecmp(ab->e[i].addr, addr) == 0) {
			ab->e[i].count++;
			if (!ab->e[i].name && name)
				ab->e[i].name = xstrdup(name);
			return;
		}
	}
	if (ab->n >= AB_ADDRS_MAX)
		return;
	ab->e = xreallocarray(ab->e, ab->n + 1, sizeof(*ab->e));
	ab->e[ab->n] = (struct ab_entry){ name ? xstrdup(name) : NULL, xstrdup(addr), 1, ab->n };
	ab->n++;
}

/* ab_field - the mailboxes of a raw address field that match */
static void ab_field(struct ab *ab, const char *raw)
{
	struct mailimf_address_list *l = NULL;
	size_t i = 0;

	if (!raw || !*raw || mailimf_address_list_parse(raw, strlen(raw), &i, &l) != MAILIMF_NO_ERROR)
		return;
	for (clistiter *c = clist_begin(l->ad_list); c; c = clist_next(c)) {
		const struct mailimf_address *a = clist_content(c);
		clist *mbs = a->ad_type == MAILIMF_ADDRESS_MAILBOX ? NULL :
			a->ad_data.ad_group->grp_mb_list ? a->ad_data.ad_group->grp_mb_list->mb_list : NULL;
		clistiter *g = mbs ? clist_begin(mbs) : NULL;
		const struct mailimf_mailbox *mb = a->ad_type == MAILIMF_ADDRESS_MAILBOX ?
			a->ad_data.ad_mailbox : g ? clist_content(g) : NULL;
		while (mb) {
			char *name = mb->mb_display_name ? mimeview_decode_header(mb->mb_display_name) : NULL;
			if (mb->mb_addr_spec && strchr(mb->mb_addr_spec, '@') &&
			    matches(ab->prefix, name, mb->mb_addr_spec))
				ab_add(ab, name && *name ? name : NULL, mb->mb_addr_spec);
			free(name);
			g = g ? clist_next(g) : NULL;
			mb = g ? clist_content(g) : NULL;
		}
	}
	mailimf_address_list_free(l);
}

/* query - the notmuch query for prefix: its first word, as a wildcard on
 * the sender and recipient terms (notmuch indexes the words of names and
 * addresses); "*" when the prefix has no word to search by */
static char *query(const char *prefix)
{
	size_t n = 0;

	while (prefix[n] && ((unsigned char)prefix[n] >= 0x80 ||
			     (prefix[n] >= 'a' && prefix[n] <= 'z') ||
			     (prefix[n] >= '0' && prefix[n] <= '9')))
		n++;
	if (n == 0)
		return xstrdup("*");
	return xasprintf("from:%.*s* or to:%.*s*", (int)n, prefix, (int)n, prefix);
}

/* ab_index - the matching addresses of the newest AB_SCAN_MAX messages
 * the query finds; nothing when the index cannot be opened */
static void ab_index(struct ab *ab, const char *db_path)
{
	notmuch_database_t *nm = NULL;
	notmuch_query_t *q;
	notmuch_messages_t *ms = NULL;
	char *msg = NULL, *qs;
	size_t seen = 0;

	if (notmuch_database_open_with_config(db_path, NOTMUCH_DATABASE_MODE_READ_ONLY, "", NULL,
					      &nm, &msg) != NOTMUCH_STATUS_SUCCESS) {
		free(msg);
		return;
	}
	free(msg);
	qs = query(ab->prefix);
	q = notmuch_query_create(nm, qs);
	if (q) {
		notmuch_query_set_sort(q, NOTMUCH_SORT_NEWEST_FIRST);
		notmuch_query_set_omit_excluded(q, NOTMUCH_EXCLUDE_FALSE);
		if (notmuch_query_search_messages(q, &ms) != NOTMUCH_STATUS_SUCCESS)
			ms = NULL;
	}
	for (; ms && notmuch_messages_valid(ms) && seen < AB_SCAN_MAX;
	     notmuch_messages_move_to_next(ms), seen++) {
		notmuch_message_t *m = notmuch_messages_get(ms);
		/* RFC 5322 3.6.2 and 3.6.3: the sender, then the recipients */
		ab_field(ab, notmuch_message_get_header(m, "from"));
		ab_field(ab, notmuch_message_get_header(m, "to"));
		ab_field(ab, notmuch_message_get_header(m, "cc"));
		notmuch_message_destroy(m);
	}
	if (q)
		notmuch_query_destroy(q);
	free(qs);
	notmuch_database_destroy(nm);
}

/* by_use - most used first, then the newest */
static int by_use(const void *a, const void *b)
{
	const struct ab_entry *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->seen < y->seen ? -1 : x->seen > y->seen;
}

/* entry - "Name <addr>" as the To field takes it: the name quoted when
 * it has specials (RFC 5322 3.2.3) */
static char *entry(const struct ab_entry *e)
{
	struct buf b = BUF_INIT;

	if (!e->name)
		return xstrdup(e->addr);
	if (strpbrk(e->name, "()<>[]:;@\\,.\"")) {
		buf_putc(&b, '"');
		for (const char *p = e->name; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, *p);
		}
		buf_putc(&b, '"');
	} else {
		buf_puts(&b, e->name);
	}
	buf_printf(&b, " <%s>", e->addr);
	return buf_detach(&b);
}

/* ab_aliases - the aliases file's names that start with the prefix */
static char **ab_aliases(char **list, const char *path, const char *prefix, size_t max)
{
	struct dsn d;
	struct aliases *a = aliases_load(path, &d);
	const char *name;

	for (size_t i = 0; a && (name = aliases_name(a, i)) && strlist_len(list) < max; i++) {
		char *f = fold(name);
		if (strncmp(f, prefix, strlen(prefix)) == 0)
			list = strlist_add(list, name);
		free(f);
	}
	aliases_free(a);
	return list;
}

char **addrbook_complete(const char *db_path, const char *aliases_path, const char *prefix,
			 size_t max)
{
	char **list = xcalloc(1, sizeof(*list));
	char *p = fold(prefix ? prefix : "");
	char *t = p;
	struct ab ab = { 0 };

	while (*t == ' ' || *t == '\t')
		t++;
	ab.prefix = t;
	if (aliases_path)
		list = ab_aliases(list, aliases_path, t, max);
	if (db_path && strlist_len(list) < max) {
		ab_index(&ab, db_path);
		qsort(ab.e, ab.n, sizeof(*ab.e), by_use);
		for (size_t i = 0; i < ab.n && strlist_len(list) < max; i++) {
			char *s = entry(&ab.e[i]);
			list = strlist_add(list, s);
			free(s);
		}
	}
	for (size_t i = 0; i < ab.n; i++) {
		free(ab.e[i].name);
		free(ab.e[i].addr);
	}
	free(ab.e);
	free(p);
	return list;
}

void addrbook_free(char **list)
{
	strlist_free(list);
}
