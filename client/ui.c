/* ui.c - the client's screen: curses set up and torn down, colours, the
 * main loop with its key table, the prompt, the help screen (ui.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include "i18n.h"
#include "strlist.h"
#include "text.h"
#include "ui.h"
#include "xalloc.h"

#define UI_IDLE_MS 5000		/* how often new mail is looked for */
#define UI_AGENTS_MS 1000	/* how often the agents screen is read again */

void ui_put(int y, int x, const char *text, int cols, int pair, int attrs)
{
	struct buf b = BUF_INIT;

	if (cols <= 0)
		return;
	text_fit(&b, text, cols, 1);
	attr_set((attr_t)attrs, (short)pair, NULL);
	mvaddstr(y, x, buf_cstr(&b));
	attr_set(A_NORMAL, 0, NULL);
	buf_free(&b);
}

int ui_page(const struct ui *u)
{
	return u->rows > 3 ? u->rows - 2 : 1;
}

void ui_message(struct ui *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->status, sizeof(u->status), fmt, ap);
	va_end(ap);
}

int ui_key(void)
{
	wint_t c;
	int r = get_wch(&c);

	if (r == ERR)
		return -1;
	if (r == OK)
		return (int)c;
	switch (c) {
	case KEY_UP: return KEYS_UP;
	case KEY_DOWN: return KEYS_DOWN;
	case KEY_LEFT: return KEYS_LEFT;
	case KEY_RIGHT: return KEYS_RIGHT;
	case KEY_PPAGE: return KEYS_PGUP;
	case KEY_NPAGE: return KEYS_PGDN;
	case KEY_HOME: return KEYS_HOME;
	case KEY_END: return KEYS_END;
	case KEY_ENTER: return KEYS_ENTER;
	case KEY_BACKSPACE: return KEYS_BACKSPACE;
	case KEY_DC: return KEYS_DELETE;
	case KEY_RESIZE: return KEYS_RESIZE;
	default: return KEYS_SPECIAL;
	}
}

char *ui_prompt(struct ui *u, const char *question, const char *initial)
{
	return ui_prompt_complete(u, question, initial, NULL, NULL);
}

/* ui_prompt_tab - Tab: the last comma-separated item of line replaced by
 * the next of its completions (asked for on the first Tab of a row) */
static size_t ui_prompt_tab(wchar_t *line, size_t n, char ***cands, size_t *next,
			    size_t *keep, char **(*complete)(void *, const char *), void *ctx)
{
	char mb[2048], *item;
	wchar_t w[512];
	size_t m;

	line[n] = L'\0';
	if (*cands == NULL) {
		if (wcstombs(mb, line, sizeof(mb)) == (size_t)-1)
			return n;
		item = strrchr(mb, ',');
		item = item ? item + 1 : mb;
		item += strspn(item, " ");
		*keep = (size_t)(item - mb);
		*cands = complete(ctx, item);
		*next = 0;
	}
	if (*cands == NULL || (*cands)[0] == NULL)
		return n;
	if ((*cands)[*next] == NULL)
		*next = 0;
	if (wcstombs(mb, line, sizeof(mb)) == (size_t)-1)
		return n;
	mb[*keep] = '\0';
	snprintf(mb + *keep, sizeof(mb) - *keep, "%s", (*cands)[(*next)++]);
	m = mbstowcs(w, mb, 511);
	if (m == (size_t)-1)
		return n;
	wmemcpy(line, w, m);
	return m;
}

