/* imapd_search.c - SEARCH (RFC 3501 6.4.4), and the commands that move
 * messages: COPY (6.4.7, RFC 4315 COPYUID), MOVE (RFC 6851) and EXPUNGE
 * (6.4.3, RFC 4315 UID EXPUNGE). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "imapd_int.h"
#include "index.h"
#include "strlist.h"
#include "xalloc.h"

enum skind {
	SK_ALL, SK_FLAG, SK_NOFLAG, SK_KEYWORD, SK_UNKEYWORD, SK_NEW, SK_OLD, SK_RECENT, SK_FALSE,
	SK_LARGER, SK_SMALLER,
	SK_SET, SK_UIDSET, SK_NOT, SK_OR, SK_AND, SK_BEFORE, SK_ON, SK_SINCE,
	SK_SENTBEFORE, SK_SENTON, SK_SENTSINCE, SK_HEADER, SK_BODY, SK_TEXT, SK_MODSEQ,
};

struct skey {
	enum skind kind;
	unsigned flag;
	uint64_t num;
	time_t day;			/* a date's first second, UTC */
	const char *field, *str;
	struct imapd_seqset set;
	struct skey *kids, *next;	/* NOT: kids; OR: kids and kids->next; AND: the list */
};

static void skey_free(struct skey *k)
{
	while (k) {
		struct skey *next = k->next;
		skey_free(k->kids);
		free(k->set.r);
		free(k);
		k = next;
	}
}

/* search_date - RFC 3501 9 date: "d-Mon-yyyy", quoted or not */
static bool search_date(struct imapd_cmd *c, time_t *day)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *s = imapd_astring(c), *m;
	char mon[4];
	int d, y, n = 0;
	struct tm tm = { 0 };

	if (s == NULL || sscanf(s, "%2d-%3s-%4d%n", &d, mon, &y, &n) != 3 || s[n] ||
	    (m = strcasestr(months, mon)) == NULL || (m - months) % 3 || d < 1 || d > 31)
		return false;
	tm.tm_mday = d;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year = y - 1900;
	*day = timegm(&tm);
	return true;
}

static struct skey *search_key(struct imapd_cmd *c, int depth, int max_depth);

/* search_keys - keys separated by SP until the end or ")" */
static struct skey *search_keys(struct imapd_cmd *c, int depth, int max_depth)
{
	struct skey *head = NULL, **tail = &head, *k;

	do {
		if ((k = search_key(c, depth, max_depth)) == NULL) {
			skey_free(head);
			return NULL;
		}
		*tail = k;
		tail = &k->next;
	} while (imapd_sp(c));
	return head;
}

static const struct { const char *name; enum skind kind; unsigned flag; } search_simple[] = {
	{ "ALL", SK_ALL, 0 }, { "ANSWERED", SK_FLAG, MF_ANSWERED }, { "DELETED", SK_FLAG, MF_DELETED },
	{ "DRAFT", SK_FLAG, MF_DRAFT }, { "FLAGGED", SK_FLAG, MF_FLAGGED }, { "SEEN", SK_FLAG, MF_SEEN },
	{ "UNANSWERED", SK_NOFLAG, MF_ANSWERED }, { "UNDELETED", SK_NOFLAG, MF_DELETED },
	{ "UNDRAFT", SK_NOFLAG, MF_DRAFT }, { "UNFLAGGED", SK_NOFLAG, MF_FLAGGED },
	{ "UNSEEN", SK_NOFLAG, MF_SEEN }, { "NEW", SK_NEW, 0 }, { "OLD", SK_OLD, 0 },
	{ "RECENT", SK_RECENT, 0 },
};

static const struct { const char *name; enum skind kind; } search_dated[] = {
	{ "BEFORE", SK_BEFORE }, { "ON", SK_ON }, { "SINCE", SK_SINCE },
	{ "SENTBEFORE", SK_SENTBEFORE }, { "SENTON", SK_SENTON }, { "SENTSINCE", SK_SENTSINCE },
};

