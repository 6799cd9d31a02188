/* ui_agents.c - the agents screen: the chain MUA -> MSA -> MTA -> MDA ->
 * MAA -> MRA drawn as boxes with arrows between them, in one row when the
 * terminal is wide enough and wrapped into rows otherwise, each box with
 * its agent's state, address, queue (the MUA's: its outbox), last log
 * line and last protocol lines (the model is client/agents.c). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "agents.h"
#include "buf.h"
#include "i18n.h"
#include "ui.h"
#include "xalloc.h"

#define UI_AGENTS_MINW 22	/* the narrowest box */
#define UI_AGENTS_MAXW 40	/* the widest */
#define UI_AGENTS_GAP 4		/* columns left of each box, for the arrow */
#define UI_AGENTS_INFO 5	/* lines of a box before its protocol lines */

void ui_agents_refresh(struct ui *u)
{
	if (u->agents == NULL)
		return;
	agents_free(u->agents);
	agents_load(u->agents, u->cfg->conf, u->ob);
}

void ui_agents_open(struct ui *u)
{
	if (u->cfg->conf == NULL)
		return;
	u->agents = xcalloc(1, sizeof(*u->agents));
	agents_load(u->agents, u->cfg->conf, u->ob);
}

void ui_agents_close(struct ui *u)
{
	if (u->agents == NULL)
		return;
	agents_free(u->agents);
	x_free(&u->agents);
}

void ui_agents_key(struct ui *u, int action)
{
	if (action == ACT_BACK || action == ACT_AGENTS)
		ui_agents_close(u);
	else if (action == ACT_OPEN)
		ui_agents_refresh(u);
}

/* ui_agents_per_row - how many boxes fit side by side in cols columns:
 * all six, or three (80 columns), two or one */
static int ui_agents_per_row(int cols)
{
	static const int n[] = { AGENTS_NBOX, 3, 2 };
	size_t i;

	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		if (n[i] * (UI_AGENTS_MINW + UI_AGENTS_GAP) <= cols)
			return n[i];
	return 1;
}

static const char *ui_agents_state(const struct agents_box *b, char *text, size_t size)
{
	if (b->state == AGENTS_RUNNING)
		snprintf(text, size, _("running (pid %ld)"), b->pid);
	else if (b->state == AGENTS_STOPPED)
		snprintf(text, size, "%s", _("stopped"));
	else
		snprintf(text, size, "%s", _("not configured"));
	return text;
}

/* ui_agents_frame - the box's border at (y, x), h rows by w columns, with
 * the title in its top edge */
static void ui_agents_frame(int y, int x, int h, int w, const char *title, int attrs)
{
	attr_set((attr_t)attrs, 0, NULL);
	mvaddch(y, x, ACS_ULCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	attr_set(A_NORMAL, 0, NULL);
	ui_put(y, x + 1, title, w - 2 < (int)strlen(title) ? w - 2 : (int)strlen(title),
	       COL_HEADER + 1, A_BOLD);
}

/* ui_agents_box - one agent's box at (y, x) */
static void ui_agents_box(const struct agents_box *b, int y, int x, int h, int w)
{
	struct buf t = BUF_INIT;
	char text[96];
	struct tm tm;
	int in = w - 2, line = y + 1, last = y + h - 2;
	size_t i;

	buf_printf(&t, "%s %s", b->role, b->program);
	ui_agents_frame(y, x, h, w, buf_cstr(&t),
			b->state == AGENTS_RUNNING ? A_BOLD : A_NORMAL);
	ui_put(line++, x + 1, ui_agents_state(b, text, sizeof(text)), in,
	       (b->state == AGENTS_RUNNING ? COL_HEADER : COL_DELETED) + 1,
	       b->state == AGENTS_RUNNING ? A_BOLD : A_NORMAL);
	ui_put(line++, x + 1, b->address ? b->address : "-", in, 0, A_NORMAL);
	buf_reset(&t);
	if (b->queue >= 0 && strcmp(b->role, "MUA") == 0)
		/* L10N: messages in the client's outbox, not yet submitted */
		buf_printf(&t, _("outbox: %ld"), b->queue);
	else if (b->queue >= 0)
		/* L10N: messages waiting in the MTA's queue */
		buf_printf(&t, _("queue: %ld"), b->queue);
	ui_put(line++, x + 1, buf_cstr(&t), in, 0, A_NORMAL);
	buf_reset(&t);
	if (b->last_time != (time_t)-1 && localtime_r(&b->last_time, &tm)) {
		strftime(text, sizeof(text), "%m-%d %H:%M:%S", &tm);
		/* L10N: the time of the agent's last line in the log */
		buf_printf(&t, _("last: %s"), text);
	}
	ui_put(line++, x + 1, buf_cstr(&t), in, COL_NOTE + 1, A_NORMAL);
	ui_put(line++, x + 1, b->last_text ? b->last_text : "", in, 0, A_NORMAL);
	/* the newest protocol lines that fit */
	i = b->nproto > (size_t)(last - line + 1) ? b->nproto - (size_t)(last - line + 1) : 0;
	for (; i < b->nproto && line <= last; i++)
		ui_put(line++, x + 1, b->proto[i], in, COL_QUOTE + 1, A_NORMAL);
	buf_free(&t);
}

/* ui_agents_arrow - "─▶" left of the box at (y, x): from the box before it,
 * or from the end of the row above */
static void ui_agents_arrow(int y, int x)
{
	mvaddch(y, x - 3, ACS_HLINE);
	mvaddch(y, x - 2, ACS_HLINE);
	mvaddch(y, x - 1, ACS_RARROW);
}

void ui_agents_draw(struct ui *u)
{
	int per = ui_agents_per_row(u->cols);
	int nrows = (AGENTS_NBOX + per - 1) / per;
	int w = (u->cols - per * UI_AGENTS_GAP) / per;
	int h = (u->rows - 2) / nrows, i, x, y;

	ui_put(0, 0, _("poczta: the mail agents  (q: back; read again every second)"), u->cols,
	       COL_STATUS + 1, A_BOLD);
	if (w > UI_AGENTS_MAXW)
		w = UI_AGENTS_MAXW;
	if (h > UI_AGENTS_INFO + AGENTS_PROTO + 2)
		h = UI_AGENTS_INFO + AGENTS_PROTO + 2;
	if (w < 8 || h < UI_AGENTS_INFO + 2) {
		ui_put(1, 0, _("The terminal is too small for the agents screen."), u->cols,
		       COL_NOTE + 1, A_NORMAL);
		return;
	}
	for (i = 0; i < AGENTS_NBOX; i++) {
		x = UI_AGENTS_GAP + (i % per) * (w + UI_AGENTS_GAP);
		y = 1 + (i / per) * h;
		ui_agents_box(&u->agents->box[i], y, x, h, w);
		if (i > 0)
			ui_agents_arrow(y + 1, x);
	}
}
