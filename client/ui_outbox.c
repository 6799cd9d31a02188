/* ui_outbox.c - the outbox in the client (ui.h): the tick that submits
 * what is due, the countdown on the status line with undo-send, and the
 * outbox screen listing mail not yet delivered (ui_outbox_rows.c). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "i18n.h"
#include "maildir.h"
#include "ui.h"
#include "ui_outbox.h"
#include "xalloc.h"

void ui_outbox_open(struct ui *u)
{
	struct buf err = BUF_INIT;

	u->ob = outbox_open(&u->cfg->outbox, &err);
	if (u->ob == NULL)
		ui_message(u, _("No outbox, sending is off: %s"), buf_cstr(&err));
	buf_free(&err);
}

void ui_outbox_close(struct ui *u)
{
	ui_outbox_screen_free(u);
	outbox_close(u->ob);
	u->ob = NULL;
	free(u->ob_last);
	u->ob_last = NULL;
}

void ui_outbox_sent(struct ui *u, char *id)
{
	free(u->ob_last);
	u->ob_last = id;
	u->ob_tick = 0;		/* count down from now */
}

/* ui_outbox_countdown - the status line while the last message waits */
static void ui_outbox_countdown(struct ui *u, time_t now)
{
	struct buf keys = BUF_INIT;

	if (u->ob_last == NULL || u->ob_due == 0 || u->ob_due < now ||
	    (u->status[0] && !u->ob_counting)) {
		if (u->ob_counting)
			u->status[0] = '\0';
		u->ob_counting = false;
		return;
	}
	keys_of(&u->cfg->keys, ACT_UNDO_SEND, &keys);
	/* L10N: the countdown of undo-send; %s is the key that takes it back */
	ui_message(u, _("Sending in %lld s (%s: take it back)"), (long long)(u->ob_due - now),
		   buf_cstr(&keys));
	u->ob_counting = true;
	buf_free(&keys);
}

bool ui_outbox_tick(struct ui *u)
{
	struct buf note = BUF_INIT;
	time_t now = time(NULL);

	if (u->ob == NULL)
		return false;
	if (now != u->ob_tick) {	/* at most once a second, keys or not */
		u->ob_tick = now;
		u->ob_busy = outbox_tick(u->ob, now, &u->ob_due, &note) > 0;
		if (note.len) {
			ui_message(u, "%s", buf_cstr(&note));
			u->ob_counting = false;
		} else
			ui_outbox_countdown(u, now);
		if (u->obs)
			ui_outbox_reload(u);
	}
	buf_free(&note);
	return u->ob_busy || u->obs != NULL;
}

/* ui_outbox_reopen - a message taken back: to compose again; until the
 * compose screen offers that, it is kept as a draft (Drafts, flag D) so
 * that nothing taken back is lost */
void ui_outbox_reopen(struct ui *u, const struct buf *msg)
{
	struct maildir_tmp t;
	struct dsn d;
	char *dir = maildir_folder_path(u->cfg->maildir, "Drafts", true, &d);
	int rc = -1;

	if (dir && maildir_tmp_open(&t, dir, &d) == 0) {
		if (maildir_tmp_write(&t, msg->data, msg->len, &d) == 0 &&
		    maildir_tmp_sync(&t, &d) == 0)
			rc = maildir_tmp_link(&t, dir, "DS", NULL, &d);
		maildir_tmp_close(&t);
	}
	if (rc < 0)
		ui_message(u, _("Taken back, but not saved: %s"), d.text);
	else
		ui_message(u, "%s", _("Taken back: the message is in Drafts."));
	free(dir);
}

/* ui_outbox_undo - take back the message last sent */
static void ui_outbox_undo(struct ui *u)
{
	struct buf msg = BUF_INIT, err = BUF_INIT;

	u->ob_counting = false;
	if (u->ob == NULL || u->ob_last == NULL)
		ui_message(u, "%s", _("Nothing to take back."));
	else if (outbox_take(u->ob, u->ob_last, &msg, &err) < 0)
		ui_message(u, _("Too late: %s"), buf_cstr(&err));
	else
		ui_outbox_reopen(u, &msg);
	free(u->ob_last);
	u->ob_last = NULL;
	u->ob_tick = 0;
	buf_free(&msg);
	buf_free(&err);
}

bool ui_outbox_key(struct ui *u, int action)
{
	if (action == ACT_UNDO_SEND) {
		ui_outbox_undo(u);
		return true;
	}
	if (u->obs) {
		ui_outbox_screen_key(u, action);
		return true;
	}
	if (action != ACT_OUTBOX)
		return false;
	if (u->ob == NULL)
		ui_message(u, "%s", _("No outbox: sending is off."));
	else
		ui_outbox_screen_open(u);
	return true;
}
