/* imapd_fetch.c - FETCH (RFC 3501 6.4.5) and STORE (6.4.6): message
 * attributes from the UID list (UID, FLAGS, INTERNALDATE, RFC822.SIZE)
 * and from the message's bytes (BODY[section]<partial>, RFC822.*), with
 * LF line ends turned into CRLF on the way out. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "imapd_int.h"
#include "msg.h"
#include "xalloc.h"

size_t *imapd_msgs(const struct imapd *e, const struct imapd_seqset *s, bool uid, size_t *n)
{
	const struct mstore_box *b = e->box;
	size_t *idx = xcalloc(b->n + 1, sizeof(size_t)), i;
	uint32_t star = uid ? (b->n ? b->msgs[b->n - 1].uid : 0) : (uint32_t)b->n;

	*n = 0;
	for (i = 0; i < b->n; i++)
		if (imapd_seqset_has(s, uid ? b->msgs[i].uid : (uint32_t)(i + 1), star))
			idx[(*n)++] = i;
	return idx;
}

/* imapd_set_arg - SP sequence-set; false after a BAD (RFC 3501 9: a
 * message number over EXISTS is an error, a UID that is gone is not) */
bool imapd_set_arg(struct imapd *e, struct buf *out, bool uid, struct imapd_seqset *s)
{
	size_t i;

	if (!imapd_sp(&e->cmd) || !imapd_seqset(&e->cmd, s)) {
		imapd_reply(e, out, "BAD", "Invalid sequence set");
		return false;
	}
	for (i = 0; !uid && i < s->n; i++)
		if ((s->r[i].lo != UINT32_MAX && s->r[i].lo > e->box->n) ||
		    (s->r[i].hi != UINT32_MAX && s->r[i].hi > e->box->n)) {
			imapd_reply(e, out, "BAD", "No such message");
			free(s->r);
			return false;
		}
	return true;
}

/* One FETCH attribute. */
struct fetch_att {
	enum { FA_UID, FA_FLAGS, FA_IDATE, FA_SIZE, FA_BODY, FA_MODSEQ, FA_ENVELOPE,
		FA_BODYSTRUCTURE, FA_BODYNOEXT } kind;
	char *name;		/* as echoed: "BODY[HEADER]", "RFC822" */
	char *spec;		/* between the brackets */
	bool peek;
	long long origin, count;	/* <origin.count>, -1 when absent */
};

struct fetch_req {
	struct fetch_att a[32];
	size_t n;
	bool needs_data;	/* a section: the message is read */
	bool needs_parse;	/* a section of a part: the message is parsed */
	bool structure;		/* ENVELOPE, BODYSTRUCTURE or BODY: from the cache or read */
	bool sets_seen;
	long long changedsince;	/* RFC 7162 3.1.4; -1: none */
	bool vanished;		/* RFC 7162 3.2.6 */
};

/* fetch_section_att - "BODY[...]<o.c>" or "BODY.PEEK[...]" */
static bool fetch_section_att(const char *tok, struct fetch_att *a)
{
	const char *open = strchr(tok, '['), *close = strrchr(tok, ']');
	unsigned long long o, c;
	char *spec;
	int used = 0;

	if (open == NULL || close == NULL || close < open)
		return false;
	a->peek = strncasecmp(tok, "BODY.PEEK[", 10) == 0;
	if (!a->peek && strncasecmp(tok, "BODY[", 5) != 0)
		return false;
	spec = xstrndup(open + 1, (size_t)(close - open - 1));
	for (char *s = spec; *s && *s != '('; s++)
		*s = (char)toupper((unsigned char)*s);
	a->spec = spec;
	a->origin = a->count = -1;
	if (close[1] == '<') {
		if (sscanf(close + 1, "<%llu.%llu>%n", &o, &c, &used) != 2 || close[1 + used] ||
		    c == 0 || o > 1ULL << 40 || c > 1ULL << 40)
			return false;
		a->origin = (long long)o;
		a->count = (long long)c;
	} else if (close[1])
		return false;
	if (a->origin >= 0)
		a->name = xasprintf("BODY[%s]<%lld>", spec, a->origin);
	else
		a->name = xasprintf("BODY[%s]", spec);
	a->kind = FA_BODY;
	return true;
}

