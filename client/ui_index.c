/* ui_index.c - the index (threads or messages, loaded a screen at a time)
 * and the sidebar of folders and saved searches (ui.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "i18n.h"
#include "text.h"
#include "ui.h"
#include "xalloc.h"

#define UI_RELOAD_SLACK 1000	/* how far down a reload looks for the cursor's entry */
#define UI_END_STEP 2000	/* End reads the list this many entries at a time */

/* Tags shown as flags rather than in the tag list. */
static const char *const ui_flag_tags[] = {
	"unread", "flagged", "deleted", "replied", "inbox", "attachment", "signed", NULL
};

bool ui_index_push(struct ui *u, const char *query, enum mbox_kind kind, const char *title)
{
	struct buf err = BUF_INIT;
	struct mbox_list *l = mbox_list_new(u->db, query, kind, u->cfg->oldest_first, &err);
	struct ui_index *ix;

	if (l == NULL) {
		ui_message(u, "%s", buf_cstr(&err));
		buf_free(&err);
		return false;
	}
	buf_free(&err);
	ix = xcalloc(1, sizeof(*ix));
	ix->list = l;
	ix->title = xstrdup(title);
	ix->prev = u->ix;
	u->ix = ix;
	mbox_list_need(l, (size_t)ui_page(u));
	if (l->n == 0)
		ui_message(u, _("Nothing matches %s."), query);
	return true;
}

void ui_index_pop(struct ui *u)
{
	struct ui_index *ix = u->ix;

	u->ix = ix->prev;
	mbox_list_free(ix->list);
	free(ix->title);
	free(ix);
}

int ui_sidebar_width(const struct ui *u)
{
	int w = u->cfg->sidebar_width;

	if (!u->cfg->sidebar || u->cols < 60)
		return 0;
	return w > u->cols / 3 ? u->cols / 3 : w;
}

/* ui_index_flags - the flag column: N new, F flagged, D deleted, r replied */
static void ui_index_flags(const struct mbox_entry *e, char out[5])
{
	out[0] = mbox_entry_has_tag(e, "unread") ? 'N' : ' ';
	out[1] = mbox_entry_has_tag(e, "flagged") ? 'F' : ' ';
	out[2] = mbox_entry_has_tag(e, "deleted") ? 'D' : ' ';
	out[3] = mbox_entry_has_tag(e, "replied") ? 'r' : ' ';
	out[4] = '\0';
}

