/* ui_compose_screen.c - the compose screen, as mutt's compose menu: the
 * message's header fields and attachments, with keys to change them, send,
 * postpone or abort; and the list R chooses a postponed message from. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "addrbook.h"
#include "compose_ui.h"
#include "fsutil.h"
#include "i18n.h"
#include "strlist.h"
#include "text.h"
#include "xalloc.h"

#define UI_COMPOSE_FIELDS 6	/* From To Cc Bcc Subject Reply-To */

/* ui_compose_size - a size as mutt shows it: 512, 1.2K, 3.4M */
static void ui_compose_size(struct buf *b, unsigned long long n)
{
	if (n < 1024)
		buf_printf(b, "%llu", n);
	else if (n < 1024ULL * 1024)
		buf_printf(b, "%.1fK", (double)n / 1024);
	else
		buf_printf(b, "%.1fM", (double)n / (1024.0 * 1024));
}

/* ui_compose_att_line - one attachment: number, name, type and size */
static void ui_compose_att_line(const struct compose_att *a, size_t i, struct buf *b)
{
	unsigned long long size = a->len;
	const char *type = a->type;
	char head[4096];
	ssize_t n = 0;
	struct stat st;
	int fd;

	if (a->path) {
		fd = open(a->path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0)
			size = (unsigned long long)st.st_size;
		if (fd >= 0 && type == NULL && (n = read(fd, head, sizeof(head))) < 0)
			n = 0;
		if (fd >= 0)
			close(fd);
	}
	if (type == NULL)
		type = compose_guess_type(a->name ? a->name : a->path, a->path ? head : a->data,
					  a->path ? (size_t)n : a->len);
	buf_printf(b, "%3zu  [%s, ", i + 1, type);
	ui_compose_size(b, size);
	buf_printf(b, "]  %s", a->name ? a->name : (a->path ? a->path : ""));
	if (a->description)
		buf_printf(b, "  (%s)", a->description);
}

/* ui_compose_help_draw - the compose screen's keys */
static void ui_compose_help_draw(struct ui *u)
{
	const struct keys_action_def *d;
	struct buf b = BUF_INIT;
	int y = 1;

	ui_put(0, 0, _("poczta: compose screen keys (any key: back)"), u->cols, COL_STATUS + 1,
	       A_BOLD);
	for (d = keys_compose_actions; d->action != ACT_NONE && y < u->rows - 1; d++) {
		buf_reset(&b);
		keys_of(&u->cfg->compose_keys, d->action, &b);
		ui_put(y, 0, buf_cstr(&b), 16, COL_HEADER + 1, A_BOLD);
		ui_put(y, 16, d->name, 20, 0, A_NORMAL);
		ui_put(y++, 36, _(d->help), u->cols - 36, 0, A_NORMAL);
	}
	buf_free(&b);
}

static void ui_compose_draw(struct ui *u, struct ui_compose *uc)
{
	const char *names[UI_COMPOSE_FIELDS] = { "From", "To", "Cc", "Bcc", "Subject", "Reply-To" };
	const char *values[UI_COMPOSE_FIELDS] = { uc->c.from, uc->c.to, uc->c.cc, uc->c.bcc,
						  uc->c.subject, uc->c.reply_to };
	struct buf b = BUF_INIT;
	size_t i, lines = 0;
	const char *p;
	int y;

	erase();
	if (uc->help) {
		ui_compose_help_draw(u);
		goto out;
	}
	buf_printf(&b, "poczta: %s  %s", _("Compose"),
		   _("y:send  t:To  c:Cc  s:Subject  a:attach  e:edit  P:postpone  q:abort  ?:help"));
	ui_put(0, 0, buf_cstr(&b), u->cols, COL_STATUS + 1, A_BOLD);
	for (i = 0; i < UI_COMPOSE_FIELDS; i++) {
		buf_reset(&b);
		buf_printf(&b, "%8s: %s", names[i], values[i] ? values[i] : "");
		ui_put(1 + (int)i, 0, buf_cstr(&b), u->cols, COL_HEADER + 1, A_NORMAL);
	}
	for (p = uc->c.body ? uc->c.body : ""; *p; p++)
		lines += *p == '\n';
	buf_reset(&b);
	/* L10N: the compose screen's line about the text of the message */
	buf_printf(&b, _("-- Text: %zu lines; attachments: %zu"), lines, uc->c.natt);
	ui_put(2 + UI_COMPOSE_FIELDS, 0, buf_cstr(&b), u->cols, 0, A_BOLD);
	for (i = 0, y = 3 + UI_COMPOSE_FIELDS; i < uc->c.natt && y < u->rows - 1; i++, y++) {
		buf_reset(&b);
		ui_compose_att_line(&uc->c.att[i], i, &b);
		ui_put(y, 0, buf_cstr(&b), u->cols, i == uc->acur ? COL_SELECTED + 1 :
		       COL_ATTACHMENT + 1, A_NORMAL);
	}
out:
	ui_put(u->rows - 1, 0, u->status, u->cols, 0, A_NORMAL);
	wnoutrefresh(stdscr);
	doupdate();
	buf_free(&b);
}