/* fetch_att_parse - one attribute name (RFC 3501 6.4.5) */
static bool fetch_att_parse(struct fetch_req *r, const char *tok)
{
	static const struct { const char *name; int kind; const char *spec; } simple[] = {
		{ "UID", FA_UID, NULL }, { "FLAGS", FA_FLAGS, NULL },
		{ "INTERNALDATE", FA_IDATE, NULL }, { "RFC822.SIZE", FA_SIZE, NULL },
		{ "RFC822", FA_BODY, "" }, { "RFC822.HEADER", FA_BODY, "HEADER" },
		{ "RFC822.TEXT", FA_BODY, "TEXT" }, { "MODSEQ", FA_MODSEQ, NULL },
		{ "ENVELOPE", FA_ENVELOPE, NULL }, { "BODYSTRUCTURE", FA_BODYSTRUCTURE, NULL },
		{ "BODY", FA_BODYNOEXT, NULL },
	};
	struct fetch_att *a;
	size_t i;

	if (r->n >= sizeof(r->a) / sizeof(r->a[0]))
		return false;
	a = &r->a[r->n];
	memset(a, 0, sizeof(*a));
	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (strcasecmp(tok, simple[i].name) == 0) {
			a->kind = simple[i].kind;
			a->name = xstrdup(simple[i].name);
			a->spec = simple[i].spec ? xstrdup(simple[i].spec) : NULL;
			a->peek = strcasecmp(tok, "RFC822.HEADER") == 0;	/* 6.4.5 */
			a->origin = a->count = -1;
			break;
		}
	if (i == sizeof(simple) / sizeof(simple[0]) && !fetch_section_att(tok, a)) {
		free(a->spec);
		return false;
	}
	r->n++;
	if (a->kind == FA_ENVELOPE || a->kind == FA_BODYSTRUCTURE || a->kind == FA_BODYNOEXT)
		r->structure = true;
	if (a->kind == FA_BODY) {
		r->needs_data = true;
		r->needs_parse |= *a->spec != '\0';
		r->sets_seen |= !a->peek;
	}
	return true;
}

static void fetch_req_free(struct fetch_req *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->a[i].name);
		free(r->a[i].spec);
	}
}

static bool fetch_has(const struct fetch_req *r, int kind)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if ((int)r->a[i].kind == kind)
			return true;
	return false;
}

/* fetch_args - the attribute list, a macro, or one attribute */
static bool fetch_args(struct imapd_cmd *c, struct fetch_req *r, bool uid)
{
	const char *tok;
	bool paren = imapd_eat(c, '(');

	do {
		if ((tok = imapd_atom(c, true)) == NULL)
			return false;
		/* RFC 3501 6.4.5: the macros */
		if (!paren && strcasecmp(tok, "ALL") == 0)
			tok = "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE";
		else if (!paren && strcasecmp(tok, "FULL") == 0)
			tok = "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY";
		else if (!paren && strcasecmp(tok, "FAST") == 0)
			tok = "FLAGS INTERNALDATE RFC822.SIZE";
		if (strchr(tok, ' ') && !strchr(tok, '[')) {
			char *copy = xstrdup(tok), *save = NULL, *w;
			bool ok = true;
			for (w = strtok_r(copy, " ", &save); w && ok; w = strtok_r(NULL, " ", &save))
				ok = fetch_att_parse(r, w);
			free(copy);
			if (!ok)
				return false;
		} else if (!fetch_att_parse(r, tok))
			return false;
	} while (paren && imapd_sp(c));
	if (paren && !imapd_eat(c, ')'))
		return false;
	if (uid && !fetch_has(r, FA_UID) && !fetch_att_parse(r, "UID"))
		return false;	/* RFC 3501 6.4.8: UID is implied */
	r->changedsince = -1;
	if (imapd_sp(c)) {	/* RFC 7162 3.1.4: (CHANGEDSINCE modseq) */
		const char *m;
		uint64_t v;
		if (!imapd_eat(c, '(') || (m = imapd_atom(c, false)) == NULL ||
		    strcasecmp(m, "CHANGEDSINCE") != 0 || !imapd_sp(c) || !imapd_number(c, &v) ||
		    v == 0 || v > INT64_MAX)
			return false;
		if (imapd_sp(c)) {
			if ((m = imapd_atom(c, false)) == NULL || strcasecmp(m, "VANISHED") != 0)
				return false;
			r->vanished = true;
		}
		if (!imapd_eat(c, ')'))
			return false;
		r->changedsince = (long long)v;
	}
	return imapd_at_end(c);
}

