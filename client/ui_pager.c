/* ui_pager.c - the pager over mimeview's lines, the attachment list, and
 * saving or viewing a part through mailcap (ui.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fsutil.h"
#include "i18n.h"
#include "index.h"
#include "mimeview.h"
#include "text.h"
#include "ui.h"
#include "xalloc.h"

/* ui_pager_opts - mimeview's options from the configuration */
static struct mimeview_opts ui_pager_opts(const struct ui *u)
{
	struct mimeview_opts o;

	memset(&o, 0, sizeof(o));
	o.headers = (const char *const *)u->cfg->headers;
	o.width = u->cols > 200 ? 0 : u->cols - 2;
	o.prefer_html = u->cfg->prefer_html;
	o.mailcap_path = u->cfg->mailcap;
	return o;
}

/* ui_pager_rows - split the lines into screen rows of u->cols columns, so a
 * long line is wrapped rather than cut (wide characters never split) */
static void ui_pager_rows(struct ui *u)
{
	struct ui_pager *pg = u->pg;
	size_t i, off, cap = pg->mv->nlines + 16;
	const char *t;

	free(pg->rows);
	pg->rows = xreallocarray(NULL, cap, sizeof(*pg->rows));
	pg->nrows = 0;
	for (i = 0; i < pg->mv->nlines; i++) {
		t = pg->mv->lines[i].text;
		off = 0;
		do {
			if (pg->nrows == cap) {
				cap *= 2;
				pg->rows = xreallocarray(pg->rows, cap, sizeof(*pg->rows));
			}
			pg->rows[pg->nrows].line = i;
			pg->rows[pg->nrows++].off = off;
			off = (size_t)(text_skip(t + off, u->cols > 0 ? u->cols : 1) - t);
		} while (t[off] != '\0');
	}
}

/* ui_pager_row_of - the first row of line */
static size_t ui_pager_row_of(const struct ui_pager *pg, size_t line)
{
	size_t i;

	for (i = 0; i < pg->nrows; i++)
		if (pg->rows[i].line >= line)
			return i;
	return pg->nrows ? pg->nrows - 1 : 0;
}

bool ui_pager_open(struct ui *u, const char *file)
{
	struct mimeview_opts o = ui_pager_opts(u);
	struct ui_pager *pg = xcalloc(1, sizeof(*pg));
	char *now = index_file_now(file);

	pg->data = now ? read_file(now, &pg->len) : NULL;
	if (pg->data == NULL) {
		ui_message(u, _("cannot read %s: %s"), file, strerror(now ? errno : ENOENT));
		free(now);
		free(pg);
		return false;
	}
	pg->mv = mimeview_parse(pg->data, pg->len, &o);
	pg->file = now;
	u->pg = pg;
	ui_pager_rows(u);
	return true;
}

void ui_pager_close(struct ui *u)
{
	struct ui_pager *pg = u->pg;

	if (pg == NULL)
		return;
	mimeview_free(pg->mv);
	free(pg->data);
	free(pg->file);
	free(pg->find);
	free(pg->rows);
	free(pg);
	u->pg = NULL;
}

void ui_pager_relayout(struct ui *u)
{
	struct ui_pager *pg = u->pg;
	struct mimeview_opts o = ui_pager_opts(u);
	size_t old = pg->mv->nlines, line = pg->nrows ? pg->rows[pg->top].line : 0;

	mimeview_free(pg->mv);
	pg->mv = mimeview_parse(pg->data, pg->len, &o);
	/* re-wrapped lines move: keep the same share of the message above */
	line = old ? (size_t)((double)line * (double)pg->mv->nlines / (double)old) : 0;
	ui_pager_rows(u);
	pg->top = ui_pager_row_of(pg, line);
}

static int ui_pager_pair(const struct mimeview_line *l)
{
	switch (l->kind) {
	case MV_HEADER: return COL_HEADER + 1;
	case MV_QUOTE: return COL_QUOTE + 1;
	case MV_SIGNATURE: return COL_SIGNATURE + 1;
	case MV_ATTACHMENT: return COL_ATTACHMENT + 1;
	case MV_NOTE: return COL_NOTE + 1;
	default: return COL_NORMAL + 1;
	}
}