/* search_word - the keys named by one word and their arguments */
static bool search_word(struct imapd_cmd *c, const char *w, struct skey *k, int depth,
			int max_depth)
{
	size_t i;

	for (i = 0; i < sizeof(search_simple) / sizeof(search_simple[0]); i++)
		if (strcasecmp(w, search_simple[i].name) == 0) {
			k->kind = search_simple[i].kind;
			k->flag = search_simple[i].flag;
			return true;
		}
	for (i = 0; i < sizeof(search_dated) / sizeof(search_dated[0]); i++)
		if (strcasecmp(w, search_dated[i].name) == 0) {
			k->kind = search_dated[i].kind;
			return imapd_sp(c) && search_date(c, &k->day);
		}
	if (!strcasecmp(w, "FROM") || !strcasecmp(w, "TO") || !strcasecmp(w, "CC") ||
	    !strcasecmp(w, "BCC") || !strcasecmp(w, "SUBJECT")) {
		k->kind = SK_HEADER;
		k->field = w;
		return imapd_sp(c) && (k->str = imapd_astring(c)) != NULL;
	}
	if (!strcasecmp(w, "HEADER")) {
		k->kind = SK_HEADER;
		return imapd_sp(c) && (k->field = imapd_astring(c)) != NULL && imapd_sp(c) &&
		       (k->str = imapd_astring(c)) != NULL;
	}
	if (!strcasecmp(w, "BODY") || !strcasecmp(w, "TEXT")) {
		k->kind = *w == 'B' || *w == 'b' ? SK_BODY : SK_TEXT;
		return imapd_sp(c) && (k->str = imapd_astring(c)) != NULL;
	}
	if (!strcasecmp(w, "KEYWORD") || !strcasecmp(w, "UNKEYWORD")) {
		k->kind = (*w == 'K' || *w == 'k') ? SK_KEYWORD : SK_UNKEYWORD;
		return imapd_sp(c) && (k->str = imapd_atom(c, false)) != NULL;
	}
	if (!strcasecmp(w, "LARGER") || !strcasecmp(w, "SMALLER")) {
		k->kind = (*w == 'L' || *w == 'l') ? SK_LARGER : SK_SMALLER;
		return imapd_sp(c) && imapd_number(c, &k->num);
	}
	if (!strcasecmp(w, "MODSEQ")) {	/* RFC 7162 3.1.5, without entry names */
		k->kind = SK_MODSEQ;
		return imapd_sp(c) && imapd_number(c, &k->num);
	}
	if (!strcasecmp(w, "UID")) {
		k->kind = SK_UIDSET;
		return imapd_sp(c) && imapd_seqset(c, &k->set);
	}
	if (!strcasecmp(w, "NOT")) {
		k->kind = SK_NOT;
		return imapd_sp(c) && (k->kids = search_key(c, depth + 1, max_depth)) != NULL;
	}
	if (!strcasecmp(w, "OR")) {
		k->kind = SK_OR;
		return imapd_sp(c) && (k->kids = search_key(c, depth + 1, max_depth)) != NULL &&
		       imapd_sp(c) && (k->kids->next = search_key(c, depth + 1, max_depth)) != NULL;
	}
	return false;
}

static struct skey *search_key(struct imapd_cmd *c, int depth, int max_depth)
{
	struct skey *k;
	const char *w;
	int ch = imapd_peek(c);

	if (depth > max_depth)	/* hostile nesting: "NOT NOT NOT ..." or "((((" */
		return NULL;
	k = xcalloc(1, sizeof(*k));
	if (ch == '(') {
		c->pos++;
		k->kind = SK_AND;
		if ((k->kids = search_keys(c, depth + 1, max_depth)) == NULL || !imapd_eat(c, ')'))
			goto bad;
	} else if ((ch >= '0' && ch <= '9') || ch == '*') {
		k->kind = SK_SET;
		if (!imapd_seqset(c, &k->set))
			goto bad;
	} else if ((w = imapd_atom(c, false)) == NULL || !search_word(c, w, k, depth, max_depth))
		goto bad;
	return k;
bad:
	skey_free(k);
	return NULL;
}