/* fetch_section - BODY[spec]<partial> as a literal */
static void fetch_section(const struct imapd_msg *msg, const struct fetch_att *a, struct buf *out)
{
	struct buf wire = BUF_INIT;
	size_t from = 0, cnt;

	imapd_msg_section(msg, a->spec, &wire);
	cnt = wire.len;
	if (a->origin >= 0) {	/* <origin.octets> */
		from = (size_t)a->origin < wire.len ? (size_t)a->origin : wire.len;
		cnt = wire.len - from < (size_t)a->count ? wire.len - from : (size_t)a->count;
	}
	buf_printf(out, "{%zu}\r\n", cnt);
	buf_append(out, wire.data ? wire.data + from : "", cnt);
	buf_free(&wire);
}

/* fetch_whole - BODY[]<partial> straight from the stored bytes, without
 * parsing: bare LF made CRLF (RFC 3501 2.3.4) and NUL made 0x80, as
 * imapmsg_section does for the whole message */
static void fetch_whole(const char *data, size_t len, const struct fetch_att *a, struct buf *out)
{
	size_t wire = len, from = 0, cnt, i, pos;
	const char *p = data, *end = data + len, *nl;
	char *o;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (nl == data || nl[-1] != '\r')
			wire++;
		p = nl + 1;
	}
	cnt = wire;
	if (a->origin >= 0) {	/* <origin.octets> */
		from = (size_t)a->origin < wire ? (size_t)a->origin : wire;
		cnt = wire - from < (size_t)a->count ? wire - from : (size_t)a->count;
	}
	buf_printf(out, "{%zu}\r\n", cnt);
	buf_reserve(out, cnt + 1);
	o = out->data + out->len;
	if (cnt == wire && memchr(data, '\0', len) == NULL) {	/* line by line */
		for (p = data; (nl = memchr(p, '\n', (size_t)(end - p))) != NULL; p = nl + 1) {
			bool bare = nl == data || nl[-1] != '\r';
			memcpy(o, p, (size_t)(nl - p));
			o += nl - p;
			if (bare)
				*o++ = '\r';
			*o++ = '\n';
		}
		memcpy(o, p, (size_t)(end - p));
		o += end - p;
		len = 0;	/* done */
	}
	for (i = 0, pos = 0; i < len && pos < from + cnt; i++) {
		char c = data[i] == '\0' ? (char)0x80 : data[i];
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
			if (pos >= from)
				*o++ = '\r';
			if (++pos >= from + cnt)
				break;
		}
		if (pos >= from)
			*o++ = c;
		pos++;
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
}

/* fetch_cache_kind - the cache slot of a structure item, or -1 */
static int fetch_cache_kind(int kind)
{
	return kind == FA_ENVELOPE ? MSTORE_CACHE_ENVELOPE :
	       kind == FA_BODYSTRUCTURE ? MSTORE_CACHE_BODYSTRUCTURE :
	       kind == FA_BODYNOEXT ? MSTORE_CACHE_BODY : -1;
}

/* fetch_structure - ENVELOPE, BODYSTRUCTURE or BODY from the folder's
 * cache, or computed from msg and put there */
static void fetch_structure(struct imapd *e, const struct mstore_msg *m, int kind,
			    const struct imapd_msg *msg, struct buf *out)
{
	int slot = fetch_cache_kind(kind);
	size_t len, start = out->len;
	const char *hit = mstore_cache_get(e->cache, m->uid, slot, &len);

	if (hit) {
		buf_append(out, hit, len);
		return;
	}
	if (kind == FA_ENVELOPE)
		imapd_msg_envelope(msg, out);
	else
		imapd_msg_bodystructure(msg, kind == FA_BODYSTRUCTURE, out);
	mstore_cache_put(e->cache, m->uid, slot, out->data + start, out->len - start);
}