/* ui_attach_draw - the parts of the message, one a line */
static void ui_attach_draw(struct ui *u)
{
	struct ui_pager *pg = u->pg;
	struct buf b = BUF_INIT;
	size_t i;
	int y = 1;

	ui_put(0, 0, _("poczta: attachments  q:back  s:save  m:view"), u->cols, COL_STATUS + 1,
	       A_BOLD);
	for (i = 0; i < pg->mv->nparts && y <= ui_page(u); i++, y++) {
		const struct mimeview_part *p = &pg->mv->parts[i];
		buf_reset(&b);
		buf_printf(&b, "%*s%-6s %-28s %8zu  %s", p->depth * 2, "", p->id, p->type, p->size,
			   p->filename ? p->filename : (p->description ? p->description : ""));
		ui_put(y, 0, buf_cstr(&b), u->cols, i == pg->acur ? COL_SELECTED + 1
			: COL_ATTACHMENT + 1, A_NORMAL);
	}
	buf_free(&b);
}

void ui_pager_draw(struct ui *u)
{
	struct ui_pager *pg = u->pg;
	struct mimeview *mv = pg->mv;
	struct buf b = BUF_INIT;
	size_t i;
	int y, page = ui_page(u);

	if (pg->attachments) {
		ui_attach_draw(u);
		return;
	}
	if (pg->path) {
		ui_path_draw(u);
		return;
	}
	buf_printf(&b, "poczta: %s  (%zu/%zu)  %s", mv->subject ? mv->subject : "",
		   pg->nrows ? pg->rows[pg->top].line + 1 : 0, mv->nlines,
		   _("q:index  v:attachments  /:find  ?:help"));
	ui_put(0, 0, buf_cstr(&b), u->cols, COL_STATUS + 1, A_BOLD);
	for (i = pg->top, y = 1; i < pg->nrows && y <= page; i++, y++) {
		const struct mimeview_line *l = &mv->lines[pg->rows[i].line];
		bool hit = pg->find && strstr(l->text, pg->find);
		ui_put(y, 0, l->text + pg->rows[i].off, u->cols, ui_pager_pair(l),
		       (l->kind == MV_HEADER ? A_BOLD : A_NORMAL) | (hit ? A_REVERSE : A_NORMAL));
	}
	buf_free(&b);
}

/* ui_pager_find - the next line (dir 1) or previous (-1) holding pg->find */
static void ui_pager_find(struct ui *u, int dir)
{
	struct ui_pager *pg = u->pg;
	size_t i = pg->nrows ? pg->rows[pg->top].line : 0;

	if (pg->find == NULL)
		return;
	while (dir > 0 ? i + 1 < pg->mv->nlines : i > 0) {
		i = dir > 0 ? i + 1 : i - 1;
		if (strstr(pg->mv->lines[i].text, pg->find)) {
			pg->top = ui_pager_row_of(pg, i);
			return;
		}
	}
	ui_message(u, _("Not found: %s"), pg->find);
}

/* ui_pager_scroll - move the top line by delta, within the message */
static void ui_pager_scroll(struct ui *u, long delta)
{
	struct ui_pager *pg = u->pg;
	long top = (long)pg->top + delta, last = (long)pg->nrows - ui_page(u);

	if (top > last)
		top = last;
	pg->top = top < 0 ? 0 : (size_t)top;
}

/* ui_attach_save - s: save the part, never over an existing file */
static void ui_attach_save(struct ui *u)
{
	struct ui_pager *pg = u->pg;
	const struct mimeview_part *p = &pg->mv->parts[pg->acur];
	const char *base = p->filename ? strrchr(p->filename, '/') : NULL;
	char *dest, *def;
	int r;

	base = base ? base + 1 : (p->filename ? p->filename : "");
	def = xstrdup(*base && *base != '.' ? base : "attachment");
	dest = ui_prompt(u, _("Save to: "), def);
	free(def);
	if (dest == NULL || *dest == '\0') {
		free(dest);
		return;
	}
	r = mimeview_part_save(pg->data, pg->len, p->id, dest);
	if (r == -EEXIST)
		ui_message(u, _("%s exists; nothing was written."), dest);
	else if (r < 0)
		ui_message(u, _("cannot save %s: %s"), dest, strerror(-r));
	else
		ui_message(u, _("Saved %s."), dest);
	free(dest);
}

/* ui_attach_view - m: the part through its mailcap view command, with
 * curses put away while the program has the terminal.  The command is
 * the user's mailcap entry with the name of a file we made; nothing in it
 * comes from the message, so it runs through sh as mailcap (RFC 1524)
 * commands are written for. */