/* ui_index_line - one entry as text */
static void ui_index_line(const struct ui_index *ix, const struct mbox_entry *e, struct buf *b)
{
	char flags[5], date[32];
	char *tags = xstrdup(e->tags), *save = NULL, *t;
	int i;
	bool first = true;

	ui_index_flags(e, flags);
	text_date(date, sizeof(date), (long long)e->date, (long long)time(NULL));
	buf_printf(b, "%s %-10s ", flags, date);
	text_fit(b, e->authors, 20, 1);
	if (ix->list->kind == MBOX_THREADS && e->total > 1)
		buf_printf(b, " (%3d) ", e->total > 999 ? 999 : e->total);
	else if (ix->list->kind == MBOX_THREADS)
		buf_puts(b, "       ");
	else
		buf_putc(b, ' ');
	for (i = 0; ix->list->kind == MBOX_THREAD && i < e->depth && i < 10; i++)
		buf_puts(b, "  ");
	if (ix->list->kind == MBOX_THREAD && e->depth > 0)
		buf_puts(b, "\xe2\x94\x94> ");	/* a reply: "└> " */
	buf_puts(b, e->subject);
	for (t = strtok_r(tags, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		bool flag = false;
		for (i = 0; ui_flag_tags[i]; i++)
			flag |= strcmp(t, ui_flag_tags[i]) == 0;
		if (!flag) {
			buf_puts(b, first ? "  [" : " ");
			buf_puts(b, t);
			first = false;
		}
	}
	if (!first)
		buf_putc(b, ']');
	free(tags);
}

static int ui_index_pair(const struct mbox_entry *e, bool selected)
{
	if (selected)
		return COL_SELECTED + 1;
	if (mbox_entry_has_tag(e, "deleted"))
		return COL_DELETED + 1;
	if (mbox_entry_has_tag(e, "flagged"))
		return COL_FLAGGED + 1;
	return mbox_entry_has_tag(e, "unread") ? COL_UNREAD + 1 : COL_NORMAL + 1;
}

void ui_sidebar_draw(struct ui *u, int width)
{
	struct buf b = BUF_INIT;
	size_t i, top = 0;
	int y, page = ui_page(u);

	if (u->sb_cur >= (size_t)page)
		top = u->sb_cur - (size_t)page + 1;
	for (i = top, y = 1; i < u->sb.n && y <= page; i++, y++) {
		const struct sidebar_item *it = &u->sb.items[i];
		char count[40];
		int cw;

		buf_reset(&b);
		if (it->total < 0)
			snprintf(count, sizeof(count), "?");
		else if (it->unread > 0)
			snprintf(count, sizeof(count), "%ld/%ld", it->unread, it->total);
		else
			snprintf(count, sizeof(count), "%ld", it->total);
		cw = (int)strlen(count);
		buf_puts(&b, it->folder ? "" : "~");
		text_fit(&b, it->name, width - cw - 3 - !it->folder, 1);
		buf_printf(&b, " %s", count);
		ui_put(y, 0, buf_cstr(&b), width - 1,
		       i == u->sb_cur && u->sb_focus ? COL_SELECTED + 1 : COL_SIDEBAR + 1,
		       it->unread > 0 ? A_BOLD : A_NORMAL);
	}
	attr_set(A_NORMAL, COL_SIDEBAR + 1, NULL);
	mvvline(1, width - 1, ACS_VLINE, page);
	attr_set(A_NORMAL, 0, NULL);
	buf_free(&b);
}

void ui_index_draw(struct ui *u)
{
	struct ui_index *ix = u->ix;
	struct mbox_list *l = ix->list;
	int sw = ui_sidebar_width(u), page = ui_page(u), y;
	struct buf b = BUF_INIT;
	size_t i;

	mbox_list_need(l, ix->top + (size_t)page);
	if (ix->cur >= l->n)
		ix->cur = l->n ? l->n - 1 : 0;
	if (ix->cur < ix->top)
		ix->top = ix->cur;
	if (ix->cur >= ix->top + (size_t)page)
		ix->top = ix->cur - (size_t)page + 1;
	buf_printf(&b, "poczta: %s  [%zu%s]  %s", ix->title, l->n, l->done ? "" : "+",
		   _("q:back  /:search  c:change  t:tag  d:delete  ?:help"));
	ui_put(0, 0, buf_cstr(&b), u->cols, COL_STATUS + 1, A_BOLD);
	if (sw > 0)
		ui_sidebar_draw(u, sw);
	for (i = ix->top, y = 1; i < l->n && y <= page; i++, y++) {
		const struct mbox_entry *e = mbox_list_get(l, i);	/* only rows on screen */

		buf_reset(&b);
		ui_index_line(ix, e, &b);
		ui_put(y, sw, buf_cstr(&b), u->cols - sw, ui_index_pair(e, i == ix->cur),
		       mbox_entry_has_tag(e, "unread") ? A_BOLD : A_NORMAL);
	}
	buf_free(&b);
}

/* ui_index_move - the cursor by delta lines, loading what it reaches */
static void ui_index_move(struct ui *u, long delta)
{
	struct ui_index *ix = u->ix;
	long to = (long)ix->cur + delta;

	if (to < 0)
		to = 0;
	mbox_list_need(ix->list, (size_t)to);
	if ((size_t)to >= ix->list->n)
		to = ix->list->n ? (long)ix->list->n - 1 : 0;
	ix->cur = (size_t)to;
}

/* ui_index_tag - apply changes to the entry under the cursor */
static void ui_index_tag(struct ui *u, const char *changes)
{
	struct ui_index *ix = u->ix;
	struct buf err = BUF_INIT;
	char *q;
	int n;

	if (ix->cur >= ix->list->n)
		return;
	q = mbox_query_for(ix->list, mbox_list_get(ix->list, ix->cur));
	n = mbox_tag(u->db, q, changes, &err);
	if (n < 0)
		ui_message(u, "%s", buf_cstr(&err));
	else
		ui_message(u, _("%s: %d messages changed"), changes, n);
	free(q);
	buf_free(&err);
	/* only this row is read again; the screens below reload when shown */
	mbox_list_refresh(ix->list, ix->cur);
	sidebar_invalidate(&u->sb);
}

void ui_index_reload(struct ui_index *ix)
{
	struct mbox_list *l = ix->list;
	char *id = ix->cur < l->n ? xstrdup(l->e[ix->cur].id) : NULL;
	size_t at;

	/* read again as far as the cursor's entry, not as far as End read */
	mbox_list_restart(l);
	/* the cursor stays on its entry when mail came or went above it; the
	 * screen stays where it was, so new mail at the top is seen */
	if (id && (at = mbox_list_find(l, id, ix->cur + UI_RELOAD_SLACK)) != (size_t)-1)
		ix->cur = at;
	else
		mbox_list_need(l, ix->cur);
	free(id);
}

/* ui_index_unread - the next (dir 1) or previous (-1) unread entry */
static void ui_index_unread(struct ui *u, int dir)
{
	struct ui_index *ix = u->ix;
	size_t i = ix->cur;

	for (;;) {
		if (dir < 0 && i == 0)
			break;
		i = dir > 0 ? i + 1 : i - 1;
		if (mbox_list_need(ix->list, i) <= i)
			break;
		if (mbox_entry_has_tag(mbox_list_get(ix->list, i), "unread")) {
			ix->cur = i;
			return;
		}
	}
	ui_message(u, _("No more unread mail."));
}

/* ui_index_open - Enter: a thread opens its messages, a message the pager */
static void ui_index_open(struct ui *u)
{
	struct ui_index *ix = u->ix;
	struct mbox_entry *e;
	char *q;

	if (ix->cur >= ix->list->n)
		return;
	e = mbox_list_get(ix->list, ix->cur);
	if (ix->list->kind == MBOX_THREADS) {
		char *title = xstrdup(e->subject);
		ui_index_push(u, e->id, MBOX_THREAD, title);
		free(title);
		return;
	}
	if (!ui_pager_open(u, e->file))
		return;
	if (mbox_entry_has_tag(e, "unread")) {	/* reading marks read (Maildir S) */
		struct buf err = BUF_INIT;
		q = mbox_query_for(ix->list, e);
		if (mbox_tag(u->db, q, "-unread", &err) < 0)
			ui_message(u, "%s", buf_cstr(&err));
		buf_free(&err);
		free(q);
		mbox_list_refresh(ix->list, ix->cur);
		sidebar_invalidate(&u->sb);
	}
}

/* ui_index_prompt_tags - t: ask for +TAG -TAG changes */
static void ui_index_prompt_tags(struct ui *u)
{
	char *changes = ui_prompt(u, _("Tags (+TAG -TAG): "), NULL);

	if (changes && *changes)
		ui_index_tag(u, changes);
	free(changes);
}

/* ui_index_change - c: a folder or saved search by name, else a query */
static void ui_index_change(struct ui *u)
{
	char *name = ui_prompt(u, _("Open folder, saved search or query: "), NULL);
	const struct sidebar_item *it;
	enum mbox_kind kind = u->cfg->threads ? MBOX_THREADS : MBOX_MESSAGES;

	if (name && *name) {
		it = sidebar_find(&u->sb, name);
		if (it)
			ui_index_push(u, it->query, kind, it->name);
		else
			ui_index_push(u, name, kind, name);
	}
	free(name);
}

bool ui_index_step(struct ui *u)
{
	struct ui_index *ix = u->ix;
	struct mbox_list *l;

	if (ix == NULL || !ix->to_end)
		return false;
	l = ix->list;
	mbox_list_need(l, l->n + UI_END_STEP);
	if (l->done) {
		ix->to_end = false;
		ix->cur = l->n ? l->n - 1 : 0;
		ui_message(u, "%s", "");
	} else {
		/* L10N: End on a long list: how many entries are read so far */
		ui_message(u, _("Reading the list to its end: %zu so far (any key stops)"), l->n);
	}
	return true;
}

void ui_index_key(struct ui *u, int action)
{
	struct ui_index *ix = u->ix;
	long page = ui_page(u);
	bool unread;
	char *q;

	ix->to_end = false;	/* any key stops End's reading */

	switch (action) {
	case ACT_DOWN: ui_index_move(u, 1); break;
	case ACT_UP: ui_index_move(u, -1); break;
	case ACT_PAGE_DOWN: ui_index_move(u, page); ix->top = ix->cur; break;
	case ACT_PAGE_UP: ui_index_move(u, -page); break;
	case ACT_FIRST: ix->cur = 0; break;
	case ACT_LAST: ix->to_end = true; break;	/* read in steps (ui_index_step) */
	case ACT_OPEN: ui_index_open(u); break;
	case ACT_BACK:
		ui_index_pop(u);
		if (u->ix)
			ui_index_reload(u->ix);
		break;
	case ACT_SEARCH:
		q = ui_prompt(u, _("Search (notmuch query): "), NULL);
		if (q && *q)
			ui_index_push(u, q, u->cfg->threads ? MBOX_THREADS : MBOX_MESSAGES, q);
		free(q);
		break;
	case ACT_NEXT: ui_index_unread(u, 1); break;
	case ACT_PREV: ui_index_unread(u, -1); break;
	case ACT_CHANGE: ui_index_change(u); break;
	case ACT_FOCUS: u->sb_focus = ui_sidebar_width(u) > 0; break;
	case ACT_DELETE: ui_index_tag(u, "+deleted"); break;
	case ACT_UNDELETE: ui_index_tag(u, "-deleted"); break;
	case ACT_TAG: ui_index_prompt_tags(u); break;
	case ACT_FLAG:
	case ACT_TOGGLE_UNREAD:
		if (ix->cur >= ix->list->n)
			break;
		unread = mbox_entry_has_tag(mbox_list_get(ix->list, ix->cur),
					    action == ACT_FLAG ? "flagged" : "unread");
		if (action == ACT_FLAG)
			ui_index_tag(u, unread ? "-flagged" : "+flagged");
		else
			ui_index_tag(u, unread ? "-unread" : "+unread");
		break;
	case ACT_COMPOSE:
	case ACT_REPLY:
	case ACT_GROUP_REPLY:
	case ACT_LIST_REPLY:
	case ACT_FORWARD:
	case ACT_RECALL: ui_compose_key(u, action); break;
	default:
		if (action != ACT_NONE)
			ui_message(u, _("That key does nothing in the index."));
	}
}

void ui_sidebar_key(struct ui *u, int action)
{
	enum mbox_kind kind = u->cfg->threads ? MBOX_THREADS : MBOX_MESSAGES;

	switch (action) {
	case ACT_DOWN:
		if (u->sb_cur + 1 < u->sb.n)
			u->sb_cur++;
		break;
	case ACT_UP:
		if (u->sb_cur > 0)
			u->sb_cur--;
		break;
	case ACT_FIRST: u->sb_cur = 0; break;
	case ACT_LAST: u->sb_cur = u->sb.n ? u->sb.n - 1 : 0; break;
	case ACT_OPEN:
		if (u->sb_cur < u->sb.n &&
		    ui_index_push(u, u->sb.items[u->sb_cur].query, kind, u->sb.items[u->sb_cur].name))
			u->sb_focus = false;
		break;
	case ACT_FOCUS:
	case ACT_BACK: u->sb_focus = false; break;
	default: ui_index_key(u, action);
	}
}