/* fetch_needs_message - whether the message must be read: a section, or a
 * structure item the cache does not have */
static bool fetch_needs_parse(struct imapd *e, const struct mstore_msg *m,
			      const struct fetch_req *r);
static bool fetch_needs_message(struct imapd *e, const struct mstore_msg *m,
				const struct fetch_req *r)
{

	if (r->needs_data)
		return true;
	return fetch_needs_parse(e, m, r);
}

/* fetch_needs_parse - whether the message must be parsed: a section of a
 * part, or a structure item the cache does not have */
static bool fetch_needs_parse(struct imapd *e, const struct mstore_msg *m,
			      const struct fetch_req *r)
{
	size_t k, len;

	if (r->needs_parse)
		return true;
	for (k = 0; r->structure && k < r->n; k++) {
		int slot = fetch_cache_kind(r->a[k].kind);
		if (slot >= 0 && !mstore_cache_get(e->cache, m->uid, slot, &len))
			return true;
	}
	return false;
}

/* fetch_head_only - whether what must be parsed is only an ENVELOPE the
 * cache does not have */
static bool fetch_head_only(struct imapd *e, const struct mstore_msg *m,
			    const struct fetch_req *r)
{
	size_t k, len;

	if (r->needs_data || r->needs_parse)
		return false;
	for (k = 0; k < r->n; k++) {
		int slot = fetch_cache_kind(r->a[k].kind);
		if (slot >= 0 && slot != MSTORE_CACHE_ENVELOPE &&
		    !mstore_cache_get(e->cache, m->uid, slot, &len))
			return false;
	}
	return true;
}

/* fetch_head_len - the length of the header with the empty line after it
 * (all of data when there is no body) */
static size_t fetch_head_len(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (nl == p || (nl == p + 1 && *p == '\r'))
			return (size_t)(nl + 1 - data);	/* an empty line */
		p = nl + 1;
	}
	return len;
}

static void fetch_one(struct imapd *e, size_t i, struct fetch_req *r, struct buf *out)
{
	struct mstore_msg *m = &e->box->msgs[i];
	struct buf err = BUF_INIT;
	struct imapd_msg *msg = NULL;
	char *data = NULL, date[64];
	size_t len = 0, k;
	const char *sep = "";

	if (r->structure && e->cache == NULL)
		e->cache = mstore_cache_load(e->box->path);
	if (fetch_needs_message(e, m, r)) {
		if ((data = mstore_read(e->box, i, &len, &err)) == NULL) {
			msg_warnx("fetch %s uid %u: %s", e->box->name, m->uid, buf_cstr(&err));
			buf_free(&err);
			return;	/* gone since the last rescan: the next one says EXPUNGE */
		}
		if (fetch_needs_parse(e, m, r)) {
			/* ENVELOPE alone comes from the header (RFC 3501 7.4.2):
			 * the body is not parsed */
			size_t plen = fetch_head_only(e, m, r) ? fetch_head_len(data, len) : len;
			msg = imapd_msg_new(data, plen);	/* takes data */
			data = NULL;
		}
	}
	if (r->sets_seen && !e->box->readonly && !(m->flags & MF_SEEN))
		mstore_set_flags(e->box, i, m->flags | MF_SEEN, m->kw, &err);
	buf_printf(out, "* %zu FETCH (", i + 1);
	for (k = 0; k < r->n; k++, sep = " ") {
		struct fetch_att *a = &r->a[k];
		buf_printf(out, "%s%s ", sep, a->name);
		switch (a->kind) {
		case FA_UID: buf_printf(out, "%u", m->uid); break;
		case FA_MODSEQ: buf_printf(out, "(%llu)", (unsigned long long)m->modseq); break;
		case FA_SIZE: buf_printf(out, "%llu", (unsigned long long)m->size); break;
		case FA_FLAGS:
			buf_putc(out, '(');
			mstore_msg_flags_imap(e->box, m, out);
			buf_putc(out, ')');
			break;
		case FA_IDATE:
			strftime(date, sizeof(date), "\"%d-%b-%Y %H:%M:%S +0000\"", gmtime(&m->idate));
			buf_puts(out, date);
			break;
		case FA_ENVELOPE: case FA_BODYSTRUCTURE: case FA_BODYNOEXT:
			fetch_structure(e, m, a->kind, msg, out);
			break;
		case FA_BODY:
			if (msg)
				fetch_section(msg, a, out);
			else
				fetch_whole(data, len, a, out);
			break;
		}
	}
	if (r->sets_seen && !e->box->readonly) {	/* RFC 3501 6.4.5: \Seen is set */
		buf_puts(out, " FLAGS (");
		mstore_msg_flags_imap(e->box, m, out);
		buf_putc(out, ')');
	}
	buf_puts(out, ")\r\n");
	imapd_msg_free(msg);
	free(data);
	buf_free(&err);
}