/* A message as SEARCH looks at it: read and parsed on first need. */
struct search_msg {
	struct imapd *e;
	size_t i;
	struct imapd_msg *msg;
	bool loaded;
};

static struct imapd_msg *search_load(struct search_msg *m)
{
	struct buf err = BUF_INIT;
	size_t len;
	char *data;

	if (!m->loaded) {
		m->loaded = true;
		if ((data = mstore_read(m->e->box, m->i, &len, &err)) != NULL)
			m->msg = imapd_msg_new(data, len);
		buf_free(&err);
	}
	return m->msg;
}

static bool search_day_cmp(enum skind kind, time_t t, time_t day)
{
	time_t d = t - (t % 86400 + 86400) % 86400;

	if (t == (time_t)-1)
		return false;
	if (kind == SK_BEFORE || kind == SK_SENTBEFORE)
		return d < day;
	if (kind == SK_ON || kind == SK_SENTON)
		return d == day;
	return d >= day;
}

static bool search_eval(struct skey *k, struct search_msg *m)
{
	const struct mstore_msg *msg = &m->e->box->msgs[m->i];
	uint32_t star = (uint32_t)m->e->box->n;
	struct skey *kid;

	switch (k->kind) {
	case SK_ALL: return true;
	case SK_FALSE: return false;
	case SK_FLAG: return (msg->flags & k->flag) != 0;
	case SK_NOFLAG: return (msg->flags & k->flag) == 0;
	case SK_KEYWORD: case SK_UNKEYWORD: {
		int i = mstore_kw_find(m->e->box->kw, k->str);
		bool has = i >= 0 && (msg->kw & (1u << i));
		return k->kind == SK_KEYWORD ? has : !has;
	}
	case SK_NEW: return msg->recent && !(msg->flags & MF_SEEN);
	case SK_OLD: return !msg->recent;
	case SK_RECENT: return msg->recent;
	case SK_LARGER: return msg->size > k->num;
	case SK_SMALLER: return msg->size < k->num;
	case SK_SET: return imapd_seqset_has(&k->set, (uint32_t)(m->i + 1), star);
	case SK_UIDSET:
		return imapd_seqset_has(&k->set, msg->uid, m->e->box->msgs[m->e->box->n - 1].uid);
	case SK_NOT: return !search_eval(k->kids, m);
	case SK_OR: return search_eval(k->kids, m) || search_eval(k->kids->next, m);
	case SK_AND:
		for (kid = k->kids; kid; kid = kid->next)
			if (!search_eval(kid, m))
				return false;
		return true;
	case SK_BEFORE: case SK_ON: case SK_SINCE:
		return search_day_cmp(k->kind, msg->idate, k->day);
	case SK_SENTBEFORE: case SK_SENTON: case SK_SENTSINCE:
		return search_load(m) && search_day_cmp(k->kind, imapd_msg_sent_day(m->msg), k->day);
	case SK_HEADER: return search_load(m) && imapd_msg_header_has(m->msg, k->field, k->str);
	case SK_BODY: return search_load(m) && imapd_msg_body_has(m->msg, k->str);
	case SK_TEXT: return search_load(m) && imapd_msg_text_has(m->msg, k->str);
	case SK_MODSEQ: return msg->modseq >= k->num;
	}
	return false;
}

static bool search_uses_modseq(const struct skey *k)
{
	for (; k; k = k->next)
		if (k->kind == SK_MODSEQ || search_uses_modseq(k->kids))
			return true;
	return false;
}

enum { ER_MIN = 1, ER_MAX = 2, ER_COUNT = 4, ER_ALL = 8 };

/* search_return - "RETURN (MIN MAX COUNT ALL) " (RFC 4731 3); *opts 0
 * when absent; false on bad syntax */