char *ui_prompt_complete(struct ui *u, const char *question, const char *initial,
			 char **(*complete)(void *ctx, const char *prefix), void *ctx)
{
	wchar_t line[512];
	size_t n = 0, next = 0, keep = 0;
	int k, qw = text_width(question);
	char out[2048], **cands = NULL;

	if (initial && (n = mbstowcs(line, initial, 511)) == (size_t)-1)
		n = 0;
	curs_set(1);
	for (;;) {
		size_t skip = 0;
		int w = qw;

		line[n] = L'\0';
		while (skip < n && wcswidth(line + skip, n - skip) > u->cols - qw - 2)
			skip++;	/* keep the end of a long line in view */
		ui_put(u->rows - 1, 0, question, u->cols, 0, A_NORMAL);
		mvaddwstr(u->rows - 1, qw, line + skip);
		w += wcswidth(line + skip, n - skip) > 0 ? wcswidth(line + skip, n - skip) : 0;
		move(u->rows - 1, w < u->cols ? w : u->cols - 1);
		wnoutrefresh(stdscr);
		doupdate();
		k = ui_key();
		if (k == 27 || k == 7) {	/* Esc, ^G */
			curs_set(0);
			ui_message(u, "%s", "");
			strlist_free(cands);
			return NULL;
		}
		if (k == '\r' || k == '\n' || k == KEYS_ENTER)
			break;
		if (k == '\t' && complete) {
			n = ui_prompt_tab(line, n, &cands, &next, &keep, complete, ctx);
			continue;
		}
		if (k >= 0) {	/* any other key: the next Tab completes anew */
			strlist_free(cands);
			cands = NULL;
		}
		if ((k == KEYS_BACKSPACE || k == 127 || k == 8) && n > 0)
			n--;
		else if (k == 21)	/* ^U */
			n = 0;
		else if (k >= ' ' && k < KEYS_SPECIAL && k != 127 && n < 511)
			line[n++] = (wchar_t)k;
	}
	curs_set(0);
	strlist_free(cands);
	line[n] = L'\0';
	if (wcstombs(out, line, sizeof(out)) == (size_t)-1)
		return NULL;
	return xstrdup(out);
}

/* ui_colors - a pair for every element (pair number = element + 1) */
static void ui_colors(const struct client_config *cfg)
{
	int i;

	if (!has_colors())
		return;
	start_color();
	use_default_colors();
	for (i = 0; i < COL_COUNT; i++)
		init_pair((short)(i + 1), cfg->colors[i].fg, cfg->colors[i].bg);
}

/* ui_help_draw - the help screen, built from the key table */
static void ui_help_draw(struct ui *u)
{
	const struct keys_action_def *d;
	struct buf b = BUF_INIT;
	int y = 1;
	size_t i = 0;

	ui_put(0, 0, _("poczta: keys (q: back)"), u->cols, COL_STATUS + 1, A_BOLD);
	for (d = keys_actions; d->action != ACT_NONE; d++, i++) {
		if (i < u->help_top || y > u->rows - 2)
			continue;
		buf_reset(&b);
		keys_of(&u->cfg->keys, d->action, &b);
		ui_put(y, 0, buf_cstr(&b), 16, COL_HEADER + 1, A_BOLD);
		ui_put(y, 16, d->name, 16, 0, A_NORMAL);
		ui_put(y++, 32, _(d->help), u->cols - 32, 0, A_NORMAL);
	}
	buf_free(&b);
}

static void ui_draw(struct ui *u)
{
	erase();
	if (u->help)
		ui_help_draw(u);
	else if (u->agents)
		ui_agents_draw(u);
	else if (u->pg)
		ui_pager_draw(u);
	else if (u->obs)
		ui_outbox_draw(u);
	else
		ui_index_draw(u);
	ui_put(u->rows - 1, 0, u->status, u->cols, 0, A_NORMAL);
	wnoutrefresh(stdscr);
	doupdate();
}

/* ui_resize - the terminal changed size: lay out again, keeping the place */
static void ui_resize(struct ui *u)
{
	getmaxyx(stdscr, u->rows, u->cols);
	if (u->pg)
		ui_pager_relayout(u);
}

/* ui_dispatch - one key to the screen in front */
/* ui_tty_gone - whether the terminal hung up: then every read fails at
 * once, and a loop that took that for "no key yet" would spin */
