/* ui_compose.c - writing mail as in mutt: m (compose), r (reply), g (group
 * reply), L (list reply), f (forward) and R (recall) from the index and the
 * pager; the message goes through the editor, then the compose screen
 * (ui_compose_screen.c), then to the outbox or the Drafts folder. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "compose_ui.h"
#include "composer.h"
#include "fsutil.h"
#include "i18n.h"
#include "outbox.h"
#include "strlist.h"
#include "xalloc.h"

bool ui_compose_yesno(struct ui *u, const char *question)
{
	int k;

	ui_put(u->rows - 1, 0, question, u->cols, 0, A_BOLD);
	wnoutrefresh(stdscr);
	doupdate();
	while ((k = ui_key()) < 0 || k == KEYS_RESIZE)
		;
	return k == 'y' || k == 'Y';
}

void ui_compose_resize(struct ui *u)
{
	getmaxyx(stdscr, u->rows, u->cols);
	if (u->pg)
		ui_pager_relayout(u);
}

/* ui_compose_editor - run the editor on text (replaced with what the user
 * saved); the editor's exit status, or -1 with a message said */
static int ui_compose_editor(struct ui *u, struct buf *text)
{
	struct buf err = BUF_INIT;
	char *path = NULL, **argv, *data;
	size_t len;
	int st;

	if (composer_tmp(text->data ? text->data : "", text->len, &path, &err) < 0) {
		ui_message(u, "%s", buf_cstr(&err));
		buf_free(&err);
		return -1;
	}
	argv = composer_editor_argv(u->cfg->editor, path);
	def_prog_mode();
	endwin();
	st = composer_run(argv);
	reset_prog_mode();
	clearok(curscr, TRUE);
	data = read_file(path, &len);
	if (st != 0)
		ui_message(u, _("The editor %s ended with status %d."), argv[0], st);
	else if (data == NULL) {
		ui_message(u, _("cannot read %s: %s"), path, strerror(errno));
		st = -1;
	} else {
		buf_reset(text);
		buf_append(text, data, len);
	}
	unlink(path);
	free(data);
	free(path);
	strlist_free(argv);
	return st;
}

bool ui_compose_edit(struct ui *u, struct ui_compose *uc, bool first)
{
	struct buf text = BUF_INIT, before = BUF_INIT, err = BUF_INIT;
	char *q;
	bool ok = false, again;

	compose_editor_text(&uc->c, &text);
	buf_append(&before, text.data ? text.data : "", text.len);
	for (;;) {
		if (ui_compose_editor(u, &text) != 0)
			break;
		if (text.len == before.len && memcmp(text.data, before.data, text.len) == 0) {
			if (first)	/* mutt's abort_unmodified */
				ui_message(u, _("Aborted unmodified message."));
			ok = !first;
			break;
		}
		if (text.len == 0) {
			ui_message(u, _("The file is empty; the message is aborted."));
			break;
		}
		buf_reset(&err);
		if (compose_editor_read(&uc->c, text.data, text.len, &err) == 0) {
			uc->modified = true;
			ok = true;
			break;
		}
		/* L10N: %s says what is wrong in the edited message's file */
		q = xasprintf(_("%s; edit again? (y/n)"), buf_cstr(&err));
		again = ui_compose_yesno(u, q);
		free(q);
		if (!again) {
			ui_message(u, "%s", buf_cstr(&err));
			ok = !first;
			break;
		}
	}
	buf_free(&text);
	buf_free(&before);
	buf_free(&err);
	return ok;
}

/* ui_compose_reload - the lists again, after tags or mail changed */
static void ui_compose_reload(struct ui *u)
{
	struct ui_index *ix;

	for (ix = u->ix; ix; ix = ix->prev)
		mbox_list_reload(ix->list);
	sidebar_count(&u->sb, u->db);
}

/* ui_compose_build - the message as compose_build makes it; false (said) */
static bool ui_compose_build(struct ui *u, struct ui_compose *uc, struct buf *msg)
{
	struct compose_opts o;
	struct buf err = BUF_INIT;
	bool ok;

	composer_opts(&o, u->cfg, uc->sig);
	ok = compose_build(&uc->c, &o, msg, &err) == 0;
	if (!ok)
		ui_message(u, "%s", buf_cstr(&err));
	buf_free(&err);
	return ok;
}

