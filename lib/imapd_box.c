/* imapd_box.c - the IMAP commands about mailboxes as a whole (RFC 3501
 * 6.3, 6.4.1-6.4.3, RFC 3691 UNSELECT, RFC 2342 NAMESPACE, RFC 3348
 * CHILDREN, RFC 6154 SPECIAL-USE by folder name, RFC 4315 APPENDUID). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "imapd_int.h"
#include "strlist.h"
#include "xalloc.h"

#define SYSTEM_FLAGS "\\Answered \\Flagged \\Deleted \\Seen \\Draft"

/* imapd_mailbox_arg - SP mailbox (RFC 3501 9 mailbox: INBOX in any case
 * is INBOX); NULL after a BAD or NO reply */
static const char *imapd_mailbox_arg(struct imapd *e, struct buf *out)
{
	const char *name;

	if (!imapd_sp(&e->cmd) || (name = imapd_astring(&e->cmd)) == NULL) {
		imapd_reply(e, out, "BAD", "Mailbox name expected");
		return NULL;
	}
	if (strcasecmp(name, "INBOX") == 0)
		return "INBOX";
	if (!mstore_name_ok(name)) {	/* no "..", "/", absolute paths */
		imapd_reply(e, out, "NO", "[CANNOT] Invalid mailbox name");
		return NULL;
	}
	return name;
}

static bool imapd_end(struct imapd *e, struct buf *out, const char *usage)
{
	if (imapd_at_end(&e->cmd))
		return true;
	imapd_reply(e, out, "BAD", "%s", usage);
	return false;
}

static void imapd_deselect(struct imapd *e)
{
	mstore_close(e->box);
	e->box = NULL;
	mstore_cache_free(e->cache);
	e->cache = NULL;
	e->state = IS_AUTH;
}

static void imapd_select(struct imapd *e, struct buf *out, bool readonly)
{
	const char *name = imapd_mailbox_arg(e, out);
	struct buf err = BUF_INIT;
	size_t i, recent = 0, unseen = 0;
	struct mstore_box *b;
	struct imapd_qresync q = { .on = false };

	if (name == NULL)
		return;
	/* RFC 7162 3.1.8 and 3.2.5: SELECT mailbox (CONDSTORE) or (QRESYNC (...)) */
	if (imapd_sp(&e->cmd)) {
		const char *p;
		bool ok = imapd_eat(&e->cmd, '(') && (p = imapd_atom(&e->cmd, false)) != NULL;
		if (ok && strcasecmp(p, "CONDSTORE") == 0)
			ok = imapd_eat(&e->cmd, ')');
		else if (ok && strcasecmp(p, "QRESYNC") == 0 && e->qresync)
			ok = imapd_qresync_param(&e->cmd, &q) && imapd_eat(&e->cmd, ')');
		else
			ok = false;
		if (!ok) {
			free(q.known.r);
			imapd_reply(e, out, "BAD", "SELECT mailbox [(CONDSTORE) | (QRESYNC (...))]");
			return;
		}
		e->condstore = true;
	}
	if (!imapd_end(e, out, "SELECT mailbox [(CONDSTORE) | (QRESYNC (...))]")) {
		free(q.known.r);
		return;
	}
	if (e->box)	/* RFC 7162 3.2.11 */
		buf_puts(out, "* OK [CLOSED] Previous mailbox closed\r\n");
	imapd_deselect(e);	/* RFC 3501 6.3.1: even if this one fails */
	if ((b = mstore_open(e->root, name, readonly, &err)) == NULL) {
		imapd_reply(e, out, "NO", "[NONEXISTENT] %s", buf_cstr(&err));
		buf_free(&err);
		free(q.known.r);
		return;
	}
	e->box = b;
	e->state = IS_SELECTED;
	for (i = 0; i < b->n; i++) {
		recent += b->msgs[i].recent;
		if (!unseen && !(b->msgs[i].flags & MF_SEEN))
			unseen = i + 1;
	}
	imapd_flags_announce(e, out, true);
	buf_printf(out, "* %zu EXISTS\r\n* %zu RECENT\r\n", b->n, recent);
	if (unseen)
		buf_printf(out, "* OK [UNSEEN %zu] First unseen\r\n", unseen);
	buf_printf(out, "* OK [UIDVALIDITY %u] UIDs valid\r\n* OK [UIDNEXT %u] Predicted next UID\r\n"
		   "* OK [HIGHESTMODSEQ %llu] Highest\r\n", b->uidvalidity, b->uidnext,
		   (unsigned long long)b->highestmodseq);
	if (q.on)
		imapd_qresync_select(e, &q, out);
	free(q.known.r);
	imapd_reply(e, out, "OK", "[%s] %s completed", readonly ? "READ-ONLY" : "READ-WRITE",
		    readonly ? "EXAMINE" : "SELECT");
	buf_free(&err);
}