/* ui_compose_complete - Tab in To, Cc and Bcc: the address book's
 * completions of prefix (the index's addresses and the aliases) */
static char **ui_compose_complete(void *ctx, const char *prefix)
{
	struct ui *u = ctx;
	char **found, **out = NULL;
	size_t i;

	if (*prefix == '\0')
		return NULL;
	found = addrbook_complete(u->cfg->maildir, u->cfg->aliases, prefix, 20);
	for (i = 0; found[i]; i++)
		out = strlist_add(out, found[i]);
	addrbook_free(found);
	return out;
}

/* ui_compose_field - ask for a field's new value; "" clears it */
static void ui_compose_field(struct ui *u, struct ui_compose *uc, char **field,
			     const char *question, bool addresses)
{
	char *v = addresses ? ui_prompt_complete(u, question, *field, ui_compose_complete, u)
			    : ui_prompt(u, question, *field);

	if (v == NULL)
		return;
	free(*field);
	*field = *v ? v : NULL;
	if (*v == '\0')
		free(v);
	uc->modified = true;
}

/* ui_compose_attach - a: a file, checked readable now */
static void ui_compose_attach(struct ui *u, struct ui_compose *uc)
{
	char *path = ui_prompt(u, _("Attach file: "), NULL), *full;
	const char *home = getenv("HOME");
	struct buf err = BUF_INIT;

	if (path == NULL || *path == '\0') {
		free(path);
		return;
	}
	if (strncmp(path, "~/", 2) == 0 && home)
		full = xasprintf("%s/%s", home, path + 2);
	else
		full = xstrdup(path);
	if (compose_att_add_file(&uc->c, full, NULL, &err) < 0)
		ui_message(u, "%s", buf_cstr(&err));
	else {
		uc->acur = uc->c.natt - 1;
		uc->modified = true;
	}
	free(full);
	free(path);
	buf_free(&err);
}

/* ui_compose_abort - q: asks first, so no text is lost by a stray key */
static void ui_compose_abort(struct ui *u, struct ui_compose *uc)
{
	if (ui_compose_yesno(u, uc->modified ? _("Abort modified message? (y/n)")
			     : _("Abort unmodified message? (y/n)"))) {
		ui_message(u, _("Message aborted."));
		uc->done = true;
	} else
		ui_message(u, "%s", "");
}

static void ui_compose_screen_key(struct ui *u, struct ui_compose *uc, int action)
{
	switch (action) {
	case ACT_C_SEND: uc->done = ui_compose_send(u, uc); break;
	case ACT_C_TO: ui_compose_field(u, uc, &uc->c.to, "To: ", true); break;
	case ACT_C_CC: ui_compose_field(u, uc, &uc->c.cc, "Cc: ", true); break;
	case ACT_C_BCC: ui_compose_field(u, uc, &uc->c.bcc, "Bcc: ", true); break;
	case ACT_C_SUBJECT: ui_compose_field(u, uc, &uc->c.subject, "Subject: ", false); break;
	case ACT_C_REPLY_TO: ui_compose_field(u, uc, &uc->c.reply_to, "Reply-To: ", false); break;
	case ACT_C_FROM: ui_compose_field(u, uc, &uc->c.from, "From: ", false); break;
	case ACT_C_EDIT: ui_compose_edit(u, uc, false); break;
	case ACT_C_ATTACH: ui_compose_attach(u, uc); break;
	case ACT_C_DETACH:
		if (uc->acur >= uc->c.natt) {
			ui_message(u, _("There is no attachment to remove."));
			break;
		}
		compose_att_remove(&uc->c, uc->acur);
		if (uc->acur > 0 && uc->acur >= uc->c.natt)
			uc->acur--;
		uc->modified = true;
		break;
	case ACT_C_POSTPONE: uc->done = ui_compose_postpone(u, uc); break;
	case ACT_C_ABORT: ui_compose_abort(u, uc); break;
	case ACT_DOWN:
		if (uc->acur + 1 < uc->c.natt)
			uc->acur++;
		break;
	case ACT_UP:
		if (uc->acur > 0)
			uc->acur--;
		break;
	case ACT_HELP: uc->help = true; break;
	case ACT_REDRAW: clearok(curscr, TRUE); break;
	default: ui_message(u, _("Key is not bound; ? shows the keys."));
	}
}