/* ui_compose_forget_draft - the draft it came from is no longer needed */
static void ui_compose_forget_draft(struct ui *u, struct ui_compose *uc)
{
	struct buf err = BUF_INIT;

	if (uc->draft && composer_draft_remove(u->cfg->maildir, uc->draft, &err) < 0)
		ui_message(u, "%s", buf_cstr(&err));
	free(uc->draft);
	uc->draft = NULL;
	buf_free(&err);
}

bool ui_compose_send(struct ui *u, struct ui_compose *uc)
{
	struct buf msg = BUF_INIT, err = BUF_INIT;
	char *sender = NULL, **rcpts = NULL, *id = NULL;
	bool ok = false;

	if (u->ob == NULL) {
		ui_message(u, _("The outbox cannot be opened; the message is not sent."));
		return false;
	}
	if (!ui_compose_build(u, uc, &msg))
		goto out;
	if ((sender = compose_sender(&uc->c, &err)) == NULL ||
	    (rcpts = compose_recipients(&uc->c, &err)) == NULL ||
	    outbox_put(u->ob, msg.data, msg.len, sender, rcpts, strlist_len(rcpts), &id,
		       &err) < 0) {
		ui_message(u, "%s", buf_cstr(&err));
		goto out;
	}
	ok = true;
	ui_outbox_sent(u, id);	/* it takes id */
	u->status[0] = '\0';	/* for the outbox's undo-send countdown */
	/* only now is the original answered (Maildir flag R) or passed (P) */
	if (uc->orig_query && mbox_tag(u->db, uc->orig_query, uc->orig_tag, &err) < 0)
		ui_message(u, "%s", buf_cstr(&err));
	ui_compose_forget_draft(u, uc);
	ui_compose_reload(u);
out:
	free(sender);
	strlist_free(rcpts);
	buf_free(&msg);
	buf_free(&err);
	return ok;
}

bool ui_compose_postpone(struct ui *u, struct ui_compose *uc)
{
	struct buf msg = BUF_INIT, draft = BUF_INIT, err = BUF_INIT;
	char *final = NULL;
	bool ok = false;

	if (!ui_compose_build(u, uc, &msg))
		goto out;
	/* compose_build leaves Bcc out, as sent mail must; the draft keeps it */
	if (uc->c.bcc && *uc->c.bcc)
		buf_printf(&draft, "Bcc: %s\n", uc->c.bcc);
	buf_append(&draft, msg.data, msg.len);
	if (composer_draft_save(u->cfg->maildir, u->cfg->drafts, u->cfg->index_spool, draft.data,
				draft.len, &final, &err) < 0) {
		ui_message(u, "%s", buf_cstr(&err));
		goto out;
	}
	ui_compose_forget_draft(u, uc);
	ui_message(u, _("Message postponed to %s."), u->cfg->drafts);
	ok = true;
out:
	free(final);
	buf_free(&msg);
	buf_free(&draft);
	buf_free(&err);
	return ok;
}

/* ui_compose_thread_newest - the newest message of the thread e heads:
 * its file and query (newly allocated); false when there is none */
static bool ui_compose_thread_newest(struct ui *u, const struct mbox_entry *e, char **file,
				     char **query)
{
	struct buf err = BUF_INIT;
	struct mbox_list *l = mbox_list_new(u->db, e->id, MBOX_THREAD, false, &err);
	size_t i, best = 0;

	if (l == NULL) {
		ui_message(u, "%s", buf_cstr(&err));
		buf_free(&err);
		return false;
	}
	buf_free(&err);
	mbox_list_need(l, (size_t)-2);
	for (i = 1; i < l->n; i++)
		if (l->e[i].date >= l->e[best].date)
			best = i;
	if (l->n > 0 && l->e[best].file) {
		*file = xstrdup(l->e[best].file);
		*query = mbox_query_for(l, &l->e[best]);
	}
	mbox_list_free(l);
	return *file != NULL;
}

/* ui_compose_original - the message r, g, L and f work on: the pager's
 * (*file NULL: its bytes are u->pg->data), else the index's current
 * message (of a thread, its newest) */