void imapd_cmd_fetch(struct imapd *e, struct buf *out, bool uid)
{
	struct imapd_seqset s;
	struct fetch_req r = { .n = 0 };
	size_t *idx, n, i;

	if (!imapd_set_arg(e, out, uid, &s))
		return;
	if (!imapd_sp(&e->cmd) || !fetch_args(&e->cmd, &r, uid)) {
		imapd_reply(e, out, "BAD", "FETCH set attributes");
	} else {
		for (i = 0; i < r.n; i++)
			if (r.a[i].kind == FA_BODY && !imapd_msg_section_ok(r.a[i].spec))
				break;
		/* RFC 7162 3.1: MODSEQ or CHANGEDSINCE enables CONDSTORE, and then
		 * FLAGS come with MODSEQ */
		if (fetch_has(&r, FA_MODSEQ) || r.changedsince >= 0)
			e->condstore = true;
		bool full = false, bad = i < r.n;
		if (!bad && e->condstore && (fetch_has(&r, FA_FLAGS) || r.changedsince >= 0) &&
		    !fetch_has(&r, FA_MODSEQ) && !fetch_att_parse(&r, "MODSEQ"))
			full = true;
		if (full) {
			imapd_reply(e, out, "BAD", "Too many attributes");
		} else if (r.vanished && !(uid && e->qresync)) {
			imapd_reply(e, out, "BAD", "VANISHED needs UID FETCH and ENABLE QRESYNC");
		} else if (bad) {
			imapd_reply(e, out, "BAD", "Invalid section: %s",
				    r.a[i].spec ? r.a[i].spec : "");
		} else {
			if (r.vanished)
				imapd_vanished_earlier(e, &s, out);
			idx = imapd_msgs(e, &s, uid, &n);
			for (i = 0; i < n; i++)
				if (r.changedsince < 0 ||
				    e->box->msgs[idx[i]].modseq > (uint64_t)r.changedsince)
				{
					fetch_one(e, idx[i], &r, out);
					if (out->len > IMAPD_FLUSH && e->hooks.flush)
						e->hooks.flush(e->hooks.ctx, out);
				}
			free(idx);
			if (e->cache && mstore_cache_save(e->cache, e->box) < 0)
				msg_warn("cache of %s", e->box->name);
			imapd_reply(e, out, "OK", "FETCH completed");
		}
	}
	fetch_req_free(&r);
	free(s.r);
}

/* store_unchangedsince - " (UNCHANGEDSINCE n)" after the set (RFC 7162
 * 3.1.3); *v -1 when absent; false on bad syntax */
static bool store_unchangedsince(struct imapd_cmd *c, long long *v)
{
	size_t save = c->pos;
	const char *m;
	uint64_t n;

	*v = -1;
	if (!imapd_sp(c) || !imapd_eat(c, '(')) {
		c->pos = save;
		return true;
	}
	if ((m = imapd_atom(c, false)) == NULL || strcasecmp(m, "UNCHANGEDSINCE") != 0 ||
	    !imapd_sp(c) || !imapd_number(c, &n) || n > INT64_MAX || !imapd_eat(c, ')'))
		return false;
	*v = (long long)n;
	return true;
}

/* store_apply - change the flags of the messages idx[0..n); those changed
 * since unchangedsince are left alone and listed in modified */