static bool ui_tty_gone(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void ui_dispatch(struct ui *u, int key)
{
	enum keys_action a = keys_lookup(&u->cfg->keys, key);

	u->status[0] = '\0';
	if (key == KEYS_RESIZE)
		ui_resize(u);
	else if (a == ACT_QUIT)
		u->quit = true;
	else if (a == ACT_REDRAW)
		clearok(curscr, TRUE);
	else if (u->help) {
		if (a == ACT_BACK || a == ACT_HELP)
			u->help = false;
		else if (a == ACT_DOWN || a == ACT_PAGE_DOWN)
			u->help_top++;
		else if ((a == ACT_UP || a == ACT_PAGE_UP) && u->help_top > 0)
			u->help_top--;
	} else if (a == ACT_HELP) {
		u->help = true;
		u->help_top = 0;
	} else if (u->agents && a != ACT_UNDO_SEND)	/* undo-send works everywhere */
		ui_agents_key(u, a);
	else if (ui_outbox_key(u, a))
		;
	else if (a == ACT_AGENTS)
		ui_agents_open(u);
	else if (u->pg)
		ui_pager_key(u, a);
	else if (u->sb_focus)
		ui_sidebar_key(u, a);
	else
		ui_index_key(u, a);
	if (a == ACT_NONE && key != KEYS_RESIZE && key >= 0)
		ui_message(u, _("Key is not bound; ? shows the keys."));
}

/* ui_idle - no key for a while: show mail indexed or tagged meanwhile
 * (by delivery, or an IMAP client through the Maildir flags) */
static void ui_idle(struct ui *u)
{
	struct ui_index *ix;

	if (!mbox_db_refresh(u->db))
		return;
	for (ix = u->ix; ix; ix = ix->prev)
		ui_index_reload(ix);
	sidebar_invalidate(&u->sb);
}

int ui_run(struct client_config *cfg)
{
	struct ui u;
	struct buf err = BUF_INIT;
	time_t last_idle = time(NULL);
	bool counting, tick;
	int key;

	memset(&u, 0, sizeof(u));
	u.cfg = cfg;
	u.db = mbox_db_open(cfg->maildir, &err);
	if (u.db == NULL) {
		fprintf(stderr, "poczta: %s\n", buf_cstr(&err));
		buf_free(&err);
		return 1;
	}
	sidebar_load(&u.sb, cfg->maildir, cfg);
	ui_outbox_open(&u);
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui_colors(cfg);
	getmaxyx(stdscr, u.rows, u.cols);
	if (!ui_index_push(&u, cfg->start, cfg->threads ? MBOX_THREADS : MBOX_MESSAGES, cfg->start))
		ui_index_push(&u, "*", cfg->threads ? MBOX_THREADS : MBOX_MESSAGES, "*");
	while (!u.quit && u.ix) {
		/* a second's tick while the outbox counts down or sends, or
		 * the agents screen is shown */
		tick = ui_outbox_tick(&u) || u.agents;
		ui_draw(&u);
		/* the sidebar's counts come after the first screen, one folder or
		 * search at a time while no key waits; End reads in steps too */
		counting = sidebar_pending(&u.sb);
		timeout(counting || (u.ix->to_end && !u.pg) ? 0 : tick ? UI_AGENTS_MS : UI_IDLE_MS);
		key = ui_key();
		if (key >= 0)
			ui_dispatch(&u, key);
		else if (ui_tty_gone()) {
			u.quit = true;	/* the terminal went away: nobody to wait for */
			break;
		}
		if (key < 0 && u.agents)
			ui_agents_refresh(&u);
		if (key >= 0)
			;
		else if (!u.pg && ui_index_step(&u))
			;
		else if (counting)
			sidebar_count_step(&u.sb, u.db);
		else if (time(NULL) - last_idle >= UI_IDLE_MS / 1000) {
			ui_idle(&u);
			last_idle = time(NULL);
		}
	}
	endwin();
	ui_agents_close(&u);
	ui_outbox_close(&u);
	ui_pager_close(&u);
	while (u.ix)
		ui_index_pop(&u);
	sidebar_free(&u.sb);
	mbox_db_close(u.db);
	buf_free(&err);
	return 0;
}