static bool search_return(struct imapd_cmd *c, unsigned *opts)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "MIN", ER_MIN }, { "MAX", ER_MAX }, { "COUNT", ER_COUNT }, { "ALL", ER_ALL },
	};
	const char *w;
	size_t i;

	*opts = 0;
	if (c->pos + 7 > c->text.len || strncasecmp(c->text.data + c->pos, "RETURN ", 7) != 0)
		return true;
	c->pos += 7;
	if (!imapd_eat(c, '('))
		return false;
	while (!imapd_eat(c, ')')) {
		if (*opts && !imapd_sp(c))
			return false;
		if ((w = imapd_atom(c, false)) == NULL)
			return false;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcasecmp(w, names[i].name) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return false;
		*opts |= names[i].bit;
	}
	if (*opts == 0)	/* RETURN () means ALL */
		*opts = ER_ALL;
	return imapd_sp(c);
}

/* search_esearch - the ESEARCH response for the numbers hits[0..n) */
static void search_esearch(struct imapd *e, unsigned opts, bool uid, const uint32_t *hits,
			   size_t n, uint64_t modseq, struct buf *out)
{
	size_t i;

	buf_puts(out, "* ESEARCH (TAG ");
	imapd_quote(out, e->cmd.tag);
	buf_puts(out, ")");
	if (uid)
		buf_puts(out, " UID");
	if ((opts & ER_MIN) && n)
		buf_printf(out, " MIN %u", hits[0]);
	if ((opts & ER_MAX) && n)
		buf_printf(out, " MAX %u", hits[n - 1]);
	if (opts & ER_COUNT)
		buf_printf(out, " COUNT %zu", n);
	if ((opts & ER_ALL) && n) {
		buf_puts(out, " ALL ");
		for (i = 0; i < n; i++) {
			size_t j = i;
			while (j + 1 < n && hits[j + 1] == hits[j] + 1)
				j++;
			buf_printf(out, "%s%u", i ? "," : "", hits[i]);
			if (j > i)
				buf_printf(out, ":%u", hits[j]);
			i = j;
		}
	}
	if (modseq)	/* RFC 7162 3.1.5 */
		buf_printf(out, " MODSEQ %llu", (unsigned long long)modseq);
	buf_puts(out, "\r\n");
}

/* The notmuch index as a pre-filter for BODY and TEXT (RFC 3501 6.4.4).
 * Reading every message of a big folder for a word takes seconds (Dovecot
 * without a full-text plugin: 1.2 s at 10,000 messages); the index that
 * poczta-mda keeps answers at once.  The keys ANDed at the top level whose
 * string is a word (letters and digits) become notmuch terms, as word
 * prefixes ("body:hel*" finds "hello"); only the messages the index names
 * are then read and matched as substrings, as without the index.  So the
 * answer is the same but for a string found only inside a word ("ell" in
 * "hello"), which the index does not see: the compromise Dovecot's FTS
 * plugins make too.  The index is not used while deliveries wait to be
 * indexed (the index_behind hook), nor when it counts another number of
 * messages in the folder than there are; a file newer than the index's last
 * change (dropped in by hand) is read whatever the counts. */
struct search_index {
	bool on;
	char **bases;		/* sorted Maildir base names the index found */
	size_t n;
	time_t updated;		/* when the index last changed */
};

/* search_term_ok - whether s can be looked up as a notmuch term */
static bool search_term_ok(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || (unsigned char)*s >= 0x80))
			return false;
	return n >= 2 && n <= 64;
}