static bool ui_compose_original(struct ui *u, char **file, char **query)
{
	struct ui_index *ix = u->ix;
	const struct mbox_entry *e = ix && ix->cur < ix->list->n ? &ix->list->e[ix->cur] : NULL;

	*file = *query = NULL;
	if (u->pg) {	/* its file may have been renamed since (flag S) */
		if (e && e->file && strcmp(e->file, u->pg->file) == 0)
			*query = mbox_query_for(ix->list, e);
		return true;
	}
	if (e == NULL) {
		ui_message(u, _("No message to work on."));
		return false;
	}
	if (ix->list->kind == MBOX_THREADS)
		return ui_compose_thread_newest(u, e, file, query);
	*file = xstrdup(e->file);
	*query = mbox_query_for(ix->list, e);
	return true;
}

/* ui_compose_derive - a reply or forward of the original into uc */
static bool ui_compose_derive(struct ui *u, struct ui_compose *uc, int action,
			      const struct compose_opts *o)
{
	static const enum compose_reply_kind kinds[] = { COMPOSE_REPLY, COMPOSE_GROUP,
							  COMPOSE_LIST };
	struct buf err = BUF_INIT;
	char *file, *data = NULL;
	size_t len;
	bool inline_fwd = true;
	int r = -1;

	if (!ui_compose_original(u, &file, &uc->orig_query))
		return false;
	if (action == ACT_FORWARD)	/* mutt's mime_forward=ask-no */
		inline_fwd = !ui_compose_yesno(u, _("Forward as attachment? (y/n)"));
	if (file == NULL) {
		len = u->pg->len;
		data = xmalloc(len + 1);
		memcpy(data, u->pg->data, len);
		data[len] = '\0';
	} else if ((data = read_file(file, &len)) == NULL)
		buf_printf(&err, _("cannot read %s: %s"), file, strerror(errno));
	if (data && action == ACT_FORWARD)
		r = compose_forward(&uc->c, o, !inline_fwd, data, len, &err);
	else if (data)
		r = compose_reply(&uc->c, o, kinds[action - ACT_REPLY], data, len, &err);
	uc->orig_tag = action == ACT_FORWARD ? "+passed" : "+replied";
	if (r < 0)
		ui_message(u, "%s", buf_cstr(&err));
	free(file);
	free(data);
	buf_free(&err);
	return r == 0;
}

/* ui_compose_recall - R: a postponed message back into the compose screen */
static bool ui_compose_recall(struct ui *u, struct ui_compose *uc)
{
	char **files = composer_draft_list(u->cfg->maildir, u->cfg->drafts), *data;
	struct buf err = BUF_INIT;
	long i = 0;
	size_t len;
	bool ok = false;

	if (files[0] == NULL)
		ui_message(u, _("No postponed messages."));
	else if (files[1] != NULL)
		i = ui_compose_pick(u, files);
	if (files[0] == NULL || i < 0) {
		strlist_free(files);
		return false;
	}
	if ((data = read_file(files[i], &len)) == NULL)
		ui_message(u, _("cannot read %s: %s"), files[i], strerror(errno));
	else if (compose_from_message(&uc->c, data, len, &err) < 0)
		ui_message(u, "%s", buf_cstr(&err));
	else {
		uc->draft = xstrdup(files[i]);
		ok = true;
	}
	free(data);
	buf_free(&err);
	strlist_free(files);
	return ok;
}

void ui_compose_key(struct ui *u, int action)
{
	struct ui_compose uc;
	struct compose_opts o;
	bool ok;

	memset(&uc, 0, sizeof(uc));
	compose_init(&uc.c);
	uc.sig = composer_signature(u->cfg->signature);
	composer_opts(&o, u->cfg, uc.sig);
	if (action == ACT_RECALL)
		ok = ui_compose_recall(u, &uc);
	else if (action == ACT_COMPOSE) {
		compose_new(&uc.c, &o);
		ok = true;
	} else
		ok = ui_compose_derive(u, &uc, action, &o);
	uc.c.flowed = uc.c.flowed || u->cfg->flowed;
	if (ok && action != ACT_RECALL)
		ok = ui_compose_edit(u, &uc, true);
	uc.modified = action != ACT_RECALL;
	if (ok)
		ui_compose_screen(u, &uc);
	compose_free(&uc.c);
	free(uc.sig);
	free(uc.orig_query);
	free(uc.draft);
}