void imapd_flags_announce(struct imapd *e, struct buf *out, bool force)
{
	struct buf kws = BUF_INIT;
	size_t n = mstore_keywords_imap(e->box, &kws);

	if (force || n != e->kw_told) {
		/* RFC 3501 7.1: \* when a new keyword can be made */
		buf_printf(out, "* FLAGS (" SYSTEM_FLAGS "%s)\r\n", buf_cstr(&kws));
		if (e->box->readonly)
			buf_puts(out, "* OK [PERMANENTFLAGS ()] Flags permitted\r\n");
		else
			buf_printf(out, "* OK [PERMANENTFLAGS (" SYSTEM_FLAGS "%s%s)] Flags permitted\r\n",
				   buf_cstr(&kws), n < MSTORE_KEYWORDS ? " \\*" : "");
		e->kw_told = n;
	}
	buf_free(&kws);
}

void imapd_cmd_select(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	imapd_select(e, out, false);
}

void imapd_cmd_examine(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	imapd_select(e, out, true);
}

/* imapd_simple - a command that takes one mailbox name and calls fn */
static void imapd_simple(struct imapd *e, struct buf *out, const char *verb,
			 int (*fn)(const char *, const char *, struct buf *))
{
	const char *name = imapd_mailbox_arg(e, out);
	struct buf err = BUF_INIT;

	if (name == NULL || !imapd_end(e, out, verb))
		return;
	if (fn(e->root, name, &err) < 0)
		imapd_reply(e, out, "NO", "%s", buf_cstr(&err));
	else
		imapd_reply(e, out, "OK", "%s completed", verb);
	buf_free(&err);
}

void imapd_cmd_create(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	/* RFC 3501 6.3.3: a trailing delimiter says the client means a parent */
	if (e->cmd.text.len > 1 && e->cmd.text.data[e->cmd.text.len - 1] == '.')
		e->cmd.text.data[--e->cmd.text.len] = '\0';
	imapd_simple(e, out, "CREATE", mstore_create);
}

void imapd_cmd_delete(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	imapd_simple(e, out, "DELETE", mstore_delete);
}

static int imapd_sub_on(const char *root, const char *name, struct buf *err)
{
	return mstore_subscribe(root, name, true, err);
}

static int imapd_sub_off(const char *root, const char *name, struct buf *err)
{
	return mstore_subscribe(root, name, false, err);
}

void imapd_cmd_subscribe(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	imapd_simple(e, out, "SUBSCRIBE", imapd_sub_on);
}

void imapd_cmd_unsubscribe(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	imapd_simple(e, out, "UNSUBSCRIBE", imapd_sub_off);
}

void imapd_cmd_rename(struct imapd *e, struct buf *out, bool uid)
{
	const char *from = imapd_mailbox_arg(e, out), *to;
	struct buf err = BUF_INIT;

	(void)uid;
	if (from == NULL || (to = imapd_mailbox_arg(e, out)) == NULL ||
	    !imapd_end(e, out, "RENAME from to"))
		return;
	if (mstore_rename(e->root, from, to, &err) < 0)
		imapd_reply(e, out, "NO", "%s", buf_cstr(&err));
	else
		imapd_reply(e, out, "OK", "RENAME completed");
	buf_free(&err);
}

/* imapd_match - LIST wildcards (RFC 3501 6.3.8): "*" anything, "%"
 * anything but the delimiter "." */
static bool imapd_match(const char *pat, const char *name)
{
	for (; *pat; pat++, name++) {
		if (*pat == '*' || *pat == '%') {
			for (;; name++) {
				if (imapd_match(pat + 1, name))
					return true;
				if (*name == '\0' || (*pat == '%' && *name == '.'))
					return false;
			}
		}
		if (*pat != *name)
			return false;
	}
	return *name == '\0';
}