static void ui_attach_view(struct ui *u)
{
	struct ui_pager *pg = u->pg;
	const struct mimeview_part *p = &pg->mv->parts[pg->acur];
	struct mimeview_opts o = ui_pager_opts(u);
	char tmp[] = "/tmp/poczta-view.XXXXXX";
	struct buf data = BUF_INIT;
	char *cmd;
	int fd, status = -1;
	pid_t pid;

	if (!mimeview_part_data(pg->data, pg->len, p->id, &data) || (fd = mkstemp(tmp)) < 0) {
		ui_message(u, _("cannot extract part %s"), p->id);
		buf_free(&data);
		return;
	}
	if (write_all(fd, data.data, data.len) < 0 ||
	    (cmd = mimeview_part_view_command(p->type, tmp, &o)) == NULL) {
		ui_message(u, _("No mailcap entry views %s."), p->type);
	} else {
		def_prog_mode();
		endwin();
		pid = fork();
		if (pid == 0) {
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, &status, 0);
		reset_prog_mode();
		clearok(curscr, TRUE);
		ui_message(u, _("%s ended with status %d."), cmd,
			   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		free(cmd);
	}
	close(fd);
	unlink(tmp);
	buf_free(&data);
}

static void ui_attach_key(struct ui *u, int action)
{
	struct ui_pager *pg = u->pg;

	switch (action) {
	case ACT_DOWN:
		if (pg->acur + 1 < pg->mv->nparts)
			pg->acur++;
		break;
	case ACT_UP:
		if (pg->acur > 0)
			pg->acur--;
		break;
	case ACT_SAVE:
		if (pg->acur < pg->mv->nparts)
			ui_attach_save(u);
		break;
	case ACT_OPEN:
	case ACT_VIEW:
	case ACT_COMPOSE:	/* m views here, as in mutt's attachment menu */
		if (pg->acur < pg->mv->nparts)
			ui_attach_view(u);
		break;
	case ACT_BACK:
	case ACT_ATTACHMENTS: pg->attachments = false; break;
	default: ui_message(u, _("That key does nothing in the attachment list."));
	}
}

void ui_pager_key(struct ui *u, int action)
{
	struct ui_pager *pg = u->pg;
	long page = ui_page(u);
	char *q;

	if (pg->attachments) {
		ui_attach_key(u, action);
		return;
	}
	if (pg->path) {		/* a screen to read: any key goes back */
		pg->path = false;
		return;
	}
	switch (action) {
	case ACT_DOWN: ui_pager_scroll(u, 1); break;
	case ACT_UP: ui_pager_scroll(u, -1); break;
	case ACT_PAGE_DOWN: ui_pager_scroll(u, page); break;
	case ACT_PAGE_UP: ui_pager_scroll(u, -page); break;
	case ACT_FIRST: pg->top = 0; break;
	case ACT_LAST: ui_pager_scroll(u, (long)pg->nrows); break;
	case ACT_BACK: ui_pager_close(u); break;
	case ACT_SEARCH:
		q = ui_prompt(u, _("Find: "), pg->find);
		if (q && *q) {
			free(pg->find);
			pg->find = q;
			q = NULL;
			if (pg->top >= pg->nrows ||
			    !strstr(pg->mv->lines[pg->rows[pg->top].line].text, pg->find))
				ui_pager_find(u, 1);
		}
		free(q);
		break;
	case ACT_NEXT: ui_pager_find(u, 1); break;
	case ACT_PREV: ui_pager_find(u, -1); break;
	case ACT_ATTACHMENTS:
	case ACT_SAVE:
	case ACT_VIEW:
		pg->attachments = true;
		pg->acur = 0;
		break;
	case ACT_PATH: pg->path = true; break;
	case ACT_DELETE:	/* the message shown is the index's current one */
	case ACT_UNDELETE:
	case ACT_FLAG:
	case ACT_TOGGLE_UNREAD:
	case ACT_TAG:
		ui_index_key(u, action);
		break;
	case ACT_COMPOSE:
	case ACT_REPLY:
	case ACT_GROUP_REPLY:
	case ACT_LIST_REPLY:
	case ACT_FORWARD:
	case ACT_RECALL: ui_compose_key(u, action); break;
	default: ui_message(u, _("That key does nothing in the pager; q goes back."));
	}
}