void ui_compose_screen(struct ui *u, struct ui_compose *uc)
{
	int k;

	while (!uc->done) {
		ui_compose_draw(u, uc);
		k = ui_key();
		if (k < 0 || k == 27)	/* Esc f is f, as mutt's Esc prefix */
			continue;
		if (k == KEYS_RESIZE) {
			ui_compose_resize(u);
			continue;
		}
		if (uc->help) {
			uc->help = false;
			continue;
		}
		u->status[0] = '\0';
		ui_compose_screen_key(u, uc, keys_lookup(&u->cfg->compose_keys, k));
	}
}

/* ui_compose_pick_draw - the postponed messages: date, To and Subject */
static void ui_compose_pick_draw(struct ui *u, char *const *files, char *const *rows, size_t cur)
{
	size_t i, top = 0, page = (size_t)ui_page(u);

	erase();
	ui_put(0, 0, _("poczta: postponed messages  Enter:recall  q:back"), u->cols,
	       COL_STATUS + 1, A_BOLD);
	if (cur >= page)
		top = cur - page + 1;
	for (i = top; files[i] && i - top < page; i++)
		ui_put(1 + (int)(i - top), 0, rows[i], u->cols,
		       i == cur ? COL_SELECTED + 1 : COL_NORMAL + 1, A_NORMAL);
	ui_put(u->rows - 1, 0, u->status, u->cols, 0, A_NORMAL);
	wnoutrefresh(stdscr);
	doupdate();
}

/* ui_compose_pick_rows - a line for each draft */
static char **ui_compose_pick_rows(char *const *files)
{
	char **rows = NULL, *data, date[32];
	struct buf b = BUF_INIT, err = BUF_INIT;
	struct compose c;
	struct stat st;
	size_t i, len;

	for (i = 0; files[i]; i++) {
		buf_reset(&b);
		compose_init(&c);
		data = read_file(files[i], &len);
		text_date(date, sizeof(date), stat(files[i], &st) == 0 ? (long long)st.st_mtime : 0,
			  (long long)time(NULL));
		buf_printf(&b, "%3zu  %-10s  ", i + 1, date);
		if (data && compose_from_message(&c, data, len, &err) == 0)
			buf_printf(&b, "%-24.24s  %s", c.to ? c.to : "", c.subject ? c.subject : "");
		else
			buf_puts(&b, files[i]);
		rows = strlist_add(rows, buf_cstr(&b));
		compose_free(&c);
		free(data);
	}
	buf_free(&b);
	buf_free(&err);
	return rows;
}

long ui_compose_pick(struct ui *u, char *const *files)
{
	char **rows = ui_compose_pick_rows(files);
	size_t cur = 0, n = strlist_len(files);
	long r = -2;
	int k;

	while (r == -2) {
		ui_compose_pick_draw(u, files, rows, cur);
		k = ui_key();
		if (k == KEYS_RESIZE)
			ui_compose_resize(u);
		switch (k < 0 ? ACT_NONE : keys_lookup(&u->cfg->keys, k)) {
		case ACT_DOWN: cur += cur + 1 < n; break;
		case ACT_UP: cur -= cur > 0; break;
		case ACT_OPEN: r = (long)cur; break;
		case ACT_BACK: r = -1; break;
		default: break;
		}
	}
	strlist_free(rows);
	return r;
}