/* imapd_special_use - RFC 6154 attribute for the usual folder names */
static const char *imapd_special_use(const char *name)
{
	static const struct { const char *name, *attr; } names[] = {
		{ "Sent", "\\Sent" }, { "Sent Messages", "\\Sent" }, { "Drafts", "\\Drafts" },
		{ "Trash", "\\Trash" }, { "Junk", "\\Junk" }, { "Spam", "\\Junk" },
		{ "Archive", "\\Archive" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0)
			return names[i].attr;
	return NULL;
}

static bool imapd_has_children(char **all, const char *name)
{
	size_t len = strlen(name), i;

	for (i = 0; all[i]; i++)
		if (strncmp(all[i], name, len) == 0 && all[i][len] == '.')
			return true;
	return false;
}

static void imapd_list(struct imapd *e, struct buf *out, bool lsub)
{
	struct imapd_cmd *c = &e->cmd;
	const char *ref, *pat;
	char **all, **names, *full;
	size_t i;

	if (!imapd_sp(c) || (ref = imapd_astring(c)) == NULL || !imapd_sp(c) ||
	    (pat = imapd_list_pattern(c)) == NULL || !imapd_at_end(c)) {
		imapd_reply(e, out, "BAD", "%s reference pattern", lsub ? "LSUB" : "LIST");
		return;
	}
	if (*pat == '\0' && !lsub) {	/* RFC 3501 6.3.8: the delimiter */
		buf_puts(out, "* LIST (\\Noselect) \".\" \"\"\r\n");
		imapd_reply(e, out, "OK", "LIST completed");
		return;
	}
	full = xasprintf("%s%s", ref, pat);
	all = mstore_list(e->root);
	names = lsub ? mstore_subscriptions(e->root) : all;
	for (i = 0; names[i]; i++) {
		const char *name = names[i], *use = imapd_special_use(name);
		bool inbox = strcmp(name, "INBOX") == 0;
		if (!imapd_match(full, name) && !(inbox && imapd_match(full, "inbox")) &&
		    !(inbox && strcasecmp(full, "INBOX") == 0))
			continue;
		buf_printf(out, "* %s (%s%s%s) \".\" ", lsub ? "LSUB" : "LIST",
			   imapd_has_children(all, name) ? "\\HasChildren" : "\\HasNoChildren",
			   use ? " " : "", use ? use : "");
		imapd_quote(out, name);
		buf_puts(out, "\r\n");
	}
	if (lsub)
		strlist_free(names);
	strlist_free(all);
	free(full);
	imapd_reply(e, out, "OK", "%s completed", lsub ? "LSUB" : "LIST");
}

void imapd_cmd_list(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	imapd_list(e, out, false);
}

void imapd_cmd_lsub(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	imapd_list(e, out, true);
}

void imapd_cmd_namespace(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	if (!imapd_end(e, out, "NAMESPACE takes no arguments"))
		return;
	buf_puts(out, "* NAMESPACE ((\"\" \".\")) NIL NIL\r\n");	/* RFC 2342 5 */
	imapd_reply(e, out, "OK", "NAMESPACE completed");
}

void imapd_cmd_status(struct imapd *e, struct buf *out, bool uid)
{
	const char *name = imapd_mailbox_arg(e, out), *item;
	struct buf items = BUF_INIT, err = BUF_INIT;
	struct mstore_counts c;
	bool ok;

	(void)uid;
	if (name == NULL)
		return;
	ok = imapd_sp(&e->cmd) && imapd_eat(&e->cmd, '(');
	if (ok && mstore_status(e->root, name, &c, &err) < 0) {
		imapd_reply(e, out, "NO", "[NONEXISTENT] %s", buf_cstr(&err));
		buf_free(&err);
		return;
	}
	if (ok && e->box) {	/* the selected mailbox: its \Recent are this session's */
		char *dir = mstore_folder_dir(e->root, name);
		size_t i;
		if (dir && strcmp(dir, e->box->path) == 0)
			for (i = 0; i < e->box->n; i++)
				c.recent += e->box->msgs[i].recent;
		free(dir);
	}
	while (ok && (item = imapd_atom(&e->cmd, false)) != NULL) {
		const char *sep = items.len ? " " : "";
		if (strcasecmp(item, "MESSAGES") == 0)
			buf_printf(&items, "%sMESSAGES %zu", sep, c.messages);
		else if (strcasecmp(item, "UNSEEN") == 0)
			buf_printf(&items, "%sUNSEEN %zu", sep, c.unseen);
		else if (strcasecmp(item, "UIDNEXT") == 0)
			buf_printf(&items, "%sUIDNEXT %u", sep, c.uidnext);
		else if (strcasecmp(item, "UIDVALIDITY") == 0)
			buf_printf(&items, "%sUIDVALIDITY %u", sep, c.uidvalidity);
		else if (strcasecmp(item, "HIGHESTMODSEQ") == 0)	/* RFC 7162 3.1.10 */
			buf_printf(&items, "%sHIGHESTMODSEQ %llu", sep, (unsigned long long)c.highestmodseq);
		else if (strcasecmp(item, "RECENT") == 0)	/* RFC 3501 2.3.2 */
			buf_printf(&items, "%sRECENT %zu", sep, c.recent);
		else
			ok = false;
		if (!imapd_sp(&e->cmd))
			break;
	}
	ok = ok && imapd_eat(&e->cmd, ')') && imapd_at_end(&e->cmd);
	if (ok) {
		buf_puts(out, "* STATUS ");
		imapd_quote(out, name);
		buf_printf(out, " (%s)\r\n", buf_cstr(&items));
		imapd_reply(e, out, "OK", "STATUS completed");
	} else
		imapd_reply(e, out, "BAD", "STATUS mailbox (items)");
	buf_free(&items);
	buf_free(&err);
}

/* imapd_flag_list - "(" flag *(SP flag) ")": system flags as MF_* bits,
 * keywords (RFC 3501 9 flag-keyword) by name, each once */
bool imapd_flag_list(struct imapd_cmd *c, struct imapd_flags *fl, bool parens)
{
	const char *f;

	memset(fl, 0, sizeof(*fl));
	if (parens && !imapd_eat(c, '('))
		return false;
	if (parens && imapd_eat(c, ')'))
		return true;
	do {
		bool sys = imapd_eat(c, '\\');
		if ((f = imapd_atom(c, false)) == NULL)
			return false;
		if (sys) {
			char *name = imapd_arena(c, xasprintf("\\%s", f));
			unsigned bit = mstore_flag_parse(name);
			if (bit == 0 && strcasecmp(name, "\\Recent") != 0)
				return false;	/* no other system flag exists */
			fl->sys |= bit;
		} else if (mstore_kw_find(fl->kw, f) < 0) {
			if (fl->nkw == MSTORE_KEYWORDS || !mstore_keyword_ok(f))
				return false;
			fl->kw[fl->nkw++] = (char *)f;
		}
	} while (imapd_sp(c));
	return !parens || imapd_eat(c, ')');
}

/* imapd_date_time - RFC 3501 9 date-time "dd-Mon-yyyy hh:mm:ss +zzzz" */
static time_t imapd_date_time(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4];
	int d, y, h, mi, sec, zone, n = 0;
	const char *m;
	struct tm tm = { 0 };

	if (sscanf(s, "%2d-%3s-%4d %2d:%2d:%2d %5d%n", &d, mon, &y, &h, &mi, &sec, &zone, &n) != 7 ||
	    s[n] != '\0' || (m = strcasestr(months, mon)) == NULL || (m - months) % 3 ||
	    d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970)
		return (time_t)-1;
	tm.tm_mday = d;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year = y - 1900;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return timegm(&tm) - ((zone / 100) * 3600 + (zone % 100) * 60);
}