static int search_base_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void search_index_prepare(struct imapd *e, const struct skey *kids, struct search_index *si)
{
	struct buf q = BUF_INIT, err = BUF_INIT;
	const struct skey *k;
	const char *dir = "", *slash;
	size_t indexed = 0;

	memset(si, 0, sizeof(*si));
	for (k = kids; k; k = k->next)
		if ((k->kind == SK_BODY || k->kind == SK_TEXT) && search_term_ok(k->str))
			buf_printf(&q, "%s%s%s*", q.len ? " and " : "",
				   k->kind == SK_BODY ? "body:" : "", k->str);
	if (q.len == 0 || e->root == NULL || e->box->n == 0 ||
	    (e->hooks.index_behind && e->hooks.index_behind(e->hooks.ctx)))
		goto out;
	if (strcmp(e->box->path, e->root) != 0 && (slash = strrchr(e->box->path, '/')) != NULL)
		dir = slash + 1;	/* ".Name", a Maildir++ folder */
	si->bases = index_search_folder(e->root, dir, buf_cstr(&q), &indexed, &si->updated, &err);
	if (si->bases == NULL || indexed != e->box->n) {
		strlist_free(si->bases);
		si->bases = NULL;
		goto out;
	}
	si->n = strlist_len(si->bases);
	qsort(si->bases, si->n, sizeof(*si->bases), search_base_cmp);
	si->on = true;
out:
	buf_free(&q);
	buf_free(&err);
}

/* search_index_may - whether message i may match, as far as the index says */
static bool search_index_may(const struct search_index *si, const struct mstore_msg *m)
{
	const char *key = m->base;

	return !si->on || m->idate > si->updated ||
	       bsearch(&key, si->bases, si->n, sizeof(*si->bases), search_base_cmp);
}

void imapd_cmd_search(struct imapd *e, struct buf *out, bool uid)
{
	struct imapd_cmd *c = &e->cmd;
	struct skey all = { .kind = SK_AND };
	uint32_t *hits;
	size_t i, n = 0;
	unsigned opts;

	if (!imapd_sp(c) || !search_return(c, &opts)) {
		imapd_reply(e, out, "BAD", "SEARCH [RETURN (options)] keys");
		return;
	}
	if (c->pos + 7 < c->text.len && strncasecmp(c->text.data + c->pos, "CHARSET ", 8) == 0) {
		const char *cs;
		c->pos += 8;
		if ((cs = imapd_astring(c)) == NULL || !imapd_sp(c)) {
			imapd_reply(e, out, "BAD", "SEARCH CHARSET name keys");
			return;
		}
		if (strcasecmp(cs, "UTF-8") != 0 && strcasecmp(cs, "US-ASCII") != 0) {
			imapd_reply(e, out, "NO", "[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset");
			return;
		}
	}
	if ((all.kids = search_keys(c, 0, e->lim.max_depth)) == NULL || !imapd_at_end(c)) {
		imapd_reply(e, out, "BAD", "Invalid SEARCH keys");
		skey_free(all.kids);
		return;
	}
	bool modseq = search_uses_modseq(all.kids);
	uint64_t highest = 0;
	if (modseq)
		e->condstore = true;
	struct search_index si;
	search_index_prepare(e, all.kids, &si);
	hits = xcalloc(e->box->n + 1, sizeof(uint32_t));
	for (i = 0; i < e->box->n; i++) {
		struct search_msg m = { e, i, NULL, false };
		if (!search_index_may(&si, &e->box->msgs[i]))
			continue;
		if (search_eval(&all, &m)) {
			hits[n++] = uid ? e->box->msgs[i].uid : (uint32_t)(i + 1);
			if (e->box->msgs[i].modseq > highest)
				highest = e->box->msgs[i].modseq;
		}
		imapd_msg_free(m.msg);
	}
	if (opts) {
		search_esearch(e, opts, uid, hits, n, modseq ? highest : 0, out);
	} else {
		buf_puts(out, "* SEARCH");
		for (i = 0; i < n; i++)
			buf_printf(out, " %u", hits[i]);
		if (modseq && highest)	/* RFC 7162 3.1.5 */
			buf_printf(out, " (MODSEQ %llu)", (unsigned long long)highest);
		buf_puts(out, "\r\n");
	}
	free(hits);
	strlist_free(si.bases);
	skey_free(all.kids);
	imapd_reply(e, out, "OK", "SEARCH completed");
}