static void store_apply(struct imapd *e, const size_t *idx, size_t n, int mode, unsigned flags,
			uint32_t kw, long long unchangedsince, bool *changed, struct buf *modified)
{
	struct buf err = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		struct mstore_msg *m = &e->box->msgs[idx[i]];
		unsigned nf = mode > 0 ? m->flags | flags : mode < 0 ? m->flags & ~flags :
			      (m->flags & MF_PASSED) | flags;
		uint32_t nkw = mode > 0 ? m->kw | kw : mode < 0 ? m->kw & ~kw : kw;
		changed[i] = false;
		if (unchangedsince >= 0 && m->modseq > (uint64_t)unchangedsince) {
			buf_printf(modified, "%s%u", modified->len ? "," : "",
				   e->imap_uid ? m->uid : (unsigned)(idx[i] + 1));
			continue;
		}
		if ((nf != m->flags || nkw != m->kw) &&
		    mstore_set_flags(e->box, idx[i], nf, nkw, &err) == 0)
			changed[i] = true;
	}
	if (mstore_commit_flags(e->box, &err) < 0)
		msg_warnx("store %s: %s", e->box->name, buf_cstr(&err));
	buf_free(&err);
}

void imapd_cmd_store(struct imapd *e, struct buf *out, bool uid)
{
	struct imapd_cmd *c = &e->cmd;
	struct imapd_seqset s;
	struct buf modified = BUF_INIT;
	const char *what;
	struct imapd_flags fl;
	struct buf err = BUF_INIT;
	uint32_t kw = 0;
	long long unch;
	int mode;
	bool silent, *changed;
	size_t *idx, n, i;

	if (!imapd_set_arg(e, out, uid, &s))
		return;
	if (!store_unchangedsince(c, &unch) || !imapd_sp(c) ||
	    (what = imapd_atom(c, false)) == NULL || !imapd_sp(c) ||
	    !imapd_flag_list(c, &fl, imapd_peek(c) == '(') || !imapd_at_end(c)) {
		imapd_reply(e, out, "BAD", "STORE set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] (flags)");
		free(s.r);
		return;
	}
	mode = *what == '+' ? 1 : *what == '-' ? -1 : 0;
	what += mode != 0;
	silent = strcasecmp(what, "FLAGS.SILENT") == 0;
	if (unch >= 0)
		e->condstore = true;
	if (!silent && strcasecmp(what, "FLAGS") != 0) {
		imapd_reply(e, out, "BAD", "STORE set [+|-]FLAGS[.SILENT] (flags)");
	} else if (e->box->readonly) {
		imapd_reply(e, out, "NO", "[READ-ONLY] Mailbox is read-only");
	} else if (mstore_keywords(e->box, fl.kw, fl.nkw, mode >= 0, &kw, &err) < 0) {
		imapd_reply(e, out, "NO", "[LIMIT] %s", buf_cstr(&err));	/* RFC 5530 */
	} else {
		imapd_flags_announce(e, out, false);	/* a keyword made now */
		idx = imapd_msgs(e, &s, uid, &n);
		changed = xcalloc(n + 1, sizeof(bool));
		e->imap_uid = uid;
		store_apply(e, idx, n, mode, fl.sys, kw, unch, changed, &modified);
		for (i = 0; i < n; i++) {
			struct mstore_msg *m = &e->box->msgs[idx[i]];
			/* RFC 7162 3.2: with CONDSTORE, .SILENT still reports a change */
			if (silent && !(e->condstore && changed[i]))
				continue;
			buf_printf(out, "* %zu FETCH (FLAGS (", idx[i] + 1);
			mstore_msg_flags_imap(e->box, m, out);
			buf_putc(out, ')');
			if (uid)
				buf_printf(out, " UID %u", m->uid);
			if (e->condstore)
				buf_printf(out, " MODSEQ (%llu)", (unsigned long long)m->modseq);
			buf_puts(out, ")\r\n");
		}
		free(changed);
		free(idx);
		if (modified.len)
			imapd_reply(e, out, "OK", "[MODIFIED %s] Conditional STORE failed",
				    modified.data);
		else
			imapd_reply(e, out, "OK", "STORE completed");
	}
	buf_free(&modified);
	buf_free(&err);
	free(s.r);
}