void imapd_cmd_append(struct imapd *e, struct buf *out, bool uid)
{
	struct imapd_cmd *c = &e->cmd;
	const char *name = imapd_mailbox_arg(e, out), *msg, *date;
	struct buf err = BUF_INIT;
	struct imapd_flags fl = { .sys = 0 };
	time_t idate = 0;
	uint32_t v, u;
	size_t len;
	int rc;

	(void)uid;
	if (name == NULL)
		return;
	if (!imapd_sp(c) || (imapd_peek(c) == '(' && (!imapd_flag_list(c, &fl, true) ||
						       !imapd_sp(c)))) {
		imapd_reply(e, out, "BAD", "APPEND mailbox [(flags)] [date-time] literal");
		return;
	}
	if (imapd_peek(c) == '"') {
		if ((date = imapd_string(c, &len)) == NULL || (idate = imapd_date_time(date)) < 0 ||
		    !imapd_sp(c)) {
			imapd_reply(e, out, "BAD", "Invalid date-time");
			return;
		}
	}
	if (imapd_peek(c) != '{' || (msg = imapd_string(c, &len)) == NULL || !imapd_at_end(c)) {
		imapd_reply(e, out, "BAD", "APPEND mailbox [(flags)] [date-time] literal");
		return;
	}
	rc = mstore_append(e->root, name, msg, len, fl.sys, fl.kw, fl.nkw, idate, &v, &u, &err);
	if (rc == -2)	/* RFC 3501 6.3.11 */
		imapd_reply(e, out, "NO", "[TRYCREATE] %s", buf_cstr(&err));
	else if (rc < 0)
		imapd_reply(e, out, "NO", "[SERVERBUG] %s", buf_cstr(&err));
	else
		imapd_reply(e, out, "OK", "[APPENDUID %u %u] APPEND completed", v, u);
	buf_free(&err);
}

void imapd_cmd_check(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	if (imapd_end(e, out, "CHECK takes no arguments"))
		imapd_reply(e, out, "OK", "CHECK completed");
}

void imapd_cmd_close(struct imapd *e, struct buf *out, bool uid)
{
	struct buf err = BUF_INIT;

	(void)uid;
	if (!imapd_end(e, out, "CLOSE takes no arguments"))
		return;
	/* RFC 3501 6.4.2: expunge silently, unless read-only */
	if (!e->box->readonly)
		mstore_expunge(e->box, NULL, 0, NULL, &err);
	imapd_deselect(e);
	imapd_reply(e, out, "OK", "CLOSE completed");
	buf_free(&err);
}

void imapd_cmd_unselect(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	if (!imapd_end(e, out, "UNSELECT takes no arguments"))
		return;
	imapd_deselect(e);
	imapd_reply(e, out, "OK", "UNSELECT completed");
}
